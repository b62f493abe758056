//! The tamper-evident chain over the event log: each stored event carries the
//! hash of the previous event's hash and its own canonical record, so an
//! event altered, removed or reordered outside the application breaks the
//! chain at that point (`xinfang audit verify`).
//!
//! Two algorithms, one after the other (issue #20 item 2):
//!
//! - up to the cut-over, SHA-256 without a key ([`chain_hash`]) — what every
//!   store wrote before; it stays verifiable as it was, so the past keeps its proof;
//! - from the cut-over sequence number on, HMAC-SM3 under the chain key
//!   from the key file ([`chain_mac`]). The database never holds that key,
//!   so whoever can write the database can no longer recompute the chain.
//!
//! An insider could still rewrite the whole chain with the old unkeyed
//! algorithm and claim it was never cut over; the SM2-signed anchors kept
//! outside the database (seq, head hash — the cut-over among them) catch
//! that, see `xinfang-store`'s `anchors` module.
//!
//! Personal data never enters a chained record: the store puts it beside
//! the payload, sealed (`xinfang-store` `pii`), so a key rotation
//! re-encrypts it without touching a single chain hash.

use sha2::{Digest, Sha256};

/// The hash of the chain's start.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a stored log entry that the chain protects.
pub struct ChainRecord<'a> {
    pub seq: i64,
    pub stream: &'a str,
    pub kind: &'a str,
    pub at: &'a str,
    pub actor: &'a str,
    pub payload: &'a str,
}

/// hash = SHA-256(prev ‖ seq ‖ stream ‖ kind ‖ at ‖ actor ‖ payload), fields separated by 0x1F.
pub fn chain_hash(prev: &str, r: &ChainRecord<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &r.seq.to_string(),
        r.stream,
        r.kind,
        r.at,
        r.actor,
        r.payload,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// hash = HMAC-SM3(chain key, prev ‖ seq ‖ stream ‖ kind ‖ at ‖ actor ‖ payload),
/// the same fields and separators as [`chain_hash`].
pub fn chain_mac(key: &[u8], prev: &str, r: &ChainRecord<'_>) -> String {
    let mut m = xinfang_crypto::sm3::HmacSm3::new(key);
    for part in [
        prev,
        &r.seq.to_string(),
        r.stream,
        r.kind,
        r.at,
        r.actor,
        r.payload,
    ] {
        m.update(part.as_bytes());
        m.update(&[0x1f]);
    }
    hex::encode(m.finish())
}

/// The first broken link in a sequence of (seq, stored prev, stored hash, record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Verifies entries in order; `expected_seq` catches removals and reorders.
pub struct ChainVerifier {
    prev: String,
    next_seq: i64,
    /// From this seq on, entries are HMAC-SM3 under this key.
    keyed: Option<(i64, Vec<u8>)>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev: GENESIS.into(),
            next_seq: 1,
            keyed: None,
        }
    }
}

impl ChainVerifier {
    /// A verifier for a chain cut over to HMAC-SM3 at `from` (SHA-256 before).
    pub fn keyed(from: i64, key: &[u8]) -> Self {
        Self {
            keyed: Some((from, key.to_vec())),
            ..Self::default()
        }
    }

    /// The hash entry `r` must carry after `prev` under this verifier's rule.
    pub fn expected(&self, prev: &str, r: &ChainRecord<'_>) -> String {
        match &self.keyed {
            Some((from, key)) if r.seq >= *from => chain_mac(key, prev, r),
            _ => chain_hash(prev, r),
        }
    }

    /// The last verified hash.
    pub fn head(&self) -> &str {
        &self.prev
    }

    pub fn check(
        &mut self,
        stored_prev: &str,
        stored_hash: &str,
        r: &ChainRecord<'_>,
    ) -> Result<(), ChainBreak> {
        if r.seq != self.next_seq {
            return Err(ChainBreak {
                seq: r.seq,
                reason: format!(
                    "序号不连续：应为 {}，实为 {}（事件被删除或重排）",
                    self.next_seq, r.seq
                ),
            });
        }
        if stored_prev != self.prev {
            return Err(ChainBreak {
                seq: r.seq,
                reason: "前一哈希不匹配（前序事件被改动、删除或重排）".into(),
            });
        }
        let h = self.expected(&self.prev, r);
        if !xinfang_crypto::ct_eq(h.as_bytes(), stored_hash.as_bytes()) {
            return Err(ChainBreak {
                seq: r.seq,
                reason: "内容哈希不匹配（事件内容被改动）".into(),
            });
        }
        self.prev = h;
        self.next_seq += 1;
        Ok(())
    }
    pub fn verified(&self) -> i64 {
        self.next_seq - 1
    }

    /// A chain-key change (issue #20): the entry just verified recorded it
    /// (authenticated under the old key), so every later entry is
    /// HMAC-SM3 under `key`. Only in the keyed era.
    pub fn change_key(&mut self, key: &[u8]) {
        if self.keyed.is_some() {
            self.keyed = Some((self.next_seq, key.to_vec()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: i64, payload: &str) -> ChainRecord<'_> {
        ChainRecord {
            seq,
            stream: "audit",
            kind: "login",
            at: "2026-01-01 00:00:00",
            actor: "u",
            payload,
        }
    }

    #[test]
    fn sha256_before_the_cut_over_and_hmac_sm3_after() {
        let key = [9u8; 32];
        let h1 = chain_hash(GENESIS, &rec(1, "a"));
        let h2 = chain_mac(&key, &h1, &rec(2, "b"));
        assert_ne!(h2, chain_hash(&h1, &rec(2, "b")));
        let mut v = ChainVerifier::keyed(2, &key);
        v.check(GENESIS, &h1, &rec(1, "a")).unwrap();
        v.check(&h1, &h2, &rec(2, "b")).unwrap();
        assert_eq!(v.verified(), 2);
        // An insider recomputing entry 2 with the unkeyed algorithm is caught.
        let forged = chain_hash(&h1, &rec(2, "B"));
        let mut v = ChainVerifier::keyed(2, &key);
        v.check(GENESIS, &h1, &rec(1, "a")).unwrap();
        assert!(v.check(&h1, &forged, &rec(2, "B")).is_err());
        // So is one using another key.
        let mut v = ChainVerifier::keyed(2, &[1u8; 32]);
        v.check(GENESIS, &h1, &rec(1, "a")).unwrap();
        assert!(v.check(&h1, &h2, &rec(2, "b")).is_err());
    }

    #[test]
    fn a_key_change_takes_effect_after_the_entry_that_records_it() {
        let (old, new) = ([9u8; 32], [7u8; 32]);
        let h1 = chain_mac(&old, GENESIS, &rec(1, "change"));
        let h2 = chain_mac(&new, &h1, &rec(2, "b"));
        let mut v = ChainVerifier::keyed(1, &old);
        v.check(GENESIS, &h1, &rec(1, "change")).unwrap();
        v.change_key(&new);
        v.check(&h1, &h2, &rec(2, "b")).unwrap();
        // After the change the old key no longer authenticates an entry.
        let forged = chain_mac(&old, &h1, &rec(2, "B"));
        let mut v = ChainVerifier::keyed(1, &old);
        v.check(GENESIS, &h1, &rec(1, "change")).unwrap();
        v.change_key(&new);
        assert!(v.check(&h1, &forged, &rec(2, "B")).is_err());
        // Before the keyed era a change means nothing.
        let mut v = ChainVerifier::default();
        v.change_key(&new);
        let u1 = chain_hash(GENESIS, &rec(1, "a"));
        v.check(GENESIS, &u1, &rec(1, "a")).unwrap();
    }
}
