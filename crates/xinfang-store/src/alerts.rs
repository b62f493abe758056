//! Clock alerts (临期 / 超期) raised by the scanner. The unique key
//! (case, clock, stage, grade) makes each alert fire exactly once.

use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::Val;
use crate::scope::push_scope;
use crate::CaseScope;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// An alert to raise.
pub struct NewAlert<'a> {
    pub case_id: i64,
    pub clock: &'a str,
    pub stage: &'a str,
    pub grade: &'a str,
    pub due: &'a str,
    pub unit_id: i64,
}

/// A raised alert, for inboxes.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AlertRow {
    pub case_no: String,
    pub clock: String,
    pub stage: String,
    pub grade: String,
    pub due: String,
    pub unit_id: i64,
    pub raised_at: String,
}

impl Store {
    /// Insert unless already raised; true when new.
    pub async fn raise_alert(&self, a: &NewAlert<'_>) -> Result<bool, StoreError> {
        Ok(self.raise_alerts(std::slice::from_ref(a)).await?[0])
    }

    /// Insert each alert unless already raised, all in ONE transaction (one
    /// commit, one fsync — the scanner raises thousands on its first pass,
    /// and a commit per alert made that pass take seconds on PostgreSQL);
    /// for each alert, true when new.
    pub async fn raise_alerts(&self, alerts: &[NewAlert<'_>]) -> Result<Vec<bool>, StoreError> {
        if alerts.is_empty() {
            return Ok(vec![]);
        }
        let now = crate::now_text();
        let (mut tx, _g) = self.write_tx().await?;
        let mut new = Vec::with_capacity(alerts.len());
        for a in alerts {
            let res = sqlx::query(
                "INSERT INTO clock_alerts (case_id, clock, stage, grade, due, unit_id, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            )
            .bind(a.case_id)
            .bind(a.clock)
            .bind(a.stage)
            .bind(a.grade)
            .bind(a.due)
            .bind(a.unit_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            new.push(res.rows_affected() == 1);
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Alerts for units under the path prefix ("/1/4/") on cases `scope`
    /// may see, newest first.
    pub async fn alerts_under(
        &self,
        path_prefix: &str,
        scope: &CaseScope,
        limit: i64,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut sql = String::from(
            "SELECT c.case_no, a.clock, a.stage, a.grade, a.due, a.unit_id, a.raised_at FROM clock_alerts a JOIN cases c ON c.id = a.case_id JOIN units u ON u.id = a.unit_id \
             WHERE u.path LIKE $1",
        );
        let mut binds = vec![Val::S(format!("{path_prefix}%")), Val::I(limit)];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(" ORDER BY a.id DESC LIMIT $2");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AlertRow {
                    case_no: r.try_get("case_no")?,
                    clock: r.try_get("clock")?,
                    stage: r.try_get("stage")?,
                    grade: r.try_get("grade")?,
                    due: r.try_get("due")?,
                    unit_id: r.try_get("unit_id")?,
                    raised_at: r.try_get("raised_at")?,
                })
            })
            .collect()
    }
}
