//! SM4-GCM field encryption (SM4 of GB/T 32907 in the GCM mode of NIST SP
//! 800-38D / GB/T 36624): confidentiality and integrity of one field.
//!
//! A sealed field is text: `v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`,
//! 96-bit random nonce, 128-bit tag, the header `v1:<key id>` bound in as
//! associated data. The key id beside every ciphertext lets reads accept
//! old and new keys during a rotation and tells an operator which key a
//! backup needs.

use crate::CryptoError;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AesGcm, KeyInit};
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use sm4::cipher::consts::U12;
use sm4::Sm4;

/// SM4 in GCM with a 96-bit nonce and a 128-bit tag.
pub type Sm4Gcm = AesGcm<Sm4, U12>;

/// The envelope version prefix.
pub const PREFIX: &str = "v1:";

const NONCE: usize = 12;
const TAG: usize = 16;

/// One SM4-GCM key, ready to use.
#[derive(Clone)]
pub struct FieldKey {
    pub id: String,
    cipher: Sm4Gcm,
}

impl FieldKey {
    /// `key` is the 16-byte SM4 key.
    pub fn new(id: &str, key: &[u8]) -> Result<Self, CryptoError> {
        let cipher = Sm4Gcm::new_from_slice(key)
            .map_err(|_| CryptoError::Malformed(format!("SM4 密钥 {id} 长度应为 16 字节")))?;
        Ok(Self {
            id: id.to_string(),
            cipher,
        })
    }

    /// Seal `plaintext` into the `v1:<kid>:<base64>` envelope.
    pub fn seal(&self, plaintext: &[u8]) -> Result<String, CryptoError> {
        self.seal_bound(plaintext, b"")
    }

    /// Seal, binding the ciphertext to `context` (e.g. the row it belongs
    /// to): it opens only with the same context, so it cannot be moved.
    pub fn seal_bound(&self, plaintext: &[u8], context: &[u8]) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE];
        crate::random_bytes(&mut nonce)?;
        let header = format!("{PREFIX}{}", self.id);
        let ct = self
            .cipher
            .encrypt(
                (&nonce).into(),
                Payload {
                    msg: plaintext,
                    aad: &aad(&header, context),
                },
            )
            .map_err(|_| CryptoError::Authentication)?;
        let mut raw = Vec::with_capacity(NONCE + ct.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ct);
        Ok(format!("{header}:{}", B64.encode(raw)))
    }

    /// Open an envelope sealed under this key.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, CryptoError> {
        self.open_bound(sealed, b"")
    }

    /// Open an envelope sealed with [`FieldKey::seal_bound`] and the same context.
    pub fn open_bound(&self, sealed: &str, context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (kid, body) = split(sealed)?;
        if kid != self.id {
            return Err(CryptoError::UnknownKey(kid.to_string()));
        }
        let raw = B64
            .decode(body)
            .map_err(|e| CryptoError::Malformed(e.to_string()))?;
        if raw.len() < NONCE + TAG {
            return Err(CryptoError::Malformed("密文过短".into()));
        }
        let header = format!("{PREFIX}{kid}");
        let nonce: [u8; NONCE] = raw[..NONCE].try_into().expect("length checked");
        self.cipher
            .decrypt(
                (&nonce).into(),
                Payload {
                    msg: &raw[NONCE..],
                    aad: &aad(&header, context),
                },
            )
            .map_err(|_| CryptoError::Authentication)
    }
}

/// Associated data: the header, and the context after a 0x1F when there is one.
fn aad(header: &str, context: &[u8]) -> Vec<u8> {
    let mut a = header.as_bytes().to_vec();
    if !context.is_empty() {
        a.push(0x1f);
        a.extend_from_slice(context);
    }
    a
}

/// (key id, base64 body) of an envelope.
fn split(sealed: &str) -> Result<(&str, &str), CryptoError> {
    let rest = sealed
        .strip_prefix(PREFIX)
        .ok_or_else(|| CryptoError::Malformed("缺少 v1: 前缀".into()))?;
    rest.split_once(':')
        .filter(|(kid, body)| !kid.is_empty() && !body.is_empty())
        .ok_or_else(|| CryptoError::Malformed("缺少密钥编号".into()))
}

/// Whether a stored value is a sealed envelope (rather than plaintext left
/// by an older version, which the migration encrypts).
pub fn is_sealed(stored: &str) -> bool {
    sealed_key_id(stored).is_some()
}

/// The key id of a sealed envelope.
pub fn sealed_key_id(stored: &str) -> Option<&str> {
    let (kid, body) = split(stored).ok()?;
    let ok = kid
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    ok.then_some(kid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sm4::cipher::BlockCipherEncrypt;

    const K: &str = "0123456789abcdeffedcba9876543210";

    /// GB/T 32907-2016 附录 A, example 1: key = plaintext.
    #[test]
    fn sm4_vector_one_block() {
        let key = hex::decode(K).unwrap();
        let c = Sm4::new_from_slice(&key).unwrap();
        let mut block = sm4::cipher::Array::try_from(key.as_slice()).unwrap();
        c.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
    }

    /// GB/T 32907-2016 附录 A, example 2: the block encrypted 1 000 000
    /// times. About a second unoptimised, so release builds only.
    #[cfg(not(debug_assertions))]
    #[test]
    fn sm4_vector_million_iterations() {
        let key = hex::decode(K).unwrap();
        let c = Sm4::new_from_slice(&key).unwrap();
        let mut block = sm4::cipher::Array::try_from(key.as_slice()).unwrap();
        for _ in 0..1_000_000 {
            c.encrypt_block(&mut block);
        }
        assert_eq!(hex::encode(block), "595298c7c6fd271f0402f804c33d3f66");
    }

    fn key(id: &str, byte: u8) -> FieldKey {
        FieldKey::new(id, &[byte; 16]).unwrap()
    }

    #[test]
    fn seal_open_round_trip_with_fresh_nonce() {
        let k = key("d1.abcdef", 7);
        let a = k.seal("110101199003078515".as_bytes()).unwrap();
        let b = k.seal("110101199003078515".as_bytes()).unwrap();
        assert!(a.starts_with("v1:d1.abcdef:"));
        assert_ne!(a, b, "a fresh nonce per seal");
        assert!(!a.contains("110101199003078515"));
        assert_eq!(k.open(&a).unwrap(), b"110101199003078515");
        assert_eq!(sealed_key_id(&a), Some("d1.abcdef"));
        assert!(is_sealed(&a));
        assert!(!is_sealed("13800138000"));
        assert!(!is_sealed("v1:no body"));
    }

    #[test]
    fn tampering_and_wrong_keys_are_refused() {
        let k = key("d1", 7);
        let sealed = k.seal("浙江省杭州市上城区".as_bytes()).unwrap();
        // A flipped ciphertext bit fails authentication.
        let (head, body) = sealed.rsplit_once(':').unwrap();
        let mut raw = B64.decode(body).unwrap();
        raw[NONCE] ^= 1;
        let forged = format!("{head}:{}", B64.encode(&raw));
        assert!(matches!(k.open(&forged), Err(CryptoError::Authentication)));
        // The same key id with other key bytes fails authentication.
        assert!(matches!(
            key("d1", 8).open(&sealed),
            Err(CryptoError::Authentication)
        ));
        // Relabelling the key id breaks the associated data.
        let relabelled = sealed.replacen("v1:d1:", "v1:d2:", 1);
        assert!(matches!(
            key("d2", 7).open(&relabelled),
            Err(CryptoError::Authentication)
        ));
        assert!(matches!(
            key("d2", 7).open(&sealed),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn bound_ciphertexts_open_only_in_their_context() {
        let k = key("d1", 7);
        let sealed = k.seal_bound(b"13800138000", b"events:42").unwrap();
        assert_eq!(k.open_bound(&sealed, b"events:42").unwrap(), b"13800138000");
        assert!(k.open_bound(&sealed, b"events:43").is_err());
        assert!(k.open(&sealed).is_err());
    }
}
