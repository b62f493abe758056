//! SM2 signatures (GB/T 32918.2-2016) with the default distinguishing
//! identifier `1234567812345678` of GB/T 35276-2017. The system signs its
//! audit-chain anchors with it (and issuing bodies their documents); a
//! verifier needs only the public key, exported as uncompressed SEC1 hex.

use crate::CryptoError;
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};

/// GB/T 35276-2017 §5.1: the default user ID when none is agreed.
pub const DEFAULT_DIST_ID: &str = "1234567812345678";

/// An SM2 signing key pair.
#[derive(Clone)]
pub struct Sm2KeyPair {
    key: SigningKey,
}

impl Sm2KeyPair {
    /// A fresh key pair from the operating system's random source.
    pub fn generate() -> Result<Self, CryptoError> {
        loop {
            let mut secret = [0u8; 32];
            crate::random_bytes(&mut secret)?;
            // A scalar of zero or ≥ n is refused; draw again (p ≈ 2⁻³²).
            if let Ok(key) = SigningKey::from_slice(DEFAULT_DIST_ID, &secret) {
                return Ok(Self { key });
            }
        }
    }

    /// The key pair of a 32-byte secret scalar (hex).
    pub fn from_secret_hex(secret: &str) -> Result<Self, CryptoError> {
        let bytes = hex::decode(secret.trim()).map_err(|e| CryptoError::Sm2(e.to_string()))?;
        let key = SigningKey::from_slice(DEFAULT_DIST_ID, &bytes)
            .map_err(|e| CryptoError::Sm2(e.to_string()))?;
        Ok(Self { key })
    }

    /// The secret scalar (hex) — for the key file only.
    pub fn secret_hex(&self) -> String {
        hex::encode(self.key.to_bytes())
    }

    /// The public key, uncompressed SEC1 (04 ‖ x ‖ y), hex.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_sec1_bytes())
    }

    /// Sign `message` (SM3 over Z_A ‖ message, per GB/T 32918.2): r ‖ s, 64 bytes.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let sig: Signature = self.key.sign(message);
        let mut out = [0u8; 64];
        out.copy_from_slice(&sig.to_bytes());
        out
    }
}

/// Check an r ‖ s signature by the public key (uncompressed or compressed SEC1 hex).
pub fn verify(public_key_hex: &str, message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
    let pk = hex::decode(public_key_hex.trim()).map_err(|e| CryptoError::Sm2(e.to_string()))?;
    let vk = VerifyingKey::from_sec1_bytes(DEFAULT_DIST_ID, &pk)
        .map_err(|_| CryptoError::Sm2("公钥格式不正确".into()))?;
    let sig =
        Signature::from_slice(signature).map_err(|_| CryptoError::Sm2("签名格式不正确".into()))?;
    vk.verify(message, &sig)
        .map_err(|_| CryptoError::Sm2("签名验证失败".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_reject_changes() {
        let kp = Sm2KeyPair::generate().unwrap();
        let pk = kp.public_key_hex();
        assert_eq!(pk.len(), 130, "uncompressed SEC1 point");
        assert!(pk.starts_with("04"));
        let sig = kp.sign(b"seq=42 head=abc");
        verify(&pk, b"seq=42 head=abc", &sig).unwrap();
        assert!(verify(&pk, b"seq=43 head=abc", &sig).is_err());
        let mut bad = sig;
        bad[10] ^= 1;
        assert!(verify(&pk, b"seq=42 head=abc", &bad).is_err());
        let other = Sm2KeyPair::generate().unwrap();
        assert!(verify(&other.public_key_hex(), b"seq=42 head=abc", &sig).is_err());
    }

    #[test]
    fn secret_round_trips_through_hex() {
        let kp = Sm2KeyPair::generate().unwrap();
        let again = Sm2KeyPair::from_secret_hex(&kp.secret_hex()).unwrap();
        assert_eq!(again.public_key_hex(), kp.public_key_hex());
        let sig = again.sign(b"m");
        verify(&kp.public_key_hex(), b"m", &sig).unwrap();
        assert!(Sm2KeyPair::from_secret_hex(&"00".repeat(32)).is_err());
    }
}
