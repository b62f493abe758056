//! Changing the audit chain's HMAC-SM3 key (issue #20 item 2): the change
//! is itself a chain entry (`audit` / [`CHAIN_KEY_CHANGED`], naming the old
//! and the new key id), authenticated under the OLD key; every later entry
//! is authenticated under the new one. `audit verify` starts with the first
//! key and switches at each change entry, so the segments before keep
//! verifying with their own key and an insider cannot forge a change
//! without the key that authenticates it. The head names the key of the
//! next entry; the change and the head move in one transaction.

use crate::{Store, StoreError};
use sqlx::Row;

/// The kind of a chain-key change entry (stream `audit`).
pub const CHAIN_KEY_CHANGED: &str = "chain_key_changed";

/// The new key id when this entry is a chain-key change.
pub(crate) fn changed_to(stream: &str, kind: &str, payload: &str) -> Option<String> {
    if stream != "audit" || kind != CHAIN_KEY_CHANGED {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(payload).ok()?;
    v["to_key"].as_str().map(str::to_string)
}

impl Store {
    /// The chain key the keyed era began with, when it has changed since
    /// (the `from_key` of the first change entry).
    pub(crate) async fn first_chain_key(&self) -> Result<Option<String>, StoreError> {
        let payload: Option<String> = sqlx::query_scalar(
            "SELECT payload FROM events WHERE stream = 'audit' AND kind = $1 ORDER BY seq LIMIT 1",
        )
        .bind(CHAIN_KEY_CHANGED)
        .fetch_optional(&self.pool)
        .await?;
        Ok(payload.and_then(|p| {
            serde_json::from_str::<serde_json::Value>(&p)
                .ok()
                .and_then(|v| v["from_key"].as_str().map(str::to_string))
        }))
    }

    /// Every chain key the keyed era used, oldest first (what `audit
    /// verify` — and so a restored backup — needs in the key file).
    pub async fn chain_keys_used(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT payload FROM events WHERE stream = 'audit' AND kind = $1 ORDER BY seq",
        )
        .bind(CHAIN_KEY_CHANGED)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<String> = vec![];
        for r in &rows {
            if let Ok(v) =
                serde_json::from_str::<serde_json::Value>(&r.try_get::<String, _>("payload")?)
            {
                for k in [&v["from_key"], &v["to_key"]] {
                    if let Some(k) = k.as_str().filter(|k| !out.iter().any(|o| o == k)) {
                        out.push(k.to_string());
                    }
                }
            }
        }
        if let Some(head) = self.chain_head().await?.chain_key {
            if !out.contains(&head) {
                out.push(head);
            }
        }
        Ok(out)
    }

    /// Switch the chain to the installed ring's active chain key at a
    /// recorded change entry. `Ok(Some(seq))`: the first entry under the
    /// new key; `Ok(None)`: the chain already uses it. Refused before the
    /// chain is cut over (the cut-over itself takes the active key).
    pub async fn change_chain_key(&self, by: &str) -> Result<Option<i64>, StoreError> {
        let ring = crate::keys::require()?;
        let new = ring.chain_key().0.to_string();
        let (mut tx, _g) = self.write_tx().await?;
        let r = sqlx::query("UPDATE chain_head SET seq = seq WHERE id = 1 RETURNING chain_key")
            .fetch_one(&mut *tx)
            .await?;
        let old: Option<String> = r.try_get("chain_key")?;
        let Some(old) = old else {
            return Err(StoreError::Corrupt(
                "审计链尚未启用 HMAC-SM3，无需更换链密钥".into(),
            ));
        };
        if old == new {
            return Ok(None);
        }
        let seq = crate::chain::log(
            &mut tx,
            "audit",
            CHAIN_KEY_CHANGED,
            by,
            serde_json::json!({ "from_key": old, "to_key": new }),
        )
        .await?;
        sqlx::query("UPDATE chain_head SET chain_key = $1 WHERE id = 1")
            .bind(&new)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(seq + 1))
    }
}
