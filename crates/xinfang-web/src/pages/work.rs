//! The workbench: my inbox (counts and lists by what my unit must do), the
//! case page, actions posted from it, and the official calendar page.

use super::case_page::render_case;
use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_domain::{Actor, Role};

fn login_redirect() -> Response {
    Redirect::to("/login").into_response()
}

pub async fn case_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return login_redirect();
    };
    let done = q.get("done").map(String::as_str);
    render_case(&st, &staff, &csrf, &case_no, "", done).await
}

/// A posted action: build the command from the form and ask the app.
/// 审核签发 from the case page (see `xinfang_app::drafts`): draft, sign off, return.
async fn draft_step(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    case_no: &str,
    f: &HashMap<String, String>,
) -> Result<(), xinfang_app::AppError> {
    use xinfang_app::AppError;
    let text = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let draft_id = || {
        text("draft")
            .parse::<i64>()
            .map_err(|_| AppError::field("draft", "未指定草稿"))
    };
    match f.get("action").map(String::as_str) {
        Some("submit_draft") => {
            let outcome = xinfang_app::drafts::outcome_of(&text("outcome"))?;
            let input = xinfang_app::drafts::DraftInput {
                outcome,
                basis: text("basis"),
                text: text("text"),
                replaces: text("replaces").parse().ok(),
            };
            st.app.submit_draft(staff, case_no, input).await.map(|_| ())
        }
        Some("sign_draft") => st.app.sign_draft(staff, draft_id()?).await.map(|_| ()),
        _ => {
            st.app
                .return_draft(staff, draft_id()?, &text("comment"))
                .await
        }
    }
}

pub async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return login_redirect();
    };
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                None,
                "<p class=\"err\">表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。</p>",
            )),
        )
            .into_response();
    }
    let result = match f.get("action").map(String::as_str) {
        Some("submit_draft" | "sign_draft" | "return_draft") => {
            draft_step(&st, &staff, &case_no, &f).await
        }
        _ => match super::case_page::command_from_form(&f) {
            Ok(cmd) => st
                .app
                .act(&Actor::Staff(staff.clone()), &case_no, &cmd)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => {
            // The action's key names the result message (case_flow::done_message).
            let action: String = f
                .get("action")
                .map(|a| {
                    a.chars()
                        .filter(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect()
                })
                .unwrap_or_default();
            Redirect::to(&format!(
                "/work/cases/{}?done={action}",
                super::case_list::url_enc(&case_no)
            ))
            .into_response()
        }
        Err(e) => {
            let msg = match &e {
                xinfang_app::AppError::Invalid(list) => list
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"),
                other => other.to_string(),
            };
            render_case(
                &st,
                &staff,
                &csrf,
                &case_no,
                &format!(
                    "<p class=\"err\" role=\"alert\">未能办理：{}</p>",
                    esc(&msg)
                ),
                None,
            )
            .await
        }
    }
}

/// The official calendar of a year: holidays and make-up working days; import for administrators.
pub async fn calendar_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return login_redirect();
    };
    let cal = st.app.calendar();
    let years = cal.years();
    let year: i32 = q
        .get("year")
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| *years.last().unwrap_or(&2026));
    let mut body = format!("<section><h2>国务院节假日安排 · {year} 年</h2><p>已载入年份：{}–{}。休息日与调休上班日如下（其余周一至周五为工作日）。</p><form method=\"get\"><label for=\"year\">年份</label><select id=\"year\" name=\"year\">", years.first().unwrap_or(&0), years.last().unwrap_or(&0));
    for y in years.iter().rev() {
        body.push_str(&format!(
            "<option value=\"{y}\"{}>{y}</option>",
            if *y == year { " selected" } else { "" }
        ));
    }
    body.push_str("</select> <button type=\"submit\">查看</button></form><table><tr><th>日期</th><th>类别</th></tr>");
    match cal.year_overview(year) {
        Ok(days) => {
            for (d, k) in days.iter().filter(|(_, k)| {
                matches!(
                    k,
                    xinfang_domain::calendar::DayKind::Holiday(_)
                        | xinfang_domain::calendar::DayKind::MakeUpWorkday(_)
                )
            }) {
                body.push_str(&format!(
                    "<tr><td>{d}</td><td>{}</td></tr>",
                    esc(&k.label_zh())
                ));
            }
        }
        Err(e) => body.push_str(&format!(
            "<tr><td colspan=\"2\" class=\"err\">{}</td></tr>",
            esc(&e.to_string())
        )),
    }
    body.push_str("</table></section>");
    if staff.has(Role::Admin) {
        body.push_str(&format!(
            "<section><h2>载入新一年度安排</h2><p>格式同 <code>data/calendar/cn-official.csv</code>：首行 <code>year,YYYY</code>，其后每行 <code>日期,rest|work,名称</code>。载入后所有未办结事项的期限将重新计算，并记入审计日志。</p>\
             <form method=\"post\" action=\"/admin/calendar\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><label for=\"text\">日历内容</label><textarea id=\"text\" name=\"text\" rows=\"10\" required></textarea><button type=\"submit\">校验并载入</button></form></section>",
            esc(&csrf)
        ));
    }
    Html(page("节假日安排", Some(&staff), &body)).into_response()
}

pub async fn calendar_import(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return login_redirect();
    };
    if !csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) || !staff.has(Role::Admin) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                Some(&staff),
                "<p class=\"err\">仅管理员可载入节假日安排。</p>",
            )),
        )
            .into_response();
    }
    let text = f.get("text").cloned().unwrap_or_default();
    let body = match st.app.import_calendar(&format!("user:{}", staff.username), &text).await {
        Ok(r) => format!("<p class=\"ok\">已载入 {:?} 年安排，重新计算了 {} 件未办结事项的期限。</p><p><a href=\"/admin/calendar\">返回</a></p>", r.years, r.open_cases),
        Err(e) => {
            let msg = match &e {
                xinfang_app::AppError::Invalid(list) => list.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；"),
                other => other.to_string(),
            };
            format!("<p class=\"err\" role=\"alert\">未载入：{}</p><p><a href=\"/admin/calendar\">返回</a></p>", esc(&msg))
        }
    };
    Html(page("载入节假日安排", Some(&staff), &body)).into_response()
}
