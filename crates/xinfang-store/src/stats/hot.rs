//! The texts hot-issue detection reads: per case registered in a period, its
//! registration date, category and request (the first 200 characters kept in
//! the projection), within the viewer's scope.

use crate::error::StoreError;
use crate::stats::{CountParts, StatsScope};
use crate::Store;
use sqlx::Row;

impl Store {
    /// (registered_on, category or "", request) of cases registered in [from, to].
    pub async fn case_texts(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let sql = |p: &CountParts| {
            format!(
                "SELECT c.registered_on, COALESCE(c.category, '') AS category, c.request FROM cases c \
                 WHERE c.registered_on >= $1 AND c.registered_on <= $2{}",
                p.scope
            )
        };
        self.fetch_window_rows(sql, from, to, scope)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("registered_on")?,
                    r.try_get("category")?,
                    r.try_get("request")?,
                ))
            })
            .collect()
    }
}
