//! The hash-chained log. Case events and audit entries (logins, reads of
//! sensitive records, calendar changes) share one chain, so `audit verify`
//! proves the whole history. The chain head row is updated first in each
//! transaction: on PostgreSQL its row lock orders concurrent appenders.

use crate::db::{col, Db};
use crate::error::StoreError;
use crate::rows::{insert_rows, Val};
use crate::Store;
use sqlx::{Any, Row, Transaction};
use xinfang_domain::audit::{chain_hash, ChainBreak, ChainRecord, ChainVerifier};

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
    let head = sqlx::query("UPDATE chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let mut cur = Cursor {
        seq: head.get::<i64, _>(0) - 1,
        hash: head.get(1),
    };
    let seq = append_at(tx, &mut cur, a).await?;
    sqlx::query("UPDATE chain_head SET hash = $1 WHERE id = 1")
        .bind(&cur.hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

/// The chain head as seen inside a batch transaction: events are appended
/// against it in memory and the head row is written once at the end.
#[derive(Clone, Debug)]
pub(crate) struct Cursor {
    pub seq: i64,
    pub hash: String,
}

/// Lock and read the chain head for a batch (the row lock orders concurrent
/// appenders on PostgreSQL; SQLite is serialised by the write lock).
pub(crate) async fn lock_head<D: Db>(tx: &mut D) -> Result<Cursor, StoreError> {
    let rows = tx
        .rows(
            "UPDATE chain_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
            vec![],
        )
        .await?;
    let head = rows
        .first()
        .ok_or_else(|| StoreError::Corrupt("链头缺失".into()))?;
    Ok(Cursor {
        seq: col(head, 0)?.int()?,
        hash: col(head, 1)?.text()?,
    })
}

/// Write the batch's final head.
pub(crate) async fn store_head<D: Db>(tx: &mut D, cur: &Cursor) -> Result<(), StoreError> {
    tx.exec(
        "UPDATE chain_head SET seq = $1, hash = $2 WHERE id = 1",
        vec![Val::I(cur.seq), Val::S(cur.hash.clone())],
    )
    .await?;
    Ok(())
}

/// Columns of an event row, in the order [`link`] builds them.
pub(crate) const EVENT_COLS: &str =
    "events (seq, stream, case_id, kind, at, actor, payload, prev_hash, hash)";

/// Chain the next event after `cur` in memory: its row for [`EVENT_COLS`]
/// (sequence, previous hash, own hash) and the advanced cursor. Nothing is
/// written; a batch writes all its rows with one statement.
pub(crate) fn link(cur: &mut Cursor, a: &Append<'_>) -> Vec<Val> {
    let seq = cur.seq + 1;
    let rec = ChainRecord {
        seq,
        stream: a.stream,
        kind: a.kind,
        at: a.at,
        actor: a.actor,
        payload: a.payload,
    };
    let hash = chain_hash(&cur.hash, &rec);
    let row = vec![
        Val::I(seq),
        a.stream.into(),
        a.case_id.into(),
        a.kind.into(),
        a.at.into(),
        a.actor.into(),
        a.payload.into(),
        Val::S(std::mem::take(&mut cur.hash)),
        Val::S(hash.clone()),
    ];
    cur.seq = seq;
    cur.hash = hash;
    row
}

/// Insert the next event after `cur` and advance it (the head row is not touched).
pub(crate) async fn append_at(
    tx: &mut Transaction<'static, Any>,
    cur: &mut Cursor,
    a: Append<'_>,
) -> Result<i64, StoreError> {
    let row = link(cur, &a);
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
        let head = sqlx::query("SELECT seq, hash FROM chain_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let (head_seq, head_hash): (i64, String) = (head.get(0), head.get(1));
        let mut v = ChainVerifier::default();
        let mut after = 0i64;
        let mut last_hash = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT seq, stream, kind, at, actor, payload, prev_hash, hash FROM events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 5000",
            )
            .bind(after)
            .bind(head_seq)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let seq: i64 = r.get(0);
                let (stream, kind, at, actor, payload): (String, String, String, String, String) =
                    (r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
                let (prev, hash): (String, String) = (r.get(6), r.get(7));
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
        let rows = sqlx::query("SELECT seq, stream, kind, at, actor, payload FROM events WHERE stream = $1 ORDER BY seq DESC LIMIT $2")
            .bind(stream)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| AuditEntry {
                seq: r.get(0),
                stream: r.get(1),
                kind: r.get(2),
                at: r.get(3),
                actor: r.get(4),
                payload: r.get(5),
            })
            .collect())
    }
}
