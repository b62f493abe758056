//! The 件次 list (来信来访登记簿): every registration of a petition — a first
//! submission or a repeat of an earlier matter — one row each, under the
//! same filter and scope as the case list (`filter.rs`, `scope.rs`), so a
//! dashboard's 件次 figure, this list and its export count the same rows.

use crate::error::StoreError;
use crate::filter::CaseFilter;
use crate::rows::Val;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// One 件次 with its case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubmissionListRow {
    pub registered_at: String,
    pub channel: String,
    /// The registering unit.
    pub unit_id: i64,
    pub persons: i64,
    pub skip_level: bool,
    pub is_repeat: bool,
    pub case_no: String,
    pub petitioner_names: String,
    pub request: String,
}

impl Store {
    /// A page of 件次 matching the filter (its period on the 件次's own
    /// date), newest first or, with `oldest`, oldest first.
    pub async fn list_submissions(
        &self,
        f: &CaseFilter,
        oldest: bool,
    ) -> Result<Vec<SubmissionListRow>, StoreError> {
        let (cond, mut binds) = f.submission_conditions();
        binds.push(Val::I(if f.limit > 0 { f.limit } else { 50 }));
        binds.push(Val::I(f.offset));
        let sql = format!(
            "SELECT s.registered_at, s.channel, s.unit_id, s.persons, s.skip_level, s.is_repeat, \
             c.case_no, c.petitioner_names, c.request \
             FROM submissions s JOIN cases c ON c.id = s.case_id WHERE 1 = 1{cond} \
             ORDER BY s.registered_at {dir}, s.id {dir} LIMIT ${} OFFSET ${}",
            binds.len() - 1,
            binds.len(),
            dir = if oldest { "ASC" } else { "DESC" },
        );
        let rows = crate::db::bind_all(sqlx::query(&sql), binds)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SubmissionListRow {
                    registered_at: r.try_get("registered_at")?,
                    channel: r.try_get("channel")?,
                    unit_id: r.try_get("unit_id")?,
                    persons: r.try_get("persons")?,
                    skip_level: r.try_get::<i64, _>("skip_level")? != 0,
                    is_repeat: r.try_get::<i64, _>("is_repeat")? != 0,
                    case_no: r.try_get("case_no")?,
                    petitioner_names: r.try_get("petitioner_names")?,
                    request: r.try_get("request")?,
                })
            })
            .collect()
    }
}
