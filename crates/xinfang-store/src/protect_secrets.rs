//! Secrets brought up to the keys (issue #20; part of [`Store::protect`]):
//! staff TOTP secrets (`second_factors.secret`), webhook signing secrets
//! (`webhooks.secret`) and stored submission answers
//! (`idempotency_keys.replay`, which carry query codes) that an older
//! version stored in plaintext are sealed, and after a data-key rotation
//! re-sealed under the active key. In the clear they would let whoever
//! copies the database forge a second factor or a delivery signature, or
//! open a petitioner's tracking view.

use crate::{pii, Store, StoreError};
use sqlx::Row;

/// (table, secret column). Each stored value is unique (random secrets;
/// replays name their case), so a row is addressed by its old value; a
/// letter scan's read text (`attachments.ocr_text`, issue #22: ID numbers
/// and phones) is unique but for the same scan attached twice, whose rows
/// then take the same new value — still the same text.
const SECRETS: [(&str, &str); 4] = [
    ("second_factors", "secret"),
    ("webhooks", "secret"),
    ("idempotency_keys", "replay"),
    ("attachments", "ocr_text"),
];

/// Rows per write transaction.
const BATCH: i64 = 200;

impl Store {
    /// Seal plaintext secrets, re-seal old ciphertext; the rows changed.
    pub(crate) async fn protect_secrets(&self) -> Result<u64, StoreError> {
        let ring = crate::keys::require()?;
        let active = format!("v1:{}:%", ring.active_data_key());
        let mut n = 0;
        for (table, col) in SECRETS {
            loop {
                let rows = sqlx::query(&format!(
                    "SELECT {col} FROM {table} WHERE {col} <> '' AND {col} NOT LIKE $1 LIMIT $2"
                ))
                .bind(&active)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
                if rows.is_empty() {
                    break;
                }
                let (mut tx, _g) = self.write_tx().await?;
                for r in &rows {
                    let old: String = r.try_get(col)?;
                    let sealed = ring.seal(&pii::open_text(&old)?)?;
                    n += sqlx::query(&format!("UPDATE {table} SET {col} = $1 WHERE {col} = $2"))
                        .bind(sealed)
                        .bind(&old)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
            }
        }
        Ok(n)
    }
}
