//! Risk warning pages (预警): the area's warnings with level and signals, one
//! warning with its 核查 → 处置 → 解除 history from the chained log and the
//! form for the next step (supervisors and leaders of the area). One warning
//! is an askama template (`templates/ledgers/warning.html`).

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::ledgers::kit::*;
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::page_error::{OrPage, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use xinfang_app::ledgers::warning_signals;
use xinfang_app::warnings::status_label;
use xinfang_domain::{Role, Staff, UnitId};

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
    Query(q): Query<FormMap>,
    StaffPage { staff, .. }: StaffPage,
) -> PageResult {
    let all = st
        .app
        .warnings_for(&staff)
        .await
        .or_page(&staff, "风险预警", "/work")?;
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
        return Ok(view.xlsx(&st, &staff, "warnings.xlsx").await);
    }
    Ok(staff_page("风险预警", &staff, &view.render(&lq)))
}

/// One step in the warning's history.
struct Step {
    at: String,
    actor: String,
    step: String,
    note: String,
}

/// The next step's form: its action and label.
struct Next {
    action: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "ledgers/warning.html")]
struct WarningPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    id: i64,
    level: &'static str,
    status: &'static str,
    case_no: &'a str,
    unit: String,
    signals: String,
    history: Vec<Step>,
    /// The next step, for supervisors and leaders (解除 is confirmed).
    next: Option<Next>,
    /// What was typed for the next step, if its post failed.
    note: String,
}

async fn render_detail(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    q: &FormMap,
    failed: Option<Failed<'_>>,
) -> PageResult {
    let (w, history) =
        st.app
            .warning_history(staff, id)
            .await
            .or_page(staff, "风险预警", "/work/warnings")?;
    let (status, banner, typed) = match failed {
        Some(f) => (f.status, Some(f.banner), Typed(Some(f.typed))),
        None => (axum::http::StatusCode::OK, notice(q), Typed(None)),
    };
    let history = history
        .iter()
        .map(|e| {
            let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
            Step {
                at: e.at.clone(),
                actor: e.actor.clone(),
                step: match e.kind.as_str() {
                    "warning_raised" => "预警".to_string(),
                    _ => format!(
                        "{} → {}",
                        status_label(p["from"].as_str().unwrap_or("")),
                        status_label(p["to"].as_str().unwrap_or(""))
                    ),
                },
                note: p["note"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect();
    let next = next_step(&w.status)
        .filter(|_| staff.has_any(&[Role::Supervisor, Role::Leader]))
        .map(|(action, label)| Next { action, label });
    let body = render(&WarningPage {
        banner,
        csrf,
        id: w.id,
        level: xinfang_app::warnings::level_label(w.level),
        status: status_label(&w.status),
        case_no: &w.case_no,
        unit: st.app.unit_name(UnitId(w.unit_id)),
        signals: warning_signals(&w),
        history,
        next,
        note: typed.get("note"),
    });
    Ok(staff_page_status(status, "风险预警", staff, &body))
}

/// `/work/warnings/{id}`: the warning, its history and the next-step form.
pub async fn detail(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_detail(&st, &staff, &csrf, id, &q, None).await
}

/// 核查 / 处置 / 解除.
pub async fn advance(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<AdvanceForm>,
) -> PageResult {
    let back = format!("/work/warnings/{id}");
    Ok(
        match st
            .app
            .advance_warning(&staff, id, f.action.trim(), f.note.trim())
            .await
        {
            Ok(_) => done(&back),
            // The warning again, with the error and the note as typed.
            Err(e) => {
                let failed = Failed::new(e, &f);
                if failed.is_input() {
                    render_detail(&st, &staff, &csrf, id, &FormMap::new(), Some(failed)).await?
                } else {
                    failed.page(&staff, "风险预警", &back)
                }
            }
        },
    )
}

page_form! {
    /// A step on a warning, with its note.
    pub struct AdvanceForm {
        action,
        note,
    }
}
