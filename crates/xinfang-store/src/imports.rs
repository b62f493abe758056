//! The historical-case import writes every row in ONE transaction: each case
//! is registered exactly as intake registers it (number, projection, 件次,
//! chained event), marked in `case_imports` with its file row, and one audit
//! entry records the batch. The historical steps of its 办理状态 (decided by
//! the domain in `xinfang-app`'s import) follow as chained events with their
//! projections, in the same transaction. Any failure rolls back the whole file.

use crate::cases::{append_event_tx, insert_case_tx, NewCaseRecord, Projection};
use crate::chain::log;
use crate::error::StoreError;
use crate::Store;

/// One row to import.
pub struct ImportedCase {
    pub record: NewCaseRecord,
    /// 1-based row number in the worksheet (the header is row 1).
    pub row_no: i64,
    /// 办理状态 as recorded by the source system.
    pub source_status: String,
    /// The historical steps after registration, in order.
    pub steps: Vec<ImportedStep>,
}

/// One historical step of an imported case: the event, the case after it
/// (its number is filled in here) and the projection of that state.
pub struct ImportedStep {
    pub event: xinfang_domain::case::CaseEvent,
    pub after: xinfang_domain::case::Case,
    pub expected_version: u64,
    pub projection: Projection,
}

impl Store {
    /// Register all rows or none; returns the case numbers in row order.
    pub async fn import_cases(
        &self,
        batch: &str,
        actor: &str,
        rows: Vec<ImportedCase>,
    ) -> Result<Vec<String>, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let mut numbers = Vec::with_capacity(rows.len());
        let mut cur = crate::chain::lock_head(&mut tx).await?;
        for mut r in rows {
            let (id, case_no, _) = insert_case_tx(&mut tx, &mut cur, &mut r.record, true).await?;
            sqlx::query(
                "INSERT INTO case_imports (case_id, batch, row_no, source_status, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(batch)
            .bind(r.row_no)
            .bind(&r.source_status)
            .bind(actor)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            for mut step in r.steps {
                step.after.case_no = case_no.clone();
                append_event_tx(
                    &mut tx,
                    Some(&mut cur),
                    id,
                    step.expected_version,
                    &step.after,
                    &step.event,
                    &step.projection,
                    None,
                )
                .await?;
            }
            numbers.push(case_no);
        }
        crate::chain::store_head(&mut tx, &cur).await?;
        log(
            &mut tx,
            "import",
            "cases_imported",
            actor,
            serde_json::json!({ "batch": batch, "cases": numbers.len(), "first": numbers.first(), "last": numbers.last() }),
        )
        .await?;
        tx.commit().await?;
        Ok(numbers)
    }

    /// How many cases came from imports.
    pub async fn imported_count(&self) -> Result<i64, StoreError> {
        use sqlx::Row;
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM case_imports")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }
}
