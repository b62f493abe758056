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

/// A supervision as stored.
#[derive(Clone, Debug, Serialize)]
pub struct SupervisionRow {
    pub id: i64,
    pub case_no: String,
    pub kind: String,
    pub from_unit: i64,
    pub to_unit: i64,
    pub requirement: String,
    pub feedback_due: Option<String>,
    pub status: String,
    pub feedback: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A supervision to create.
pub struct NewSupervision<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub from_unit: i64,
    pub to_unit: i64,
    pub requirement: &'a str,
    pub feedback_due: Option<String>,
    pub status: &'a str,
    pub created_by: &'a str,
}

const COLS: &str = "s.id, c.case_no, s.kind, s.from_unit, s.to_unit, s.requirement, s.feedback_due, s.status, s.feedback, s.created_by, s.created_at, s.updated_at";

fn row(r: &sqlx::any::AnyRow) -> SupervisionRow {
    SupervisionRow {
        id: r.get(0),
        case_no: r.get(1),
        kind: r.get(2),
        from_unit: r.get(3),
        to_unit: r.get(4),
        requirement: r.get(5),
        feedback_due: r.get(6),
        status: r.get(7),
        feedback: r.get(8),
        created_by: r.get(9),
        created_at: r.get(10),
        updated_at: r.get(11),
    }
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
        .bind(s.kind)
        .bind(s.from_unit)
        .bind(s.to_unit)
        .bind(s.requirement)
        .bind(s.feedback_due.clone())
        .bind(s.status)
        .bind(s.created_by)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let payload = serde_json::json!({ "supervision": id, "case_id": s.case_id, "kind": s.kind, "to_unit": s.to_unit, "feedback_due": s.feedback_due }).to_string();
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
        Ok(r.as_ref().map(row))
    }

    /// Change status (and feedback text when given) if still `from`.
    pub async fn update_supervision(
        &self,
        id: i64,
        from: &str,
        to: &str,
        feedback: Option<&str>,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
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
        Ok(rows.iter().map(row).collect())
    }

    /// Open supervisions whose feedback deadline is before `today`.
    pub async fn overdue_supervisions(
        &self,
        today: &str,
    ) -> Result<Vec<SupervisionRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM supervisions s JOIN cases c ON c.id = s.case_id WHERE s.status = 'open' AND s.feedback_due IS NOT NULL AND s.feedback_due < $1 ORDER BY s.id"
        ))
        .bind(today)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row).collect())
    }
}
