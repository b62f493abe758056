//! 系统管理 › 用户管理: users by unit, create with roles and an initial
//! password the policy accepts, change roles, reset the password,
//! deactivate (no login, no token) — never delete; reset the second
//! factor (动态验证码) of a user who lost their phone.

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{
    admin_page, banner, field, kept, role_boxes, session_csrf, Fields, Kept, RoleBox,
};
use crate::pages::ledgers::kit::{options, render, Banner, Message, Opt};
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use xinfang_app::admin::org::UserInput;
use xinfang_app::AppError;
use xinfang_domain::{Role, Staff};

/// The user list, then the 新建用户 form (open, and filled in as it was but
/// for the password, when creating failed).
#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage<'a> {
    banner: Option<Banner>,
    /// The list component's HTML.
    list: String,
    csrf: &'a str,
    open: bool,
    username: String,
    display_name: String,
    post: String,
    units: Vec<Opt>,
    roles: Vec<RoleBox>,
}

/// One user: roles, password reset, 停用 / 启用 (confirmed).
#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    id: i64,
    username: &'a str,
    display_name: &'a str,
    unit_name: &'a str,
    unit_id: i64,
    active: bool,
    roles: Vec<RoleBox>,
    /// A confirmed second factor (动态验证码) is bound.
    factor: bool,
}

fn roles_of(f: &Fields) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| k == "roles")
        .map(|(_, v)| v.clone())
        .collect()
}

async fn render_users(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, AppError>>,
    typed: Kept<'_>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let lq = ListQuery::from_query(q);
    let unit: Option<i64> = lq.get("unit").trim().parse().ok();
    let org = st.app.org();
    let mut units: Vec<_> = org.units().collect();
    units.sort_by_key(|u| (u.level, u.id));
    let text = lq.get("text").trim().to_string();
    let role = lq.get("role").to_string();
    let state = lq.get("state").to_string();
    let users: Vec<_> = st
        .app
        .admin_users(staff, unit)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|u| text.is_empty() || u.username.contains(&text) || u.display_name.contains(&text))
        .filter(|u| role.is_empty() || u.roles.iter().any(|r| *r == role))
        .filter(|u| match state.as_str() {
            "active" => u.active,
            "inactive" => !u.active,
            _ => true,
        })
        .collect();
    let mut users = users;
    sort_in_memory(&mut users, &lq, |u, key| match key {
        "unit" => u.unit_name.clone(),
        "name" => u.display_name.clone(),
        _ => u.username.clone(),
    });
    let total = users.len() as i64;
    let rows = users
        .iter()
        .map(|u| {
            let roles: Vec<&str> = u
                .roles
                .iter()
                .filter_map(|k| Role::from_key(k))
                .map(|r| r.label_zh())
                .collect();
            vec![
                Cell::link(&u.username, format!("/admin/users/{}", u.id)),
                Cell::text(&u.display_name),
                Cell::text(&u.unit_name),
                Cell::text(roles.join("、")),
                if u.active {
                    Cell::text("在用")
                } else {
                    Cell::text("已停用").class("muted")
                },
            ]
        })
        .collect();
    let view = ListView {
        title: "用户".into(),
        unit_word: "人",
        base: "/admin/users",
        total,
        filters: vec![
            Filter::text(&lq, "text", "用户名或姓名", ""),
            Filter::select(&lq, "unit", "单位", units.iter().map(|u| (u.id.0, &u.name))),
            Filter::select(
                &lq,
                "role",
                "角色",
                Role::ALL.iter().map(|r| (r.key(), r.label_zh())),
            ),
            Filter::select(
                &lq,
                "state",
                "状态",
                [("active", "在用"), ("inactive", "已停用")],
            ),
        ],
        columns: vec![
            Column::sortable("用户名", "username"),
            Column::sortable("姓名", "name"),
            Column::sortable("单位", "unit"),
            Column::plain("角色"),
            Column::plain("状态"),
        ],
        rows,
        export: Export::Here,
        empty: "没有符合条件的用户。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(q) {
        return view.xlsx(st, staff, "users.xlsx").await;
    }
    let selected = typed.or("unit_id", &unit.map(|u| u.to_string()).unwrap_or_default());
    let body = render(&UsersPage {
        banner,
        list: view.render(&lq),
        csrf,
        open: typed.is_some(),
        username: typed.get("username"),
        display_name: typed.get("display_name"),
        post: typed.get("post"),
        units: options(
            units
                .iter()
                .filter(|u| st.app.unit_active(u.id))
                .map(|u| (u.id.0, &u.name)),
            &selected,
        ),
        roles: role_boxes(&typed.all("roles", &["registrar"])),
    });
    admin_page(staff, "用户管理", status, &body)
}

/// `/admin/users?text=&unit=ID&role=&state=&sort=&page=`.
pub async fn users_page(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_users(&st, &staff, &csrf, &q, None, Kept(None)).await
}

/// Create a user.
pub async fn users_add(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
    let unit = field(&f, "unit_id").trim().parse::<i64>().ok();
    let r = match unit {
        None => Err(AppError::field("unit_id", "请选择所属单位")),
        Some(u) => st
            .app
            .add_user(
                &staff,
                UserInput {
                    username: field(&f, "username").into(),
                    display_name: field(&f, "display_name").into(),
                    unit: u,
                    roles: roles_of(&f),
                    password: field(&f, "password").into(),
                    post: field(&f, "post").into(),
                },
            )
            .await
            .map(|v| format!("已新建用户 {}", v.username)),
    };
    let csrf = session_csrf(&st, &headers).await;
    let q = unit
        .map(|u| HashMap::from([("unit".to_string(), u.to_string())]))
        .unwrap_or_default();
    let typed = kept(&r, &f);
    render_users(&st, &staff, &csrf, &q, Some(r), typed).await
}

async fn render_user(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    outcome: Option<Result<String, AppError>>,
    typed: Kept<'_>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let Some(u) = st
        .app
        .admin_users(staff, None)
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|u| u.id == id)
    else {
        let m = Message {
            class: "err",
            text: "未找到该用户".into(),
            ..Default::default()
        };
        return admin_page(staff, "用户", StatusCode::NOT_FOUND, &render(&m));
    };
    // Roles as they were ticked when saving them failed, else as they are.
    let roles = if typed.is_some() && typed.get("op") == "roles" {
        typed.all("roles", &[])
    } else {
        u.roles.iter().map(|r| r.to_string()).collect()
    };
    let factor = match st.app.store.user_by_id(xinfang_domain::UserId(id)).await {
        Ok(Some(rec)) => st
            .app
            .factor_state(&rec)
            .await
            .map(|f| f.enrolled)
            .unwrap_or(false),
        _ => false,
    };
    let body = render(&UserPage {
        factor,
        banner,
        csrf,
        id,
        username: &u.username,
        display_name: &u.display_name,
        unit_name: &u.unit_name,
        unit_id: u.unit_id,
        active: u.active,
        roles: role_boxes(&roles),
    });
    admin_page(staff, "用户", status, &body)
}

/// `/admin/users/{id}`.
pub async fn user_page(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_user(&st, &staff, &csrf, id, None, Kept(None)).await
}

/// Change roles, reset the password, deactivate or activate.
pub async fn user_change(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
    let r = match field(&f, "op") {
        "roles" => st
            .app
            .change_user(&staff, id, None, Some(&roles_of(&f)), None, None)
            .await
            .map(|_| "已保存角色".to_string()),
        "password" => st
            .app
            .change_user(&staff, id, None, None, Some(field(&f, "password")), None)
            .await
            .map(|_| "已重置密码".to_string()),
        "deactivate" => st
            .app
            .change_user(&staff, id, None, None, None, Some(false))
            .await
            .map(|_| "已停用".to_string()),
        "activate" => st
            .app
            .change_user(&staff, id, None, None, None, Some(true))
            .await
            .map(|_| "已启用".to_string()),
        "reset_factor" => st
            .app
            .reset_second_factor(&staff, xinfang_domain::UserId(id))
            .await
            .map(|_| "已重置动态验证码，该用户下次登录时重新绑定".to_string()),
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = session_csrf(&st, &headers).await;
    let typed = kept(&r, &f);
    render_user(&st, &staff, &csrf, id, Some(r), typed).await
}
