//! The attachments not yet read (migration 0049): every letter, photo or PDF
//! uploaded on any path — the registration form, the portal's 证明材料, the
//! API — is read by one background reader, which takes them here in upload
//! order and stores their text (`set_attachment_text`) or marks them as read
//! without text, so the search finds what a scan says whichever way it came.
//! With several `serve` nodes on one database each reader claims what it
//! takes for a while (`claim_unread_scans`), so a scan is read by one node,
//! and by another only when the first let its claim lapse.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use sqlx::Row;

/// An attachment waiting to be read, with its bytes.
#[derive(Clone, Debug)]
pub struct UnreadScan {
    pub id: i64,
    pub case_id: i64,
    pub case_no: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

impl Store {
    /// Claim up to `limit` attachments not yet read and not claimed by
    /// another reader (or whose claim lapsed), oldest first, for `lease`:
    /// until then no other reader takes them. On PostgreSQL rows another
    /// node is claiming at this moment are skipped, not waited for.
    pub async fn claim_unread_scans(
        &self,
        limit: i64,
        lease: std::time::Duration,
    ) -> Result<Vec<UnreadScan>, StoreError> {
        let now = crate::shanghai_now();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let skip_locked = match self.dialect {
            crate::Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            crate::Dialect::Sqlite => "",
        };
        let (mut tx, _g) = self.write_tx().await?;
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM attachments WHERE ocr_text IS NULL \
             AND (ocr_claimed_until IS NULL OR ocr_claimed_until <= $1) ORDER BY id LIMIT $2{skip_locked}"
        ))
        .bind(crate::fmt_time(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(vec![]);
        }
        let among = placeholders(2, ids.len());
        let sql = format!("UPDATE attachments SET ocr_claimed_until = $1 WHERE id IN ({among})");
        let mut claim = sqlx::query(&sql).bind(crate::fmt_time(until));
        for id in &ids {
            claim = claim.bind(*id);
        }
        claim.execute(&mut *tx).await?;
        tx.commit().await?;
        let among = placeholders(1, ids.len());
        let sql = format!(
            "SELECT a.id, a.case_id, c.case_no, a.sha256, a.content \
             FROM attachments a JOIN cases c ON c.id = a.case_id WHERE a.id IN ({among}) ORDER BY a.id"
        );
        let mut read = sqlx::query(&sql);
        for id in &ids {
            read = read.bind(*id);
        }
        let mut out = Vec::with_capacity(ids.len());
        for r in read.fetch_all(&self.pool).await? {
            out.push(UnreadScan {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                case_no: r.try_get("case_no")?,
                sha256: r.try_get("sha256")?,
                content: r.try_get("content")?,
            });
        }
        Ok(out)
    }

    /// Mark an attachment read without text (not a letter, a blank page, a
    /// refused file), so it is not read again. Returns whether it was
    /// waiting.
    pub async fn set_attachment_unreadable(
        &self,
        case_id: i64,
        attachment_id: i64,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE attachments SET ocr_text = '' WHERE id = $1 AND case_id = $2 AND ocr_text IS NULL",
        )
        .bind(attachment_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n > 0)
    }

    /// How many attachments wait to be read.
    pub async fn unread_scan_count(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COUNT(*) AS n FROM attachments WHERE ocr_text IS NULL")
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?,
        )
    }
}
