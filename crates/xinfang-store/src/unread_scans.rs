//! The attachments not yet read (migration 0049): every letter, photo or PDF
//! uploaded on any path — the registration form, the portal's 证明材料, the
//! API — is read by one background reader, which takes them here in upload
//! order and stores their text (`set_attachment_text`) or marks them as read
//! without text, so the search finds what a scan says whichever way it came.

use crate::error::StoreError;
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
    /// Up to `limit` attachments not yet read, oldest first.
    pub async fn unread_scans(&self, limit: i64) -> Result<Vec<UnreadScan>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.case_id, c.case_no, a.sha256, a.content \
             FROM attachments a JOIN cases c ON c.id = a.case_id \
             WHERE a.ocr_text IS NULL ORDER BY a.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnreadScan {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    case_no: r.try_get("case_no")?,
                    sha256: r.try_get("sha256")?,
                    content: r.try_get("content")?,
                })
            })
            .collect()
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
