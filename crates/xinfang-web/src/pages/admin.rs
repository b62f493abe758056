//! 系统管理 pages: the index, units (the tree; add, rename, deactivate) and
//! users (list by unit, create, change roles, reset password, deactivate).
//! Only administrators get in (403 page for others); every form carries the
//! session's CSRF token; the services in `xinfang-app` validate and audit.

use super::html::{esc, page_with};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_app::org_admin::{UnitInput, UserInput};
use xinfang_app::AppError;
use xinfang_domain::{Role, Staff, UnitKind, UnitLevel};

/// Posted form fields (a list, so repeated checkboxes such as roles survive).
pub(super) type Fields = Vec<(String, String)>;

pub(super) fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The logged-in administrator and CSRF secret, or the response to send instead.
pub(super) async fn admin_session(
    st: &AppState,
    headers: &HeaderMap,
) -> Result<(Staff, String), Response> {
    let Some((staff, csrf)) = current(st, headers).await else {
        return Err(Redirect::to("/login").into_response());
    };
    if !staff.has(Role::Admin) {
        return Err(forbidden(&staff, "仅管理员可以使用系统管理。"));
    }
    Ok((staff, csrf))
}

pub(super) fn forbidden(staff: &Staff, msg: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(page_with(
            "无权访问",
            Some(&staff.name),
            staff.has(Role::Admin),
            &format!("<p class=\"err\" role=\"alert\">{}</p>", esc(msg)),
        )),
    )
        .into_response()
}

/// A posted form from an administrator with a valid CSRF token.
pub(super) async fn admin_post(
    st: &AppState,
    headers: &HeaderMap,
    f: &Fields,
) -> Result<Staff, Response> {
    let (staff, csrf) = admin_session(st, headers).await?;
    if !csrf_ok(&csrf, field(f, "csrf")) {
        return Err(forbidden(&staff, "表单已过期，请刷新页面后重试。"));
    }
    Ok(staff)
}

/// The Chinese message of a service error.
pub(super) fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        AppError::NotFound => "未找到".into(),
        other => other.to_string(),
    }
}

/// Outcome banner of a posted form: (status, html).
pub(super) fn banner(r: &Result<String, AppError>) -> (StatusCode, String) {
    match r {
        Ok(m) => (
            StatusCode::OK,
            format!("<p class=\"ok\" role=\"status\">{}</p>", esc(m)),
        ),
        Err(e) => (
            match e {
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            format!(
                "<p class=\"err\" role=\"alert\">未保存：{}</p>",
                esc(&message(e))
            ),
        ),
    }
}

pub(super) fn admin_page(staff: &Staff, title: &str, status: StatusCode, body: &str) -> Response {
    let body = format!(
        "<p><a href=\"/admin\">系统管理</a> › {}</p>{body}",
        esc(title)
    );
    (
        status,
        Html(page_with(title, Some(&staff.name), true, &body)),
    )
        .into_response()
}

pub(super) fn csrf_input(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

/// `/admin`: links to every administration page.
pub async fn index(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (staff, _) = match admin_session(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let links = [
        (
            "/admin/units",
            "单位管理",
            "单位树：新增下级单位、更名、停用",
        ),
        (
            "/admin/users",
            "用户管理",
            "按单位查看用户；新建、调整角色、重置密码、停用",
        ),
        (
            "/admin/taxonomy",
            "内容分类",
            "领域 → 类别 → 细类：新增、更名、停用",
        ),
        (
            "/admin/lexicon",
            "风险词库",
            "扬言、第二十六条行为等风险词及重复访、集体访阈值",
        ),
        ("/admin/rules", "时限规则", "法定时限及本地收紧"),
        ("/admin/calendar", "节假日安排", "国务院年度节假日安排"),
        (
            "/admin/sensitive-periods",
            "敏感时期",
            "重大活动期间的敏感时期及每日零报告",
        ),
    ];
    let mut body = String::from("<section><h2>系统管理</h2><ul>");
    for (href, name, what) in links {
        body.push_str(&format!("<li><a href=\"{href}\">{name}</a> — {what}</li>"));
    }
    body.push_str("</ul><p>所有修改均记入审计日志；单位、用户、分类只停用，不删除。</p></section>");
    Html(page_with("系统管理", Some(&staff.name), true, &body)).into_response()
}

fn level_options(selected: &str) -> String {
    UnitLevel::ALL
        .iter()
        .map(|l| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                l.key(),
                if l.key() == selected { " selected" } else { "" },
                l.label_zh()
            )
        })
        .collect()
}

const KINDS: [UnitKind; 6] = [
    UnitKind::Government,
    UnitKind::PetitionBureau,
    UnitKind::Functional,
    UnitKind::Discipline,
    UnitKind::PoliticalLegal,
    UnitKind::Township,
];

fn render_units(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let org = st.app.org();
    let roots: Vec<_> = {
        let mut r: Vec<_> = org
            .units()
            .filter(|u| u.parent.is_none())
            .map(|u| u.id)
            .collect();
        r.sort();
        r
    };
    body.push_str("<section><h2>单位树</h2><table><thead><tr><th>编号</th><th>单位</th><th>层级 / 类别 / 区划</th><th>状态</th><th>更名</th><th>停用 / 启用</th></tr></thead><tbody>");
    let mut stack: Vec<(xinfang_domain::UnitId, usize)> =
        roots.into_iter().rev().map(|r| (r, 0)).collect();
    let mut options = String::new();
    while let Some((id, depth)) = stack.pop() {
        let Some(u) = org.get(id) else { continue };
        let active = st.app.unit_active(id);
        let indent = "　".repeat(depth);
        body.push_str(&format!(
            "<tr><td>{id}</td><td>{indent}{name}</td><td>{lv} / {kind} / {region}</td><td>{state}</td>\
             <td><form method=\"post\" action=\"/admin/units/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"rename\"><input aria-label=\"{name} 新名称\" id=\"n{id}\" name=\"name\" value=\"{name}\" required><button type=\"submit\">更名</button></form></td>\
             <td><form method=\"post\" action=\"/admin/units/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"{op}\"><button type=\"submit\">{op_zh}</button></form></td></tr>",
            id = id.0,
            name = esc(&u.name),
            lv = u.level.label_zh(),
            kind = u.kind.label_zh(),
            region = esc(&u.region_code),
            state = if active { "在用" } else { "已停用" },
            c = csrf_input(csrf),
            op = if active { "deactivate" } else { "activate" },
            op_zh = if active { "停用" } else { "启用" },
        ));
        if active {
            options.push_str(&format!(
                "<option value=\"{}\">{indent}{}</option>",
                id.0,
                esc(&u.name)
            ));
        }
        let mut kids: Vec<_> = org.children(id).to_vec();
        kids.sort();
        for k in kids.into_iter().rev() {
            stack.push((k, depth + 1));
        }
    }
    body.push_str("</tbody></table></section>");
    let kinds: String = KINDS
        .iter()
        .map(|k| format!("<option value=\"{}\">{}</option>", k.key(), k.label_zh()))
        .collect();
    body.push_str(&format!(
        "<section><h2>新增单位</h2><form method=\"post\" action=\"/admin/units\">{}\
         <label for=\"parent_id\">上级单位</label><select id=\"parent_id\" name=\"parent_id\">{options}</select>\
         <label for=\"name\">单位名称</label><input id=\"name\" name=\"name\" required>\
         <label for=\"level\">层级</label><select id=\"level\" name=\"level\">{}</select>\
         <label for=\"kind\">类别</label><select id=\"kind\" name=\"kind\">{kinds}</select>\
         <label for=\"region_code\">行政区划代码（6 位）</label><input id=\"region_code\" name=\"region_code\" required pattern=\"[0-9]{{6}}\">\
         <button type=\"submit\">新增</button></form></section>",
        csrf_input(csrf),
        level_options("county")
    ));
    admin_page(staff, "单位管理", status, &body)
}

/// `/admin/units`.
pub async fn units_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_units(&st, &staff, &csrf, None),
        Err(r) => r,
    }
}

/// Add a unit.
pub async fn units_add(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match field(&f, "parent_id").trim().parse::<i64>() {
        Err(_) => Err(AppError::field("parent_id", "请选择上级单位")),
        Ok(parent) => st
            .app
            .add_unit(
                &staff,
                UnitInput {
                    parent,
                    name: field(&f, "name").into(),
                    level: field(&f, "level").into(),
                    kind: field(&f, "kind").into(),
                    region_code: field(&f, "region_code").into(),
                },
            )
            .await
            .map(|id| format!("已新增单位“{}”（编号 {}）", st.app.unit_name(id), id.0)),
    };
    let csrf = current(&st, &headers)
        .await
        .map(|x| x.1)
        .unwrap_or_default();
    render_units(&st, &staff, &csrf, Some(r))
}

/// Rename, deactivate or activate a unit.
pub async fn units_change(
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
        "rename" => st
            .app
            .change_unit(&staff, id, Some(field(&f, "name")), None)
            .await
            .map(|_| "已更名".to_string()),
        "deactivate" => st
            .app
            .change_unit(&staff, id, None, Some(false))
            .await
            .map(|_| "已停用（历史记录保留）".to_string()),
        "activate" => st
            .app
            .change_unit(&staff, id, None, Some(true))
            .await
            .map(|_| "已启用".to_string()),
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = current(&st, &headers)
        .await
        .map(|x| x.1)
        .unwrap_or_default();
    render_units(&st, &staff, &csrf, Some(r))
}

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
    unit: Option<i64>,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let org = st.app.org();
    let mut units: Vec<_> = org.units().collect();
    units.sort_by_key(|u| u.id);
    let opts = |sel: Option<i64>, only_active: bool| -> String {
        units
            .iter()
            .filter(|u| !only_active || st.app.unit_active(u.id))
            .map(|u| {
                format!(
                    "<option value=\"{}\"{}>{}</option>",
                    u.id.0,
                    if Some(u.id.0) == sel { " selected" } else { "" },
                    esc(&u.name)
                )
            })
            .collect()
    };
    body.push_str(&format!(
        "<section><h2>按单位查看</h2><form method=\"get\" action=\"/admin/users\"><label for=\"unit\">单位</label><select id=\"unit\" name=\"unit\"><option value=\"\">全部</option>{}</select><button type=\"submit\">查看</button></form>",
        opts(unit, false)
    ));
    let users = st.app.admin_users(staff, unit).await.unwrap_or_default();
    body.push_str("<table><thead><tr><th>用户名</th><th>姓名</th><th>单位</th><th>角色</th><th>状态</th><th></th></tr></thead><tbody>");
    for u in &users {
        let roles: Vec<&str> = u
            .roles
            .iter()
            .filter_map(|k| Role::from_key(k))
            .map(|r| r.label_zh())
            .collect();
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"/admin/users/{}\">管理</a></td></tr>",
            esc(&u.username), esc(&u.display_name), esc(&u.unit_name), roles.join("、"),
            if u.active { "在用" } else { "已停用" }, u.id
        ));
    }
    body.push_str("</tbody></table></section>");
    body.push_str(&format!(
        "<section><h2>新建用户</h2><form method=\"post\" action=\"/admin/users\">{}\
         <label for=\"username\">用户名</label><input id=\"username\" name=\"username\" required autocomplete=\"off\">\
         <label for=\"display_name\">姓名</label><input id=\"display_name\" name=\"display_name\" required>\
         <label for=\"unit_id\">所属单位</label><select id=\"unit_id\" name=\"unit_id\">{}</select>\
         <fieldset><legend>角色</legend>{}</fieldset>\
         <label for=\"password\">初始密码（至少10位，须含字母和数字）</label><input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"new-password\">\
         <button type=\"submit\">新建</button></form></section>",
        csrf_input(csrf),
        opts(unit, true),
        role_boxes("n_", &["registrar"])
    ));
    admin_page(staff, "用户管理", status, &body)
}

/// `/admin/users?unit=ID`.
pub async fn users_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => {
            let unit = q.get("unit").and_then(|u| u.trim().parse().ok());
            render_users(&st, &staff, &csrf, unit, None).await
        }
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
                },
            )
            .await
            .map(|v| format!("已新建用户 {}", v.username)),
    };
    let csrf = current(&st, &headers)
        .await
        .map(|x| x.1)
        .unwrap_or_default();
    render_users(&st, &staff, &csrf, unit, Some(r)).await
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
         <section><h2>{}</h2><form method=\"post\" action=\"/admin/users/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"{}\"><button type=\"submit\">{}</button></form><p>停用后不能登录，已发放的令牌立即失效；历史记录保留。</p></section>\
         <p><a href=\"/admin/users?unit={}\">返回本单位用户</a></p>",
        esc(&u.username), esc(&u.display_name), esc(&u.unit_name),
        if u.active { "在用" } else { "已停用" },
        role_boxes("r_", &u.roles),
        if u.active { "停用账号" } else { "启用账号" },
        if u.active { "deactivate" } else { "activate" },
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
    let csrf = current(&st, &headers)
        .await
        .map(|x| x.1)
        .unwrap_or_default();
    render_user(&st, &staff, &csrf, id, Some(r)).await
}
