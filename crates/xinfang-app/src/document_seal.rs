//! 电子签章 of issued documents (issue #20 item 6): every document carries
//! its issuing body's SM2 signature over its canonical content, and a
//! verification code printed in its 附注 that leads anyone — the petitioner
//! on the portal, a court, the level above — to the same check.
//!
//! Keys: the platform's SM2 root key lives in the key file (outside the
//! database). Each body's signing key is *derived* from the root secret and
//! the key's id (HMAC-SM3), so no private key is stored anywhere; the
//! database keeps only each body's public key and its certificate (the
//! certificate text signed by the root key). Every body starts with an
//! *initial* key (`U<unit>-0`) that needs no record at all, so nothing in
//! the database changes when a body issues its first document (a change an
//! accused body's superiors could read, 第三十条). Administrators 换发 a
//! body's key (the old one revoked, a new one recorded). Revoking never
//! invalidates what was signed before: the check says the signature is good
//! and that the key was revoked since, and when.
//!
//! What is signed ([`canonical`]): 文号, type, title, issuing body, issue
//! time, whether it goes to the petitioner, and the content (JSON with
//! sorted keys). The signature is made once — by the signer beside `serve`
//! within seconds of issue, or at the first read — and never changes.
//!
//! Offline check: `xinfang documents verify FILE` reads the signed package
//! ([`SignedDocument`], downloadable from the staff document page) and needs
//! nothing but the file and, to pin the root, `--root-key`.

use crate::error::AppError;
use crate::state::App;
use chrono::Datelike;
use rand::Rng;
use serde::{Deserialize, Serialize};
use xinfang_crypto::sm2::{verify as sm2_verify, Sm2KeyPair};
use xinfang_crypto::{hmac_sm3, sm3};
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::{DocumentRow, NewSigningKey, SignatureRow, SigningKeyRow};

/// The format line of the signed text.
pub const CANONICAL_FORMAT: &str = "xinfang-document/1";
/// The format of a signed package file.
pub const PACKAGE_FORMAT: &str = "xinfang-signed-document/1";
const CERT_FORMAT: &str = "xinfang-signing-certificate/1";

/// The exact text a body signs for `d` (its issuer's name included).
pub fn canonical(d: &DocumentRow, issuer: &str) -> Result<String, AppError> {
    let content: serde_json::Value = serde_json::from_str(&d.content_json)
        .map_err(|e| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string())))?;
    Ok(format!(
        "{CANONICAL_FORMAT}\n文号：{}\n文种：{}\n标题：{}\n发文机关：{}（{}）\n成文时间：{}\n送达信访人：{}\n内容：{}",
        d.doc_no,
        d.doc_type,
        d.title,
        issuer,
        d.issuing_unit,
        d.issued_at,
        if d.to_petitioner { "是" } else { "否" },
        content
    ))
}

/// The certificate text the root key signs for a body's key.
fn cert_body(unit: i64, unit_name: &str, key_id: &str, public_key: &str, from: &str) -> String {
    format!("{CERT_FORMAT}\n单位：{unit_name}（{unit}）\n密钥编号：{key_id}\n公钥：{public_key}\n生效时间：{from}")
}

/// A body's key pair, derived from the root secret and the key id.
fn derive(root: &Sm2KeyPair, key_id: &str) -> Sm2KeyPair {
    let secret = hex::decode(root.secret_hex()).unwrap_or_default();
    for counter in 0u32.. {
        let s = hmac_sm3(
            &secret,
            &[
                b"xinfang-body-signing-key",
                key_id.as_bytes(),
                &counter.to_be_bytes(),
            ],
        );
        if let Ok(k) = Sm2KeyPair::from_secret_hex(&hex::encode(s)) {
            return k;
        }
    }
    unreachable!("a scalar in range is found within a few draws")
}

/// A short fingerprint of a public key (SM3, first 16 hex digits, grouped).
pub fn fingerprint(public_key: &str) -> String {
    let h = hex::encode(sm3(public_key.as_bytes()));
    h.as_bytes()[..16]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A verification code: 12 characters without look-alikes, grouped by 4.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let raw: String = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// A code as typed: upper case, spaces and dashes normalised.
pub fn normalize_code(code: &str) -> String {
    let raw: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if raw.len() != 12 {
        return raw;
    }
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// A signed document as a file: everything an offline check needs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedDocument {
    pub format: String,
    pub doc_no: String,
    pub title: String,
    pub issuer: String,
    pub issued_at: String,
    pub code: String,
    pub signed_at: String,
    /// The signed text ([`canonical`]).
    pub canonical: String,
    /// SM3 of `canonical`, hex.
    pub digest: String,
    /// SM2 r ‖ s, hex.
    pub signature: String,
    pub key_id: String,
    pub public_key: String,
    pub cert_body: String,
    /// The root key's SM2 signature over `cert_body`, hex.
    pub certificate: String,
    pub root_public_key: String,
}

/// What a check found.
#[derive(Clone, Debug, Serialize)]
pub struct SealCheck {
    /// Signature, digest and certificate all hold.
    pub valid: bool,
    /// In words: 验证通过 or what failed.
    pub verdict: String,
    pub doc_no: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: String,
    pub signed_at: String,
    pub key_id: String,
    pub key_fingerprint: String,
    /// Set when the key was revoked after signing.
    pub key_revoked_at: Option<String>,
}

/// Check a package: the digest, the body's signature, the root's
/// certificate of the body's key, and (when given) that the root is the
/// trusted one. Err(reason in Chinese) on the first failure.
pub fn verify_package(p: &SignedDocument, trusted_root: Option<&str>) -> Result<(), String> {
    if p.format != PACKAGE_FORMAT {
        return Err(format!("不是本系统的签章文件（格式：{}）", p.format));
    }
    if hex::encode(sm3(p.canonical.as_bytes())) != p.digest.to_lowercase() {
        return Err("文书内容与签章时的摘要不一致，文书已被改动".into());
    }
    let sig = hex::decode(&p.signature).map_err(|_| "签名格式不正确".to_string())?;
    sm2_verify(&p.public_key, p.canonical.as_bytes(), &sig)
        .map_err(|_| "签名与文书内容不符，文书已被改动或不是该单位签发".to_string())?;
    if !p.cert_body.contains(&format!("公钥：{}", p.public_key))
        || !p.cert_body.contains(&format!("密钥编号：{}", p.key_id))
    {
        return Err("签章证书与签名密钥不对应".into());
    }
    let cert = hex::decode(&p.certificate).map_err(|_| "证书签名格式不正确".to_string())?;
    sm2_verify(&p.root_public_key, p.cert_body.as_bytes(), &cert)
        .map_err(|_| "签章证书不是平台根密钥签发的".to_string())?;
    if let Some(root) = trusted_root {
        if !root.trim().eq_ignore_ascii_case(p.root_public_key.trim()) {
            return Err("签章证书的根公钥不是所信任的根公钥".into());
        }
    }
    Ok(())
}

/// A key as the administration page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct KeyView {
    pub key_id: String,
    pub unit_id: i64,
    pub unit: String,
    pub fingerprint: String,
    pub created_at: String,
    pub created_by: String,
    pub active: bool,
    pub revoked_at: Option<String>,
}

impl App {
    /// Install the platform's SM2 root key (from the key file).
    pub fn set_signing_root(&self, root: Sm2KeyPair) {
        *self.signing_root.write().expect("root lock") = Some(std::sync::Arc::new(root));
    }

    fn signing_root(&self) -> Option<std::sync::Arc<Sm2KeyPair>> {
        self.signing_root.read().expect("root lock").clone()
    }

    /// The root public key (hex), when a root is installed.
    pub fn signing_root_public_key(&self) -> Option<String> {
        self.signing_root().map(|r| r.public_key_hex())
    }

    /// The key record of `key_id`: stored, or the body's initial key.
    async fn key_record(&self, key_id: &str) -> Result<Option<SigningKeyRow>, AppError> {
        if let Some(k) = self.store.signing_key(key_id).await? {
            return Ok(Some(k));
        }
        let Some(unit) = initial_key_unit(key_id) else {
            return Ok(None);
        };
        let Some(root) = self.signing_root() else {
            return Ok(None);
        };
        Ok(Some(self.certify(&root, unit, key_id, INITIAL_FROM)))
    }

    /// A key record for `key_id` of `unit`, its certificate signed by the root.
    fn certify(&self, root: &Sm2KeyPair, unit: i64, key_id: &str, from: &str) -> SigningKeyRow {
        let public_key = derive(root, key_id).public_key_hex();
        let body = cert_body(
            unit,
            &self.unit_name(UnitId(unit)),
            key_id,
            &public_key,
            from,
        );
        SigningKeyRow {
            id: 0,
            unit_id: unit,
            key_id: key_id.to_string(),
            public_key,
            certificate: hex::encode(root.sign(body.as_bytes())),
            cert_body: body,
            root_public_key: root.public_key_hex(),
            status: "active".into(),
            created_by: "system".into(),
            created_at: String::new(),
            revoked_at: None,
        }
    }

    /// The key a body signs with now: its recorded active key, else its
    /// initial key.
    async fn current_key_id(&self, unit: i64) -> Result<String, AppError> {
        Ok(match self.store.active_signing_key(unit).await? {
            Some(k) => k.key_id,
            None => initial_key_id(unit),
        })
    }

    /// 换发: a new key for `unit`, recorded with its certificate; the key it
    /// replaces (recorded, or the initial one, then recorded as revoked)
    /// stops signing. `actor` is recorded in the audit chain.
    async fn issue_key(&self, unit: i64, actor: &str) -> Result<SigningKeyRow, AppError> {
        let root = self.signing_root().ok_or_else(|| {
            AppError::BadRequest("未配置平台签章根密钥（密钥文件），不能签发签章密钥".into())
        })?;
        let now = self.now();
        let from = xinfang_store::fmt_time(now);
        if self.store.active_signing_key(unit).await?.is_none() {
            let initial = initial_key_id(unit);
            if self.store.signing_key(&initial).await?.is_none() {
                let k = self.certify(&root, unit, &initial, INITIAL_FROM);
                self.store
                    .insert_signing_key(&new_key(&k), actor, &from)
                    .await?;
            }
        }
        let key_id = format!(
            "U{unit}-{}{:02}{:02}{}",
            now.year(),
            now.month(),
            now.day(),
            &new_code()[..4]
        );
        let k = self.certify(&root, unit, &key_id, &from);
        self.store
            .insert_signing_key(&new_key(&k), actor, &from)
            .await?;
        self.store
            .signing_key(&key_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The signature of a document, made now if it has none (None when no
    /// root key is installed).
    pub async fn seal(&self, d: &DocumentRow) -> Result<Option<SignatureRow>, AppError> {
        if let Some(s) = self.store.signature_of(d.id).await? {
            return Ok(Some(s));
        }
        let Some(root) = self.signing_root() else {
            return Ok(None);
        };
        let key_id = self.current_key_id(d.issuing_unit).await?;
        let text = canonical(d, &self.unit_name(UnitId(d.issuing_unit)))?;
        let pair = derive(&root, &key_id);
        let sig = SignatureRow {
            document_id: d.id,
            key_id,
            digest: hex::encode(sm3(text.as_bytes())),
            signature: hex::encode(pair.sign(text.as_bytes())),
            code: new_code(),
            signed_at: xinfang_store::fmt_time(self.now()),
        };
        Ok(Some(self.store.insert_signature(&sig).await?))
    }

    /// Sign up to `limit` documents that have no signature yet; how many.
    pub async fn seal_pending(&self, limit: i64) -> Result<usize, AppError> {
        Ok(self.seal_pending_after(0, limit).await?.0)
    }

    /// Sign up to `limit` unsigned documents numbered above `after`: how
    /// many, and the id the next round starts after — the last one signed
    /// while more may wait, else the highest document id seen before
    /// looking (everything up to it is signed now).
    pub async fn seal_pending_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<(usize, i64), AppError> {
        if self.signing_root().is_none() {
            return Ok((0, after));
        }
        let top = self.store.max_document_id().await?;
        let docs = self.store.unsigned_documents(after, limit).await?;
        let mut last = after;
        for d in &docs {
            self.seal(d).await?;
            last = d.id;
        }
        let full = docs.len() as i64 >= limit;
        Ok((docs.len(), if full { last } else { last.max(top) }))
    }

    /// The view of an issued document, signed (and its code attached).
    pub(crate) async fn sealed_view(
        &self,
        row: DocumentRow,
    ) -> Result<crate::documents::DocumentView, AppError> {
        let sig = self.seal(&row).await?;
        let mut v = crate::documents::view(self, row)?;
        v.seal_code = sig.map(|s| s.code);
        Ok(v)
    }

    /// The signed package of a document the caller may see.
    pub async fn signed_package(
        &self,
        staff: &Staff,
        case_no: &str,
        doc_id: i64,
    ) -> Result<SignedDocument, AppError> {
        let row = self.read_document(staff, case_no, doc_id).await?;
        self.package_of(&row).await
    }

    async fn package_of(&self, row: &DocumentRow) -> Result<SignedDocument, AppError> {
        let sig = self
            .seal(row)
            .await?
            .ok_or_else(|| AppError::BadRequest("文书尚未加盖电子签章".into()))?;
        let key = self
            .key_record(&sig.key_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let issuer = self.unit_name(UnitId(row.issuing_unit));
        Ok(SignedDocument {
            format: PACKAGE_FORMAT.into(),
            doc_no: row.doc_no.clone(),
            title: row.title.clone(),
            canonical: canonical(row, &issuer)?,
            issuer,
            issued_at: row.issued_at.clone(),
            code: sig.code,
            signed_at: sig.signed_at,
            digest: sig.digest,
            signature: sig.signature,
            key_id: key.key_id,
            public_key: key.public_key,
            cert_body: key.cert_body,
            certificate: key.certificate,
            root_public_key: key.root_public_key,
        })
    }

    /// The public check of a verification code (文书核验): who issued which
    /// document when, and whether the signature holds over the stored
    /// document as it is now. None for an unknown code. Shows no content.
    pub async fn check_seal_code(&self, code: &str) -> Result<Option<SealCheck>, AppError> {
        let code = normalize_code(code);
        let Some((sig, row)) = self.store.signature_by_code(&code).await? else {
            return Ok(None);
        };
        let package = self.package_of(&row).await?;
        let key = self
            .store
            .signing_key(&sig.key_id)
            .await?
            .filter(|k| k.status != "active");
        // The stored digest must match the document as stored now, and the
        // root in the certificate must be this platform's.
        let trusted = self.signing_root_public_key();
        let result = if package.digest != sig.digest {
            Err("文书内容与签章时的摘要不一致，文书已被改动".to_string())
        } else {
            verify_package(&package, trusted.as_deref())
        };
        Ok(Some(SealCheck {
            valid: result.is_ok(),
            verdict: match &result {
                Ok(()) => "验证通过：签章有效，文书内容与签发时一致".into(),
                Err(e) => format!("验证未通过：{e}"),
            },
            doc_no: row.doc_no.clone(),
            title: row.title.clone(),
            issuer: package.issuer.clone(),
            issued_on: crate::documents::date_zh(
                &row.issued_at.chars().take(10).collect::<String>(),
            ),
            signed_at: sig.signed_at,
            key_fingerprint: fingerprint(&package.public_key),
            key_id: sig.key_id,
            key_revoked_at: key.and_then(|k| k.revoked_at),
        }))
    }

    /// Every signing key, for administrators.
    pub async fn signing_keys(&self, staff: &Staff) -> Result<Vec<KeyView>, AppError> {
        self.require_admin(staff)?;
        Ok(self
            .store
            .signing_keys()
            .await?
            .into_iter()
            .map(|k| KeyView {
                unit: self.unit_name(UnitId(k.unit_id)),
                fingerprint: fingerprint(&k.public_key),
                active: k.status == "active",
                key_id: k.key_id,
                unit_id: k.unit_id,
                created_at: k.created_at,
                created_by: k.created_by,
                revoked_at: k.revoked_at,
            })
            .collect())
    }

    /// 换发: a new key for `unit` (管理员), the old one revoked.
    pub async fn reissue_signing_key(&self, staff: &Staff, unit: i64) -> Result<String, AppError> {
        self.require_admin(staff)?;
        if self.org().get(UnitId(unit)).is_none() {
            return Err(AppError::field("unit_id", "单位不存在"));
        }
        Ok(self
            .issue_key(unit, &format!("user:{}", staff.username))
            .await?
            .key_id)
    }

    /// 吊销 a body's key (管理员): revoked and replaced at once, so the body
    /// never signs with a revoked key and nothing changes later when it
    /// issues a document. Documents signed before stay verifiable.
    pub async fn revoke_signing_key(
        &self,
        staff: &Staff,
        key_id: &str,
    ) -> Result<String, AppError> {
        self.require_admin(staff)?;
        let unit = match self.store.signing_key(key_id).await? {
            Some(k) if k.status == "active" => k.unit_id,
            Some(_) => return Err(AppError::field("key_id", "该密钥已吊销")),
            None => match initial_key_unit(key_id) {
                Some(u) if self.current_key_id(u).await? == key_id => u,
                _ => return Err(AppError::field("key_id", "该密钥不存在或已吊销")),
            },
        };
        Ok(self
            .issue_key(unit, &format!("user:{}", staff.username))
            .await?
            .key_id)
    }
}

/// When an initial key took effect, in its certificate.
const INITIAL_FROM: &str = "启用电子签章时";

/// A body's initial key id.
pub fn initial_key_id(unit: i64) -> String {
    format!("U{unit}-0")
}

/// The body of an initial key id.
fn initial_key_unit(key_id: &str) -> Option<i64> {
    key_id.strip_prefix('U')?.strip_suffix("-0")?.parse().ok()
}

fn new_key(k: &SigningKeyRow) -> NewSigningKey<'_> {
    NewSigningKey {
        unit_id: k.unit_id,
        key_id: &k.key_id,
        public_key: &k.public_key,
        cert_body: &k.cert_body,
        certificate: &k.certificate,
        root_public_key: &k.root_public_key,
    }
}

/// Whether `staff` may administer keys (for menus).
pub fn may_manage_keys(staff: &Staff) -> bool {
    staff.has(Role::Admin)
}
