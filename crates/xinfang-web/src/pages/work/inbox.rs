//! 我的待办 (issue #15): one tabbed to-do. Each tab counts what this user
//! can act on — their own unit's cases by the step they wait for, a head's
//! approvals (延期 第三十四条, 书面意见签发), the 督办 their unit must answer,
//! and the 时限提醒 and 风险预警 of their unit (a 督办员 or leader sees those
//! of the whole area they may see) — and only the chosen tab's list is
//! shown, one page at a time. The first tab with work is opened by default.
//! The page is askama templates (`templates/work/inbox.html`, the tab bar,
//! the list component, `templates/work/approvals.html`).

use crate::pages::extract::StaffPage;
use crate::pages::html::page;
use crate::pages::list_view::{page_in_memory, Cell, Column, Export, ListQuery, ListView};
use crate::pages::tabs::{self, Tab};
use crate::pages::work::case_page::html_of;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use xinfang_domain::case::Status;
use xinfang_domain::clock::ClockKind;
use xinfang_domain::{Role, Staff};
use xinfang_store::{CaseFilter, CaseListRow, CaseSort};

/// A tab of cases waiting at the user's unit for one step.
struct CaseTab {
    key: &'static str,
    label: &'static str,
    statuses: &'static [&'static str],
    grade: Option<&'static str>,
    /// An indicator fact: 待回访 is a delivered reply not yet evaluated.
    fact: Option<&'static str>,
}

const CASE_TABS: [CaseTab; 8] = [
    CaseTab {
        key: "receipt",
        label: "待签收",
        statuses: &["pending_receipt"],
        grade: None,
        fact: None,
    },
    CaseTab {
        key: "objected",
        label: "异议待核",
        statuses: &["objected"],
        grade: None,
        fact: None,
    },
    CaseTab {
        key: "accept",
        label: "待转送/待告知",
        statuses: &["registered", "received"],
        grade: None,
        fact: None,
    },
    CaseTab {
        key: "handling",
        label: "待办理",
        statuses: &["handling", "under_review"],
        grade: None,
        fact: None,
    },
    CaseTab {
        key: "deliver",
        label: "待送达",
        statuses: &["replied"],
        grade: None,
        fact: None,
    },
    CaseTab {
        key: "visit",
        label: "待回访",
        statuses: &["delivered"],
        grade: None,
        fact: Some("not_evaluated"),
    },
    CaseTab {
        key: "approaching",
        label: "临期",
        statuses: &[],
        grade: Some("approaching"),
        fact: None,
    },
    CaseTab {
        key: "overdue",
        label: "超期",
        statuses: &[],
        grade: Some("overdue"),
        fact: None,
    },
];

impl CaseTab {
    fn filter(&self, staff: &Staff) -> CaseFilter {
        CaseFilter {
            statuses: self.statuses.iter().map(|s| s.to_string()).collect(),
            grade: self.grade.map(str::to_string),
            fact: self.fact.map(str::to_string),
            action_unit: Some(staff.unit.0),
            ..Default::default()
        }
    }
}

/// Who sees the area's 时限提醒 and 风险预警, not only their unit's.
fn oversees_area(staff: &Staff) -> bool {
    staff.has_any(&[Role::Supervisor, Role::Leader])
}

pub async fn inbox(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let lq = ListQuery::from_query(&q);
    let leader = staff.has(Role::Leader);
    let to_sign = if leader {
        st.app.drafts_to_sign(&staff).await.unwrap_or_default()
    } else {
        vec![]
    };
    let extensions = if leader {
        st.app
            .extensions_to_approve(&staff)
            .await
            .unwrap_or_default()
    } else {
        vec![]
    };
    let mut counts: Vec<(&'static str, String, usize, &'static str)> = Vec::new();
    if leader {
        counts.push((
            "approve",
            "待审批".into(),
            to_sign.len() + extensions.len(),
            "warn",
        ));
    }
    for t in &CASE_TABS {
        let n = st
            .app
            .count_for(&staff, t.filter(&staff))
            .await
            .unwrap_or(0) as usize;
        let tone = match t.key {
            "overdue" => "alarm",
            "approaching" => "warn",
            _ => "",
        };
        counts.push((t.key, t.label.into(), n, tone));
    }
    let area = oversees_area(&staff);
    let alerts: Vec<_> = st
        .app
        .alerts_for(&staff)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| area || a.unit_id == staff.unit.0)
        .collect();
    let warnings: Vec<_> = st
        .app
        .warnings_for(&staff)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|w| w.status != "cleared" && (area || w.unit_id == staff.unit.0))
        .collect();
    let sups: Vec<_> = st
        .app
        .supervisions_for(&staff)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|s| {
            s.to_unit == staff.unit.0
                && matches!(
                    s.status,
                    xinfang_domain::supervision::SupervisionStatus::Open
                        | xinfang_domain::supervision::SupervisionStatus::Overdue
                )
        })
        .collect();
    counts.push(("sups", "督办".into(), sups.len(), "alarm"));
    counts.push(("alerts", "时限提醒".into(), alerts.len(), "warn"));
    counts.push(("warnings", "风险预警".into(), warnings.len(), "alarm"));

    let chosen = q
        .get("tab")
        .map(String::as_str)
        .filter(|t| counts.iter().any(|(k, ..)| k == t))
        .or_else(|| counts.iter().find(|(.., n, _)| *n > 0).map(|(k, ..)| *k))
        .unwrap_or("handling");
    let bar = tabs::render(
        "待办分类",
        &counts
            .iter()
            .map(|(key, label, n, tone)| Tab {
                label: label.clone(),
                count: *n,
                href: format!("/work?tab={key}"),
                current: *key == chosen,
                tone,
            })
            .collect::<Vec<_>>(),
    );
    let mut tab_q = lq.clone();
    tab_q.filter.retain(|(k, _)| k == "tab");
    tab_q.filter = vec![("tab".into(), chosen.into())];
    let list = if let Some(t) = CASE_TABS.iter().find(|t| t.key == chosen) {
        let mut f = t.filter(&staff);
        let total = st.app.count_for(&staff, f.clone()).await.unwrap_or(0);
        f.limit = tab_q.size;
        f.offset = tab_q.offset();
        f.sort = CaseSort::DueFirst;
        let rows = st.app.list_for(&staff, f).await.unwrap_or_default();
        cases_view(t.label, total, rows.iter().map(case_row).collect()).render(&tab_q)
    } else {
        match chosen {
            "approve" => approvals(&to_sign, &extensions),
            "sups" => {
                let (total, page) = page_in_memory(sups, &tab_q, |_, _| String::new());
                let rows = page
                    .iter()
                    .map(|s| {
                        vec![
                            Cell::link(&s.case_no, format!("/work/cases/{}", s.case_no)),
                            Cell::link(&s.requirement, format!("/work/supervisions/{}", s.id)),
                            Cell::text(s.feedback_due.as_deref().unwrap_or("")),
                        ]
                    })
                    .collect();
                simple_view(
                    "督办（待本单位反馈）",
                    total,
                    vec!["信访编号", "督办要求", "反馈期限"],
                    rows,
                )
                .render(&tab_q)
            }
            "alerts" => {
                let (total, page) = page_in_memory(alerts, &tab_q, |_, _| String::new());
                let org = st.app.org();
                let rows = page
                    .iter()
                    .map(|a| {
                        let clock = ClockKind::from_key(&a.clock)
                            .map(|k| k.name_zh())
                            .unwrap_or("法定时限");
                        let (g, class) = if a.grade == xinfang_domain::clock::Grade::Overdue.key() {
                            ("超期", "overdue")
                        } else {
                            ("临期", "approaching")
                        };
                        vec![
                            Cell::link(&a.case_no, format!("/work/cases/{}", a.case_no)),
                            Cell::text(clock),
                            Cell::text(
                                org.get(xinfang_domain::UnitId(a.unit_id))
                                    .map(|u| u.name.clone())
                                    .unwrap_or_default(),
                            ),
                            Cell::text(g).class(class),
                            Cell::text(&a.due),
                        ]
                    })
                    .collect();
                simple_view(
                    if area {
                        "时限提醒（本辖区）"
                    } else {
                        "时限提醒（本单位）"
                    },
                    total,
                    vec!["信访编号", "时限", "承办单位", "等级", "到期日"],
                    rows,
                )
                .render(&tab_q)
            }
            _ => {
                let (total, page) = page_in_memory(warnings, &tab_q, |_, _| String::new());
                let rows = page
                    .iter()
                    .map(|w| {
                        let signals: Vec<String> = w
                            .signals
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|s| s["label"].as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        vec![
                            Cell::link(&w.case_no, format!("/work/cases/{}", w.case_no)),
                            Cell::text(xinfang_app::warnings::level_label(w.level)),
                            Cell::text(signals.join("；")),
                            Cell::text(xinfang_app::warnings::status_label(&w.status)),
                        ]
                    })
                    .collect();
                simple_view(
                    "风险预警",
                    total,
                    vec!["信访编号", "等级", "预警信号", "状态"],
                    rows,
                )
                .render(&tab_q)
            }
        }
    };
    Html(page(
        "我的待办",
        Some(&staff),
        &html_of(&InboxPage { bar, list }),
    ))
    .into_response()
}

#[derive(askama::Template)]
#[template(path = "work/inbox.html")]
struct InboxPage {
    /// The tab bar (components/tabs.html).
    bar: String,
    /// The chosen tab's list (components/list.html or work/approvals.html).
    list: String,
}

fn cases_view(title: &str, total: i64, rows: Vec<Vec<Cell>>) -> ListView {
    ListView {
        title: title.into(),
        unit_word: "件",
        base: "/work",
        total,
        filters: vec![],
        columns: vec![
            Column::plain("信访编号"),
            Column::plain("信访人"),
            Column::plain("诉求"),
            Column::plain("状态"),
            Column::plain("到期日"),
        ],
        rows,
        export: Export::None,
        empty: "暂无待办。",
        above: String::new(),
    }
}

fn simple_view(
    title: &str,
    total: i64,
    columns: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
) -> ListView {
    ListView {
        title: title.into(),
        unit_word: "项",
        base: "/work",
        total,
        filters: vec![],
        columns: columns.into_iter().map(Column::plain).collect(),
        rows,
        export: Export::None,
        empty: "暂无。",
        above: String::new(),
    }
}

/// One case waiting for a step: its time limit in words and colour.
fn case_row(r: &CaseListRow) -> Vec<Cell> {
    let status = Status::from_key(&r.status)
        .map(|s| s.label_zh())
        .unwrap_or("");
    vec![
        Cell::link(&r.case_no, format!("/work/cases/{}", r.case_no)),
        Cell::text(&r.petitioner_names),
        Cell::text(&r.request),
        Cell::text(status),
        crate::pages::work::case_list::due_cell(r),
    ]
}

/// An opinion waiting for the head's sign-off, as 待审批 lists it.
struct ToSign<'a> {
    id: i64,
    case_no: &'a str,
    outcome: &'static str,
    by: &'a str,
    at: String,
}

#[derive(askama::Template)]
#[template(path = "work/approvals.html")]
struct Approvals<'a> {
    extensions: &'a [xinfang_app::drafts::PendingExtension],
    to_sign: Vec<ToSign<'a>>,
}

/// A head's 待审批: 延期 requests (第三十四条) and opinions to sign.
fn approvals(
    to_sign: &[xinfang_app::drafts::DraftView],
    extensions: &[xinfang_app::drafts::PendingExtension],
) -> String {
    html_of(&Approvals {
        extensions,
        to_sign: to_sign
            .iter()
            .map(|d| ToSign {
                id: d.row.id,
                case_no: &d.row.case_no,
                outcome: d.outcome_label,
                by: &d.drafted_by_name,
                at: d.row.drafted_at.chars().take(16).collect(),
            })
            .collect(),
    })
}
