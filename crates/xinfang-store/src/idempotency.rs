//! Idempotency keys of online submissions (issue #21). A client that did not
//! hear the answer to a submission (a timeout, a 503 during a database
//! failover) sends it again with the same `Idempotency-Key`; the key is
//! written in the transaction that registers the case (`group_batch.rs`,
//! `cases.rs`), so after any crash either both exist or neither does, and
//! the retry is answered from here with the same case number and query code
//! (the stored answer SM4-GCM sealed when keys are loaded, issue #20).

use crate::rows::Val;
use crate::{Store, StoreError};
use sqlx::Row;

/// The key of a submission and what to answer a retry with.
#[derive(Clone, Debug)]
pub struct Idempotency {
    /// The client's key (validated by the caller).
    pub key: String,
    /// SHA-256 of the submission: the same key with other content is refused.
    pub fingerprint: String,
    /// The answer without the case number (JSON, written by the service).
    pub replay: String,
}

/// A stored answer to a submission, found by its key.
#[derive(Clone, Debug)]
pub struct Replay {
    pub case_no: String,
    pub fingerprint: String,
    pub replay: String,
}

pub(crate) const IDEMPOTENCY_COLS: &str =
    "idempotency_keys (idem_key, case_no, fingerprint, replay, created_at)";

/// The row recording that `i` registered (or joined) `case_no`. The
/// replay carries the query code, a secret: sealed when keys are loaded.
pub(crate) fn idempotency_row(
    i: &Idempotency,
    case_no: &str,
    now: &str,
) -> Result<Vec<Val>, StoreError> {
    let replay = crate::pii::seal_opt(Some(&i.replay))?.unwrap_or_default();
    Ok(vec![
        i.key.as_str().into(),
        case_no.into(),
        i.fingerprint.as_str().into(),
        replay.into(),
        now.into(),
    ])
}

impl Store {
    /// The answer stored for `key`, if a submission with it was registered.
    pub async fn idempotent_replay(&self, key: &str) -> Result<Option<Replay>, StoreError> {
        let row = sqlx::query(
            "SELECT case_no, fingerprint, replay FROM idempotency_keys WHERE idem_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Replay {
                case_no: r.try_get("case_no")?,
                fingerprint: r.try_get("fingerprint")?,
                replay: crate::pii::open_text(&r.try_get::<String, _>("replay")?)?,
            })
        })
        .transpose()
    }
}
