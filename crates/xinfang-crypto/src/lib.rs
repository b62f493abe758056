//! 国密 primitives for xinfang (issue #20), in one small crate below the
//! store so that every layer that must encrypt, index, chain or sign uses
//! the same code and the same key file:
//!
//! - [`sm3`]: SM3 (GB/T 32905) and HMAC-SM3, the keyed blind index and the
//!   keyed audit chain are built on it;
//! - [`seal`]: SM4 (GB/T 32907) in GCM mode — authenticated encryption of
//!   personal data fields, with the key id stored beside each ciphertext;
//! - [`sm2`]: SM2 signatures (GB/T 32918) with the default distinguishing
//!   identifier of GB/T 35276, for chain anchors and signed documents;
//! - [`keys`]: the key file (outside the database), its key ids and rotation.
//!
//! Nothing here touches the database; callers decide what to protect.

pub mod keys;
pub mod seal;
pub mod sm2;
pub mod sm3;

pub use keys::{KeyFile, KeyRing, KeySet};
pub use seal::{is_sealed, sealed_key_id};
pub use sm3::{ct_eq, hmac_sm3, sm3};

/// What can go wrong with keys, ciphertexts and signatures.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("密钥文件 {path}：{reason}")]
    KeyFile { path: String, reason: String },
    #[error("密钥 {0} 不在密钥文件中")]
    UnknownKey(String),
    #[error("密文格式不正确：{0}")]
    Malformed(String),
    #[error("密文认证失败（密钥不符或密文被改动）")]
    Authentication,
    #[error("SM2：{0}")]
    Sm2(String),
    #[error("随机数发生器不可用：{0}")]
    Random(String),
}

/// Fill `buf` from the operating system's random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|e| CryptoError::Random(e.to_string()))
}
