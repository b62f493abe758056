//! Risk warning pages (预警): the area's warnings with level and signals, one
//! warning with its 核查 → 处置 → 解除 history from the chained log and the
//! form for the next step (supervisors and leaders of the area).

use super::html::esc;
use super::ledger_kit::*;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::ledgers::warning_signals;
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

/// `/work/warnings`: the area's warnings with level, status and text filters.
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
    let lq = ListQuery::from_query(&q);
    let (status, level, text) = (lq.get("status"), lq.get("level"), lq.get("text").trim());
    let mut rows: Vec<_> = all
        .iter()
        .filter(|w| status.is_empty() || w.status == status)
        .filter(|w| level.is_empty() || w.level.to_string() == level)
        .filter(|w| {
            text.is_empty() || w.case_no.contains(text) || warning_signals(w).contains(text)
        })
        .collect();
    sort_in_memory(&mut rows, &lq, |w, key| match key {
        // 一级 is the highest: sort by level number.
        "level" => format!("{}", w.level),
        "updated" => w.updated_at.clone(),
        _ => format!("{:012}", w.id),
    });
    let view = ListView {
        title: "风险预警".into(),
        unit_word: "条",
        base: "/work/warnings",
        total: rows.len() as i64,
        filters: vec![
            Filter::text(&lq, "text", "信访编号或风险信号", ""),
            Filter::select(
                &lq,
                "level",
                "等级",
                (1..=3)
                    .rev()
                    .map(|l| (l, xinfang_app::warnings::level_label(l))),
            ),
            Filter::select(&lq, "status", "状态", STATUSES),
        ],
        columns: vec![
            Column::sortable("编号", "id"),
            Column::plain("信访编号"),
            Column::plain("责任地区"),
            Column::sortable("等级", "level"),
            Column::plain("风险信号"),
            Column::plain("状态"),
            Column::sortable("更新时间", "updated"),
        ],
        rows: rows
            .iter()
            .map(|w| {
                let level = Cell::text(xinfang_app::warnings::level_label(w.level));
                vec![
                    Cell::link(format!("第{}号", w.id), format!("/work/warnings/{}", w.id)),
                    Cell::link(&w.case_no, format!("/work/cases/{}", w.case_no)),
                    Cell::text(st.app.unit_name(UnitId(w.unit_id))),
                    match w.level {
                        l if l >= 3 => level.class("overdue"),
                        2 => level.class("approaching"),
                        _ => level,
                    },
                    Cell::text(warning_signals(w)),
                    Cell::text(status_label(&w.status)),
                    Cell::text(w.updated_at.get(..16).unwrap_or(&w.updated_at)),
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "没有符合条件的风险预警。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(&q) {
        return view.xlsx(&st, &staff, "warnings.xlsx").await;
    }
    staff_page("风险预警", &staff, &view.render(&lq))
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
