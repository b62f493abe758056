//! The leader's board (领导包案, 第十八条): my 包案 cases — as leader or 专班
//! member — with the team, 化解方案, 化解时限 (overdue marked) and progress;
//! forms for progress entries and resolving; for leaders and supervisors the
//! area's whole 包案 ledger below. The board is an askama template
//! (`templates/ledgers/ownerships.html`) around the list component; a
//! refused progress entry comes back as typed, and 已化解 is confirmed.

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::ledgers::kit::*;
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::page_error::{OrPage, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use xinfang_app::ledgers::{ownership_status_label, ownership_team};
use xinfang_domain::{Role, Staff};
use xinfang_store::OwnershipRow;

/// One of my 包案 cases as its card shows it.
struct Card<'a> {
    o: &'a OwnershipRow,
    status: &'static str,
    team: String,
    late: bool,
    /// I may record progress (leader or team member, still 化解中) …
    can_report: bool,
    /// … and what I typed, if recording it was refused.
    text: String,
    /// I am its leader and it is still 化解中: 已化解 is mine to mark.
    can_resolve: bool,
}

#[derive(Template)]
#[template(path = "ledgers/ownerships.html")]
struct Board<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    total: usize,
    active: usize,
    late: usize,
    cards: Vec<Card<'a>>,
    /// The area's ledger (the list component's HTML), for leaders and supervisors.
    ledger: String,
}

async fn render_board(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &FormMap,
    failed: Option<(Failed<'_>, i64)>,
) -> PageResult {
    let mine = st
        .app
        .ownership_board(staff)
        .await
        .or_page(staff, "领导包案", "/work")?;
    let (status, banner, typed) = match failed {
        Some((f, id)) => (f.status, Some(f.banner), Some((f.typed, id))),
        None => (axum::http::StatusCode::OK, notice(q), None),
    };
    let today = st.app.now().date().to_string();
    let is_late = |o: &OwnershipRow| o.status == "active" && o.deadline.as_str() < today.as_str();
    let cards = mine
        .iter()
        .map(|o| {
            let on_team = o.leader_id == staff.user.0
                || o.team
                    .as_array()
                    .is_some_and(|a| a.iter().any(|m| m["id"].as_i64() == Some(staff.user.0)));
            let mine = Typed(typed.filter(|(_, id)| *id == o.id).map(|(f, _)| f));
            Card {
                o,
                status: ownership_status_label(&o.status),
                team: ownership_team(o),
                late: is_late(o),
                can_report: o.status == "active" && on_team,
                text: mine.get("text"),
                can_resolve: o.status == "active" && o.leader_id == staff.user.0,
            }
        })
        .collect();
    let mut ledger = String::new();
    if staff.has_any(&[Role::Leader, Role::Supervisor]) {
        let all = st.app.ownerships_ledger(staff).await.unwrap_or_default();
        let lq = ListQuery::from_query(q);
        let (state, text) = (lq.get("status"), lq.get("text").trim());
        let overdue = lq.get("overdue") == "1";
        let mut rows: Vec<&OwnershipRow> = all
            .iter()
            .filter(|o| state.is_empty() || o.status == state)
            .filter(|o| !overdue || is_late(o))
            .filter(|o| text.is_empty() || o.case_no.contains(text) || o.leader_name.contains(text))
            .collect();
        sort_in_memory(&mut rows, &lq, |o, key| match key {
            "deadline" => o.deadline.clone(),
            _ => o.case_no.clone(),
        });
        let view = ListView {
            title: "本辖区包案台账".into(),
            unit_word: "件",
            base: "/work/ownerships",
            total: rows.len() as i64,
            filters: vec![
                Filter::text(&lq, "text", "信访编号或包案领导", ""),
                Filter::select(
                    &lq,
                    "status",
                    "状态",
                    [("active", "化解中"), ("resolved", "已化解")],
                ),
                Filter::select(&lq, "overdue", "化解时限", [("1", "已超期")]),
            ],
            columns: vec![
                Column::sortable("信访编号", "case"),
                Column::plain("包案领导"),
                Column::plain("专班"),
                Column::sortable("化解时限", "deadline"),
                Column::plain("状态"),
                Column::plain("进展"),
            ],
            rows: rows
                .iter()
                .map(|o| {
                    vec![
                        Cell::link(&o.case_no, format!("/work/cases/{}", o.case_no)),
                        Cell::text(&o.leader_name),
                        Cell::text(ownership_team(o)),
                        if is_late(o) {
                            Cell::text(format!("{}（已超期）", o.deadline)).class("overdue")
                        } else {
                            Cell::text(&o.deadline)
                        },
                        Cell::text(ownership_status_label(&o.status)),
                        Cell::text(format!("{} 条", o.progress.len())),
                    ]
                })
                .collect(),
            export: Export::Here,
            empty: "本辖区暂无包案。",
            above: String::new(),
        };
        if ListQuery::wants_xlsx(q) {
            return Ok(view.xlsx(st, staff, "ownerships.xlsx").await);
        }
        ledger = view.render(&lq);
    }
    let body = render(&Board {
        banner,
        csrf,
        total: mine.len(),
        active: mine.iter().filter(|o| o.status == "active").count(),
        late: mine.iter().filter(|o| is_late(o)).count(),
        cards,
        ledger,
    });
    Ok(staff_page_status(status, "领导包案", staff, &body))
}

/// `/work/ownerships`: the board.
pub async fn board(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, csrf }: StaffPage,
) -> PageResult {
    render_board(&st, &staff, &csrf, &q, None).await
}

/// A progress entry by the leader or a team member.
pub async fn progress(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<ProgressForm>,
) -> PageResult {
    Ok(
        match st.app.ownership_progress(&staff, id, f.text.trim()).await {
            Ok(_) => done(&format!("/work/ownerships#o{id}")),
            Err(e) => {
                let failed = Failed::new(e, &f);
                if failed.is_input() {
                    render_board(&st, &staff, &csrf, &FormMap::new(), Some((failed, id))).await?
                } else {
                    failed.page(&staff, "包案进展", "/work/ownerships")
                }
            }
        },
    )
}

/// The leader marks the case 化解.
pub async fn resolve(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { staff, .. }: StaffForm<FormMap>,
) -> PageResult {
    st.app
        .resolve_ownership(&staff, id)
        .await
        .or_page(&staff, "包案化解", "/work/ownerships")?;
    Ok(done(&format!("/work/ownerships#o{id}")))
}

page_form! {
    /// A progress note on a 包案.
    pub struct ProgressForm {
        text,
    }
}
