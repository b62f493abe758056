//! Formal documents and attachments. A document is written in the transaction
//! of the case event it belongs to; its 文号 sequence comes from a counter row
//! per issuing body, year and type, incremented in that same transaction (the
//! UPDATE's row lock orders concurrent issuers on PostgreSQL, the single writer
//! lock on SQLite; a rollback gives the number back, so numbers are gap-free).
//! A unique index on (body, type, year, seq) makes a duplicate impossible.
//! Neither table is ever updated or deleted.

use crate::chain::log;
use crate::error::StoreError;
use crate::Store;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use xinfang_domain::document::{doc_no, DocType};
use xinfang_domain::org::UnitId;

/// A document to number and store with its event.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub doc_type: DocType,
    pub issuing_unit: UnitId,
    /// The body's short name for the 文号.
    pub abbr: String,
    pub year: i32,
    pub issued_at: String,
    /// `DocContent` as JSON.
    pub content_json: String,
}

/// A stored document.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub case_id: i64,
    pub issuing_unit: i64,
    pub doc_type: String,
    pub year: i64,
    pub seq: i64,
    pub doc_no: String,
    pub title: String,
    pub to_petitioner: bool,
    pub issued_at: String,
    pub content_json: String,
    pub event_seq: i64,
}

/// An attachment to store.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

/// 一个附件（不含内容）
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentRow {
    /// 编号
    pub id: i64,
    /// 所属信访事项的内部编号
    pub case_id: i64,
    /// 上传时的文件名
    pub file_name: String,
    /// 按内容判断的类型：image/jpeg、image/png、application/pdf
    pub media_type: String,
    /// 字节数
    pub size_bytes: i64,
    /// 内容的 SHA-256（十六进制）
    pub sha256: String,
    /// 上传者：petitioner 或工作人员
    pub uploaded_by: String,
    /// 上传时间
    pub uploaded_at: String,
}

pub(crate) const DOC_COLS: &str = "id, case_id, issuing_unit, doc_type, year, seq, doc_no, title, to_petitioner, issued_at, content_json, event_seq";

/// A row of [`DOC_COLS`], read by column name.
pub(crate) fn doc_row(r: &sqlx::any::AnyRow) -> Result<DocumentRow, StoreError> {
    Ok(DocumentRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        issuing_unit: r.try_get("issuing_unit")?,
        doc_type: r.try_get("doc_type")?,
        year: r.try_get("year")?,
        seq: r.try_get("seq")?,
        doc_no: r.try_get("doc_no")?,
        title: r.try_get("title")?,
        to_petitioner: r.try_get::<i64, _>("to_petitioner")? != 0,
        issued_at: r.try_get("issued_at")?,
        content_json: r.try_get("content_json")?,
        event_seq: r.try_get("event_seq")?,
    })
}

const ATT_COLS: &str =
    "id, case_id, file_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at";

/// A row of [`ATT_COLS`], read by column name.
fn att_row(r: &sqlx::any::AnyRow) -> Result<AttachmentRow, StoreError> {
    Ok(AttachmentRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        file_name: r.try_get("file_name")?,
        media_type: r.try_get("media_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// Number and insert documents inside the event's transaction.
pub(crate) async fn insert_documents(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
    event_seq: i64,
    docs: &[NewDocument],
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(docs.len());
    for d in docs {
        let counter = format!("doc:{}:{}:{}", d.issuing_unit.0, d.year, d.doc_type.key());
        sqlx::query("INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT DO NOTHING")
            .bind(&counter)
            .execute(&mut **tx)
            .await?;
        let seq: i64 =
            sqlx::query("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
                .bind(&counter)
                .fetch_one(&mut **tx)
                .await?
                .try_get("value")?;
        let no = doc_no(&d.abbr, d.doc_type, d.year, seq);
        let id: i64 = sqlx::query(
            "INSERT INTO documents (case_id, issuing_unit, doc_type, year, seq, doc_no, title, to_petitioner, issued_at, content_json, event_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(case_id)
        .bind(d.issuing_unit.0)
        .bind(d.doc_type.key())
        .bind(d.year as i64)
        .bind(seq)
        .bind(&no)
        .bind(d.doc_type.title_zh())
        .bind(d.doc_type.to_petitioner() as i64)
        .bind(&d.issued_at)
        .bind(&d.content_json)
        .bind(event_seq)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        ids.push(id);
    }
    Ok(ids)
}

impl Store {
    /// The case's documents in issue order.
    pub async fn documents_for_case(&self, case_id: i64) -> Result<Vec<DocumentRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DOC_COLS} FROM documents WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(doc_row).collect()
    }

    /// One document of a case (None when the id belongs to another case).
    pub async fn document(&self, case_id: i64, id: i64) -> Result<Option<DocumentRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {DOC_COLS} FROM documents WHERE id = $1 AND case_id = $2"
        ))
        .bind(id)
        .bind(case_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(doc_row).transpose()
    }

    /// Issue a correcting document: numbered like any other, tied to a
    /// chained audit entry that names the corrected 文号 (the old document stays).
    pub async fn insert_correction(
        &self,
        case_id: i64,
        case_no: &str,
        doc: &NewDocument,
        corrects: &str,
        by: &str,
    ) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let seq = log(
            &mut tx,
            "audit",
            "document_corrected",
            by,
            serde_json::json!({ "case_no": case_no, "corrects": corrects }),
        )
        .await?;
        let ids = insert_documents(&mut tx, case_id, seq, std::slice::from_ref(doc)).await?;
        tx.commit().await?;
        ids.first().copied().ok_or(StoreError::NotFound)
    }

    /// Store attachments of a case with one chained audit entry, in one transaction.
    pub async fn insert_attachments(
        &self,
        case_id: i64,
        case_no: &str,
        files: &[NewAttachment],
        by: &str,
        at: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let mut ids = vec![];
        for f in files {
            let id: i64 = sqlx::query(
                "INSERT INTO attachments (case_id, file_name, media_type, size_bytes, sha256, content, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(case_id)
            .bind(&f.file_name)
            .bind(&f.media_type)
            .bind(f.content.len() as i64)
            .bind(&f.sha256)
            .bind(f.content.clone())
            .bind(by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            ids.push(id);
        }
        let listed: Vec<_> = files
            .iter()
            .zip(&ids)
            .map(|(f, id)| serde_json::json!({"id": id, "media_type": f.media_type, "size": f.content.len(), "sha256": f.sha256}))
            .collect();
        log(
            &mut tx,
            "audit",
            "attachments_added",
            by,
            serde_json::json!({ "case_no": case_no, "files": listed }),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The case's attachments (without bytes) in upload order.
    pub async fn attachments_for_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ATT_COLS} FROM attachments WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(att_row).collect()
    }

    /// One attachment of a case with its bytes.
    pub async fn attachment(
        &self,
        case_id: i64,
        id: i64,
    ) -> Result<Option<(AttachmentRow, Vec<u8>)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ATT_COLS}, content FROM attachments WHERE id = $1 AND case_id = $2"
        ))
        .bind(id)
        .bind(case_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some((att_row(&r)?, r.try_get::<Vec<u8>, _>("content")?)))
    }
}
