//! Units and users. The unit tree is small and read on every decision, so it
//! is loaded whole into a `OrgTree`; users carry their roles as a list.

use crate::error::StoreError;
use crate::Store;
use sqlx::Row;
use xinfang_domain::org::{OrgTree, Role, Unit, UnitId, UnitKind, UnitLevel, UserId};

/// A user as stored (with the password hash; never serialised out).
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub unit: UnitId,
    pub roles: Vec<Role>,
    pub password_hash: String,
    pub active: bool,
    /// 职务, e.g. 副区长; "" when not recorded.
    pub post: String,
}

/// A user to create.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub unit: UnitId,
    pub roles: &'a [Role],
    pub password_hash: &'a str,
    /// 职务 ("" when not recorded).
    pub post: &'a str,
}

fn roles_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(",")
}

/// A row of [`USER_COLS`], read by column name; unknown role keys are
/// dropped.
fn user_from_row(r: &sqlx::any::AnyRow) -> Result<UserRecord, StoreError> {
    let roles: String = r.try_get("roles")?;
    Ok(UserRecord {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        unit: UnitId(r.try_get("unit_id")?),
        roles: roles.split(',').filter_map(Role::from_key).collect(),
        password_hash: r.try_get("password_hash")?,
        active: r.try_get::<i64, _>("active")? != 0,
        post: r.try_get("post")?,
    })
}

const USER_COLS: &str = "id, username, display_name, unit_id, roles, password_hash, active, post";

impl Store {
    /// Add a unit under `parent`; its id is assigned here.
    pub async fn insert_unit(
        &self,
        parent: Option<UnitId>,
        name: &str,
        level: UnitLevel,
        kind: UnitKind,
        region_code: &str,
    ) -> Result<UnitId, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM units")
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        let parent_path: String = match parent {
            Some(p) => sqlx::query("SELECT path FROM units WHERE id = $1")
                .bind(p.0)
                .fetch_one(&mut *tx)
                .await?
                .try_get("path")?,
            None => "/".into(),
        };
        sqlx::query("INSERT INTO units (id, parent_id, name, level, kind, region_code, path) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(parent.map(|p| p.0))
            .bind(name)
            .bind(level.key())
            .bind(kind.key())
            .bind(region_code)
            .bind(format!("{parent_path}{id}/"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(UnitId(id))
    }

    /// The whole unit tree.
    pub async fn load_org(&self) -> Result<OrgTree, StoreError> {
        let rows = sqlx::query(
            "SELECT id, parent_id, name, level, kind, region_code FROM units ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut units = Vec::with_capacity(rows.len());
        for r in rows {
            let level: String = r.try_get("level")?;
            let kind: String = r.try_get("kind")?;
            units.push(Unit {
                id: UnitId(r.try_get("id")?),
                parent: r.try_get::<Option<i64>, _>("parent_id")?.map(UnitId),
                name: r.try_get("name")?,
                level: UnitLevel::from_key(&level)
                    .ok_or_else(|| StoreError::Corrupt(format!("unit level {level}")))?,
                kind: UnitKind::from_key(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("unit kind {kind}")))?,
                region_code: r.try_get("region_code")?,
            });
        }
        Ok(OrgTree::new(units))
    }

    pub async fn insert_user(&self, u: &NewUser<'_>) -> Result<UserId, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, unit_id, roles, password_hash, active, created_at, post) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.unit.0)
        .bind(roles_text(u.roles))
        .bind(u.password_hash)
        .bind(crate::now_text())
        .bind(u.post)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(UserId(row.try_get("id")?))
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {USER_COLS} FROM users ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }
}
