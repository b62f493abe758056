//! The hash-chained log. Case events and audit entries (logins, reads of
//! sensitive records, calendar changes) share one chain, so `audit verify`
//! proves the whole history. The chain head row is updated first in each
//! transaction: on PostgreSQL its row lock orders concurrent appenders.
//!
//! Issue #20: once the store is cut over (`chain_head.keyed_from`), each
//! new entry is HMAC-SM3 under the key file's chain key
//! (`xinfang_domain::audit`), and personal data in a payload goes to
//! `events.pii`, sealed (`pii` module): before the cut-over the hash covers
//! the payload as the application wrote it, after it the payload with markers.

use crate::db::{col, Db};
use crate::error::StoreError;
use crate::rows::{insert_rows, Then, Val};
use crate::Store;
use sqlx::{Any, Row, Transaction};
use std::sync::Arc;
use xinfang_crypto::KeyRing;
use xinfang_domain::audit::{chain_hash, chain_mac, ChainBreak, ChainRecord, ChainVerifier};

/// A stored log entry.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub stream: String,
    pub kind: String,
    pub at: String,
    pub actor: String,
    pub payload: String,
}

/// The columns of `events` an [`AuditEntry`] holds.
pub(crate) const ENTRY_COLS: &str = "seq, stream, kind, at, actor, payload";

/// A row of [`ENTRY_COLS`], read by column name.
pub(crate) fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        stream: r.try_get("stream")?,
        kind: r.try_get("kind")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        payload: r.try_get("payload")?,
    })
}

pub(crate) struct Append<'a> {
    pub stream: &'a str,
    pub case_id: Option<i64>,
    pub kind: &'a str,
    pub at: &'a str,
    pub actor: &'a str,
    pub payload: &'a str,
}

pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    a: Append<'_>,
) -> Result<i64, StoreError> {
    // One statement takes the head's row lock, advances it and reads it.
    let head = sqlx::query(
        "UPDATE chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash, chain_key",
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut cur = Cursor::new(
        head.try_get::<i64, _>("seq")? - 1,
        head.try_get("hash")?,
        head.try_get("chain_key")?,
    )?;
    let seq = append_at(tx, &mut cur, a).await?;
    sqlx::query("UPDATE chain_head SET hash = $1 WHERE id = 1")
        .bind(&cur.hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

/// The chain head as seen inside a batch transaction: events are appended
/// against it in memory and the head row is written once at the end.
#[derive(Clone)]
pub(crate) struct Cursor {
    pub seq: i64,
    pub hash: String,
    /// The process's keys: payloads' personal data is sealed with them.
    ring: Option<Arc<KeyRing>>,
    /// The chain key id when the chain is cut over to HMAC-SM3.
    chain_key: Option<String>,
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cursor")
            .field("seq", &self.seq)
            .field("hash", &self.hash)
            .field("chain_key", &self.chain_key)
            .finish()
    }
}

impl Cursor {
    /// The head as read, with the keys its next entries need.
    pub(crate) fn new(
        seq: i64,
        hash: String,
        chain_key: Option<String>,
    ) -> Result<Self, StoreError> {
        let mut ring = crate::keys::installed_keys();
        if let Some(kid) = &chain_key {
            let has = |r: &Option<Arc<KeyRing>>| {
                r.as_ref().is_some_and(|r| r.chain_key_by_id(kid).is_some())
            };
            if !has(&ring) {
                // Another process changed the chain key: read the key file again.
                ring = crate::keys::reload().or(ring);
            }
            if !has(&ring) {
                return Err(StoreError::Corrupt(format!(
                    "审计链已启用 HMAC-SM3（链密钥 {kid}），但未加载含该密钥的密钥文件"
                )));
            }
        }
        Ok(Self {
            seq,
            hash,
            ring,
            chain_key,
        })
    }
}

/// Lock and read the chain head for a batch (the row lock orders concurrent
/// appenders on PostgreSQL; SQLite is serialised by the write lock).
pub(crate) async fn lock_head<D: Db>(tx: &mut D) -> Result<Cursor, StoreError> {
    let rows = tx
        .rows(
            "UPDATE chain_head SET seq = seq WHERE id = 1 RETURNING seq, hash, chain_key",
            vec![],
        )
        .await?;
    let head = rows
        .first()
        .ok_or_else(|| StoreError::Corrupt("链头缺失".into()))?;
    Cursor::new(
        col(head, 0)?.int()?,
        col(head, 1)?.text()?,
        col(head, 2)?.opt_text()?,
    )
}

/// Write the batch's final head.
pub(crate) async fn store_head<D: Db>(tx: &mut D, cur: &Cursor) -> Result<(), StoreError> {
    let update = head_update(cur);
    tx.exec(&(update.sql)(1), update.vals).await?;
    Ok(())
}

/// The statement storing `cur` as the head, to run with a batch's inserts
/// ([`crate::rows::insert_tables`]) in place of [`store_head`].
pub(crate) fn head_update(cur: &Cursor) -> Then {
    Then {
        sql: |first| {
            format!(
                "UPDATE chain_head SET seq = ${first}, hash = ${} WHERE id = 1",
                first + 1
            )
        },
        vals: vec![Val::I(cur.seq), Val::S(cur.hash.clone())],
    }
}

/// Columns of an event row, in the order [`link`] builds them.
pub(crate) const EVENT_COLS: &str =
    "events (seq, stream, case_id, kind, at, actor, payload, prev_hash, hash, pii)";

/// Chain the next event after `cur` in memory: its row for [`EVENT_COLS`]
/// (sequence, previous hash, own hash) and the advanced cursor. Nothing is
/// written; a batch writes all its rows with one statement.
pub(crate) fn link(cur: &mut Cursor, a: &Append<'_>) -> Result<Vec<Val>, StoreError> {
    let seq = cur.seq + 1;
    // Personal data leaves the payload for `events.pii` when keys are loaded.
    let (stored, pii) = match &cur.ring {
        Some(ring) if crate::pii::may_hold_pii(a.payload) => {
            let (chained, values) = crate::pii::split(a.payload);
            if values.is_empty() {
                (None, None)
            } else {
                let sealed = crate::pii::seal_values(&values, seq, ring)?;
                (Some(chained), Some(sealed))
            }
        }
        _ => (None, None),
    };
    let mut rec = ChainRecord {
        seq,
        stream: a.stream,
        kind: a.kind,
        at: a.at,
        actor: a.actor,
        payload: a.payload,
    };
    let hash = match (&cur.chain_key, &cur.ring) {
        (Some(kid), Some(ring)) => {
            // Keyed era: the MAC covers the payload as stored (markers).
            if let Some(chained) = &stored {
                rec.payload = chained;
            }
            let key = ring
                .chain_key_by_id(kid)
                .ok_or_else(|| StoreError::Corrupt(format!("缺少链密钥 {kid}")))?;
            chain_mac(key, &cur.hash, &rec)
        }
        // Unkeyed era: the hash covers the payload as written.
        _ => chain_hash(&cur.hash, &rec),
    };
    let row = vec![
        Val::I(seq),
        a.stream.into(),
        a.case_id.into(),
        a.kind.into(),
        a.at.into(),
        a.actor.into(),
        stored.unwrap_or_else(|| a.payload.to_string()).into(),
        Val::S(std::mem::take(&mut cur.hash)),
        Val::S(hash.clone()),
        pii.into(),
    ];
    cur.seq = seq;
    cur.hash = hash;
    Ok(row)
}

/// Insert the next event after `cur` and advance it (the head row is not touched).
pub(crate) async fn append_at(
    tx: &mut Transaction<'static, Any>,
    cur: &mut Cursor,
    a: Append<'_>,
) -> Result<i64, StoreError> {
    let row = link(cur, &a)?;
    insert_rows(tx, EVENT_COLS, vec![row], "").await?;
    Ok(cur.seq)
}

/// Append an audit entry (not a case event) inside the caller's transaction.
pub(crate) async fn log(
    tx: &mut Transaction<'static, Any>,
    stream: &str,
    kind: &str,
    actor: &str,
    payload: serde_json::Value,
) -> Result<i64, StoreError> {
    let at = crate::now_text();
    let payload = payload.to_string();
    append(
        tx,
        Append {
            stream,
            case_id: None,
            kind,
            at: &at,
            actor,
            payload: &payload,
        },
    )
    .await
}

impl Store {
    /// Record an audit entry that is not a case event (login, sensitive read, settings change).
    pub async fn audit(
        &self,
        stream: &str,
        kind: &str,
        actor: &str,
        payload: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let (mut tx, _guard) = self.write_tx().await?;
        let at = crate::now_text();
        let payload = payload.to_string();
        let seq = append(
            &mut tx,
            Append {
                stream,
                case_id: None,
                kind,
                at: &at,
                actor,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Walk the whole chain. `Ok(n)` = n entries verified; `Err` names the first break.
    ///
    /// The head is read first and the walk stops at it: `xinfang audit
    /// verify` runs beside a serving store, and events appended while it
    /// walks belong to a later head (read last, they looked like a deleted
    /// tail). Each append moves the head in the same transaction, so every
    /// event up to the head read is committed and must be there.
    pub async fn verify_chain(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let head =
            sqlx::query("SELECT seq, hash, keyed_from, chain_key FROM chain_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        let (keyed_from, chain_key): (Option<i64>, Option<String>) =
            (head.try_get("keyed_from")?, head.try_get("chain_key")?);
        let ring = crate::keys::installed_keys();
        // After chain-key changes the head names the newest key; the walk
        // starts with the first (named by the first change) and switches at
        // each change entry.
        let chain_key = match (keyed_from, self.first_chain_key().await?) {
            (Some(_), Some(first)) => Some(first),
            _ => chain_key,
        };
        let mut v = match (keyed_from, &chain_key) {
            (Some(from), Some(kid)) => {
                let key = ring
                    .as_ref()
                    .and_then(|r| r.chain_key_by_id(kid))
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "审计链自第 {from} 条起以 HMAC-SM3 认证（链密钥 {kid}），校验需要含该密钥的密钥文件"
                        ))
                    })?;
                ChainVerifier::keyed(from, key)
            }
            _ => ChainVerifier::default(),
        };
        // Before the cut-over an entry's hash covers its payload as written:
        // sealed personal data goes back in before hashing.
        let unkeyed = |seq: i64| keyed_from.is_none_or(|from| seq < from);
        let mut after = 0i64;
        let mut last_hash = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT seq, stream, kind, at, actor, payload, prev_hash, hash, pii FROM events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 5000",
            )
            .bind(after)
            .bind(head_seq)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let seq: i64 = r.try_get("seq")?;
                let (stream, kind, at, actor, payload): (String, String, String, String, String) = (
                    r.try_get("stream")?,
                    r.try_get("kind")?,
                    r.try_get("at")?,
                    r.try_get("actor")?,
                    r.try_get("payload")?,
                );
                let (prev, hash): (String, String) = (r.try_get("prev_hash")?, r.try_get("hash")?);
                let payload = match r.try_get::<Option<String>, _>("pii")? {
                    Some(sealed) if unkeyed(seq) => {
                        let ring = crate::keys::require()?;
                        crate::pii::merge(&payload, &crate::pii::open_values(&sealed, seq, &ring)?)?
                    }
                    _ => payload,
                };
                let rec = ChainRecord {
                    seq,
                    stream: &stream,
                    kind: &kind,
                    at: &at,
                    actor: &actor,
                    payload: &payload,
                };
                if let Err(b) = v.check(&prev, &hash, &rec) {
                    return Ok(Err(b));
                }
                if !unkeyed(seq) {
                    if let Some(kid) = crate::chain_rotation::changed_to(&stream, &kind, &payload) {
                        let key = ring
                            .as_ref()
                            .and_then(|r| r.chain_key_by_id(&kid))
                            .ok_or_else(|| {
                                StoreError::Corrupt(format!(
                                    "审计链自第 {} 条起改用链密钥 {kid}，校验需要含该密钥的密钥文件",
                                    seq + 1
                                ))
                            })?;
                        v.change_key(key);
                    }
                }
                after = seq;
                last_hash = hash;
            }
        }
        // A removed tail shows as a head that runs past the last stored event.
        if head_seq != v.verified() {
            return Ok(Err(ChainBreak {
                seq: v.verified() + 1,
                reason: format!(
                    "链头记录序号 {head_seq}，但只找到 {} 条事件（末尾事件被删除）",
                    v.verified()
                ),
            }));
        }
        if head_seq > 0 && last_hash != head_hash {
            return Ok(Err(ChainBreak {
                seq: head_seq,
                reason: "链头哈希与最后一条事件不符（链头或末尾事件被改动）".into(),
            }));
        }
        Ok(Ok(v.verified()))
    }

    /// Recent audit entries of a stream (e.g. "audit"), newest first.
    pub async fn audit_entries(
        &self,
        stream: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLS} FROM events WHERE stream = $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(stream)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }
}
