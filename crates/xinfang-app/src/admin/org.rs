//! Administration of units and users (管理员 only). Units are added under a
//! parent, renamed or deactivated — never deleted, since cases point at them;
//! the cached tree is reloaded after each change. Users are created with
//! roles and an initial password that must pass the password policy; roles
//! change, passwords are reset, accounts deactivated (a deactivated user can
//! neither log in nor use an existing token). Every change is audited.

use crate::auth::{check_password_policy, hash_password};
use crate::error::AppError;
use crate::state::App;
use serde::Serialize;
use xinfang_domain::{Role, Staff, UnitId, UnitKind, UnitLevel, UserId};
use xinfang_store::{NewUser, StoreError, UserChange, UserRecord};

/// A unit to add.
pub struct UnitInput {
    pub parent: i64,
    pub name: String,
    pub level: String,
    pub kind: String,
    pub region_code: String,
}

/// A user to create.
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub unit: i64,
    pub roles: Vec<String>,
    pub password: String,
    /// 职务 (optional), shown beside a leader's name.
    pub post: String,
}

/// A user as administrators see it (no password hash).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub roles: Vec<&'static str>,
    pub active: bool,
}

impl App {
    /// A person as a leader is shown: 王建国（副区长）, or the name alone when
    /// no post is recorded.
    pub async fn name_and_post(&self, user: xinfang_domain::UserId) -> Result<String, AppError> {
        let u = self
            .store
            .user_by_id(user)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(if u.post.is_empty() {
            u.display_name
        } else {
            format!("{}（{}）", u.display_name, u.post)
        })
    }
}

fn check_unit_name(name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 60 || n.chars().any(char::is_control) {
        return Err(AppError::field("name", "单位名称应为 1–60 个字"));
    }
    Ok(n.to_string())
}

/// Parse role keys (`registrar`, `handler`, `supervisor`, `leader`, `admin`).
pub fn parse_roles(keys: &[String]) -> Result<Vec<Role>, AppError> {
    let mut out = vec![];
    for k in keys {
        let r = Role::from_key(k.trim()).ok_or_else(|| {
            AppError::field(
                "roles",
                format!("未知角色“{k}”，应为 registrar、handler、supervisor、leader 或 admin"),
            )
        })?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if out.is_empty() {
        return Err(AppError::field("roles", "至少选择一个角色"));
    }
    Ok(out)
}

impl App {
    /// Add a unit under an existing, active parent at a level no higher than it.
    pub async fn add_unit(&self, staff: &Staff, u: UnitInput) -> Result<UnitId, AppError> {
        self.require_admin(staff)?;
        let name = check_unit_name(&u.name)?;
        let org = self.org();
        let parent = org
            .get(UnitId(u.parent))
            .filter(|p| self.unit_active(p.id))
            .ok_or_else(|| AppError::field("parent_id", "上级单位不存在或已停用"))?;
        let level = UnitLevel::from_key(u.level.trim()).ok_or_else(|| {
            AppError::field(
                "level",
                "层级应为 national、provincial、municipal、county 或 township",
            )
        })?;
        let kind = UnitKind::from_key(u.kind.trim()).ok_or_else(|| {
            AppError::field("kind", "类别应为 government、petition_bureau、functional、discipline、political_legal 或 township")
        })?;
        if level < parent.level {
            return Err(AppError::field("level", "下级单位的层级不能高于上级单位"));
        }
        let region = u.region_code.trim();
        if region.len() != 6 || !region.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::field("region_code", "行政区划代码应为 6 位数字"));
        }
        if org
            .children(parent.id)
            .iter()
            .filter_map(|c| org.get(*c))
            .any(|c| c.name == name)
        {
            return Err(AppError::field(
                "name",
                format!("“{}”下已有同名单位", parent.name),
            ));
        }
        let id = self
            .store
            .create_unit(
                parent.id,
                &name,
                level,
                kind,
                region,
                &format!("user:{}", staff.username),
            )
            .await?;
        self.reload_org().await?;
        Ok(id)
    }

    /// Rename and/or (de)activate a unit.
    pub async fn change_unit(
        &self,
        staff: &Staff,
        id: i64,
        name: Option<&str>,
        active: Option<bool>,
    ) -> Result<(), AppError> {
        self.require_admin(staff)?;
        let org = self.org();
        let unit = org.get(UnitId(id)).ok_or(AppError::NotFound)?;
        let new_name = match name {
            Some(n) => check_unit_name(n)?,
            None => unit.name.clone(),
        };
        if let Some(p) = org.parent(unit.id) {
            let taken = org
                .children(p.id)
                .iter()
                .filter_map(|c| org.get(*c))
                .any(|c| c.id != unit.id && c.name == new_name);
            if taken {
                return Err(AppError::field(
                    "name",
                    format!("“{}”下已有同名单位", p.name),
                ));
            }
        }
        let was_active = self.unit_active(unit.id);
        let now_active = active.unwrap_or(was_active);
        if !now_active && org.parent(unit.id).is_none() {
            return Err(AppError::field("active", "不能停用最上级单位"));
        }
        if !now_active && unit.id == staff.unit {
            return Err(AppError::field("active", "不能停用本人所在单位"));
        }
        if now_active && !was_active {
            if let Some(p) = org.parent(unit.id) {
                if !self.unit_active(p.id) {
                    return Err(AppError::field(
                        "active",
                        "上级单位已停用，请先启用上级单位",
                    ));
                }
            }
        }
        let audit = serde_json::json!({ "id": id, "name_before": unit.name, "name": new_name, "active_before": was_active, "active": now_active });
        self.store
            .update_unit(
                unit.id,
                &new_name,
                now_active,
                &format!("user:{}", staff.username),
                audit,
            )
            .await?;
        self.reload_org().await?;
        Ok(())
    }

    fn user_view(&self, u: &UserRecord) -> UserView {
        UserView {
            id: u.id.0,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            unit_id: u.unit.0,
            unit_name: self.unit_name(u.unit),
            roles: u.roles.iter().map(|r| r.key()).collect(),
            active: u.active,
        }
    }

    /// Users, optionally those of one unit.
    pub async fn admin_users(
        &self,
        staff: &Staff,
        unit: Option<i64>,
    ) -> Result<Vec<UserView>, AppError> {
        self.require_admin(staff)?;
        Ok(self
            .store
            .list_users()
            .await?
            .iter()
            .filter(|u| unit.is_none_or(|x| u.unit.0 == x))
            .map(|u| self.user_view(u))
            .collect())
    }

    /// Create a user at an active unit; the password must pass the policy.
    pub async fn add_user(&self, staff: &Staff, u: UserInput) -> Result<UserView, AppError> {
        self.require_admin(staff)?;
        let username = u.username.trim();
        if username.len() < 2
            || username.len() > 32
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(AppError::field(
                "username",
                "用户名应为 2–32 位字母、数字、下划线或点",
            ));
        }
        let display = u.display_name.trim();
        if display.is_empty()
            || display.chars().count() > 40
            || display.chars().any(char::is_control)
        {
            return Err(AppError::field("display_name", "姓名应为 1–40 个字"));
        }
        let unit = UnitId(u.unit);
        if self.org().get(unit).is_none() || !self.unit_active(unit) {
            return Err(AppError::field("unit_id", "所属单位不存在或已停用"));
        }
        let roles = parse_roles(&u.roles)?;
        check_password_policy(&u.password)?;
        let hash = hash_password(&u.password);
        let id = self
            .store
            .create_user(
                &NewUser {
                    username,
                    display_name: display,
                    unit,
                    roles: &roles,
                    password_hash: &hash,
                    post: u.post.trim(),
                },
                &format!("user:{}", staff.username),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict => {
                    AppError::field("username", format!("用户名“{username}”已存在"))
                }
                other => other.into(),
            })?;
        let rec = self.store.user_by_id(id).await?.ok_or(AppError::NotFound)?;
        Ok(self.user_view(&rec))
    }

    /// Change roles, reset the password, rename, (de)activate.
    pub async fn change_user(
        &self,
        staff: &Staff,
        id: i64,
        display_name: Option<&str>,
        roles: Option<&[String]>,
        password: Option<&str>,
        active: Option<bool>,
    ) -> Result<UserView, AppError> {
        self.require_admin(staff)?;
        let user = self
            .store
            .user_by_id(UserId(id))
            .await?
            .ok_or(AppError::NotFound)?;
        let roles = roles.map(parse_roles).transpose()?;
        if user.id == staff.user {
            if active == Some(false) {
                return Err(AppError::field("active", "不能停用本人账号"));
            }
            if roles.as_ref().is_some_and(|r| !r.contains(&Role::Admin)) {
                return Err(AppError::field("roles", "不能取消本人的管理员角色"));
            }
        }
        let display_name = match display_name.map(str::trim) {
            Some(d)
                if d.is_empty() || d.chars().count() > 40 || d.chars().any(char::is_control) =>
            {
                return Err(AppError::field("display_name", "姓名应为 1–40 个字"))
            }
            other => other.map(str::to_string),
        };
        let password_hash = match password {
            Some(p) => {
                check_password_policy(p)?;
                Some(hash_password(p))
            }
            None => None,
        };
        let change = UserChange {
            display_name,
            roles,
            password_hash,
            active,
        };
        self.store
            .update_user(user.id, &change, &format!("user:{}", staff.username))
            .await?;
        let rec = self
            .store
            .user_by_id(user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(self.user_view(&rec))
    }
}
