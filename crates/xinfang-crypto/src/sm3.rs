//! SM3 (GB/T 32905-2016) and HMAC-SM3 (RFC 2104 over SM3). HMAC-SM3 keys
//! the petitioner blind index (equality look-ups without the plain value)
//! and the audit chain (an insider without the key cannot recompute it).

use hmac::{Hmac, KeyInit, Mac};
use sm3::{Digest, Sm3};

/// SM3 digest of `data`.
pub fn sm3(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Sm3::digest(data));
    out
}

/// HMAC-SM3 of the concatenation of `parts` under `key`.
pub fn hmac_sm3(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = HmacSm3::new(key);
    for p in parts {
        m.update(p);
    }
    m.finish()
}

/// Incremental HMAC-SM3, for callers that feed fields one by one.
#[derive(Clone)]
pub struct HmacSm3(Hmac<Sm3>);

impl HmacSm3 {
    /// HMAC accepts keys of any length.
    pub fn new(key: &[u8]) -> Self {
        Self(<Hmac<Sm3> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length"))
    }
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub fn finish(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(&self.0.finalize().into_bytes());
        out
    }
}

/// Constant-time equality (MACs, tags, hashes read back from storage).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GB/T 32905-2016 附录 A, example 1.
    #[test]
    fn sm3_vector_abc() {
        assert_eq!(
            hex::encode(sm3(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    /// GB/T 32905-2016 附录 A, example 2: "abcd" × 16 (512 bits, two blocks with padding).
    #[test]
    fn sm3_vector_abcd_16() {
        assert_eq!(
            hex::encode(sm3("abcd".repeat(16).as_bytes())),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    /// HMAC-SM3 equals its definition H((K⊕opad) ‖ H((K⊕ipad) ‖ m)) with a 64-byte block.
    #[test]
    fn hmac_sm3_is_rfc2104_over_sm3() {
        let key = b"xinfang blind index key";
        let msg = b"id:110101199003078515";
        let mut k = [0u8; 64];
        k[..key.len()].copy_from_slice(key);
        let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
        let inner = sm3(&[ipad, msg.to_vec()].concat());
        let outer = sm3(&[opad, inner.to_vec()].concat());
        assert_eq!(hmac_sm3(key, &[msg]), outer);
        assert_eq!(hmac_sm3(key, &[b"id:", b"110101199003078515"]), outer);
        assert_ne!(hmac_sm3(b"another key", &[msg]), outer);
    }

    #[test]
    fn ct_eq_compares_length_and_bytes() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }
}
