//! 件次 (来信来访登记簿): every registration — a first submission or a
//! repeat of an earlier matter — one row each, on the one list component,
//! with the period on the 件次's own date. The dashboard's 件次, 来访批次 and
//! 人次 figures count these rows; the case list (`case_list.rs`) shows the
//! matters behind them. Same scope as every list (第三十条 included).

use crate::pages::extract::StaffPage;
use crate::pages::html::page;
use crate::pages::ledgers::kit::render;
use crate::pages::list_view::{Cell, Column, Export, Filter, ListQuery, ListView};
use crate::pages::work::case_list::{filter_from, ListAbove};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use std::collections::HashMap;
use xinfang_domain::case::Channel;
use xinfang_domain::{UnitId, UnitLevel};

/// Rows an export holds at most (as the case list's export).
const EXPORT_MAX: i64 = 100_000;

/// The 特征 filter: one flag of the 件次.
const MARKS: [(&str, &str); 4] = [
    ("repeat", "重复信访"),
    ("skip_level", "越级走访"),
    ("collective", "集体访（5人及以上）"),
    ("visit", "来访"),
];

/// `/work/submissions` (`?format=xlsx`: up to 100,000 filtered rows).
pub async fn submission_list(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    // A register is read by period: without one it opens on this month
    // (shown in the filter bar), so a million-case store counts a month.
    let mut q = q;
    if !q.contains_key("from") && !q.contains_key("to") {
        let today = st.app.now().date();
        let first = today.with_day(1).unwrap_or(today);
        q.insert("from".into(), first.to_string());
        q.insert("to".into(), today.to_string());
    }
    let lq = ListQuery::from_query(&q);
    let mut with_mark = q.clone();
    if let Some((k, _)) = MARKS
        .iter()
        .find(|(k, _)| Some(*k) == q.get("mark").map(String::as_str))
    {
        with_mark.insert((*k).to_string(), "1".into());
    }
    let mut f = filter_from(&with_mark);
    let export = ListQuery::wants_xlsx(&q);
    (f.limit, f.offset) = if export {
        (EXPORT_MAX, 0)
    } else {
        (lq.size, lq.offset())
    };
    let oldest = lq.sort_key() == Some(("registered", false));
    let (rows, (total, batches, persons)) = st
        .app
        .submissions_for(&staff, f, oldest)
        .await
        .unwrap_or_default();
    let org = st.app.org();
    let rows = rows
        .iter()
        .map(|r| {
            let marks: Vec<&str> = [
                (r.is_repeat, "重复"),
                (r.skip_level, "越级"),
                (r.channel == "visit" && r.persons >= 5, "集体访"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, m)| *m)
            .collect();
            vec![
                Cell::text(r.registered_at.get(..16).unwrap_or(&r.registered_at)),
                Cell::text(
                    Channel::from_key(&r.channel)
                        .map(|c| c.label_zh())
                        .unwrap_or(""),
                ),
                Cell::text(
                    org.get(UnitId(r.unit_id))
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                ),
                Cell::text(r.persons.to_string()),
                Cell::text(marks.join("、")),
                Cell::link(&r.case_no, format!("/work/cases/{}", r.case_no)),
                Cell::text(&r.petitioner_names),
                Cell::text(&r.request),
            ]
        })
        .collect();
    let view = ListView {
        title: "件次（来信来访登记）".into(),
        unit_word: "件次",
        base: "/work/submissions",
        total,
        filters: vec![
            Filter::text(&lq, "text", "诉求含", "关键词"),
            Filter::select(
                &lq,
                "channel",
                "渠道",
                Channel::ALL.iter().map(|c| (c.key(), c.label_zh())),
            ),
            Filter::select(
                &lq,
                "level",
                "登记层级",
                UnitLevel::ALL.iter().map(|l| (l.key(), l.label_zh())),
            ),
            Filter::select(&lq, "mark", "特征", MARKS),
            Filter::date(&lq, "from", "登记日期自"),
            Filter::date(&lq, "to", "至"),
        ],
        columns: vec![
            Column::sortable("登记时间", "registered"),
            Column::plain("渠道"),
            Column::plain("登记单位"),
            Column::plain("人数"),
            Column::plain("特征"),
            Column::plain("信访编号"),
            Column::plain("信访人"),
            Column::plain("诉求"),
        ],
        rows,
        export: Export::Here,
        empty: "没有符合条件的件次。",
        above: render(&ListAbove {
            conditions: String::new(),
            volume: None,
            total: 0,
            visits: Some((batches, persons)),
        }),
    };
    if export {
        return view.xlsx(&st, &staff, "submissions.xlsx").await;
    }
    Html(page("件次", Some(&staff), &view.render(&lq))).into_response()
}
