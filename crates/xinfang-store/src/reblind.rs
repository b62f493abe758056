//! Rotating the blind-index key (issue #20 item 1): every blind column is
//! recomputed under the active index key from the value it stands for —
//! the petitioner index from each decrypted case (the keys derived by the
//! caller, the same derivation as registration), appointment phone keys
//! from the sealed phone, petitioner-account keys (and their sessions and
//! codes) from `phone_sealed`, the blind part of message dedupe keys from
//! the sealed recipient, and opt-outs through the messages' recipients.
//!
//! It runs in batches (one short write transaction each) while the store
//! serves: until the old key leaves the key file, look-ups consult the
//! blind index under every key in it ([`crate::pii::lookup_keys`],
//! [`crate::pii::phone_keys`], [`crate::pii::recipient_keys`]), so nothing
//! is missed meanwhile. Running it again is harmless (`keys retire` of the
//! old index key runs it once more, for rows a server still on the old
//! file wrote meanwhile). An opt-out of a number that never received a
//! message has nothing to recompute from; it keeps its old key and is
//! lost when that key is removed.

use crate::{pii, Store, StoreError};
use sqlx::Row;
use xinfang_domain::case::Case;

/// Rows per write transaction.
const BATCH: i64 = 200;

/// What a pass recomputed.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ReblindReport {
    pub cases: u64,
    pub appointments: u64,
    pub accounts: u64,
    pub messages: u64,
    pub optouts: u64,
}

impl Store {
    /// Recompute every blind column under the active index key (see the
    /// module doc). `keys_of` gives a case's petitioner keys.
    pub async fn reblind(
        &self,
        keys_of: &(dyn Fn(&Case) -> Vec<String> + Sync),
    ) -> Result<ReblindReport, StoreError> {
        crate::keys::require()?;
        let mut rep = ReblindReport {
            cases: self.reblind_cases(keys_of).await?,
            appointments: self.reblind_appointments().await?,
            accounts: self.reblind_accounts().await?,
            ..Default::default()
        };
        (rep.messages, rep.optouts) = self.reblind_messages().await?;
        Ok(rep)
    }

    async fn reblind_cases(
        &self,
        keys_of: &(dyn Fn(&Case) -> Vec<String> + Sync),
    ) -> Result<u64, StoreError> {
        let (mut after, mut n) = (0i64, 0);
        loop {
            let rows =
                sqlx::query("SELECT id, state_json FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(BATCH)
                    .fetch_all(&self.pool)
                    .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut per_case = Vec::with_capacity(rows.len());
            for r in &rows {
                let case: Case = pii::parse_state(&r.try_get::<String, _>("state_json")?)?;
                per_case.push((r.try_get::<i64, _>("id")?, pii::index_keys(&keys_of(&case))));
            }
            let (mut tx, _g) = self.write_tx().await?;
            for (id, keys) in &per_case {
                // Derived data, rebuilt from the case (not a record).
                sqlx::query("DELETE FROM petitioner_index WHERE case_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for k in keys {
                    sqlx::query("INSERT INTO petitioner_index (pkey, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(k)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    async fn reblind_appointments(&self) -> Result<u64, StoreError> {
        let (mut after, mut n) = (0i64, 0);
        loop {
            let rows = sqlx::query("SELECT id, phone, phone_key FROM reception_appointments WHERE id > $1 AND phone IS NOT NULL AND phone <> '' ORDER BY id LIMIT $2")
                .bind(after)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut changes = vec![];
            for r in &rows {
                let key =
                    pii::phone_keys(&pii::open_text(&r.try_get::<String, _>("phone")?)?)[0].clone();
                if r.try_get::<Option<String>, _>("phone_key")?.as_deref() != Some(key.as_str()) {
                    changes.push((r.try_get::<i64, _>("id")?, key));
                }
            }
            if changes.is_empty() {
                continue;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for (id, key) in &changes {
                n += sqlx::query("UPDATE reception_appointments SET phone_key = $1 WHERE id = $2")
                    .bind(key)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    async fn reblind_accounts(&self) -> Result<u64, StoreError> {
        let rows = sqlx::query(
            "SELECT phone, phone_sealed FROM petitioner_accounts WHERE phone_sealed IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut changes = vec![];
        for r in &rows {
            let old: String = r.try_get("phone")?;
            let new = pii::phone_keys(&pii::open_text(&r.try_get::<String, _>("phone_sealed")?)?)
                [0]
            .clone();
            if new != old {
                changes.push((old, new));
            }
        }
        let mut n = 0;
        for batch in changes.chunks(BATCH as usize) {
            let (mut tx, _g) = self.write_tx().await?;
            for (old, new) in batch {
                // The account, its sessions and codes move together.
                for table in [
                    "petitioner_accounts",
                    "petitioner_sessions",
                    "petitioner_codes",
                ] {
                    sqlx::query(&format!("UPDATE {table} SET phone = $1 WHERE phone = $2"))
                        .bind(new)
                        .bind(old)
                        .execute(&mut *tx)
                        .await?;
                }
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// Dedupe keys of messages, then opt-outs mapped through the
    /// recipients: (messages changed, opt-outs moved).
    async fn reblind_messages(&self) -> Result<(u64, u64), StoreError> {
        let ring = crate::keys::require()?;
        let mut moved = std::collections::BTreeMap::new();
        let (mut after, mut n) = (0i64, 0);
        loop {
            let rows = sqlx::query("SELECT id, recipient, dedupe FROM messages WHERE id > $1 AND recipient LIKE 'v1:%' ORDER BY id LIMIT $2")
                .bind(after)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut changes = vec![];
            for r in &rows {
                let recipient = pii::open_text(&r.try_get::<String, _>("recipient")?)?;
                let dedupe: String = r.try_get("dedupe")?;
                let mut all = pii::blind_keys(&ring, &format!("to:{recipient}")).into_iter();
                let Some(new) = all.next() else { continue };
                let mut out = dedupe.clone();
                for old in all {
                    out = out.replace(&old, &new);
                    moved.insert(old, new.clone());
                }
                if out != dedupe {
                    changes.push((r.try_get::<i64, _>("id")?, out));
                }
            }
            if changes.is_empty() {
                continue;
            }
            let (mut tx, _g) = self.write_tx().await?;
            for (id, dedupe) in &changes {
                n += sqlx::query("UPDATE messages SET dedupe = $1 WHERE id = $2")
                    .bind(dedupe)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
        let olds: Vec<String> = sqlx::query_scalar("SELECT recipient FROM message_optouts")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .filter(|k: &String| moved.contains_key(k))
            .collect();
        let mut m = 0;
        for batch in olds.chunks(BATCH as usize) {
            let (mut tx, _g) = self.write_tx().await?;
            for old in batch {
                let r = sqlx::query("SELECT at FROM message_optouts WHERE recipient = $1")
                    .bind(old)
                    .fetch_one(&mut *tx)
                    .await?;
                let at: String = r.try_get("at")?;
                sqlx::query("INSERT INTO message_optouts (recipient, at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&moved[old])
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM message_optouts WHERE recipient = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
                m += 1;
            }
            tx.commit().await?;
        }
        Ok((n, m))
    }
}
