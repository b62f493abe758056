//! Risk warning pages (预警): the area's warnings with level and signals, one
//! warning with its 核查 → 处置 → 解除 history from the chained log and the
//! form for the next step (supervisors and leaders of the area).

use super::html::esc;
use super::ledger_kit::*;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::ledgers::{warning_signals, Ledger};
use xinfang_app::warnings::status_label;
use xinfang_domain::{Role, UnitId};

const STATUSES: [(&str, &str); 4] = [
    ("raised", "待核查"),
    ("verifying", "核查中"),
    ("disposed", "已处置"),
    ("cleared", "已解除"),
];

/// The next step from a status: (action, label).
fn next_step(status: &str) -> Option<(&'static str, &'static str)> {
    match status {
        "raised" => Some(("verify", "核查")),
        "verifying" => Some(("dispose", "处置")),
        "disposed" => Some(("clear", "解除")),
        _ => None,
    }
}

/// `/work/warnings`: list with a status filter.
pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let all = match st.app.warnings_for(&staff).await {
        Ok(a) => a,
        Err(e) => return err_page(&staff, "风险预警", e, "/work"),
    };
    let status = field(&q, "status");
    let rows: Vec<_> = all
        .iter()
        .filter(|w| status.is_empty() || w.status == status)
        .collect();
    let mut body = format!(
        "<section><h2>风险预警（{} 条）</h2><form method=\"get\"><label for=\"status\">状态</label><select id=\"status\" name=\"status\"><option value=\"\">全部</option>{}</select><button type=\"submit\">筛选</button></form><p>{}</p>\
         <table><tr><th>编号</th><th>信访编号</th><th>责任地区</th><th>等级</th><th>风险信号</th><th>状态</th><th>更新时间</th></tr>",
        rows.len(),
        options(&STATUSES, status),
        export_link(Ledger::Warnings)
    );
    for w in &rows {
        body.push_str(&format!(
            "<tr><td><a href=\"/work/warnings/{0}\">第{0}号</a></td><td><a href=\"/work/cases/{1}\">{1}</a></td><td>{2}</td><td class=\"{3}\">{4}</td><td>{5}</td><td>{6}</td><td>{7}</td></tr>",
            w.id,
            esc(&w.case_no),
            esc(&st.app.unit_name(UnitId(w.unit_id))),
            if w.level >= 3 { "overdue" } else if w.level == 2 { "approaching" } else { "" },
            xinfang_app::warnings::level_label(w.level),
            esc(&warning_signals(w)),
            status_label(&w.status),
            esc(&w.updated_at)
        ));
    }
    body.push_str("</table></section>");
    staff_page("风险预警", &staff, &body)
}

/// `/work/warnings/{id}`: the warning, its history and the next-step form.
pub async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (w, history) = match st.app.warning_history(&staff, id).await {
        Ok(x) => x,
        Err(e) => return err_page(&staff, "风险预警", e, "/work/warnings"),
    };
    let mut body = format!(
        "{}<section><h2>风险预警第 {} 号 · {} · {}</h2><p>信访事项：<a href=\"/work/cases/{no}\">{no}</a> · 责任地区：{}</p><p>风险信号：{}</p><h3>核查、处置、解除记录</h3><table><tr><th>时间</th><th>经办</th><th>环节</th><th>情况</th></tr>",
        notice(&q),
        w.id,
        xinfang_app::warnings::level_label(w.level),
        status_label(&w.status),
        esc(&st.app.unit_name(UnitId(w.unit_id))),
        esc(&warning_signals(&w)),
        no = esc(&w.case_no)
    );
    for e in &history {
        let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
        let step = match e.kind.as_str() {
            "warning_raised" => "预警".to_string(),
            _ => format!(
                "{} → {}",
                status_label(p["from"].as_str().unwrap_or("")),
                status_label(p["to"].as_str().unwrap_or(""))
            ),
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.at),
            esc(&e.actor),
            esc(&step),
            esc(p["note"].as_str().unwrap_or(""))
        ));
    }
    body.push_str("</table></section>");
    if let Some((action, label)) = next_step(&w.status) {
        if staff.has_any(&[Role::Supervisor, Role::Leader]) {
            body.push_str(&format!(
                "<section><h3>{label}</h3><form method=\"post\" action=\"/work/warnings/{}\">{}<input type=\"hidden\" name=\"action\" value=\"{action}\"><label for=\"note\">{label}情况</label><textarea id=\"note\" name=\"note\" required></textarea><button type=\"submit\">{label}</button></form></section>",
                w.id,
                csrf_input(&csrf)
            ));
        }
    }
    staff_page("风险预警", &staff, &body)
}

/// 核查 / 处置 / 解除.
pub async fn advance(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = format!("/work/warnings/{id}");
    match st
        .app
        .advance_warning(&staff, id, field(&f, "action"), field(&f, "note"))
        .await
    {
        Ok(_) => done(&back),
        Err(e) => err_page(&staff, "风险预警", e, &back),
    }
}
