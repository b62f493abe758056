//! Administration storage: the content taxonomy, unit and user changes, and
//! the daily 零报告. Every change writes its chained audit entry in the same
//! transaction; nothing is deleted (taxonomy nodes, units and users are
//! deactivated instead, so history keeps its meaning).

use crate::chain::log;
use crate::error::StoreError;
use crate::org::NewUser;
use crate::Store;
use serde_json::Value;
use sqlx::Row;
use xinfang_domain::org::{Role, UnitId, UnitKind, UnitLevel, UserId};
use xinfang_domain::taxonomy::TaxonNode;

/// A change to a user; `None` fields stay as they are.
#[derive(Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub roles: Option<Vec<Role>>,
    pub password_hash: Option<String>,
    pub active: Option<bool>,
}

/// One recorded daily report.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ZeroReportRow {
    pub id: i64,
    pub unit_id: i64,
    pub day: String,
    pub period: String,
    pub nothing_to_report: bool,
    pub note: String,
    pub reported_by: String,
    pub reported_at: String,
}

/// A report to record.
pub struct NewZeroReport<'a> {
    pub unit: UnitId,
    pub day: &'a str,
    pub period: &'a str,
    pub nothing_to_report: bool,
    pub note: &'a str,
    pub actor: &'a str,
}

/// A taxonomy row (code, name, level, active), read by column name.
fn node_from_row(r: &sqlx::any::AnyRow) -> Result<TaxonNode, StoreError> {
    Ok(TaxonNode {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        level: r.try_get::<i64, _>("level")? as u8,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

impl Store {
    /// The whole taxonomy.
    pub async fn load_taxonomy(&self) -> Result<Vec<TaxonNode>, StoreError> {
        let rows = sqlx::query("SELECT code, name, level, active FROM taxonomy ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(node_from_row).collect()
    }

    /// Fill an empty taxonomy with the shipped default (first start); audited.
    /// Returns how many nodes were written (0 when already seeded).
    pub async fn seed_taxonomy(&self, nodes: &[TaxonNode]) -> Result<usize, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        // Take the chain head's row lock first: two processes starting on a
        // fresh PostgreSQL database seed once, the second sees the rows.
        sqlx::query("UPDATE chain_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM taxonomy")
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if n > 0 {
            return Ok(0);
        }
        let now = crate::now_text();
        for node in nodes {
            sqlx::query(
                "INSERT INTO taxonomy (code, name, level, active, updated_at) VALUES ($1, $2, $3, 1, $4)",
            )
            .bind(&node.code)
            .bind(&node.name)
            .bind(node.level as i64)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        log(
            &mut tx,
            "settings",
            "taxonomy_seeded",
            "system",
            serde_json::json!({ "nodes": nodes.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(nodes.len())
    }

    /// Add a node (code chosen by the domain); audited.
    pub async fn insert_taxon(&self, node: &TaxonNode, actor: &str) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO taxonomy (code, name, level, active, updated_at) VALUES ($1, $2, $3, 1, $4)",
        )
        .bind(&node.code)
        .bind(&node.name)
        .bind(node.level as i64)
        .bind(crate::now_text())
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            "settings",
            "taxon_added",
            actor,
            crate::json_value(node)?,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rename and/or (de)activate a node; audited with the before and after.
    pub async fn update_taxon(
        &self,
        before: &TaxonNode,
        after: &TaxonNode,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE taxonomy SET name = $1, active = $2, updated_at = $3 WHERE code = $4")
            .bind(&after.name)
            .bind(after.active as i64)
            .bind(crate::now_text())
            .bind(&after.code)
            .execute(&mut *tx)
            .await?;
        log(
            &mut tx,
            "settings",
            "taxon_changed",
            actor,
            serde_json::json!({ "before": before, "after": after }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Add a unit under `parent` with its audit entry in the same transaction.
    pub async fn create_unit(
        &self,
        parent: UnitId,
        name: &str,
        level: UnitLevel,
        kind: UnitKind,
        region_code: &str,
        actor: &str,
    ) -> Result<UnitId, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM units")
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        let parent_path: String = sqlx::query("SELECT path FROM units WHERE id = $1")
            .bind(parent.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("path")?;
        sqlx::query("INSERT INTO units (id, parent_id, name, level, kind, region_code, path, active) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)")
            .bind(id)
            .bind(parent.0)
            .bind(name)
            .bind(level.key())
            .bind(kind.key())
            .bind(region_code)
            .bind(format!("{parent_path}{id}/"))
            .execute(&mut *tx)
            .await?;
        log(
            &mut tx,
            "settings",
            "unit_added",
            actor,
            serde_json::json!({ "id": id, "parent": parent.0, "name": name, "level": level.key(), "kind": kind.key(), "region_code": region_code }),
        )
        .await?;
        tx.commit().await?;
        Ok(UnitId(id))
    }

    /// Rename and/or (de)activate a unit; audited.
    pub async fn update_unit(
        &self,
        id: UnitId,
        name: &str,
        active: bool,
        actor: &str,
        audit: Value,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE units SET name = $1, active = $2 WHERE id = $3")
            .bind(name)
            .bind(active as i64)
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        log(&mut tx, "settings", "unit_changed", actor, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ids of deactivated units.
    pub async fn inactive_units(&self) -> Result<Vec<UnitId>, StoreError> {
        let rows = sqlx::query("SELECT id FROM units WHERE active = 0 ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(UnitId(r.try_get("id")?))).collect()
    }

    /// Create a user with its audit entry in the same transaction.
    pub async fn create_user(&self, u: &NewUser<'_>, actor: &str) -> Result<UserId, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let taken = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(u.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict);
        }
        let roles: Vec<&str> = u.roles.iter().map(|r| r.key()).collect();
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, display_name, unit_id, roles, password_hash, active, created_at, post) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.unit.0)
        .bind(roles.join(","))
        .bind(u.password_hash)
        .bind(crate::now_text())
        .bind(u.post)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log(
            &mut tx,
            "settings",
            "user_added",
            actor,
            serde_json::json!({ "id": id, "username": u.username, "unit": u.unit.0, "roles": roles }),
        )
        .await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    /// Change a user; audited (never with the password hash).
    pub async fn update_user(
        &self,
        id: UserId,
        c: &UserChange,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let was_active: i64 = match sqlx::query("SELECT active FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(row) => row.try_get("active")?,
            None => return Err(StoreError::NotFound),
        };
        // A password reset or a change of active status ends every page
        // session and API token of the user, in the same transaction: a
        // reset is how an administrator locks out whoever learnt the old
        // password, and a reactivated account must not get its old tokens
        // back (they were issued to whoever held it before).
        let revoke = c.password_hash.is_some() || c.active.is_some_and(|a| a != (was_active != 0));
        if revoke {
            sqlx::query("DELETE FROM tokens WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(n) = &c.display_name {
            sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                .bind(n)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(r) = &c.roles {
            let keys: Vec<&str> = r.iter().map(|x| x.key()).collect();
            sqlx::query("UPDATE users SET roles = $1 WHERE id = $2")
                .bind(keys.join(","))
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(h) = &c.password_hash {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(h)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(a) = c.active {
            sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                .bind(a as i64)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        let roles: Option<Vec<&str>> = c
            .roles
            .as_ref()
            .map(|r| r.iter().map(|x| x.key()).collect());
        log(
            &mut tx,
            "settings",
            "user_changed",
            actor,
            serde_json::json!({ "id": id.0, "display_name": c.display_name, "roles": roles,
                "password_reset": c.password_hash.is_some(), "active": c.active, "sessions_revoked": revoke }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Record a unit's daily report; `Conflict` when the unit already reported that day.
    pub async fn insert_zero_report(&self, r: &NewZeroReport<'_>) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let dup = sqlx::query("SELECT id FROM zero_reports WHERE unit_id = $1 AND day = $2")
            .bind(r.unit.0)
            .bind(r.day)
            .fetch_optional(&mut *tx)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict);
        }
        let id: i64 = sqlx::query(
            "INSERT INTO zero_reports (unit_id, day, period, nothing_to_report, note, reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(r.unit.0)
        .bind(r.day)
        .bind(r.period)
        .bind(r.nothing_to_report as i64)
        .bind(r.note)
        .bind(r.actor)
        .bind(crate::now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log(
            &mut tx,
            "audit",
            "zero_report",
            r.actor,
            serde_json::json!({ "id": id, "unit": r.unit.0, "day": r.day, "period": r.period, "nothing_to_report": r.nothing_to_report }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Reports recorded on a day.
    pub async fn zero_reports_on(&self, day: &str) -> Result<Vec<ZeroReportRow>, StoreError> {
        let rows = sqlx::query("SELECT id, unit_id, day, period, nothing_to_report, note, reported_by, reported_at FROM zero_reports WHERE day = $1 ORDER BY unit_id")
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ZeroReportRow {
                    id: r.try_get("id")?,
                    unit_id: r.try_get("unit_id")?,
                    day: r.try_get("day")?,
                    period: r.try_get("period")?,
                    nothing_to_report: r.try_get::<i64, _>("nothing_to_report")? != 0,
                    note: r.try_get("note")?,
                    reported_by: r.try_get("reported_by")?,
                    reported_at: r.try_get("reported_at")?,
                })
            })
            .collect()
    }
}
