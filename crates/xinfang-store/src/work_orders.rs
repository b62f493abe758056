//! Work orders of other platforms (12345, a provincial platform; issue #19):
//! the platform's own id, unique per source, and the case it became. The
//! row is written BEFORE the registration as a lock — a second request with
//! the same id finds it and waits for the first — and completed with the
//! case number afterwards, with a chained audit entry.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use sqlx::Row;
use std::collections::HashMap;

/// What [`Store::reserve_work_order`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// The id is new and now held by the caller: register, then complete.
    Reserved,
    /// Already registered as this case.
    Registered { case_id: i64, case_no: String },
    /// Another request is registering it since `since`.
    InProgress { since: String },
}

impl Store {
    /// Hold `(source, external_id)` for a registration, unless it exists.
    pub async fn reserve_work_order(
        &self,
        source: &str,
        external_id: &str,
        by: &str,
        now: &str,
    ) -> Result<Reservation, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let inserted = sqlx::query("INSERT INTO work_orders (source, external_id, created_by, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(source)
            .bind(external_id)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let out = if inserted == 1 {
            Reservation::Reserved
        } else {
            let r = sqlx::query("SELECT case_id, case_no, created_at FROM work_orders WHERE source = $1 AND external_id = $2")
                .bind(source)
                .bind(external_id)
                .fetch_one(&mut *tx)
                .await?;
            match (
                r.try_get::<Option<i64>, _>("case_id")?,
                r.try_get::<Option<String>, _>("case_no")?,
            ) {
                (Some(case_id), Some(case_no)) => Reservation::Registered { case_id, case_no },
                _ => Reservation::InProgress {
                    since: r.try_get("created_at")?,
                },
            }
        };
        tx.commit().await?;
        Ok(out)
    }

    /// Take over a registration that has been in progress since `since`
    /// (its process died): true when this caller now holds it.
    pub async fn take_over_work_order(
        &self,
        source: &str,
        external_id: &str,
        since: &str,
        by: &str,
        now: &str,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE work_orders SET created_at = $1, created_by = $2 WHERE source = $3 AND external_id = $4 AND case_id IS NULL AND created_at = $5")
            .bind(now)
            .bind(by)
            .bind(source)
            .bind(external_id)
            .bind(since)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The registration failed (the input was refused): let go of the id,
    /// so the platform can send the corrected order under it.
    pub async fn release_work_order(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query(
            "DELETE FROM work_orders WHERE source = $1 AND external_id = $2 AND case_id IS NULL",
        )
        .bind(source)
        .bind(external_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The order was registered as `case_no` (audited).
    pub async fn complete_work_order(
        &self,
        source: &str,
        external_id: &str,
        case_no: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE work_orders SET case_id = (SELECT id FROM cases WHERE case_no = $1), case_no = $1 WHERE source = $2 AND external_id = $3")
            .bind(case_no)
            .bind(source)
            .bind(external_id)
            .execute(&mut *tx)
            .await?;
        let entry =
            serde_json::json!({ "source": source, "external_id": external_id, "case_no": case_no });
        crate::chain::log(&mut tx, "work_order", "work_order_registered", by, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// (source, external id) of the work orders behind each case.
    pub async fn work_orders_of(
        &self,
        case_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<(String, String)>>, StoreError> {
        let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for chunk in case_ids.chunks(500) {
            let sql = format!(
                "SELECT case_id, source, external_id FROM work_orders WHERE case_id IN ({}) ORDER BY created_at, source, external_id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.entry(r.try_get("case_id")?)
                    .or_default()
                    .push((r.try_get("source")?, r.try_get("external_id")?));
            }
        }
        Ok(out)
    }
}
