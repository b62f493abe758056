//! What the search index reads: the outbox after a cursor (written in the
//! same transaction as every case change) and cases by id, for the outbox
//! consumer and for a full rebuild. Reads only; the index is a cache.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use sqlx::Row;
use xinfang_domain::case::Case;

/// One outbox row: a case changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub case_id: i64,
}

impl Store {
    /// Outbox rows with id > `after`, oldest first, at most `limit`.
    pub async fn outbox_after(&self, after: i64, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
        let rows = sqlx::query("SELECT id, case_id FROM outbox WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| OutboxRow {
                id: r.get(0),
                case_id: r.get(1),
            })
            .collect())
    }

    /// The highest outbox id (0 when empty).
    pub async fn max_outbox_id(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM outbox")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get::<i64, _>(0))
    }

    /// These cases (by id) with their state; missing ids are skipped.
    pub async fn cases_by_ids(&self, ids: &[i64]) -> Result<Vec<(i64, Case)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, state_json FROM cases WHERE id IN ({}) ORDER BY id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                let json: String = r.get(1);
                out.push((r.get(0), crate::pii::parse_state(&json)?));
            }
        }
        Ok(out)
    }

    /// A page of all cases by id (rebuilding the index).
    pub async fn cases_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Case)>, StoreError> {
        let rows =
            sqlx::query("SELECT id, state_json FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let json: String = r.get(1);
            out.push((r.get(0), crate::pii::parse_state(&json)?));
        }
        Ok(out)
    }

    /// These cases by number (checking search hits against the scope rule).
    pub async fn cases_by_nos(&self, nos: &[String]) -> Result<Vec<Case>, StoreError> {
        if nos.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT state_json FROM cases WHERE case_no IN ({})",
            placeholders(1, nos.len())
        );
        let mut q = sqlx::query(&sql);
        for n in nos {
            q = q.bind(n);
        }
        let mut out = Vec::with_capacity(nos.len());
        for r in q.fetch_all(&self.pool).await? {
            let json: String = r.get(0);
            out.push(crate::pii::parse_state(&json)?);
        }
        Ok(out)
    }
}
