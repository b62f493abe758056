//! Secrets brought up to the keys (issue #20; part of [`Store::protect`]):
//! staff TOTP secrets (`second_factors.secret`) and webhook signing
//! secrets (`webhooks.secret`) an older version stored in plaintext are
//! sealed, and after a data-key rotation re-sealed under the active key.
//! Either in the clear would let whoever copies the database forge a
//! second factor or a delivery signature.

use crate::{pii, Store, StoreError};
use sqlx::Row;

/// (table, key column, secret column).
const SECRETS: [(&str, &str, &str); 2] = [
    ("second_factors", "user_id", "secret"),
    ("webhooks", "id", "secret"),
];

impl Store {
    /// Seal plaintext secrets, re-seal old ciphertext; the rows changed.
    pub(crate) async fn protect_secrets(&self) -> Result<u64, StoreError> {
        let ring = crate::keys::require()?;
        let active = format!("v1:{}:%", ring.active_data_key());
        let mut n = 0;
        for (table, key, col) in SECRETS {
            let rows = sqlx::query(&format!(
                "SELECT {key}, {col} FROM {table} WHERE {col} <> '' AND {col} NOT LIKE $1"
            ))
            .bind(&active)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                continue;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for r in &rows {
                let (id, old): (i64, String) = (r.get(0), r.get(1));
                let sealed = ring.seal(&pii::open_text(&old)?)?;
                n += sqlx::query(&format!(
                    "UPDATE {table} SET {col} = $1 WHERE {key} = $2 AND {col} = $3"
                ))
                .bind(sealed)
                .bind(id)
                .bind(&old)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(n)
    }
}
