//! The filtered case list — the drill-down target of every dashboard figure —
//! and the Excel exports (case list, overview, statistics tables). The query
//! string is the filter: period (`from`, `to`) on the date named by `basis`,
//! submission conditions (`channel`, `level`, `skip_level`, `repeat`,
//! `collective`, `visit`), case conditions (`kind`, `category`, `region`,
//! `status`, `grade`, `unit`), an indicator fact (`fact`) and `text`.

use crate::pages::extract::StaffPage;
use crate::pages::html::{esc, page};
use crate::pages::ledgers::kit::render;
use crate::pages::list_view::{Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use xinfang_domain::case::{Channel, Kind, Status};
use xinfang_domain::clock::Grade;
use xinfang_domain::Staff;
use xinfang_store::{CaseFilter, CaseListRow, CaseSort, DateBasis, SubmissionFilter};

fn opt(q: &HashMap<String, String>, k: &str) -> Option<String> {
    q.get(k).filter(|v| !v.is_empty()).cloned()
}

fn flag(q: &HashMap<String, String>, k: &str) -> bool {
    matches!(q.get(k).map(String::as_str), Some("1" | "true"))
}

/// The case filter a drill-down query string stands for.
pub fn filter_from(q: &HashMap<String, String>) -> CaseFilter {
    CaseFilter {
        statuses: q
            .get("status")
            .map(|s| {
                s.split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        grade: opt(q, "grade"),
        registered_from: opt(q, "from"),
        registered_to: opt(q, "to"),
        basis: q
            .get("basis")
            .and_then(|b| DateBasis::from_key(b))
            .unwrap_or_default(),
        submission: SubmissionFilter {
            channel: opt(q, "channel"),
            level: opt(q, "level"),
            skip_level: flag(q, "skip_level"),
            repeat: flag(q, "repeat"),
            collective: flag(q, "collective"),
            visit: flag(q, "visit"),
        },
        kind: opt(q, "kind"),
        // Present but empty means "not classified".
        category: q.get("category").cloned(),
        region: opt(q, "region"),
        fact: opt(q, "fact"),
        text: opt(q, "text"),
        current_unit: q.get("unit").and_then(|u| u.parse().ok()),
        limit: 200,
        ..Default::default()
    }
}

/// What a list says above its rows (`work/list_above.html`): the
/// conditions in words, and the 件次, 批次 and 人次 behind them.
#[derive(Template)]
#[template(path = "work/list_above.html")]
pub(crate) struct ListAbove {
    pub conditions: String,
    /// (件次, 来访批次, 来访人次) of a filter on 件次.
    pub volume: Option<(i64, i64, i64)>,
    /// Cases listed (with `volume`).
    pub total: i64,
    /// (来访批次, 来访人次) of the 件次 list.
    pub visits: Option<(i64, i64)>,
}

/// The filter's conditions in words (plain text: the template escapes it):
/// names, never stored codes — statuses, grades, regions, categories and
/// units as the staff know them.
fn describe(st: &AppState, q: &HashMap<String, String>) -> String {
    let names = [
        ("from", "自"),
        ("to", "至"),
        ("basis", "日期口径"),
        ("channel", "渠道"),
        ("level", "登记层级"),
        ("region", "地区"),
        ("kind", "类型"),
        ("category", "内容分类"),
        ("fact", "指标"),
        ("text", "诉求含"),
        ("status", "状态"),
        ("grade", "时限"),
        ("skip_level", "越级"),
        ("repeat", "重复"),
        ("collective", "集体访"),
        ("visit", "来访"),
        ("unit", "单位"),
    ];
    names
        .iter()
        .filter_map(|(k, label)| {
            q.get(*k)
                .map(|v| format!("{label}：{}", value_zh(st, k, v)))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A filter value in words.
fn value_zh(st: &AppState, key: &str, v: &str) -> String {
    use xinfang_domain::case::{Channel, Kind};
    match key {
        "region" | "category" => return st.app.dimension_label(key, v),
        "unit" => {
            return match v.parse::<i64>() {
                Ok(id) => st.app.unit_name(xinfang_domain::UnitId(id)),
                Err(_) => v.to_string(),
            }
        }
        _ => {}
    }
    let word = match (key, v) {
        ("basis", "registered") => "登记日期",
        ("basis", "submitted") => "件次日期",
        ("basis", "accept_due") => "受理（转送/告知）期限届满日",
        ("basis", "handling_due") => "办理期限届满日",
        ("basis", "delivered") => "答复送达日",
        ("fact", "accept_in_time") => "按时受理",
        ("fact", "accept_missed") => "未按时受理",
        ("fact", "handling_in_time") => "按期办结",
        ("fact", "handling_missed") => "未按期办结",
        ("fact", "evaluated") => "已评价",
        ("fact", "satisfied") => "满意或基本满意",
        ("fact", "first_time") => "一次性化解",
        ("fact", "not_first_time") => "未一次性化解",
        ("channel", c) => Channel::from_key(c).map(|c| c.label_zh()).unwrap_or(c),
        ("kind", k) => Kind::from_key(k).map(|k| k.label_zh()).unwrap_or(k),
        ("status", x) => Status::from_key(x).map(|s| s.label_zh()).unwrap_or(x),
        ("grade", g) => Grade::from_key(g).map(|g| g.label_zh()).unwrap_or(g),
        ("category", "") => "未分类",
        ("level", l) => {
            return l
                .split(',')
                .map(|x| {
                    xinfang_domain::UnitLevel::from_key(x)
                        .map(|u| u.label_zh())
                        .unwrap_or(x)
                })
                .collect::<Vec<_>>()
                .join("、")
        }
        ("skip_level" | "repeat" | "collective" | "visit", "1" | "true") => "是",
        _ => v,
    };
    word.to_string()
}

/// Case list with its filter bar, sort and paging (also the drill-down
/// target of every dashboard figure: conditions not in the bar ride along).
pub async fn case_list(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let lq = ListQuery::from_query(&q);
    let mut f = filter_from(&q);
    f.limit = lq.size;
    f.offset = lq.offset();
    f.sort = match lq.sort_key() {
        Some(("registered", false)) => CaseSort::Oldest,
        Some(("due", false)) => CaseSort::DueFirst,
        Some(("due", true)) => CaseSort::DueLast,
        _ => CaseSort::Newest,
    };
    // The count, the 件次 behind a 件次 filter and the page's rows are
    // independent reads: run side by side on the store's readers.
    let (total, volume, rows) = tokio::join!(
        st.app.count_for(&staff, f.clone()),
        st.app.submission_counts_for(&staff, f.clone()),
        st.app.list_for(&staff, f),
    );
    let total = total.unwrap_or(0);
    // A 件次/批次/人次 figure counts submissions; the list shows their cases.
    let volume = volume.ok().flatten();
    let rows = rows.unwrap_or_default();
    let above = render(&ListAbove {
        conditions: describe(&st, &q),
        volume,
        total,
        visits: None,
    });
    let view = ListView {
        title: "信访事项".into(),
        unit_word: "件",
        base: "/work/cases",
        total,
        filters: vec![
            Filter::text(&lq, "text", "诉求含", "关键词"),
            Filter::select(
                &lq,
                "status",
                "状态",
                Status::ALL.iter().map(|s| (s.key(), s.label_zh())),
            ),
            Filter::select(
                &lq,
                "grade",
                "时限",
                [Grade::Approaching, Grade::Overdue].map(|g| (g.key(), g.label_zh())),
            ),
            Filter::select(
                &lq,
                "kind",
                "类型",
                Kind::ALL.iter().map(|k| (k.key(), k.label_zh())),
            ),
            Filter::select(
                &lq,
                "channel",
                "渠道",
                Channel::ALL.iter().map(|c| (c.key(), c.label_zh())),
            ),
            Filter::date(&lq, "from", "登记日期自"),
            Filter::date(&lq, "to", "至"),
        ],
        columns: vec![
            Column::plain("信访编号"),
            Column::sortable("登记时间", "registered"),
            Column::plain("信访人"),
            Column::plain("诉求"),
            Column::plain("状态"),
            Column::sortable("到期日", "due"),
        ],
        rows: rows.iter().map(case_row).collect(),
        export: Export::At("/work/cases.xlsx"),
        empty: "没有符合条件的信访事项。",
        above,
    };
    Html(page("信访事项", Some(&staff), &view.render(&lq))).into_response()
}

/// One case as a list row; the time limit in words and colour.
fn case_row(r: &CaseListRow) -> Vec<Cell> {
    vec![
        Cell::link(&r.case_no, format!("/work/cases/{}", r.case_no)),
        Cell::text(r.registered_at.get(..16).unwrap_or(&r.registered_at)),
        Cell::text(&r.petitioner_names),
        Cell::text(&r.request),
        Cell::text(
            Status::from_key(&r.status)
                .map(|s| s.label_zh())
                .unwrap_or(""),
        ),
        due_cell(r),
    ]
}

/// A case's next due date, marked 超期 / 临期 in words and colour (every
/// list of cases shows it this way).
pub(crate) fn due_cell(r: &CaseListRow) -> Cell {
    let due = r.next_due.as_deref().unwrap_or("");
    match r.grade.as_deref().and_then(Grade::from_key) {
        Some(Grade::Overdue) => Cell::text(format!("{due}（超期）")).class("overdue"),
        Some(Grade::Approaching) => Cell::text(format!("{due}（临期）")).class("approaching"),
        _ => Cell::text(due),
    }
}

fn err_page(title: &str, user: &Staff, e: &dyn std::fmt::Display) -> Response {
    Html(page(
        title,
        Some(user),
        &format!("<p class=\"err\">{}</p>", esc(&e.to_string())),
    ))
    .into_response()
}

pub async fn cases_xlsx(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let mut f = filter_from(&q);
    f.limit = 100_000;
    match st.app.export_cases(&staff, f).await {
        Ok(bytes) => crate::api::extract::xlsx_response(bytes, "cases.xlsx"),
        Err(e) => err_page("导出", &staff, &e),
    }
}

pub async fn stats_xlsx(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let (from, to) = crate::pages::dashboard::period(&q, st.app.now().date());
    let result = match st.app.stats_overview(&staff, from, to, None).await {
        Ok(o) => st.app.export_overview(&o),
        Err(e) => Err(e),
    };
    match result {
        Ok(bytes) => crate::api::extract::xlsx_response(bytes, "overview.xlsx"),
        Err(e) => err_page("导出", &staff, &e),
    }
}

/// Breakdowns, rankings and hot issues of the period as one workbook.
pub async fn tables_xlsx(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let (from, to) = crate::pages::dashboard::period(&q, st.app.now().date());
    let tables = match crate::pages::dashboard::stats_tables(&st, &staff, from, to).await {
        Ok(t) => t,
        Err(e) => return err_page("导出", &staff, &e),
    };
    match st.app.export_tables(&staff, &tables).await {
        Ok(bytes) => crate::api::extract::xlsx_response(bytes, "stats-tables.xlsx"),
        Err(e) => err_page("导出", &staff, &e),
    }
}

/// Percent-encode a query value (UTF-8 bytes outside the unreserved set).
pub fn url_enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
