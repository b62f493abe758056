//! Idempotent online submissions (issue #21). A petitioner's browser or an
//! integrating system that did not hear the answer — a timeout, a 503 while
//! the database fails over — submits again with the same `Idempotency-Key`
//! and must get the SAME case number and query code, never a second case
//! (第二十一条: one matter is registered once, truthfully).
//!
//! The key and the answer are written in the transaction that registers the
//! case (`xinfang_store::Idempotency`), so they survive or vanish together;
//! a retry is answered from that row, on whichever node and primary.

use crate::intake::{IntakeOutcome, IntakeRequest};
use crate::{App, AppError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xinfang_domain::case::Status;
use xinfang_domain::Actor;
use xinfang_store::{Idempotency, Replay};

/// Shortest key accepted: a key is as secret as the query code it returns.
pub const KEY_MIN: usize = 16;
/// Longest key accepted.
pub const KEY_MAX: usize = 128;

/// A checked key and the fingerprint of the submission it goes with.
pub(crate) struct Keyed {
    key: String,
    fingerprint: String,
}

/// What a retry is answered with (the case number is stored beside it).
#[derive(Serialize, Deserialize)]
pub(crate) struct ReplayBody {
    pub query_code: Option<String>,
    pub status: Status,
    pub notice_due: Option<NaiveDate>,
    pub repeat_of: Option<String>,
    pub related_case: Option<String>,
    pub not_accepted_reason: Option<String>,
}

impl Keyed {
    /// The row to store with the registration answered by `body`.
    pub(crate) fn record(&self, body: &ReplayBody) -> Idempotency {
        Idempotency {
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            replay: serde_json::to_string(body).unwrap_or_default(),
        }
    }
}

/// Refuse a key that is too short, too long or not plain visible ASCII
/// (letters, digits, `-_.:`): a UUID fits.
pub fn check_key(key: &str) -> Result<(), AppError> {
    let ok_chars = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if (KEY_MIN..=KEY_MAX).contains(&key.len()) && ok_chars {
        Ok(())
    } else {
        Err(AppError::field(
            "idempotency_key",
            format!("幂等键应为 {KEY_MIN} 至 {KEY_MAX} 个字母、数字或 -_.: 字符（例如 UUID）"),
        ))
    }
}

/// A fresh random key (the portal form's hidden field).
pub fn new_key() -> String {
    format!("web-{:032x}", rand::random::<u128>())
}

/// SHA-256 of the submission as parsed (the same for the API and the form).
pub fn fingerprint(req: &IntakeRequest) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(req).unwrap_or_default()))
}

/// The stored answer, if it was given to this same submission.
fn replayed(r: Replay, fingerprint: &str) -> Result<IntakeOutcome, AppError> {
    if r.fingerprint != fingerprint {
        return Err(AppError::field(
            "idempotency_key",
            "该幂等键已用于内容不同的另一件提交，请为新的提交使用新的幂等键",
        ));
    }
    let b: ReplayBody = serde_json::from_str(&r.replay)
        .map_err(|e| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string())))?;
    Ok(IntakeOutcome {
        case_no: r.case_no,
        query_code: b.query_code,
        status: b.status,
        notice_due: b.notice_due,
        repeat_of: b.repeat_of,
        related_case: b.related_case,
        not_accepted_reason: b.not_accepted_reason,
        skip_level: false,
        collective: false,
        suggestions: Default::default(),
        signals: vec![],
        warning: None,
        multi_body: false,
        similarity: None,
        link_basis: None,
        replayed: true,
    })
}

impl App {
    /// `intake`, once per `key`: a submission whose key was already
    /// registered is answered as it was then (same case number and query
    /// code); the same key with other content is refused (422).
    pub async fn intake_idempotent(
        &self,
        actor: &Actor,
        req: IntakeRequest,
        key: Option<&str>,
    ) -> Result<IntakeOutcome, AppError> {
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            return self.intake(actor, req).await;
        };
        check_key(key)?;
        let keyed = Keyed {
            key: key.to_string(),
            fingerprint: fingerprint(&req),
        };
        if let Some(r) = self.store.idempotent_replay(key).await? {
            return replayed(r, &keyed.fingerprint);
        }
        match self.intake_with_key(actor, req, Some(&keyed)).await {
            Ok(out) => Ok(out),
            // A concurrent retry with the same key won the unique key.
            Err(e) => match self.store.idempotent_replay(key).await {
                Ok(Some(r)) => replayed(r, &keyed.fingerprint),
                _ => Err(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        assert!(check_key("6f1c2a9e-3b7d-4f0a-9c1e-2d3b4a5f6e7d").is_ok());
        assert!(check_key("short").is_err());
        assert!(check_key(&"a".repeat(KEY_MAX + 1)).is_err());
        assert!(check_key("has space in the middle!").is_err());
        assert!(check_key("中文中文中文中文中文中文").is_err());
    }
}
