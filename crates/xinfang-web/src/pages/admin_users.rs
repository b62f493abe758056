//! 系统管理 › 用户管理: users by unit, create with roles and an initial
//! password the policy accepts, change roles, reset the password,
//! deactivate (no login, no token) — never delete.

use super::admin::{
    admin_page, admin_post, admin_session, banner, csrf_input, field, session_csrf, Fields,
};
use super::html::esc;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use xinfang_app::org_admin::UserInput;
use xinfang_app::AppError;
use xinfang_domain::{Role, Staff};
fn role_boxes(prefix: &str, checked: &[&str]) -> String {
    Role::ALL
        .iter()
        .map(|r| {
            format!(
                "<label><input type=\"checkbox\" name=\"roles\" value=\"{k}\" id=\"{prefix}{k}\"{c}> {zh}</label>",
                k = r.key(),
                zh = r.label_zh(),
                c = if checked.contains(&r.key()) { " checked" } else { "" }
            )
        })
        .collect()
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
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
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
    body.push_str(&view.render(&lq));
    let opts: String = units
        .iter()
        .filter(|u| st.app.unit_active(u.id))
        .map(|u| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                u.id.0,
                if Some(u.id.0) == unit {
                    " selected"
                } else {
                    ""
                },
                esc(&u.name)
            )
        })
        .collect();
    body.push_str(&format!(
        "<section><details><summary class=\"h\">新建用户</summary><form method=\"post\" action=\"/admin/users\">{}\
         <label for=\"username\">用户名</label><input id=\"username\" name=\"username\" required autocomplete=\"off\">\
         <label for=\"display_name\">姓名</label><input id=\"display_name\" name=\"display_name\" required>\
         <label for=\"post\">职务（可选，如 副区长、局长）</label><input id=\"post\" name=\"post\">\
         <label for=\"unit_id\">所属单位</label><select id=\"unit_id\" name=\"unit_id\">{}</select>\
         <fieldset><legend>角色</legend>{}</fieldset>\
         <label for=\"password\">初始密码（至少10位，须含字母和数字）</label><input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"new-password\">\
         <button type=\"submit\">新建</button></form></details></section>",
        csrf_input(csrf),
        opts,
        role_boxes("n_", &["registrar"])
    ));
    admin_page(staff, "用户管理", status, &body)
}

/// `/admin/users?text=&unit=ID&role=&state=&sort=&page=`.
pub async fn users_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_users(&st, &staff, &csrf, &q, None).await,
        Err(r) => r,
    }
}

/// Create a user.
pub async fn users_add(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
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
    render_users(&st, &staff, &csrf, &q, Some(r)).await
}

async fn render_user(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let Some(u) = st
        .app
        .admin_users(staff, None)
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|u| u.id == id)
    else {
        return admin_page(
            staff,
            "用户",
            StatusCode::NOT_FOUND,
            "<p class=\"err\">未找到该用户</p>",
        );
    };
    let c = csrf_input(csrf);
    body.push_str(&format!(
        "<section><h2>{} {}</h2><p>单位：{}；状态：{}</p></section>\
         <section><h2>角色</h2><form method=\"post\" action=\"/admin/users/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"roles\"><fieldset><legend>角色</legend>{}</fieldset><button type=\"submit\">保存角色</button></form></section>\
         <section><h2>重置密码</h2><form method=\"post\" action=\"/admin/users/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"password\"><label for=\"password\">新密码（至少10位，须含字母和数字）</label><input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"new-password\"><button type=\"submit\">重置</button></form></section>\
         <section><h2>{}</h2><form method=\"post\" action=\"/admin/users/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"{}\"><button type=\"submit\" class=\"danger\" data-confirm=\"{}\">{}</button></form><p>停用后不能登录，已发放的令牌立即失效；历史记录保留。</p></section>\
         <p><a href=\"/admin/users?unit={}\">返回本单位用户</a></p>",
        esc(&u.username), esc(&u.display_name), esc(&u.unit_name),
        if u.active { "在用" } else { "已停用" },
        role_boxes("r_", &u.roles),
        if u.active { "停用账号" } else { "启用账号" },
        if u.active { "deactivate" } else { "activate" },
        if u.active {
            "确定停用该账号吗？停用后该用户不能登录，已发放的令牌立即失效。"
        } else {
            "确定重新启用该账号吗？"
        },
        if u.active { "停用" } else { "启用" },
        u.unit_id
    ));
    admin_page(staff, "用户", status, &body)
}

/// `/admin/users/{id}`.
pub async fn user_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_user(&st, &staff, &csrf, id, None).await,
        Err(r) => r,
    }
}

/// Change roles, reset the password, deactivate or activate.
pub async fn user_change(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
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
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = session_csrf(&st, &headers).await;
    render_user(&st, &staff, &csrf, id, Some(r)).await
}
