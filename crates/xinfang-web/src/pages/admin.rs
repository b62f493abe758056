//! 系统管理: the index page and what every administration page shares — only
//! administrators get in (403 page for others), every form carries the
//! session's CSRF token, and a posted form re-renders its page with the
//! outcome (the services in `xinfang-app` validate and audit).

use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use xinfang_app::AppError;
use xinfang_domain::{Role, Staff};

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
        Html(page(
            "无权访问",
            Some(staff),
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
    (status, Html(page(title, Some(staff), &body))).into_response()
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
    Html(page("系统管理", Some(&staff), &body)).into_response()
}

/// The session's CSRF secret (to re-render a form after a post).
pub(super) async fn session_csrf(st: &AppState, headers: &HeaderMap) -> String {
    current(st, headers).await.map(|x| x.1).unwrap_or_default()
}
