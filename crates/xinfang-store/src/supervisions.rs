//! Supervision rows (督办单). State changes are chained audit entries too.

use crate::chain::{append, Append};
use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::Val;
use crate::scope::push_scope;
use crate::CaseScope;
use crate::Store;
use serde::Serialize;
use sqlx::Row;
use xinfang_domain::supervision::{SupervisionKind, SupervisionStatus};

/// A supervision as stored.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SupervisionRow {
    pub id: i64,
    pub case_no: String,
    pub kind: SupervisionKind,
    pub from_unit: i64,
    pub to_unit: i64,
    pub requirement: String,
    pub feedback_due: Option<String>,
    pub status: SupervisionStatus,
    pub feedback: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A supervision to create.
pub struct NewSupervision<'a> {
    pub case_id: i64,
    pub kind: SupervisionKind,
    pub from_unit: i64,
    pub to_unit: i64,
    pub requirement: &'a str,
    pub feedback_due: Option<String>,
    pub status: SupervisionStatus,
    pub created_by: &'a str,
}

const COLS: &str = "s.id, c.case_no, s.kind, s.from_unit, s.to_unit, s.requirement, s.feedback_due, s.status, s.feedback, s.created_by, s.created_at, s.updated_at";

/// A row of [`COLS`], read by column name; an unknown kind or status is
/// corrupt data.
fn from_row(r: &sqlx::any::AnyRow) -> Result<SupervisionRow, StoreError> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    Ok(SupervisionRow {
        id: r.try_get("id")?,
        case_no: r.try_get("case_no")?,
        kind: SupervisionKind::from_key(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("supervision kind {kind}")))?,
        from_unit: r.try_get("from_unit")?,
        to_unit: r.try_get("to_unit")?,
        requirement: r.try_get("requirement")?,
        feedback_due: r.try_get("feedback_due")?,
        status: SupervisionStatus::from_key(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("supervision status {status}")))?,
        feedback: r.try_get("feedback")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    pub async fn insert_supervision(&self, s: &NewSupervision<'_>) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO supervisions (case_id, kind, from_unit, to_unit, requirement, feedback_due, status, feedback, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $9) RETURNING id",
        )
        .bind(s.case_id)
        .bind(s.kind.key())
        .bind(s.from_unit)
        .bind(s.to_unit)
        .bind(s.requirement)
        .bind(s.feedback_due.clone())
        .bind(s.status.key())
        .bind(s.created_by)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let payload = serde_json::json!({ "supervision": id, "case_id": s.case_id, "kind": s.kind.key(), "to_unit": s.to_unit, "feedback_due": s.feedback_due }).to_string();
        append(
            &mut tx,
            Append {
                stream: "supervision",
                case_id: None,
                kind: "supervision_created",
                at: &now,
                actor: s.created_by,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn supervision(&self, id: i64) -> Result<Option<SupervisionRow>, StoreError> {
        let r = sqlx::query(&format!(
            "SELECT {COLS} FROM supervisions s JOIN cases c ON c.id = s.case_id WHERE s.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(from_row).transpose()
    }

    /// Change status (and feedback text when given) if still `from`.
    pub async fn update_supervision(
        &self,
        id: i64,
        from: SupervisionStatus,
        to: SupervisionStatus,
        feedback: Option<&str>,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let (from, to) = (from.key(), to.key());
        let res = match feedback {
            Some(f) => sqlx::query("UPDATE supervisions SET status = $1, feedback = $2, updated_at = $3 WHERE id = $4 AND status = $5")
                .bind(to)
                .bind(f)
                .bind(&now)
                .bind(id)
                .bind(from)
                .execute(&mut *tx)
                .await?,
            None => sqlx::query("UPDATE supervisions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                .bind(to)
                .bind(&now)
                .bind(id)
                .bind(from)
                .execute(&mut *tx)
                .await?,
        };
        if res.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        let payload =
            serde_json::json!({ "supervision": id, "from": from, "to": to, "feedback": feedback })
                .to_string();
        append(
            &mut tx,
            Append {
                stream: "supervision",
                case_id: None,
                kind: "supervision_changed",
                at: &now,
                actor,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Supervisions sent from or addressed to units under the path prefix,
    /// on cases `scope` may see.
    pub async fn supervisions_under(
        &self,
        path_prefix: &str,
        scope: &CaseScope,
        limit: i64,
    ) -> Result<Vec<SupervisionRow>, StoreError> {
        let mut sql = format!(
            "SELECT {COLS} FROM supervisions s JOIN cases c ON c.id = s.case_id JOIN units uf ON uf.id = s.from_unit JOIN units ut ON ut.id = s.to_unit \
             WHERE (uf.path LIKE $1 OR ut.path LIKE $1)"
        );
        let mut binds = vec![Val::S(format!("{path_prefix}%")), Val::I(limit)];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(" ORDER BY s.id DESC LIMIT $2");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Open supervisions whose feedback deadline is before `today`.
    pub async fn overdue_supervisions(
        &self,
        today: &str,
    ) -> Result<Vec<SupervisionRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM supervisions s JOIN cases c ON c.id = s.case_id WHERE s.status = $2 AND s.feedback_due IS NOT NULL AND s.feedback_due < $1 ORDER BY s.id"
        ))
        .bind(today)
        .bind(SupervisionStatus::Open.key())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}
