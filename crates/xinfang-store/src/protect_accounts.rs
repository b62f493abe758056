//! Petitioner accounts brought up to the keys (issue #20 item 1; part of
//! [`Store::protect`]): accounts, sign-in codes and sessions an older
//! version stored under the plain phone get the phone's blind index as
//! their key (the account's sealed copy of the number beside it, the
//! checked ID number sealed), and — after a data-key rotation — sealed
//! values are sealed again under the active key.
//!
//! One account per transaction with its codes and sessions, so a session
//! always finds its account (they join on the stored key).

use crate::pii;
use crate::{Store, StoreError};
use sqlx::Row;

/// Rows per pass over a table.
const BATCH: i64 = 200;

impl Store {
    /// Convert plain account rows and re-seal old ciphertext; the number of
    /// rows changed.
    pub(crate) async fn protect_accounts(&self) -> Result<u64, StoreError> {
        let ring = crate::keys::require()?;
        let mut n = 0;
        // 1. Accounts keyed by the plain phone.
        loop {
            let rows = sqlx::query(
                "SELECT phone, id_number FROM petitioner_accounts WHERE phone NOT LIKE 'ph#%' LIMIT $1",
            )
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let (phone, id): (String, Option<String>) =
                    (r.try_get("phone")?, r.try_get("id_number")?);
                let [key, _] = pii::phone_keys(&phone);
                let id = match id {
                    Some(i) if !i.is_empty() && !xinfang_crypto::is_sealed(&i) => {
                        Some(ring.seal(&i)?)
                    }
                    other => other,
                };
                let (mut tx, _g) = self.write_tx().await?;
                sqlx::query("UPDATE petitioner_accounts SET phone = $1, phone_sealed = $2, id_number = $3 WHERE phone = $4")
                    .bind(&key)
                    .bind(ring.seal(&phone)?)
                    .bind(id)
                    .bind(&phone)
                    .execute(&mut *tx)
                    .await?;
                for table in ["petitioner_sessions", "petitioner_codes"] {
                    sqlx::query(&format!("UPDATE {table} SET phone = $1 WHERE phone = $2"))
                        .bind(&key)
                        .bind(&phone)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                n += 1;
            }
        }
        // 2. Codes (sent, never used to sign in) and stray sessions.
        for table in ["petitioner_codes", "petitioner_sessions"] {
            loop {
                let phones: Vec<String> = sqlx::query(&format!(
                    "SELECT DISTINCT phone FROM {table} WHERE phone NOT LIKE 'ph#%' LIMIT $1"
                ))
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get("phone"))
                .collect::<Result<_, _>>()?;
                if phones.is_empty() {
                    break;
                }
                let (mut tx, _g) = self.write_tx().await?;
                for phone in &phones {
                    let [key, _] = pii::phone_keys(phone);
                    n += sqlx::query(&format!("UPDATE {table} SET phone = $1 WHERE phone = $2"))
                        .bind(key)
                        .bind(phone)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
            }
        }
        // 3. Sealed under an older data key (rotation).
        let active = format!("v1:{}:%", ring.active_data_key());
        loop {
            let rows = sqlx::query(
                "SELECT phone, phone_sealed, id_number FROM petitioner_accounts WHERE \
                 (phone_sealed IS NOT NULL AND phone_sealed NOT LIKE $1) OR \
                 (id_number IS NOT NULL AND id_number <> '' AND id_number NOT LIKE $1) LIMIT $2",
            )
            .bind(&active)
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            let reseal = |v: Option<String>| -> Result<Option<String>, StoreError> {
                match v {
                    Some(s) if !s.is_empty() => Ok(Some(ring.seal(&pii::open_text(&s)?)?)),
                    other => Ok(other),
                }
            };
            let (mut tx, _g) = self.write_tx().await?;
            for r in &rows {
                let key: String = r.try_get("phone")?;
                sqlx::query("UPDATE petitioner_accounts SET phone_sealed = $1, id_number = $2 WHERE phone = $3")
                    .bind(reseal(r.try_get("phone_sealed")?)?)
                    .bind(reseal(r.try_get("id_number")?)?)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }
}
