//! The search page `/work/search` (a GET form: query, filters, ranked
//! results with highlighted snippets, pagination) and the 相似信访事项 panel
//! of the case page. Snippets arrive as escaped HTML with `<b>` marks; every
//! other string is escaped by the askama templates (`templates/search/`).

use crate::api::search::search_query;
use crate::pages::extract::StaffPage;
use crate::pages::html::page;
use crate::pages::work::case_page::html_of;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use xinfang_app::search::{HitView, SearchPage};
use xinfang_domain::case::{Channel, Kind, Status};
use xinfang_domain::Staff;
use xinfang_search::Flag;

const FLAGS: [Flag; 4] = [Flag::SkipLevel, Flag::Collective, Flag::Repeat, Flag::Risk];

/// An option of a filter select.
struct Opt {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// A filter select: 全部 and its options, the current one selected.
struct Select {
    name: &'static str,
    label: &'static str,
    options: Vec<Opt>,
}

fn select(
    p: &HashMap<String, String>,
    name: &'static str,
    label: &'static str,
    options: impl Iterator<Item = (&'static str, &'static str)>,
) -> Select {
    let current = p.get(name).map(String::as_str).unwrap_or("");
    Select {
        name,
        label,
        options: options
            .map(|(value, label)| Opt {
                value,
                label,
                selected: value == current,
            })
            .collect(),
    }
}

/// The results, their count and the pages either side.
struct Results {
    /// The result table (search/hits.html), "" when there are none.
    hits: String,
    first: usize,
    last: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "search/page.html")]
struct SearchPageView<'a> {
    q: &'a str,
    selects: Vec<Select>,
    region: &'a str,
    category: &'a str,
    from: &'a str,
    to: &'a str,
    error: Option<String>,
    results: Option<Results>,
}

#[derive(askama::Template)]
#[template(path = "search/hits.html")]
struct Hits<'a> {
    hits: &'a [HitView],
}

/// Result rows: case link, snippet (already escaped HTML), facts.
pub fn hit_rows(hits: &[HitView]) -> String {
    html_of(&Hits { hits })
}

fn results(p: &HashMap<String, String>, r: &SearchPage, limit: usize, offset: usize) -> Results {
    // The same query on another page (the URL is escaped by the template).
    let link = |off: usize| {
        let qs: String = p
            .iter()
            .filter(|(k, _)| k.as_str() != "offset")
            .map(|(k, v)| format!("{}={}&", encode(k), encode(v)))
            .collect();
        format!("/work/search?{qs}offset={off}")
    };
    Results {
        hits: if r.hits.is_empty() {
            String::new()
        } else {
            hit_rows(&r.hits)
        },
        first: if r.hits.is_empty() { 0 } else { offset + 1 },
        last: offset + r.hits.len(),
        total: r.total,
        prev: (offset > 0).then(|| link(offset.saturating_sub(limit))),
        next: (offset + limit < r.total && offset + limit <= crate::api::search::MAX_OFFSET)
            .then(|| link(offset + limit)),
    }
}

/// Percent-encode a query-string component.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `GET /work/search`.
pub async fn search_page(
    State(st): State<AppState>,
    Query(p): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let v = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let mut view = SearchPageView {
        q: v("q"),
        selects: vec![
            select(
                &p,
                "channel",
                "信访形式",
                Channel::ALL.iter().map(|c| (c.key(), c.label_zh())),
            ),
            select(
                &p,
                "kind",
                "类型",
                Kind::ALL.iter().map(|k| (k.key(), k.label_zh())),
            ),
            select(
                &p,
                "status",
                "状态",
                Status::ALL.iter().map(|s| (s.key(), s.label_zh())),
            ),
            select(
                &p,
                "flag",
                "标记",
                FLAGS.iter().map(|f| (f.key(), f.label_zh())),
            ),
        ],
        region: v("region"),
        category: v("category"),
        from: v("from"),
        to: v("to"),
        error: None,
        results: None,
    };
    let asked = p.values().any(|v| !v.trim().is_empty());
    if asked {
        match search_query(&p) {
            Err(m) => view.error = Some(m.to_string()),
            Ok(q) => match st.app.search_cases(&staff, &q).await {
                Ok(r) => view.results = Some(results(&p, &r, q.limit, q.offset)),
                Err(e) => view.error = Some(format!("检索失败：{e}")),
            },
        }
    }
    Html(page("全文检索", Some(&staff), &html_of(&view))).into_response()
}

#[derive(askama::Template)]
#[template(path = "search/similar.html")]
struct Similar {
    /// The result table (search/hits.html), "" when there are none.
    hits: String,
}

/// The 相似信访事项 panel for the case page (empty when search is off).
pub async fn similar_panel(st: &AppState, staff: &Staff, case_no: &str) -> String {
    match st.app.similar_cases(staff, case_no, 10).await {
        Ok(r) => html_of(&Similar {
            hits: if r.hits.is_empty() {
                String::new()
            } else {
                hit_rows(&r.hits)
            },
        }),
        Err(_) => String::new(),
    }
}
