//! The key file: every key the system uses, kept outside the database.
//!
//! JSON, mode 0600, one object (`format` = `xinfang-keys/1`):
//!
//! ```json
//! { "format": "xinfang-keys/1",
//!   "data":  { "active": "d2.5be0c1", "keys": { "d1.93a0f2": "<32 hex>", "d2.5be0c1": "<32 hex>" } },
//!   "index": { "active": "i1.0c77aa", "keys": { "i1.0c77aa": "<64 hex>" } },
//!   "chain": { "active": "c1.e1f203", "keys": { "c1.e1f203": "<64 hex>" } },
//!   "sm2":   { "id": "s1.7a11b0", "secret": "<64 hex>", "public": "04…" } }
//! ```
//!
//! - `data`: SM4 keys for personal-data fields. New ciphertexts use
//!   `active`; every listed key still opens what it sealed, so a rotation
//!   adds a key, re-encrypts in the background, and only then drops the old one.
//! - `index`: the HMAC-SM3 key of the blind index (equality look-ups). It is
//!   separate from `data`, so rotating the encryption key leaves the index valid.
//! - `chain`: the HMAC-SM3 key that authenticates the audit chain.
//! - `sm2`: the system's SM2 key pair, which signs chain anchors.
//!
//! A key id is `<kind><n>.<first 6 hex of SM3(key)>`: short, and distinct
//! between installations, so a backup can name the keys it needs and a
//! wrong key file is recognised before anything is decrypted.

use crate::seal::{sealed_key_id, FieldKey};
use crate::sm2::Sm2KeyPair;
use crate::sm3::{hmac_sm3, sm3};
use crate::CryptoError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The value of `format`.
pub const FORMAT: &str = "xinfang-keys/1";
/// The environment variable that may hold the whole key file (then no file is read or written).
pub const ENV_KEYS: &str = "XINFANG_DATA_KEY";
/// The environment variable naming the key file.
pub const ENV_KEY_FILE: &str = "XINFANG_KEY_FILE";
/// The key file's name beside the SQLite database (the demo's default).
pub const DEFAULT_FILE_NAME: &str = "xinfang-keys.json";

/// Keys of one purpose, by id, and the one new material uses.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KeySet {
    pub active: String,
    pub keys: BTreeMap<String, String>,
}

/// The system's SM2 key pair as stored.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Sm2Entry {
    pub id: String,
    pub secret: String,
    pub public: String,
}

/// The key file's contents.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    pub format: String,
    pub data: KeySet,
    pub index: KeySet,
    pub chain: KeySet,
    pub sm2: Sm2Entry,
}

fn new_key(kind: char, n: usize, len: usize) -> Result<(String, String), CryptoError> {
    let mut k = vec![0u8; len];
    crate::random_bytes(&mut k)?;
    let id = format!("{kind}{n}.{}", &hex::encode(sm3(&k))[..6]);
    Ok((id, hex::encode(k)))
}

fn new_set(kind: char, len: usize) -> Result<KeySet, CryptoError> {
    let (id, key) = new_key(kind, 1, len)?;
    Ok(KeySet {
        active: id.clone(),
        keys: BTreeMap::from([(id, key)]),
    })
}

fn bad(path: &Path, reason: impl Into<String>) -> CryptoError {
    CryptoError::KeyFile {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

impl KeyFile {
    /// Fresh keys of every kind.
    pub fn generate() -> Result<Self, CryptoError> {
        let sm2 = Sm2KeyPair::generate()?;
        let public = sm2.public_key_hex();
        Ok(Self {
            format: FORMAT.into(),
            data: new_set('d', 16)?,
            index: new_set('i', 32)?,
            chain: new_set('c', 32)?,
            sm2: Sm2Entry {
                id: format!("s1.{}", &public[2..8]),
                secret: sm2.secret_hex(),
                public,
            },
        })
    }

    /// Parse and check a key file's text.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let kf: KeyFile = serde_json::from_str(text)
            .map_err(|e| bad(Path::new("-"), format!("不是有效的密钥文件：{e}")))?;
        if kf.format != FORMAT {
            return Err(bad(Path::new("-"), format!("未知格式 {}", kf.format)));
        }
        kf.ring()?;
        Ok(kf)
    }

    /// The runtime key ring (keys decoded, ciphers ready).
    pub fn ring(&self) -> Result<KeyRing, CryptoError> {
        let decode = |id: &str, h: &str, len: usize| -> Result<Vec<u8>, CryptoError> {
            let k = hex::decode(h).map_err(|_| CryptoError::Malformed(format!("密钥 {id}")))?;
            if k.len() != len {
                return Err(CryptoError::Malformed(format!(
                    "密钥 {id} 长度应为 {len} 字节"
                )));
            }
            Ok(k)
        };
        let mut data = BTreeMap::new();
        for (id, h) in &self.data.keys {
            data.insert(id.clone(), FieldKey::new(id, &decode(id, h, 16)?)?);
        }
        let pick = |set: &KeySet, len: usize| -> Result<BTreeMap<String, Vec<u8>>, CryptoError> {
            let mut m = BTreeMap::new();
            for (id, h) in &set.keys {
                m.insert(id.clone(), decode(id, h, len)?);
            }
            if !m.contains_key(&set.active) {
                return Err(CryptoError::UnknownKey(set.active.clone()));
            }
            Ok(m)
        };
        if !data.contains_key(&self.data.active) {
            return Err(CryptoError::UnknownKey(self.data.active.clone()));
        }
        let index = pick(&self.index, 32)?;
        let chain = pick(&self.chain, 32)?;
        let sm2 = Sm2KeyPair::from_secret_hex(&self.sm2.secret)?;
        if sm2.public_key_hex() != self.sm2.public.to_ascii_lowercase() {
            return Err(CryptoError::Sm2("SM2 公钥与私钥不符".into()));
        }
        Ok(KeyRing {
            data_active: self.data.active.clone(),
            data,
            index_active: self.index.active.clone(),
            index,
            chain_active: self.chain.active.clone(),
            chain,
            sm2_id: self.sm2.id.clone(),
            sm2,
        })
    }

    /// Read a key file; refuses one that others may read.
    pub fn load(path: &Path) -> Result<Self, CryptoError> {
        let text = std::fs::read_to_string(path).map_err(|e| bad(path, e.to_string()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| bad(path, e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(bad(
                    path,
                    format!(
                        "权限 {:o} 过宽，其他用户可读；请执行 chmod 600",
                        mode & 0o777
                    ),
                ));
            }
        }
        Self::parse(&text).map_err(|e| match e {
            CryptoError::KeyFile { reason, .. } => bad(path, reason),
            other => bad(path, other.to_string()),
        })
    }

    /// Write the file atomically (temporary file with mode 0600, fsync, rename, fsync the directory).
    pub fn save(&self, path: &Path) -> Result<(), CryptoError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| bad(path, e.to_string()))?;
        let tmp = path.with_extension(format!("json.tmp{}", std::process::id()));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(|e| bad(&tmp, e.to_string()))?;
        let text = serde_json::to_string_pretty(self).expect("a key file serialises");
        f.write_all(text.as_bytes())
            .and_then(|_| f.write_all(b"\n"))
            .and_then(|_| f.sync_all())
            .map_err(|e| bad(&tmp, e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| bad(path, e.to_string()))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Read the key file, creating it with fresh keys when it does not exist.
    /// Returns whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), CryptoError> {
        if path.exists() {
            return Ok((Self::load(path)?, false));
        }
        // Written beside and linked into place: two processes starting at
        // once never overwrite each other's keys — the loser reads the winner's.
        let kf = Self::generate()?;
        let tmp = path.with_extension(format!("json.new{}", std::process::id()));
        kf.save(&tmp)?;
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok((kf, true)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((Self::load(path)?, false))
            }
            Err(e) => Err(bad(path, e.to_string())),
        }
    }

    /// Where the keys come from: `XINFANG_DATA_KEY` (the file's JSON),
    /// else the file `XINFANG_KEY_FILE`, else `default_path` (created on
    /// first run). Returns the keys and the file they live in (None = env).
    pub fn resolve(default_path: &Path) -> Result<(Self, Option<PathBuf>), CryptoError> {
        if let Ok(text) = std::env::var(ENV_KEYS) {
            if !text.trim().is_empty() {
                return Ok((Self::parse(&text)?, None));
            }
        }
        let path = std::env::var(ENV_KEY_FILE)
            .ok()
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| default_path.to_path_buf());
        let (kf, _) = Self::load_or_create(&path)?;
        Ok((kf, Some(path)))
    }

    /// Add a new SM4 data key and make it the active one; returns its id.
    /// Old keys stay until [`KeyFile::remove_data_key`].
    pub fn rotate_data(&mut self) -> Result<String, CryptoError> {
        let (id, key) = new_key('d', self.data.keys.len() + 1, 16)?;
        self.data.keys.insert(id.clone(), key);
        self.data.active = id.clone();
        Ok(id)
    }

    /// Add a new HMAC-SM3 chain key and make it the active one; returns its
    /// id. The old keys stay: the entries they authenticated keep
    /// verifying under them (`Store::change_chain_key` records the switch).
    pub fn rotate_chain(&mut self) -> Result<String, CryptoError> {
        let (id, key) = new_key('c', self.chain.keys.len() + 1, 32)?;
        self.chain.keys.insert(id.clone(), key);
        self.chain.active = id.clone();
        Ok(id)
    }

    /// Add a new HMAC-SM3 blind-index key and make it the active one;
    /// returns its id. The old key stays (look-ups consult both) until
    /// [`KeyFile::remove_index_key`], after the stored indexes are rebuilt.
    pub fn rotate_index(&mut self) -> Result<String, CryptoError> {
        let (id, key) = new_key('i', self.index.keys.len() + 1, 32)?;
        self.index.keys.insert(id.clone(), key);
        self.index.active = id.clone();
        Ok(id)
    }

    /// Drop an old blind-index key (never the active one).
    pub fn remove_index_key(&mut self, id: &str) -> Result<(), CryptoError> {
        if id == self.index.active {
            return Err(CryptoError::Malformed(format!(
                "{id} 是当前使用的盲索引密钥，不能移除"
            )));
        }
        self.index
            .keys
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| CryptoError::UnknownKey(id.to_string()))
    }

    /// Drop a data key no ciphertext uses any more (never the active one).
    pub fn remove_data_key(&mut self, id: &str) -> Result<(), CryptoError> {
        if id == self.data.active {
            return Err(CryptoError::Malformed(format!(
                "{id} 是当前使用的密钥，不能移除"
            )));
        }
        self.data
            .keys
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| CryptoError::UnknownKey(id.to_string()))
    }
}

/// The keys in use, decoded.
#[derive(Clone)]
pub struct KeyRing {
    data_active: String,
    data: BTreeMap<String, FieldKey>,
    index_active: String,
    index: BTreeMap<String, Vec<u8>>,
    chain_active: String,
    chain: BTreeMap<String, Vec<u8>>,
    sm2_id: String,
    sm2: Sm2KeyPair,
}

impl KeyRing {
    /// Seal a personal-data field under the active data key.
    pub fn seal(&self, plaintext: &str) -> Result<String, CryptoError> {
        self.data[&self.data_active].seal(plaintext.as_bytes())
    }

    /// Open a sealed field with whichever listed key sealed it.
    pub fn open(&self, sealed: &str) -> Result<String, CryptoError> {
        let kid = sealed_key_id(sealed).ok_or_else(|| CryptoError::Malformed("不是密文".into()))?;
        let key = self
            .data
            .get(kid)
            .ok_or_else(|| CryptoError::UnknownKey(kid.to_string()))?;
        String::from_utf8(key.open(sealed)?)
            .map_err(|_| CryptoError::Malformed("明文不是 UTF-8".into()))
    }

    /// Seal under the active key, bound to `context` (see [`FieldKey::seal_bound`]).
    pub fn seal_bound(&self, plaintext: &str, context: &str) -> Result<String, CryptoError> {
        self.data[&self.data_active].seal_bound(plaintext.as_bytes(), context.as_bytes())
    }

    /// Open a value sealed with [`KeyRing::seal_bound`] and the same context.
    pub fn open_bound(&self, sealed: &str, context: &str) -> Result<String, CryptoError> {
        let kid = sealed_key_id(sealed).ok_or_else(|| CryptoError::Malformed("不是密文".into()))?;
        let key = self
            .data
            .get(kid)
            .ok_or_else(|| CryptoError::UnknownKey(kid.to_string()))?;
        String::from_utf8(key.open_bound(sealed, context.as_bytes())?)
            .map_err(|_| CryptoError::Malformed("明文不是 UTF-8".into()))
    }

    /// A stored value as plaintext: sealed values are opened, anything else
    /// (plaintext an older version left, before the migration) is returned as is.
    pub fn reveal(&self, stored: &str) -> Result<String, CryptoError> {
        if crate::is_sealed(stored) {
            self.open(stored)
        } else {
            Ok(stored.to_string())
        }
    }

    /// The id new ciphertexts carry.
    pub fn active_data_key(&self) -> &str {
        &self.data_active
    }

    /// Every data key id that can still be opened.
    pub fn data_key_ids(&self) -> Vec<String> {
        self.data.keys().cloned().collect()
    }

    /// The blind index of an already normalised value: HMAC-SM3 under the
    /// index key, hex of its first 16 bytes (128 bits: equality look-ups,
    /// no plaintext, no guessing without the key).
    pub fn blind(&self, normalised: &str) -> String {
        let mac = hmac_sm3(&self.index[&self.index_active], &[normalised.as_bytes()]);
        hex::encode(&mac[..16])
    }

    /// The blind index under every index key in the file, the active key's
    /// first: while a rotation of the index key is rebuilding the stored
    /// indexes, a look-up must find rows written under either key.
    pub fn blind_each(&self, normalised: &str) -> Vec<String> {
        let mut out = vec![self.blind(normalised)];
        for (id, k) in &self.index {
            if *id != self.index_active {
                out.push(hex::encode(&hmac_sm3(k, &[normalised.as_bytes()])[..16]));
            }
        }
        out
    }

    /// The blind-index key id in use.
    pub fn index_key_id(&self) -> &str {
        &self.index_active
    }

    /// The chain key in use: (id, key).
    pub fn chain_key(&self) -> (&str, &[u8]) {
        (&self.chain_active, &self.chain[&self.chain_active])
    }

    /// A chain key by id (old entries stay verifiable after a chain-key change).
    pub fn chain_key_by_id(&self, id: &str) -> Option<&[u8]> {
        self.chain.get(id).map(Vec::as_slice)
    }

    /// The system's SM2 key pair and its id.
    pub fn sm2(&self) -> (&str, &Sm2KeyPair) {
        (&self.sm2_id, &self.sm2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("xinfang-keys-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d.join(DEFAULT_FILE_NAME)
    }

    #[test]
    fn created_once_with_mode_0600_and_read_back() {
        let p = tmp("create");
        let (a, created) = KeyFile::load_or_create(&p).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (b, created) = KeyFile::load_or_create(&p).unwrap();
        assert!(!created);
        assert_eq!(a, b);
        let ring = b.ring().unwrap();
        let sealed = ring.seal("13800138000").unwrap();
        assert!(sealed.starts_with(&format!("v1:{}:", a.data.active)));
        assert_eq!(ring.open(&sealed).unwrap(), "13800138000");
        assert_eq!(ring.reveal("plain").unwrap(), "plain");
        assert_ne!(a.index.keys[&a.index.active], a.chain.keys[&a.chain.active]);
    }

    #[cfg(unix)]
    #[test]
    fn a_world_readable_key_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let p = tmp("perm");
        KeyFile::load_or_create(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = KeyFile::load(&p).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
    }

    #[test]
    fn rotation_keeps_old_ciphertexts_readable_until_the_key_is_removed() {
        let mut kf = KeyFile::generate().unwrap();
        let old = kf.data.active.clone();
        let sealed_old = kf.ring().unwrap().seal("110101199003078515").unwrap();
        let new = kf.rotate_data().unwrap();
        assert_ne!(old, new);
        assert!(new.starts_with("d2."));
        let ring = kf.ring().unwrap();
        assert_eq!(ring.open(&sealed_old).unwrap(), "110101199003078515");
        assert!(ring.seal("x").unwrap().starts_with(&format!("v1:{new}:")));
        assert!(kf.remove_data_key(&new).is_err(), "the active key stays");
        kf.remove_data_key(&old).unwrap();
        assert!(matches!(
            kf.ring().unwrap().open(&sealed_old),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn blind_index_is_keyed_and_deterministic() {
        let a = KeyFile::generate().unwrap().ring().unwrap();
        let b = KeyFile::generate().unwrap().ring().unwrap();
        assert_eq!(a.blind("110101199003078515"), a.blind("110101199003078515"));
        assert_ne!(a.blind("110101199003078515"), a.blind("110101199003078516"));
        assert_ne!(a.blind("110101199003078515"), b.blind("110101199003078515"));
        assert_eq!(a.blind("x").len(), 32);
    }

    #[test]
    fn parse_checks_format_and_key_pair() {
        let kf = KeyFile::generate().unwrap();
        let text = serde_json::to_string(&kf).unwrap();
        assert_eq!(KeyFile::parse(&text).unwrap(), kf);
        let mut other = kf.clone();
        other.sm2.public = KeyFile::generate().unwrap().sm2.public;
        assert!(KeyFile::parse(&serde_json::to_string(&other).unwrap()).is_err());
        assert!(KeyFile::parse("{}").is_err());
    }
}
