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
use xinfang_domain::case::Status;
use xinfang_domain::{Actor, Role};
use xinfang_store::{CaseFilter, CaseListRow};

fn login_redirect() -> Response {
    Redirect::to("/login").into_response()
}

fn rows_table(rows: &[CaseListRow]) -> String {
    if rows.is_empty() {
        return "<p>暂无</p>".into();
    }
    let mut t = String::from("<table><thead><tr><th>信访编号</th><th>信访人</th><th>诉求</th><th>状态</th><th>到期日</th></tr></thead><tbody>");
    for r in rows {
        let status = Status::from_key(&r.status)
            .map(|s| s.label_zh())
            .unwrap_or("");
        let grade = r.grade.as_deref().unwrap_or("");
        let grade_zh = match grade {
            "overdue" => "（超期）",
            "approaching" => "（临期）",
            _ => "",
        };
        t.push_str(&format!(
            "<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td class=\"{4}\">{5}{6}</td></tr>",
            esc(&r.case_no),
            esc(&r.petitioner_names),
            esc(&r.request),
            status,
            esc(grade),
            esc(r.next_due.as_deref().unwrap_or("")),
            grade_zh
        ));
    }
    t.push_str("</tbody></table>");
    t
}

/// 我的待办: what my unit must act on, by kind, plus alerts, warnings and supervision.
pub async fn inbox(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return login_redirect();
    };
    // (label, statuses, grade, indicator fact): 待回访 is a delivered reply
    // whose petitioner has not been asked for an evaluation yet.
    type Group<'a> = (&'a str, &'a [&'a str], Option<&'a str>, Option<&'a str>);
    let groups: [Group; 8] = [
        ("待签收", &["pending_receipt"], None, None),
        ("异议待核", &["objected"], None, None),
        ("待转送/待告知", &["registered", "received"], None, None),
        ("待办理", &["handling", "under_review"], None, None),
        ("待送达", &["replied"], None, None),
        ("待回访", &["delivered"], None, Some("not_evaluated")),
        ("临期", &[], Some("approaching"), None),
        ("超期", &[], Some("overdue"), None),
    ];
    let mut counts = String::from("<section class=\"counts\"><h2>我的待办</h2>");
    let mut lists = String::new();
    // A head's 待审批 comes first: opinions wait for their sign-off.
    let to_sign = st.app.drafts_to_sign(&staff).await.unwrap_or_default();
    let extensions = st
        .app
        .extensions_to_approve(&staff)
        .await
        .unwrap_or_default();
    if staff.has(xinfang_domain::Role::Leader) {
        let pending = to_sign.len() + extensions.len();
        counts.push_str(&match (to_sign.is_empty(), extensions.is_empty()) {
            (true, true) => "<span class=\"zero\">待审批 <strong>0</strong></span>".to_string(),
            (true, false) => {
                format!("<a href=\"#extensions\">待审批 <strong>{pending}</strong></a>")
            }
            _ => format!("<a href=\"#sign\">待审批 <strong>{pending}</strong></a>"),
        });
        if !extensions.is_empty() {
            let mut t = String::from("<section id=\"extensions\"><h3>待审批（延期申请，第三十四条）</h3><table><tr><th>信访编号</th><th>诉求</th><th>申请延期</th><th>理由</th><th>申请日期</th></tr>");
            for e in &extensions {
                t.push_str(&format!(
                    "<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}</td><td>{2}日</td><td>{3}</td><td>{4}</td></tr>",
                    esc(&e.case_no),
                    esc(&e.request),
                    e.days,
                    esc(&e.reason),
                    esc(&e.requested_on)
                ));
            }
            t.push_str("</table></section>");
            lists.push_str(&t);
        }
        let mut t = String::from("<section id=\"sign\"><h3>待审批（书面意见签发）</h3>");
        if !to_sign.is_empty() {
            t.push_str("<table><tr><th>信访编号</th><th>处理意见</th><th>起草人</th><th>送审时间</th></tr>");
            for d in &to_sign {
                t.push_str(&format!(
                    "<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td></tr>",
                    esc(&d.row.case_no),
                    d.outcome_label,
                    esc(&d.drafted_by_name),
                    esc(&d.row.drafted_at.chars().take(16).collect::<String>())
                ));
            }
            t.push_str("</table>");
        }
        t.push_str("</section>");
        if !to_sign.is_empty() {
            lists.push_str(&t);
        }
    }
    for (i, (label, statuses, grade, fact)) in groups.iter().enumerate() {
        let filter = CaseFilter {
            statuses: statuses.iter().map(|s| s.to_string()).collect(),
            grade: grade.map(str::to_string),
            fact: fact.map(str::to_string),
            action_unit: Some(staff.unit.0),
            limit: 50,
            ..Default::default()
        };
        let rows = st.app.list_for(&staff, filter).await.unwrap_or_default();
        counts.push_str(&if rows.is_empty() {
            format!("<span class=\"zero\">{label} <strong>0</strong></span>")
        } else {
            format!(
                "<a href=\"#g{i}\">{label} <strong>{}</strong></a>",
                rows.len()
            )
        });
        // Only what there is to do: an empty group is its zero in the counts.
        if !rows.is_empty() {
            lists.push_str(&format!(
                "<section id=\"g{i}\"><h3>{label}</h3>{}</section>",
                rows_table(&rows)
            ));
        }
    }
    let alerts = st.app.alerts_for(&staff).await.unwrap_or_default();
    let warnings = st.app.warnings_for(&staff).await.unwrap_or_default();
    let open_warnings: Vec<_> = warnings.iter().filter(|w| w.status != "cleared").collect();
    let sups = st.app.supervisions_for(&staff).await.unwrap_or_default();
    let my_sups: Vec<_> = sups
        .iter()
        .filter(|s| s.to_unit == staff.unit.0 && (s.status == "open" || s.status == "overdue"))
        .collect();
    counts.push_str(&format!(
        "<a href=\"#alerts\">时限提醒 <strong>{}</strong></a><a href=\"#warnings\">预警 <strong>{}</strong></a><a href=\"#sups\">督办 <strong>{}</strong></a></section>",
        alerts.len(),
        open_warnings.len(),
        my_sups.len()
    ));
    let mut extra = String::from("<section id=\"alerts\"><h3>时限提醒（本辖区）</h3><table><tr><th>信访编号</th><th>时限</th><th>等级</th><th>到期日</th></tr>");
    for a in alerts.iter().take(50) {
        let g = if a.grade == "overdue" {
            "超期"
        } else {
            "临期"
        };
        extra.push_str(&format!("<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}</td><td class=\"{2}\">{3}</td><td>{4}</td></tr>", esc(&a.case_no), xinfang_domain::clock::ClockKind::from_key(&a.clock).map(|k| k.name_zh()).unwrap_or("法定时限"), esc(&a.grade), g, esc(&a.due)));
    }
    extra.push_str("</table></section><section id=\"warnings\"><h3>风险预警</h3><table><tr><th>信访编号</th><th>等级</th><th>信号</th><th>状态</th></tr>");
    for w in open_warnings.iter().take(50) {
        let signals: Vec<String> = w
            .signals
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s["label"].as_str().map(esc))
                    .collect()
            })
            .unwrap_or_default();
        extra.push_str(&format!("<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td></tr>", esc(&w.case_no), xinfang_app::warnings::level_label(w.level), signals.join("；"), xinfang_app::warnings::status_label(&w.status)));
    }
    extra.push_str("</table></section><section id=\"sups\"><h3>督办（待本单位反馈）</h3><table><tr><th>信访编号</th><th>要求</th><th>反馈期限</th></tr>");
    for s in my_sups.iter().take(50) {
        extra.push_str(&format!(
            "<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td><a href=\"/work/supervisions/{3}\">{1}</a></td><td>{2}</td></tr>",
            esc(&s.case_no),
            esc(&s.requirement),
            esc(s.feedback_due.as_deref().unwrap_or("")),
            s.id
        ));
    }
    extra.push_str("</table></section>");
    let who = format!(
        "<p>{}（{}）</p>",
        esc(&staff.name),
        esc(&st.app.unit_name(staff.unit))
    );
    Html(page(
        "我的待办",
        Some(&staff),
        &format!("{who}{counts}{lists}{extra}"),
    ))
    .into_response()
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
    let notice = q
        .get("done")
        .map(|_| "<p class=\"ok\" role=\"status\">已办理。</p>".to_string())
        .unwrap_or_default();
    render_case(&st, &staff, &csrf, &case_no, &notice).await
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
        Ok(()) => Redirect::to(&format!("/work/cases/{}?done=1", esc(&case_no))).into_response(),
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
