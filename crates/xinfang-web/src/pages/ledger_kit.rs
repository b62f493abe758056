//! Shared plumbing for the ledger pages (督办, 包案, 专项攻坚, 矛盾纠纷, 问责,
//! 预警): who is logged in, the CSRF check on every POST, form fields,
//! Chinese error pages with the status the API would give, and the sub-nav.

use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::error::ApiError;
use crate::AppState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// A posted or query form.
pub type FormMap = HashMap<String, String>;

/// The logged-in staff member and CSRF secret, or a redirect to the login page.
pub async fn staff_or_login(
    st: &AppState,
    headers: &HeaderMap,
) -> Result<(Staff, String), Response> {
    current(st, headers)
        .await
        .ok_or_else(|| Redirect::to("/login").into_response())
}

/// As `staff_or_login`, and the form's CSRF token must match (else 403, nothing changes).
pub async fn staff_for_post(
    st: &AppState,
    headers: &HeaderMap,
    f: &FormMap,
) -> Result<(Staff, String), Response> {
    let (staff, csrf) = staff_or_login(st, headers).await?;
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return Err((
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                Some(&staff),
                "<p class=\"err\" role=\"alert\">表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。</p>",
            )),
        )
            .into_response());
    }
    Ok((staff, csrf))
}

/// A trimmed form field ("" when absent).
pub fn field<'a>(f: &'a FormMap, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("").trim()
}

/// The hidden CSRF input every form carries.
pub fn csrf_input(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

/// The Chinese message of a service error (every field message).
pub fn err_msg(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        AppError::NotFound => "未找到，或您无权查看".into(),
        AppError::Forbidden => "无权办理此操作".into(),
        other => other.to_string(),
    }
}

/// An error page with the status the API gives for the same error, and a way back.
pub fn err_page(staff: &Staff, title: &str, e: AppError, back: &str) -> Response {
    let msg = err_msg(&e);
    let status = ApiError(e).into_response().status();
    (
        status,
        Html(page(
            title,
            Some(staff),
            &format!(
                "<p class=\"err\" role=\"alert\">未能办理：{}</p><p><a href=\"{}\">返回</a></p>",
                esc(&msg),
                esc(back)
            ),
        )),
    )
        .into_response()
}

/// A page with a 400 and a message (unparseable input on a page).
pub fn bad_request(staff: &Staff, msg: &str, back: &str) -> Response {
    err_page(staff, "输入有误", AppError::BadRequest(msg.into()), back)
}

/// Redirect after a successful POST (303 See Other) with a notice flag.
pub fn done(to: &str) -> Response {
    let (path, frag) = to.split_once('#').map_or((to, ""), |(p, f)| (p, f));
    let sep = if path.contains('?') { '&' } else { '?' };
    let frag = if frag.is_empty() {
        String::new()
    } else {
        format!("#{frag}")
    };
    Redirect::to(&format!("{path}{sep}done=1{frag}")).into_response()
}

/// The success notice when the page was reached with `?done=1`.
pub fn notice(q: &FormMap) -> &'static str {
    if q.contains_key("done") {
        "<p class=\"ok\" role=\"status\">已办理。</p>"
    } else {
        ""
    }
}

/// A full staff page (the ledgers are reached from the left menu).
pub fn staff_page(title: &str, staff: &Staff, body: &str) -> Response {
    Html(page(title, Some(staff), body)).into_response()
}

/// `<option>`s for a fixed key/label table, with `selected` marking one key.
pub fn options(table: &[(&str, &str)], selected: &str) -> String {
    table
        .iter()
        .map(|(k, l)| {
            format!(
                "<option value=\"{k}\"{}>{l}</option>",
                if *k == selected { " selected" } else { "" }
            )
        })
        .collect()
}

/// Unit `<option>`s for the units within the staff member's area (their government's subtree).
pub fn area_unit_options(st: &AppState, staff: &Staff) -> String {
    let org = st.app.org();
    let area = org.government_of(staff.unit).unwrap_or(staff.unit);
    let mut units: Vec<_> = org.units().filter(|u| org.is_within(u.id, area)).collect();
    units.sort_by_key(|u| (u.level, u.id));
    units
        .iter()
        .map(|u| format!("<option value=\"{}\">{}</option>", u.id.0, esc(&u.name)))
        .collect()
}
