//! 每日零报告: during a sensitive period every 信访局 records, once a day,
//! its warnings or "零报告"; any staff member sees which bureaus of their
//! area have and have not reported.

use super::admin::{banner, csrf_input, field, Fields};
use super::html::{esc, page};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use std::collections::HashMap;
use xinfang_app::AppError;
use xinfang_domain::Staff;
async fn render_zero(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    day: NaiveDate,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let today = st.app.now().date();
    match st.app.zero_report_status(staff, day).await {
        Ok(z) => {
            let period = z
                .period
                .as_ref()
                .map(|p| format!("敏感时期：{}（{} 至 {}）", esc(&p.name), p.from, p.to))
                .unwrap_or_else(|| "该日不在敏感时期，无需报告。".into());
            body.push_str(&format!(
                "<section><h2>每日零报告 · {day}</h2><p>{period}</p><form method=\"get\" action=\"/work/zero-reports\"><label for=\"day\">日期</label><input id=\"day\" name=\"day\" type=\"date\" value=\"{day}\"><button type=\"submit\">查看</button></form>\
                 <h3>已报告（{}）</h3><table><thead><tr><th>单位</th><th>报告</th><th>报告人</th><th>时间</th></tr></thead><tbody>",
                z.reported.len()
            ));
            for b in &z.reported {
                if let Some(r) = &b.report {
                    let what = if r.nothing_to_report {
                        "零报告".to_string()
                    } else {
                        format!("预警：{}", r.note)
                    };
                    body.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&b.unit_name),
                        esc(&what),
                        esc(&r.reported_by),
                        esc(&r.reported_at)
                    ));
                }
            }
            body.push_str(&format!(
                "</tbody></table><h3>未报告（{}）</h3><ul>",
                z.missing.len()
            ));
            for b in &z.missing {
                body.push_str(&format!("<li>{}</li>", esc(&b.unit_name)));
            }
            body.push_str("</ul></section>");
        }
        Err(e) => body.push_str(&format!(
            "<p class=\"err\">{}</p>",
            esc(&super::admin::message(&e))
        )),
    }
    let bureau = st
        .app
        .org()
        .get(staff.unit)
        .map(|u| u.kind == xinfang_domain::UnitKind::PetitionBureau)
        .unwrap_or(false);
    if bureau && st.app.sensitive_period_on(today).is_some() {
        body.push_str(&format!(
            "<section><h2>本单位今日报告</h2><form method=\"post\" action=\"/work/zero-reports\">{}\
             <label><input type=\"radio\" name=\"nothing\" value=\"1\" checked> 零报告（今日无情况）</label>\
             <label><input type=\"radio\" name=\"nothing\" value=\"0\"> 有预警情况</label>\
             <label for=\"note\">预警情况（有情况时填写）</label><textarea id=\"note\" name=\"note\" rows=\"4\"></textarea>\
             <button type=\"submit\">报告</button></form></section>",
            csrf_input(csrf)
        ));
    }
    (status, Html(page("每日零报告", Some(staff), &body))).into_response()
}

/// `/work/zero-reports?day=`: who has reported (any staff; their area).
pub async fn zero_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let day = q
        .get("day")
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or_else(|| st.app.now().date());
    render_zero(&st, &staff, &csrf, day, None).await
}

/// Record today's report for the staff member's 信访局.
pub async fn zero_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, field(&f, "csrf")) {
        return super::admin::forbidden(&staff, "表单已过期，请刷新页面后重试。");
    }
    let r = st
        .app
        .record_zero_report(&staff, field(&f, "nothing") == "1", field(&f, "note"))
        .await
        .map(|r| {
            if r.nothing_to_report {
                "已报送零报告".to_string()
            } else {
                "已报送预警情况".to_string()
            }
        });
    let today = st.app.now().date();
    render_zero(&st, &staff, &csrf, today, Some(r)).await
}
