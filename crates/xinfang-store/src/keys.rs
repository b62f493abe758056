//! The key ring this process uses (issue #20), installed once at start-up
//! by the binary from the key file and replaced when a rotation adds a key.
//!
//! It is process-wide rather than a field of [`crate::Store`] on purpose:
//! chained appends and row builders run inside transactions, group-commit
//! threads and free functions that never see the `Store`, and one process
//! serves one store with one key file. Without an installed ring the store
//! behaves as before issue #20 (plaintext, SHA-256 chain) — that is what an
//! old store looks like until the binary opens it with keys and
//! [`crate::Store::protect`] migrates it.

use std::sync::{Arc, RwLock};
use xinfang_crypto::KeyRing;

static RING: RwLock<Option<Arc<KeyRing>>> = RwLock::new(None);

/// Install (or replace, after a rotation added a key) the process's keys.
pub fn install_keys(ring: KeyRing) {
    *RING.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(ring));
}

/// The installed keys, if any.
pub fn installed_keys() -> Option<Arc<KeyRing>> {
    RING.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The installed keys, or the error that there are none.
pub(crate) fn require() -> Result<Arc<KeyRing>, crate::StoreError> {
    installed_keys().ok_or_else(|| crate::StoreError::Corrupt("未加载密钥文件".into()))
}
