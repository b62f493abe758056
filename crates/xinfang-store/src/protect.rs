//! Bringing a store up to its keys (issue #20), in bounded batches and
//! idempotently, while it serves:
//!
//! 1. the chain is cut over to HMAC-SM3 once (`chain_head.keyed_from`):
//!    the entries before keep their SHA-256 proof;
//! 2. personal data an older version left in plaintext is sealed — case
//!    projections inline, chained payloads split into `events.pii` (the
//!    hash of an entry before the cut-over covers the payload as it was
//!    written, which `audit verify` rebuilds from the sealed values);
//! 3. petitioner keys are replaced by their blind index;
//! 4. after a rotation, everything sealed under an older data key is
//!    re-sealed under the active one (the same pass), so the old key can go.
//!
//! Each batch is one short write transaction; readers accept every key in
//! the file meanwhile, so nothing stops.

use crate::pii;
use crate::{Store, StoreError};
use sqlx::Row;

/// Rows per write transaction.
const BATCH: i64 = 200;

/// What a pass changed.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ProtectReport {
    /// Set when this pass cut the chain over: the first keyed seq.
    pub cut_over_at: Option<i64>,
    pub cases_sealed: u64,
    pub events_sealed: u64,
    pub index_keys_blinded: u64,
    /// Message recipients, opt-outs, appointment phones, petitioner
    /// accounts, TOTP and webhook secrets.
    pub other_sealed: u64,
}

/// The chain head as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeadState {
    pub seq: i64,
    pub hash: String,
    pub keyed_from: Option<i64>,
    pub chain_key: Option<String>,
}

impl Store {
    /// The chain head (committed).
    pub async fn chain_head(&self) -> Result<HeadState, StoreError> {
        let r = sqlx::query("SELECT seq, hash, keyed_from, chain_key FROM chain_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(HeadState {
            seq: r.try_get("seq")?,
            hash: r.try_get("hash")?,
            keyed_from: r.try_get("keyed_from")?,
            chain_key: r.try_get("chain_key")?,
        })
    }

    /// The stored hash of entry `seq` (None when there is no such entry).
    pub async fn event_hash(&self, seq: i64) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT hash FROM events WHERE seq = $1")
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Run every step above until nothing is left (see the module doc).
    pub async fn protect(&self) -> Result<ProtectReport, StoreError> {
        let ring = crate::keys::require()?;
        let mut report = ProtectReport {
            cut_over_at: self.cut_over().await?,
            ..Default::default()
        };
        report.cases_sealed = self.seal_cases().await?;
        report.events_sealed = self.seal_events().await?;
        report.index_keys_blinded = self.blind_index().await?;
        report.other_sealed = self.seal_other().await?
            + self.protect_accounts().await?
            + self.protect_secrets().await?;
        self.put_setting("crypto_index_key", ring.index_key_id())
            .await?;
        Ok(report)
    }

    /// Cut the chain over to HMAC-SM3 under the active chain key (once).
    async fn cut_over(&self) -> Result<Option<i64>, StoreError> {
        let ring = crate::keys::require()?;
        let (mut tx, _g) = self.write_tx().await?;
        let r =
            sqlx::query("UPDATE chain_head SET seq = seq WHERE id = 1 RETURNING seq, chain_key")
                .fetch_one(&mut *tx)
                .await?;
        let (seq, key): (i64, Option<String>) = (r.try_get("seq")?, r.try_get("chain_key")?);
        if let Some(kid) = key {
            if ring.chain_key_by_id(&kid).is_none() {
                return Err(StoreError::Corrupt(format!(
                    "审计链使用链密钥 {kid}，密钥文件中没有"
                )));
            }
            return Ok(None);
        }
        sqlx::query("UPDATE chain_head SET keyed_from = $1, chain_key = $2 WHERE id = 1")
            .bind(seq + 1)
            .bind(ring.chain_key().0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(seq + 1))
    }

    /// Seal (or re-seal under the active key) every case projection.
    async fn seal_cases(&self) -> Result<u64, StoreError> {
        let mut after = 0i64;
        let mut n = 0;
        loop {
            let ring = crate::keys::require()?;
            let rows =
                sqlx::query("SELECT id, state_json FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(BATCH)
                    .fetch_all(&self.pool)
                    .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut changes = vec![];
            for r in &rows {
                let json: String = r.try_get("state_json")?;
                if let Some(new) = pii::reseal_inline(&json, &ring)? {
                    changes.push((r.try_get::<i64, _>("id")?, json, new));
                }
            }
            if changes.is_empty() {
                continue;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for (id, old, new) in &changes {
                // Only if the row did not move meanwhile (the next pass takes it).
                n += sqlx::query(
                    "UPDATE cases SET state_json = $1 WHERE id = $2 AND state_json = $3",
                )
                .bind(new)
                .bind(id)
                .bind(old)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// Split plaintext personal data out of chained payloads, and re-seal
    /// `events.pii` under the active key.
    async fn seal_events(&self) -> Result<u64, StoreError> {
        let mut after = 0i64;
        let mut n = 0;
        loop {
            let ring = crate::keys::require()?;
            let active = format!("v1:{}:%", ring.active_data_key());
            let rows = sqlx::query(
                "SELECT seq, payload, pii FROM events WHERE seq > $1 AND (\
                 (pii IS NULL AND (payload LIKE '%\"id_number\":\"%' OR payload LIKE '%\"phone\":\"%' OR payload LIKE '%\"address\":\"%' OR payload LIKE '%\"email\":\"%')) \
                 OR (pii IS NOT NULL AND pii NOT LIKE $2)) ORDER BY seq LIMIT $3",
            )
            .bind(after)
            .bind(&active)
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("seq")?;
            let mut changes = vec![];
            for r in &rows {
                let seq: i64 = r.try_get("seq")?;
                let payload: String = r.try_get("payload")?;
                let old: Option<String> = r.try_get("pii")?;
                match &old {
                    Some(sealed) => {
                        let values = pii::open_values(sealed, seq, &ring)?;
                        changes.push((seq, payload, pii::seal_values(&values, seq, &ring)?));
                    }
                    None => {
                        let (chained, values) = pii::split(&payload);
                        if !values.is_empty() {
                            changes.push((seq, chained, pii::seal_values(&values, seq, &ring)?));
                        }
                    }
                }
            }
            if changes.is_empty() {
                continue;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for (seq, payload, sealed) in &changes {
                n += sqlx::query("UPDATE events SET payload = $1, pii = $2 WHERE seq = $3")
                    .bind(payload)
                    .bind(sealed)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// Replace plaintext petitioner keys by their blind index.
    async fn blind_index(&self) -> Result<u64, StoreError> {
        let mut n = 0;
        loop {
            let rows = sqlx::query(
                "SELECT pkey, case_id FROM petitioner_index WHERE pkey NOT LIKE '%#%' ORDER BY case_id, pkey LIMIT $1",
            )
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for r in &rows {
                let (key, case_id): (String, i64) = (r.try_get("pkey")?, r.try_get("case_id")?);
                for k in pii::index_keys(std::slice::from_ref(&key)) {
                    sqlx::query("INSERT INTO petitioner_index (pkey, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(k)
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                }
                // Derived data (the key is rebuilt from the case), not a record.
                sqlx::query("DELETE FROM petitioner_index WHERE pkey = $1 AND case_id = $2")
                    .bind(&key)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// Message recipients (sealed; dedupe and opt-out keys blind) and
    /// appointment phones an older version stored in plaintext.
    async fn seal_other(&self) -> Result<u64, StoreError> {
        let mut n = 0;
        let ring = crate::keys::require()?;
        let active = format!("v1:{}:%", ring.active_data_key());
        // Sealed under an older key: open and seal again (rotation).
        let reseal = |v: &str| -> Result<String, StoreError> { Ok(ring.seal(&ring.open(v)?)?) };
        let mut after = 0i64;
        loop {
            let rows = sqlx::query("SELECT id, recipient, dedupe FROM messages WHERE id > $1 AND recipient NOT LIKE $2 AND recipient <> '' ORDER BY id LIMIT $3")
                .bind(after)
                .bind(&active)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            if rows.is_empty() {
                break;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for r in &rows {
                let (id, rcpt, dedupe): (i64, String, String) = (
                    r.try_get("id")?,
                    r.try_get("recipient")?,
                    r.try_get("dedupe")?,
                );
                after = id;
                let (sealed, dedupe) = if xinfang_crypto::is_sealed(&rcpt) {
                    (reseal(&rcpt)?, dedupe)
                } else {
                    let (s, d, _) = pii::stored_recipient(&rcpt, &dedupe)?;
                    (s, d)
                };
                n += sqlx::query("UPDATE messages SET recipient = $1, dedupe = $2 WHERE id = $3")
                    .bind(sealed)
                    .bind(dedupe)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
        let rows = sqlx::query(
            "SELECT recipient, at FROM message_optouts WHERE recipient NOT LIKE 'to#%'",
        )
        .fetch_all(&self.pool)
        .await?;
        if !rows.is_empty() {
            let (mut tx, _g) = self.write_tx().await?;
            for r in &rows {
                let (rcpt, at): (String, String) = (r.try_get("recipient")?, r.try_get("at")?);
                let (_, _, key) = pii::stored_recipient(&rcpt, "")?;
                sqlx::query("INSERT INTO message_optouts (recipient, at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM message_optouts WHERE recipient = $1")
                    .bind(&rcpt)
                    .execute(&mut *tx)
                    .await?;
                n += 1;
            }
            tx.commit().await?;
        }
        let mut after = 0i64;
        loop {
            let rows = sqlx::query("SELECT id, phone FROM reception_appointments WHERE id > $1 AND phone IS NOT NULL AND phone <> '' AND phone NOT LIKE $2 ORDER BY id LIMIT $3")
                .bind(after)
                .bind(&active)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            if rows.is_empty() {
                break;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for r in &rows {
                let (id, phone): (i64, String) = (r.try_get("id")?, r.try_get("phone")?);
                after = id;
                let (sealed, key) = if xinfang_crypto::is_sealed(&phone) {
                    (reseal(&phone)?, None)
                } else {
                    (ring.seal(&phone)?, Some(pii::phone_key(&phone)))
                };
                n += sqlx::query("UPDATE reception_appointments SET phone = $1, phone_key = COALESCE($3, phone_key) WHERE id = $2")
                    .bind(sealed)
                    .bind(id)
                    .bind(key)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// How many stored values are still sealed under `key_id` (a key may
    /// leave the key file only at zero).
    pub async fn sealed_with(&self, key_id: &str) -> Result<i64, StoreError> {
        let inline = format!("%\"v1:{key_id}:%");
        let split = format!("v1:{key_id}:%");
        let a: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cases WHERE state_json LIKE $1")
            .bind(&inline)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let mut b = 0i64;
        for sql in [
            "SELECT COUNT(*) AS n FROM events WHERE pii LIKE $1",
            "SELECT COUNT(*) AS n FROM messages WHERE recipient LIKE $1",
            "SELECT COUNT(*) AS n FROM reception_appointments WHERE phone LIKE $1",
            "SELECT COUNT(*) AS n FROM petitioner_accounts WHERE phone_sealed LIKE $1",
            "SELECT COUNT(*) AS n FROM petitioner_accounts WHERE id_number LIKE $1",
            "SELECT COUNT(*) AS n FROM second_factors WHERE secret LIKE $1",
            "SELECT COUNT(*) AS n FROM webhooks WHERE secret LIKE $1",
            "SELECT COUNT(*) AS n FROM idempotency_keys WHERE replay LIKE $1",
            "SELECT COUNT(*) AS n FROM attachments WHERE ocr_text LIKE $1",
        ] {
            b += sqlx::query(sql)
                .bind(&split)
                .fetch_one(&self.pool)
                .await?
                .try_get::<i64, _>("n")?;
        }
        Ok(a + b)
    }
}
