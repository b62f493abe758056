//! Storage of document signatures (issue #20 item 6): the issuing bodies'
//! public signing keys with their certificates, and one SM2 signature per
//! document with its verification code. Only public material is stored;
//! the cryptography and the rules are in `xinfang_app::document_seal`.
//! Keys are revoked by status and signatures never change, so a document
//! signed under a revoked key still verifies as "signed, key since revoked".

use crate::chain::log;
use crate::documents::{doc_row, DOC_COLS};
use crate::error::StoreError;
use crate::{DocumentRow, Store};
use sqlx::Row;

/// A body's signing key (public part) and its certificate.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SigningKeyRow {
    pub id: i64,
    pub unit_id: i64,
    pub key_id: String,
    pub public_key: String,
    pub cert_body: String,
    pub certificate: String,
    pub root_public_key: String,
    /// `active` or `revoked`.
    pub status: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A document's signature.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SignatureRow {
    pub document_id: i64,
    pub key_id: String,
    pub digest: String,
    pub signature: String,
    pub code: String,
    pub signed_at: String,
}

const KEY_COLS: &str = "id, unit_id, key_id, public_key, cert_body, certificate, root_public_key, status, created_by, created_at, revoked_at";
const SIG_COLS: &str = "document_id, key_id, digest, signature, code, signed_at";

/// A row of [`KEY_COLS`], read by column name.
fn key_row(r: &sqlx::any::AnyRow) -> Result<SigningKeyRow, StoreError> {
    Ok(SigningKeyRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        key_id: r.try_get("key_id")?,
        public_key: r.try_get("public_key")?,
        cert_body: r.try_get("cert_body")?,
        certificate: r.try_get("certificate")?,
        root_public_key: r.try_get("root_public_key")?,
        status: r.try_get("status")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

/// A row of [`SIG_COLS`], read by column name.
fn sig_row(r: &sqlx::any::AnyRow) -> Result<SignatureRow, StoreError> {
    Ok(SignatureRow {
        document_id: r.try_get("document_id")?,
        key_id: r.try_get("key_id")?,
        digest: r.try_get("digest")?,
        signature: r.try_get("signature")?,
        code: r.try_get("code")?,
        signed_at: r.try_get("signed_at")?,
    })
}

/// A new signing key.
pub struct NewSigningKey<'a> {
    pub unit_id: i64,
    pub key_id: &'a str,
    pub public_key: &'a str,
    pub cert_body: &'a str,
    pub certificate: &'a str,
    pub root_public_key: &'a str,
}

impl Store {
    /// Record a body's new key; its earlier active keys are revoked in the
    /// same transaction (one active key per body). Audited.
    pub async fn insert_signing_key(
        &self,
        k: &NewSigningKey<'_>,
        actor: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let revoked = sqlx::query(
            "UPDATE signing_keys SET status = 'revoked', revoked_at = $1 WHERE unit_id = $2 AND status = 'active'",
        )
        .bind(now)
        .bind(k.unit_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if revoked > 0 {
            log(
                &mut tx,
                "audit",
                "signing_key_revoked",
                actor,
                serde_json::json!({"unit": k.unit_id, "replaced_by": k.key_id}),
            )
            .await?;
        }
        sqlx::query(
            "INSERT INTO signing_keys (unit_id, key_id, public_key, cert_body, certificate, root_public_key, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8)",
        )
        .bind(k.unit_id)
        .bind(k.key_id)
        .bind(k.public_key)
        .bind(k.cert_body)
        .bind(k.certificate)
        .bind(k.root_public_key)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            "audit",
            "signing_key_issued",
            actor,
            serde_json::json!({"unit": k.unit_id, "key_id": k.key_id, "public_key": k.public_key}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every key, newest first.
    pub async fn signing_keys(&self) -> Result<Vec<SigningKeyRow>, StoreError> {
        let sql = format!("SELECT {KEY_COLS} FROM signing_keys ORDER BY id DESC");
        sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(key_row)
            .collect()
    }

    /// The body's active key.
    pub async fn active_signing_key(
        &self,
        unit_id: i64,
    ) -> Result<Option<SigningKeyRow>, StoreError> {
        let sql = format!(
            "SELECT {KEY_COLS} FROM signing_keys WHERE unit_id = $1 AND status = 'active' ORDER BY id DESC LIMIT 1"
        );
        sqlx::query(&sql)
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(key_row)
            .transpose()
    }

    /// A key by its id.
    pub async fn signing_key(&self, key_id: &str) -> Result<Option<SigningKeyRow>, StoreError> {
        let sql = format!("SELECT {KEY_COLS} FROM signing_keys WHERE key_id = $1");
        sqlx::query(&sql)
            .bind(key_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(key_row)
            .transpose()
    }

    /// Store a document's signature unless it has one; the stored one either way.
    pub async fn insert_signature(&self, s: &SignatureRow) -> Result<SignatureRow, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let sql = format!("SELECT {SIG_COLS} FROM document_signatures WHERE document_id = $1");
        if let Some(r) = sqlx::query(&sql)
            .bind(s.document_id)
            .fetch_optional(&mut *tx)
            .await?
        {
            return sig_row(&r);
        }
        sqlx::query(
            "INSERT INTO document_signatures (document_id, key_id, digest, signature, code, signed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.document_id)
        .bind(&s.key_id)
        .bind(&s.digest)
        .bind(&s.signature)
        .bind(&s.code)
        .bind(&s.signed_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(s.clone())
    }

    /// A document's signature.
    pub async fn signature_of(&self, document_id: i64) -> Result<Option<SignatureRow>, StoreError> {
        let sql = format!("SELECT {SIG_COLS} FROM document_signatures WHERE document_id = $1");
        sqlx::query(&sql)
            .bind(document_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(sig_row)
            .transpose()
    }

    /// The signature and document of a verification code.
    pub async fn signature_by_code(
        &self,
        code: &str,
    ) -> Result<Option<(SignatureRow, DocumentRow)>, StoreError> {
        let sql = format!("SELECT {SIG_COLS} FROM document_signatures WHERE code = $1");
        let Some(sig) = sqlx::query(&sql)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(sig_row)
            .transpose()?
        else {
            return Ok(None);
        };
        let sql = format!("SELECT {DOC_COLS} FROM documents WHERE id = $1");
        let doc = sqlx::query(&sql)
            .bind(sig.document_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(doc_row)
            .transpose()?;
        Ok(doc.map(|d| (sig, d)))
    }

    /// The highest document id (0 when there is none).
    pub async fn max_document_id(&self) -> Result<i64, StoreError> {
        self.highest("documents", "id").await
    }

    /// Documents numbered above `after` without a signature yet, oldest
    /// first. The signer passes the last id it saw, so a round looks only at
    /// documents issued since, not at every signed document again.
    pub async fn unsigned_documents(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<DocumentRow>, StoreError> {
        let sql = format!(
            "SELECT {DOC_COLS} FROM documents d WHERE d.id > $1 AND NOT EXISTS (SELECT 1 FROM document_signatures s WHERE s.document_id = d.id) ORDER BY d.id LIMIT $2"
        );
        sqlx::query(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(doc_row)
            .collect()
    }
}
