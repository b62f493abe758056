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

use std::sync::{Arc, OnceLock, RwLock};
use xinfang_crypto::KeyRing;

static RING: RwLock<Option<Arc<KeyRing>>> = RwLock::new(None);

/// Reads the key file again (set by the binary).
type Reloader = Box<dyn Fn() -> Option<KeyRing> + Send + Sync>;
static RELOAD: OnceLock<Reloader> = OnceLock::new();

/// How to read the key file again when a value names a key this process
/// does not have yet (another process rotated; see `xinfang keys rotate`).
pub fn set_key_reloader(f: impl Fn() -> Option<KeyRing> + Send + Sync + 'static) {
    let _ = RELOAD.set(Box::new(f));
}

/// Reload the key file now; the new ring when it could be read.
pub(crate) fn reload() -> Option<Arc<KeyRing>> {
    let ring = RELOAD.get()?()?;
    install_keys(ring);
    installed_keys()
}

/// Whether an error says a value is sealed under a key this process lacks.
pub(crate) fn is_unknown_key(e: &crate::StoreError) -> bool {
    matches!(e, crate::StoreError::Corrupt(m) if m.contains("不在密钥文件中"))
}

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
