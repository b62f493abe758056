//! What the search index reads: the outbox after a cursor (written in the
//! same transaction as every case change) and cases by id, for the outbox
//! consumer and for a full rebuild; and the text read from a case's letter
//! scans (issue #22), which is indexed with the case's own words. Reads
//! only, but for [`Store::set_attachment_text`], which writes a scan's text
//! once and queues the case for the index in the same transaction. The index
//! is a cache.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use sqlx::Row;
use std::collections::HashMap;
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
        rows.iter()
            .map(|r| {
                Ok(OutboxRow {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                })
            })
            .collect()
    }

    /// The highest outbox id (0 when empty).
    pub async fn max_outbox_id(&self) -> Result<i64, StoreError> {
        self.highest("outbox", "id").await
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
                let json: String = r.try_get("state_json")?;
                out.push((r.try_get("id")?, crate::pii::parse_state(&json)?));
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
            let json: String = r.try_get("state_json")?;
            out.push((r.try_get("id")?, crate::pii::parse_state(&json)?));
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
            let json: String = r.try_get("state_json")?;
            out.push(crate::pii::parse_state(&json)?);
        }
        Ok(out)
    }

    /// Store the text read from attachment `attachment_id` of case `case_id`
    /// (sealed when keys are loaded: a letter carries ID numbers and phones)
    /// and queue the case for the search index, in one transaction. Written
    /// once: a text already stored is kept (nothing registered is
    /// rewritten). Returns whether this call stored it.
    pub async fn set_attachment_text(
        &self,
        case_id: i64,
        attachment_id: i64,
        text: &str,
    ) -> Result<bool, StoreError> {
        let sealed = crate::pii::seal_opt(Some(text))?.unwrap_or_default();
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE attachments SET ocr_text = $1 WHERE id = $2 AND case_id = $3 AND ocr_text IS NULL",
        )
        .bind(&sealed)
        .bind(attachment_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            sqlx::query("INSERT INTO outbox (case_id, created_at) VALUES ($1, $2)")
                .bind(case_id)
                .bind(crate::now_text())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    /// The read text of each case's attachments, in upload order joined by
    /// newlines, for these cases (by id); cases without any are absent.
    pub async fn scan_texts(&self, ids: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
        let mut out: HashMap<i64, String> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT case_id, ocr_text FROM attachments WHERE ocr_text IS NOT NULL AND case_id IN ({}) ORDER BY case_id, id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                let text = crate::pii::reveal_text(r.try_get("ocr_text")?);
                let all = out.entry(r.try_get("case_id")?).or_default();
                if !all.is_empty() {
                    all.push('\n');
                }
                all.push_str(&text);
            }
        }
        Ok(out)
    }

    /// The read text of one attachment, if it was read.
    pub async fn attachment_text(
        &self,
        case_id: i64,
        attachment_id: i64,
    ) -> Result<Option<String>, StoreError> {
        let text: Option<Option<String>> =
            sqlx::query_scalar("SELECT ocr_text FROM attachments WHERE id = $1 AND case_id = $2")
                .bind(attachment_id)
                .bind(case_id)
                .fetch_optional(&self.pool)
                .await?;
        match text.flatten() {
            Some(s) => Ok(Some(crate::pii::open_text(&s)?)),
            None => Ok(None),
        }
    }
}
