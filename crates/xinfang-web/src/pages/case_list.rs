//! The filtered case list — the drill-down target of every dashboard figure —
//! and the Excel exports (case list, overview, statistics tables). The query
//! string is the filter: period (`from`, `to`) on the date named by `basis`,
//! submission conditions (`channel`, `level`, `skip_level`, `repeat`,
//! `collective`, `visit`), case conditions (`kind`, `category`, `region`,
//! `status`, `grade`, `unit`), an indicator fact (`fact`) and `text`.

use super::html::{esc, page};
use super::session::current;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_domain::case::Status;
use xinfang_domain::Staff;
use xinfang_store::{CaseFilter, DateBasis, SubmissionFilter};

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

/// The filter in words, for the list's heading.
fn describe(q: &HashMap<String, String>) -> String {
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
                .map(|v| format!("{label}：{}", esc(&value_zh(k, v))))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A filter value in words.
fn value_zh(key: &str, v: &str) -> String {
    use xinfang_domain::case::{Channel, Kind};
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

/// Case list with filters (the drill-down target).
pub async fn case_list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let f = filter_from(&q);
    let total = st.app.count_for(&staff, f.clone()).await.unwrap_or(0);
    // A 件次/批次/人次 figure counts submissions; the list shows their cases.
    let volume = match st.app.submission_counts_for(&staff, f.clone()).await {
        Ok(Some((subs, batches, persons))) => format!(
            "<p id=\"volume\">按件次筛选：符合条件的 <span id=\"submissions\">{subs}</span> 件次（其中来访 <span id=\"batches\">{batches}</span> 批次、<span id=\"persons\">{persons}</span> 人次）涉及以下 {total} 件信访事项（一件事项可有多个件次，故事项数可少于件次数）。</p>"
        ),
        _ => String::new(),
    };
    let rows = st.app.list_for(&staff, f).await.unwrap_or_default();
    let qs: String = q
        .iter()
        .map(|(k, v)| format!("{}={}&", esc(k), esc(v)))
        .collect();
    let mut body = format!(
        "<section><h2>信访事项（共 <span id=\"total\">{total}</span> 件，最多显示 200 件）</h2><p>{}</p>{volume}<p><a href=\"/work/cases.xlsx?{qs}\">导出 Excel</a></p><table><tr><th>信访编号</th><th>登记时间</th><th>信访人</th><th>诉求</th><th>状态</th><th>到期日</th></tr>",
        describe(&q)
    );
    for r in &rows {
        body.push_str(&format!(
            "<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td class=\"{5}\">{6}</td></tr>",
            esc(&r.case_no),
            esc(&r.registered_at),
            esc(&r.petitioner_names),
            esc(&r.request),
            Status::from_key(&r.status).map(|s| s.label_zh()).unwrap_or(""),
            esc(r.grade.as_deref().unwrap_or("")),
            esc(r.next_due.as_deref().unwrap_or(""))
        ));
    }
    body.push_str("</table></section>");
    Html(page("信访事项", Some(&staff), &body)).into_response()
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
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let mut f = filter_from(&q);
    f.limit = 100_000;
    match st.app.export_cases(&staff, f).await {
        Ok(bytes) => crate::api::xlsx_response(bytes, "cases.xlsx"),
        Err(e) => err_page("导出", &staff, &e),
    }
}

pub async fn stats_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let (from, to) = super::dashboard::period(&q, st.app.now().date());
    let result = match st.app.stats_overview(&staff, from, to, None).await {
        Ok(o) => st.app.export_overview(&o),
        Err(e) => Err(e),
    };
    match result {
        Ok(bytes) => crate::api::xlsx_response(bytes, "overview.xlsx"),
        Err(e) => err_page("导出", &staff, &e),
    }
}

/// Breakdowns, rankings and hot issues of the period as one workbook.
pub async fn tables_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let (from, to) = super::dashboard::period(&q, st.app.now().date());
    let tables = match super::dashboard::stats_tables(&st, &staff, from, to).await {
        Ok(t) => t,
        Err(e) => return err_page("导出", &staff, &e),
    };
    match st.app.export_tables(&staff, &tables).await {
        Ok(bytes) => crate::api::xlsx_response(bytes, "stats-tables.xlsx"),
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
