//! Anchors of the audit chain outside the database (issue #20 item 2).
//!
//! An anchor is (seq, head hash, time, cut-over seq), signed with the
//! system's SM2 key, appended as one JSON line to an append-only file
//! (`anchors.log` in the data directory; fsynced). Copies of that file — or
//! of the `audit.anchor` entries the level above receives — let
//! `xinfang audit verify --anchors FILE` prove that the chain now holds, at
//! every anchored seq, the hash that was signed then. Rewriting history,
//! even with the old unkeyed algorithm and a forged "never cut over" head,
//! changes those hashes (or the cut-over), and the insider cannot sign a
//! new anchor without the SM2 key, which the database does not hold.

use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use xinfang_domain::audit::{ChainBreak, GENESIS};

/// The anchors file's name in the data directory.
pub const ANCHORS_FILE: &str = "anchors.log";

/// One signed anchor, one line of the anchors file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    pub at: String,
    /// The first HMAC-SM3 entry (None: not yet cut over).
    pub keyed_from: Option<i64>,
    /// The SM2 key id that signed.
    pub signer: String,
    /// SM2 signature r ‖ s, hex.
    pub sig: String,
}

impl Anchor {
    /// The signed bytes.
    pub fn message(&self) -> Vec<u8> {
        format!(
            "xinfang-anchor/1\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.seq,
            self.hash,
            self.at,
            self.keyed_from.map(|k| k.to_string()).unwrap_or_default()
        )
        .into_bytes()
    }
}

/// Append one line and make it durable.
fn append_line(path: &Path, line: &str) -> Result<(), StoreError> {
    let io = |e: std::io::Error| StoreError::Corrupt(format!("锚点文件 {}：{e}", path.display()));
    let created = !path.exists();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    f.write_all(format!("{line}\n").as_bytes()).map_err(io)?;
    f.sync_data().map_err(io)?;
    if created {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
    }
    Ok(())
}

/// Read an anchors file.
pub fn read_anchors(path: &Path) -> Result<Vec<Anchor>, StoreError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| StoreError::Corrupt(format!("锚点文件 {}：{e}", path.display())))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                StoreError::Corrupt(format!("锚点文件 {} 第 {} 行：{e}", path.display(), i + 1))
            })
        })
        .collect()
}

impl Store {
    /// Sign the current chain head and append it to `path`; the anchor is
    /// also recorded in the chain as an `audit.anchor` entry.
    pub async fn anchor(&self, path: &Path) -> Result<Anchor, StoreError> {
        let ring = crate::keys::require()?;
        let head = self.chain_head().await?;
        let (signer, kp) = ring.sm2();
        let mut a = Anchor {
            seq: head.seq,
            hash: head.hash,
            at: crate::now_text(),
            keyed_from: head.keyed_from,
            signer: signer.to_string(),
            sig: String::new(),
        };
        a.sig = hex::encode(kp.sign(&a.message()));
        append_line(path, &serde_json::to_string(&a)?)?;
        self.audit(
            "audit",
            "audit.anchor",
            "system",
            &serde_json::json!({ "seq": a.seq, "hash": a.hash, "signer": a.signer }),
        )
        .await?;
        Ok(a)
    }

    /// Check every anchor in `path` against the stored chain: signed by
    /// `public_key` (SM2, SEC1 hex), its seq still holding its hash, and the
    /// cut-over unchanged. Run after [`Store::verify_chain`] passed (which
    /// proves the stored hashes form the chain). `Ok(n)` = n anchors hold.
    pub async fn verify_anchors(
        &self,
        path: &Path,
        public_key: &str,
    ) -> Result<Result<usize, ChainBreak>, StoreError> {
        let anchors = read_anchors(path)?;
        let head = self.chain_head().await?;
        for a in &anchors {
            let fail = |reason: String| Ok(Err(ChainBreak { seq: a.seq, reason }));
            let sig = hex::decode(&a.sig).unwrap_or_default();
            if xinfang_crypto::sm2::verify(public_key, &a.message(), &sig).is_err() {
                return fail(format!("锚点（{}）的 SM2 签名无效", a.at));
            }
            if a.seq > head.seq {
                return fail(format!(
                    "锚点（{}）记录到第 {} 条，链头只到第 {} 条（事件被删除）",
                    a.at, a.seq, head.seq
                ));
            }
            let stored = if a.seq == 0 {
                Some(GENESIS.to_string())
            } else {
                self.event_hash(a.seq).await?
            };
            if stored.as_deref() != Some(a.hash.as_str()) {
                return fail(format!(
                    "第 {} 条的哈希与锚点（{}）不符（该条或其之前的历史被改写）",
                    a.seq, a.at
                ));
            }
            if let Some(from) = a.keyed_from {
                if head.keyed_from != Some(from) {
                    return fail(format!(
                        "锚点（{}）记录链自第 {from} 条起以 HMAC-SM3 认证，库中为 {:?}（切换点被改写）",
                        a.at, head.keyed_from
                    ));
                }
            }
        }
        Ok(Ok(anchors.len()))
    }
}
