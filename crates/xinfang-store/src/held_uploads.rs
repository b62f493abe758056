//! Files held for a form shown again (migration 0048): a registration at the
//! window or an online submission that came back with a mistake (422) keeps
//! the files it carried, so the corrected form registers them without the
//! user choosing them again — bad input loses nothing already accepted. A
//! held file is found by its random token *and* its owner, and marked taken
//! when the form registers; the audit log records the holding by hash.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use sqlx::Row;

/// A file held for a form: its token, name and bytes.
#[derive(Clone, Debug)]
pub struct HeldUpload {
    pub token: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// Most files one form can bring back (the attachment limit is five).
const MOST: usize = 16;

impl Store {
    /// Hold `files` (token, name, bytes) for `owner` (`user:NAME` for a
    /// registrar, `portal` for the petitioners' site), in one transaction
    /// with its audit entry (hashes and sizes, never the content).
    pub async fn hold_uploads(&self, owner: &str, files: &[HeldUpload]) -> Result<(), StoreError> {
        if files.is_empty() {
            return Ok(());
        }
        let at = crate::now_text();
        let (mut tx, _g) = self.write_tx().await?;
        for f in files {
            sqlx::query(
                "INSERT INTO held_uploads (token, owner, file_name, content, held_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&f.token)
            .bind(owner)
            .bind(&f.file_name)
            .bind(f.content.clone())
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        let listed: Vec<_> = files
            .iter()
            .map(|f| {
                use sha2::Digest;
                serde_json::json!({
                    "sha256": hex::encode(sha2::Sha256::digest(&f.content)),
                    "size": f.content.len(),
                })
            })
            .collect();
        crate::chain::log(
            &mut tx,
            "audit",
            "uploads_held",
            owner,
            serde_json::json!({ "files": listed }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The files `owner` holds under these tokens and has not yet used, in
    /// the order the tokens are given; unknown, foreign or taken tokens are
    /// skipped.
    pub async fn held_uploads(
        &self,
        owner: &str,
        tokens: &[String],
    ) -> Result<Vec<HeldUpload>, StoreError> {
        let tokens: Vec<&String> = tokens.iter().take(MOST).collect();
        if tokens.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT token, file_name, content FROM held_uploads \
             WHERE owner = $1 AND taken_at IS NULL AND token IN ({})",
            placeholders(2, tokens.len())
        );
        let mut q = sqlx::query(&sql).bind(owner);
        for t in &tokens {
            q = q.bind(t.as_str());
        }
        let mut found = vec![];
        for r in q.fetch_all(&self.pool).await? {
            found.push(HeldUpload {
                token: r.try_get("token")?,
                file_name: r.try_get("file_name")?,
                content: r.try_get("content")?,
            });
        }
        found.sort_by_key(|h| tokens.iter().position(|t| **t == h.token));
        Ok(found)
    }

    /// Mark held files used: the form they came back with has registered.
    pub async fn take_held_uploads(&self, tokens: &[String]) -> Result<(), StoreError> {
        if tokens.is_empty() {
            return Ok(());
        }
        let (mut tx, _g) = self.write_tx().await?;
        let sql = format!(
            "UPDATE held_uploads SET taken_at = $1 WHERE taken_at IS NULL AND token IN ({})",
            placeholders(2, tokens.len())
        );
        let mut q = sqlx::query(&sql).bind(crate::now_text());
        for t in tokens {
            q = q.bind(t.as_str());
        }
        q.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
