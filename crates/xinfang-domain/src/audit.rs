//! The tamper-evident chain over the event log: each stored event carries the
//! SHA-256 of the previous event's hash and its own canonical record, so an
//! event altered, removed or reordered outside the application breaks the
//! chain at that point (`xinfang audit verify`).

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
pub fn chain_hash(prev: &str, r: &ChainRecord) -> String {
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
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev: GENESIS.into(),
            next_seq: 1,
        }
    }
}

impl ChainVerifier {
    pub fn check(
        &mut self,
        stored_prev: &str,
        stored_hash: &str,
        r: &ChainRecord,
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
        let h = chain_hash(&self.prev, r);
        if h != stored_hash {
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
}
