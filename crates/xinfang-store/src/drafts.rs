//! Drafts of written opinions awaiting 审核签发. A draft is a row, never
//! deleted; each step (submitted, returned with a comment, signed off) is a
//! chained audit entry. The signed-off opinion itself is the case's
//! `Replied` event and its numbered document (see `documents`).

use crate::chain::{append, Append};
use crate::error::StoreError;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// A draft as stored.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DraftRow {
    pub id: i64,
    pub case_no: String,
    pub case_id: i64,
    /// The body that will issue it (the case's holder when drafted).
    pub unit: i64,
    pub stage: String,
    pub outcome: String,
    pub basis: String,
    pub body: String,
    /// `submitted` (送审), `returned` (退回修改), `issued` (已签发), `superseded`.
    pub status: String,
    pub drafted_by: String,
    pub drafted_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_comment: String,
    /// The returned draft this one revises.
    pub replaces: Option<i64>,
}

/// A draft to submit for sign-off.
pub struct NewDraft<'a> {
    pub case_id: i64,
    pub unit: i64,
    pub stage: &'a str,
    pub outcome: &'a str,
    pub basis: &'a str,
    pub body: &'a str,
    pub drafted_by: &'a str,
    pub replaces: Option<i64>,
}

const COLS: &str = "d.id, c.case_no, d.case_id, d.unit, d.stage, d.outcome, d.basis, d.body, d.status, d.drafted_by, d.drafted_at, d.reviewed_by, d.reviewed_at, d.review_comment, d.replaces";

/// A row of [`COLS`], read by column name.
fn row(r: &sqlx::any::AnyRow) -> Result<DraftRow, StoreError> {
    Ok(DraftRow {
        id: r.try_get("id")?,
        case_no: r.try_get("case_no")?,
        case_id: r.try_get("case_id")?,
        unit: r.try_get("unit")?,
        stage: r.try_get("stage")?,
        outcome: r.try_get("outcome")?,
        basis: r.try_get("basis")?,
        body: r.try_get("body")?,
        status: r.try_get("status")?,
        drafted_by: r.try_get("drafted_by")?,
        drafted_at: r.try_get("drafted_at")?,
        reviewed_by: r.try_get("reviewed_by")?,
        reviewed_at: r.try_get("reviewed_at")?,
        review_comment: r.try_get("review_comment")?,
        replaces: r.try_get("replaces")?,
    })
}

impl Store {
    /// Store a submitted draft; a draft it revises (returned) is marked superseded.
    pub async fn insert_draft(&self, d: &NewDraft<'_>) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO document_drafts (case_id, unit, stage, outcome, basis, body, status, drafted_by, drafted_at, review_comment, replaces) \
             VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, '', $9) RETURNING id",
        )
        .bind(d.case_id)
        .bind(d.unit)
        .bind(d.stage)
        .bind(d.outcome)
        .bind(d.basis)
        .bind(d.body)
        .bind(d.drafted_by)
        .bind(&now)
        .bind(d.replaces)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        // Any earlier open draft of the same case is superseded by this one.
        sqlx::query(
            "UPDATE document_drafts SET status = 'superseded' WHERE case_id = $1 AND id <> $2 AND status IN ('submitted', 'returned')",
        )
        .bind(d.case_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let payload = serde_json::json!({ "draft": id, "case_id": d.case_id, "unit": d.unit, "outcome": d.outcome, "replaces": d.replaces }).to_string();
        append(
            &mut tx,
            Append {
                stream: "document",
                case_id: None,
                kind: "draft_submitted",
                at: &now,
                actor: d.drafted_by,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn draft(&self, id: i64) -> Result<Option<DraftRow>, StoreError> {
        let r = sqlx::query(&format!(
            "SELECT {COLS} FROM document_drafts d JOIN cases c ON c.id = d.case_id WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(row).transpose()
    }

    /// Every draft of a case, newest first.
    pub async fn drafts_of_case(&self, case_id: i64) -> Result<Vec<DraftRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM document_drafts d JOIN cases c ON c.id = d.case_id WHERE d.case_id = $1 ORDER BY d.id DESC"
        ))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Drafts of these units in `status`, oldest first (a head's 待审批).
    pub async fn drafts_at(
        &self,
        unit: i64,
        status: &str,
        limit: i64,
    ) -> Result<Vec<DraftRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM document_drafts d JOIN cases c ON c.id = d.case_id WHERE d.unit = $1 AND d.status = $2 ORDER BY d.id LIMIT $3"
        ))
        .bind(unit)
        .bind(status)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Move a draft from `from` to `to` by `reviewer` with a comment
    /// (`Conflict` when someone else moved it first). Chained.
    pub async fn review_draft(
        &self,
        id: i64,
        from: &str,
        to: &str,
        reviewer: &str,
        comment: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let case_id: Option<i64> = sqlx::query(
            "UPDATE document_drafts SET status = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4 WHERE id = $5 AND status = $6 RETURNING case_id",
        )
        .bind(to)
        .bind(reviewer)
        .bind(&now)
        .bind(comment)
        .bind(id)
        .bind(from)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("case_id"))
        .transpose()?;
        let Some(case_id) = case_id else {
            return Err(StoreError::Conflict);
        };
        let payload =
            serde_json::json!({ "draft": id, "case_id": case_id, "from": from, "to": to, "comment": comment })
                .to_string();
        append(
            &mut tx,
            Append {
                stream: "document",
                case_id: None,
                kind: "draft_reviewed",
                at: &now,
                actor: reviewer,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
