//! 领导包案 rows, their progress entries, and 批示. Every write is also a
//! chained audit entry.

use crate::chain::log;
use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::Val;
use crate::scope::push_scope;
use crate::CaseScope;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// An ownership with its progress, for boards and case pages.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OwnershipRow {
    pub id: i64,
    pub case_no: String,
    pub leader_id: i64,
    pub leader_name: String,
    pub team: serde_json::Value,
    pub plan: String,
    pub deadline: String,
    pub status: String,
    pub created_at: String,
    pub progress: Vec<ProgressRow>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProgressRow {
    pub author: String,
    pub text: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct InstructionRow {
    pub leader: String,
    pub text: String,
    pub at: String,
}

/// The leader is shown by name and post: 王建国（副区长）.
const COLS: &str = "o.id, c.case_no, o.leader_id, CASE WHEN u.post = '' THEN u.display_name ELSE u.display_name || '（' || u.post || '）' END AS leader_name, o.team, o.plan, o.deadline, o.status, o.created_at";

/// A row of [`COLS`], read by column name, without its progress; a team
/// that is not JSON reads as none (as it always has).
fn ownership_from_row(r: &sqlx::any::AnyRow) -> Result<OwnershipRow, StoreError> {
    Ok(OwnershipRow {
        id: r.try_get("id")?,
        case_no: r.try_get("case_no")?,
        leader_id: r.try_get("leader_id")?,
        leader_name: r.try_get("leader_name")?,
        team: serde_json::from_str(&r.try_get::<String, _>("team")?).unwrap_or_default(),
        plan: r.try_get("plan")?,
        deadline: r.try_get("deadline")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        progress: vec![],
    })
}

/// A progress entry: author's name, text, time.
fn progress_from_row(r: &sqlx::any::AnyRow) -> Result<ProgressRow, StoreError> {
    Ok(ProgressRow {
        author: r.try_get("display_name")?,
        text: r.try_get("text")?,
        at: r.try_get("at")?,
    })
}

impl Store {
    pub async fn insert_ownership(
        &self,
        case_id: i64,
        leader_id: i64,
        team: &serde_json::Value,
        plan: &str,
        deadline: &str,
        actor: &str,
    ) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO ownerships (case_id, leader_id, team, plan, deadline, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'active', $6, $6) RETURNING id",
        )
        .bind(case_id)
        .bind(leader_id)
        .bind(team.to_string())
        .bind(plan)
        .bind(deadline)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log(
            &mut tx,
            "leadership",
            "ownership_created",
            actor,
            serde_json::json!({ "ownership": id, "case_id": case_id, "deadline": deadline }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn active_ownership_of(&self, case_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar(
                "SELECT id FROM ownerships WHERE case_id = $1 AND status = 'active'",
            )
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn add_progress(
        &self,
        ownership_id: i64,
        author_id: i64,
        text: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("INSERT INTO ownership_progress (ownership_id, author_id, text, at) VALUES ($1, $2, $3, $4)")
            .bind(ownership_id)
            .bind(author_id)
            .bind(text)
            .bind(crate::now_text())
            .execute(&mut *tx)
            .await?;
        log(
            &mut tx,
            "leadership",
            "ownership_progress",
            actor,
            serde_json::json!({ "ownership": ownership_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn resolve_ownership(&self, id: i64, actor: &str) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let res = sqlx::query("UPDATE ownerships SET status = 'resolved', updated_at = $1 WHERE id = $2 AND status = 'active'")
            .bind(crate::now_text())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if res.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        log(
            &mut tx,
            "leadership",
            "ownership_resolved",
            actor,
            serde_json::json!({ "ownership": id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ownerships where the user is the leader or on the team (`team` holds user ids).
    pub async fn ownerships_of_user(&self, user_id: i64) -> Result<Vec<OwnershipRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM ownerships o JOIN cases c ON c.id = o.case_id JOIN users u ON u.id = o.leader_id ORDER BY o.status, o.deadline, o.id DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = vec![];
        for r in rows {
            let o = ownership_from_row(&r)?;
            let on_team = o
                .team
                .as_array()
                .map(|a| a.iter().any(|m| m["id"].as_i64() == Some(user_id)))
                .unwrap_or(false);
            if o.leader_id != user_id && !on_team {
                continue;
            }
            out.push(self.with_progress(o).await?);
        }
        Ok(out)
    }

    /// Ownerships led by a leader of a unit under the path prefix (the area's 包案 ledger).
    pub async fn ownerships_led_under(
        &self,
        path_prefix: &str,
        scope: &CaseScope,
    ) -> Result<Vec<OwnershipRow>, StoreError> {
        let mut sql = format!(
            "SELECT {COLS} FROM ownerships o JOIN cases c ON c.id = o.case_id JOIN users u ON u.id = o.leader_id JOIN units lu ON lu.id = u.unit_id WHERE lu.path LIKE $1"
        );
        let mut binds = vec![Val::S(format!("{path_prefix}%"))];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(" ORDER BY o.status, o.deadline, o.id DESC");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        let mut out = vec![];
        for r in rows {
            out.push(self.with_progress(ownership_from_row(&r)?).await?);
        }
        Ok(out)
    }

    /// Every ownership of one case, newest first.
    pub async fn ownerships_of_case(&self, case_id: i64) -> Result<Vec<OwnershipRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM ownerships o JOIN cases c ON c.id = o.case_id JOIN users u ON u.id = o.leader_id WHERE o.case_id = $1 ORDER BY o.id DESC"
        ))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = vec![];
        for r in rows {
            out.push(self.with_progress(ownership_from_row(&r)?).await?);
        }
        Ok(out)
    }

    pub async fn ownership(&self, id: i64) -> Result<Option<OwnershipRow>, StoreError> {
        let r = sqlx::query(&format!("SELECT {COLS} FROM ownerships o JOIN cases c ON c.id = o.case_id JOIN users u ON u.id = o.leader_id WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match r {
            Some(r) => Ok(Some(self.with_progress(ownership_from_row(&r)?).await?)),
            None => Ok(None),
        }
    }

    /// The ownership with its progress entries, oldest first.
    async fn with_progress(&self, o: OwnershipRow) -> Result<OwnershipRow, StoreError> {
        let progress = sqlx::query("SELECT u.display_name, p.text, p.at FROM ownership_progress p JOIN users u ON u.id = p.author_id WHERE p.ownership_id = $1 ORDER BY p.id")
            .bind(o.id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(progress_from_row)
            .collect::<Result<_, _>>()?;
        Ok(OwnershipRow { progress, ..o })
    }

    pub async fn insert_instruction(
        &self,
        case_id: i64,
        leader_id: i64,
        text: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO instructions (case_id, leader_id, text, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(case_id)
        .bind(leader_id)
        .bind(text)
        .bind(crate::now_text())
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            "leadership",
            "instruction",
            actor,
            serde_json::json!({ "case_id": case_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn instructions_of(&self, case_id: i64) -> Result<Vec<InstructionRow>, StoreError> {
        let rows = sqlx::query("SELECT u.display_name, i.text, i.at FROM instructions i JOIN users u ON u.id = i.leader_id WHERE i.case_id = $1 ORDER BY i.id")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(InstructionRow {
                    leader: r.try_get("display_name")?,
                    text: r.try_get("text")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }
}
