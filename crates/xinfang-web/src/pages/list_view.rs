//! The one list component (issue #15): every list page — cases, users,
//! units, the ledgers — is a [`ListView`] rendered by
//! `templates/components/list.html`: a filter bar that is a GET form (so
//! the filter lives in the URL and survives a reload or a shared link),
//! the total, sortable headings, one page of rows, paging, and an Excel
//! link carrying the same filter. Pages over the case table fetch only the
//! page they show (`ListQuery::offset`/`size`), so a list of a million cases
//! costs one page; short lists (users, units, one area's ledgers) hand over
//! all their filtered rows and the view cuts the page — and then exports
//! exactly those rows itself ([`ListView::xlsx`], `?format=xlsx`), so the
//! workbook can never disagree with the list.

use crate::pages::work::case_list::url_enc;
use askama::Template;
use std::collections::HashMap;

/// Page sizes a reader may choose; the first is the default.
const SIZES: [i64; 3] = [20, 50, 100];

/// The paging and sort part of a list's query string.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// 1-based.
    pub page: i64,
    pub size: i64,
    /// A column's sort key, `-key` for descending; "" = the list's default.
    pub sort: String,
    /// Every other parameter: the filter, kept in every link.
    pub filter: Vec<(String, String)>,
}

impl ListQuery {
    pub fn from_query(q: &HashMap<String, String>) -> ListQuery {
        let page = q
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        let size = q
            .get("size")
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|s| SIZES.contains(s))
            .unwrap_or(SIZES[0]);
        let mut filter: Vec<(String, String)> = q
            .iter()
            .filter(|(k, v)| {
                !matches!(k.as_str(), "page" | "sort" | "done" | "size" | "format") && !v.is_empty()
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        filter.sort();
        ListQuery {
            page,
            size,
            sort: q.get("sort").cloned().unwrap_or_default(),
            filter,
        }
    }

    /// The reader asked for the list as a workbook (`format=xlsx`).
    pub fn wants_xlsx(q: &HashMap<String, String>) -> bool {
        q.get("format").map(String::as_str) == Some("xlsx")
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.size
    }

    /// The filter value of `name` ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.filter
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// (key, descending) of the chosen sort, if any.
    pub fn sort_key(&self) -> Option<(&str, bool)> {
        match self.sort.strip_prefix('-') {
            Some(k) if !k.is_empty() => Some((k, true)),
            _ if !self.sort.is_empty() => Some((self.sort.as_str(), false)),
            _ => None,
        }
    }

    /// The query string of the filter, with the given extra parameters.
    pub fn query_string(&self, extra: &[(&str, String)]) -> String {
        self.filter
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .chain(extra.iter().map(|(k, v)| (*k, v.clone())))
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}={}", url_enc(k), url_enc(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn href(&self, base: &str, extra: &[(&str, String)]) -> String {
        let qs = self.query_string(extra);
        if qs.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{qs}")
        }
    }
}

/// What kind of input a filter is.
pub enum FilterKind {
    Text(String),
    Date,
    /// (value, label) pairs; "全部" is added in front.
    Select(Vec<(String, String)>),
}

pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub kind: FilterKind,
}

impl Filter {
    pub fn text(q: &ListQuery, name: &'static str, label: &'static str, hint: &str) -> Filter {
        Filter {
            name,
            label,
            value: q.get(name).to_string(),
            kind: FilterKind::Text(hint.to_string()),
        }
    }
    pub fn date(q: &ListQuery, name: &'static str, label: &'static str) -> Filter {
        Filter {
            name,
            label,
            value: q.get(name).to_string(),
            kind: FilterKind::Date,
        }
    }
    pub fn select<K: ToString, L: ToString>(
        q: &ListQuery,
        name: &'static str,
        label: &'static str,
        options: impl IntoIterator<Item = (K, L)>,
    ) -> Filter {
        Filter {
            name,
            label,
            value: q.get(name).to_string(),
            kind: FilterKind::Select(
                options
                    .into_iter()
                    .map(|(k, l)| (k.to_string(), l.to_string()))
                    .collect(),
            ),
        }
    }
}

/// A column heading; `sort` names the key the page sorts by.
pub struct Column {
    pub label: &'static str,
    pub sort: Option<&'static str>,
    pub numeric: bool,
}

impl Column {
    pub fn plain(label: &'static str) -> Column {
        Column {
            label,
            sort: None,
            numeric: false,
        }
    }
    pub fn sortable(label: &'static str, key: &'static str) -> Column {
        Column {
            label,
            sort: Some(key),
            numeric: false,
        }
    }
}

/// One table cell: text (escaped), an optional link and class, and for
/// the few cells that hold a control (a confirm-guarded button) HTML built
/// with the escaping helpers.
#[derive(Default)]
pub struct Cell {
    pub label: &'static str,
    pub text: String,
    pub href: Option<String>,
    pub class: Option<&'static str>,
    pub html: String,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            ..Default::default()
        }
    }
    pub fn link(s: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            href: Some(href.into()),
            ..Default::default()
        }
    }
    pub fn class(mut self, c: &'static str) -> Cell {
        self.class = Some(c);
        self
    }
    pub fn html(mut self, h: String) -> Cell {
        self.html = h;
        self
    }
}

/// The list's Excel export.
pub enum Export {
    None,
    /// A separate address (the case list's SQL export, up to 100,000 rows).
    At(&'static str),
    /// The list itself with `format=xlsx`: all its filtered rows.
    Here,
}

/// A list page's content. `rows` is one page, or — when it holds more
/// than a page — every filtered row, and the view cuts the page.
pub struct ListView {
    pub title: String,
    /// 件, 人, 个 …
    pub unit_word: &'static str,
    pub base: &'static str,
    pub total: i64,
    pub filters: Vec<Filter>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Where the Excel export is (the filter is appended).
    pub export: Export,
    /// What an empty list says.
    pub empty: &'static str,
    /// HTML between the filter bar and the table (built with the helpers).
    pub above: String,
}

struct Heading {
    label: &'static str,
    numeric: bool,
    sort_href: Option<String>,
    sorted: Option<&'static str>,
    arrow: &'static str,
}

struct PageLink {
    label: String,
    href: Option<String>,
    current: bool,
}

struct RowCell {
    label: &'static str,
    text: String,
    href: Option<String>,
    class: Option<&'static str>,
    html: String,
}

#[derive(Template)]
#[template(path = "components/list.html")]
struct ListTemplate<'a> {
    title: &'a str,
    unit_word: &'a str,
    base: &'a str,
    total: i64,
    page: i64,
    pages: i64,
    size: i64,
    export: Option<String>,
    filters: &'a [Filter],
    hidden: Vec<(String, String)>,
    above: &'a str,
    columns: Vec<Heading>,
    rows: Vec<Vec<RowCell>>,
    empty: &'a str,
    /// Asked for a page past the last one (an old link, a typed number):
    /// the page asked for and the link to the last page.
    beyond: Option<(i64, String)>,
    prev_href: Option<String>,
    next_href: Option<String>,
    page_links: Vec<PageLink>,
}

/// Page numbers to show: the first, the last, and two either side of the
/// current one; `None` for a gap.
fn page_numbers(page: i64, pages: i64) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=pages {
        if p == 1 || p == pages || (p - page).abs() <= 2 {
            if p - last > 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

impl ListView {
    /// The HTML of the list for the reader's query.
    pub fn render(self, q: &ListQuery) -> String {
        let pages = ((self.total + q.size - 1) / q.size).max(1);
        let page = q.page.min(pages);
        let size_param = if q.size == SIZES[0] {
            String::new()
        } else {
            q.size.to_string()
        };
        let keep = |p: i64| {
            vec![
                ("sort", q.sort.clone()),
                ("size", size_param.clone()),
                ("page", if p > 1 { p.to_string() } else { String::new() }),
            ]
        };
        let columns = self
            .columns
            .iter()
            .map(|c| {
                let sorted = c.sort.and_then(|k| match q.sort_key() {
                    Some((key, desc)) if key == k => {
                        Some(if desc { "descending" } else { "ascending" })
                    }
                    _ => None,
                });
                Heading {
                    label: c.label,
                    numeric: c.numeric,
                    sort_href: c.sort.map(|k| {
                        let next = if sorted == Some("ascending") {
                            format!("-{k}")
                        } else {
                            k.to_string()
                        };
                        q.href(self.base, &[("sort", next), ("size", size_param.clone())])
                    }),
                    sorted,
                    arrow: match sorted {
                        Some("ascending") => "↑",
                        Some(_) => "↓",
                        None => "↕",
                    },
                }
            })
            .collect::<Vec<_>>();
        let labels: Vec<&'static str> = self.columns.iter().map(|c| c.label).collect();
        let all_rows = self.rows.len() as i64 > q.size;
        let rows = self
            .rows
            .into_iter()
            .skip(if all_rows {
                ((page - 1) * q.size) as usize
            } else {
                0
            })
            .take(q.size as usize)
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, c)| RowCell {
                        label: if c.label.is_empty() {
                            labels.get(i).copied().unwrap_or("")
                        } else {
                            c.label
                        },
                        text: c.text,
                        href: c.href,
                        class: c.class,
                        html: c.html,
                    })
                    .collect()
            })
            .collect();
        let filter_names: Vec<&str> = self.filters.iter().map(|f| f.name).collect();
        // Conditions not in the bar (a drill-down's `fact`, `basis` …) ride along.
        let mut hidden: Vec<(String, String)> = q
            .filter
            .iter()
            .filter(|(k, _)| !filter_names.contains(&k.as_str()))
            .cloned()
            .collect();
        if !q.sort.is_empty() {
            hidden.push(("sort".into(), q.sort.clone()));
        }
        if !size_param.is_empty() {
            hidden.push(("size".into(), size_param.clone()));
        }
        let page_links = page_numbers(page, pages)
            .into_iter()
            .map(|p| match p {
                Some(p) => PageLink {
                    label: p.to_string(),
                    href: Some(q.href(self.base, &keep(p))),
                    current: p == page,
                },
                None => PageLink {
                    label: String::new(),
                    href: None,
                    current: false,
                },
            })
            .collect();
        ListTemplate {
            title: &self.title,
            unit_word: self.unit_word,
            base: self.base,
            total: self.total,
            page,
            pages,
            size: q.size,
            export: match self.export {
                Export::None => None,
                Export::At(e) => Some(q.href(e, &[("sort", q.sort.clone())])),
                Export::Here => Some(q.href(
                    self.base,
                    &[("sort", q.sort.clone()), ("format", "xlsx".into())],
                )),
            },
            filters: &self.filters,
            hidden,
            above: &self.above,
            columns,
            rows,
            empty: self.empty,
            beyond: (q.page > pages && self.total > 0)
                .then(|| (q.page, q.href(self.base, &keep(pages)))),
            prev_href: (page > 1).then(|| q.href(self.base, &keep(page - 1))),
            next_href: (page < pages).then(|| q.href(self.base, &keep(page + 1))),
            page_links,
        }
        .render()
        .unwrap_or_else(|e| format!("列表生成失败：{e}"))
    }
}

impl ListView {
    /// The list's rows as a workbook: the same columns and cell texts the
    /// page shows, every filtered row (not only the page), audited by the app.
    pub async fn xlsx(
        self,
        st: &crate::AppState,
        staff: &xinfang_domain::Staff,
        filename: &str,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let columns: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.label.is_empty() && c.label != "操作")
            .map(|(i, _)| i)
            .collect();
        let table = xinfang_app::export::tables::Table {
            name: self.title.clone(),
            columns: columns
                .iter()
                .map(|i| self.columns[*i].label.to_string())
                .collect(),
            rows: self
                .rows
                .into_iter()
                .map(|r| {
                    columns
                        .iter()
                        .map(|i| {
                            serde_json::Value::String(
                                r.get(*i).map(|c| c.text.clone()).unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .collect(),
            rate_columns: vec![],
        };
        match st.app.export_tables(staff, &[table]).await {
            Ok(bytes) => crate::api::extract::xlsx_response(bytes, filename),
            Err(e) => (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("导出失败：{e}"),
            )
                .into_response(),
        }
    }
}

/// Sort rows already in memory by the reader's sort key; `key` gives a
/// column's sort value.
pub fn sort_in_memory<T>(items: &mut [T], q: &ListQuery, key: impl Fn(&T, &str) -> String) {
    if let Some((k, desc)) = q.sort_key() {
        items.sort_by(|a, b| {
            let o = key(a, k).cmp(&key(b, k));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
    }
}

/// Sort and page rows already in memory (short lists: users, units, the
/// ledgers of one area). `key` gives a column's sort value.
pub fn page_in_memory<T>(
    mut items: Vec<T>,
    q: &ListQuery,
    key: impl Fn(&T, &str) -> String,
) -> (i64, Vec<T>) {
    sort_in_memory(&mut items, q, key);
    let total = items.len() as i64;
    let rows = items
        .into_iter()
        .skip(q.offset() as usize)
        .take(q.size as usize)
        .collect();
    (total, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery::from_query(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn paging_keeps_the_filter_and_sort_in_every_link() {
        let q = q(&[("status", "handling"), ("sort", "-due"), ("page", "3")]);
        let html = ListView {
            title: "信访事项".into(),
            unit_word: "件",
            base: "/work/cases",
            total: 95,
            filters: vec![Filter::text(&q, "text", "诉求含", "")],
            columns: vec![Column::sortable("到期日", "due")],
            rows: vec![vec![Cell::text("2026-12-01")]],
            export: Export::At("/work/cases.xlsx"),
            empty: "暂无",
            above: String::new(),
        }
        .render(&q);
        assert!(html.contains("第 3/5 页"), "{html}");
        assert!(
            html.contains("href=\"/work/cases?status=handling&amp;sort=-due&amp;page=4\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"/work/cases.xlsx?status=handling&amp;sort=-due\""),
            "{html}"
        );
        // the status is not in the bar: it rides along as a hidden input
        assert!(
            html.contains("name=\"status\" value=\"handling\""),
            "{html}"
        );
        assert!(html.contains("aria-sort=\"descending\""), "{html}");
    }

    #[test]
    fn a_page_past_the_last_says_so_and_links_to_the_last() {
        let q = q(&[("status", "handling"), ("page", "7")]);
        let view = |total| ListView {
            title: "信访事项".into(),
            unit_word: "件",
            base: "/work/cases",
            total,
            filters: vec![],
            columns: vec![Column::plain("信访编号")],
            rows: vec![],
            export: Export::None,
            empty: "没有符合条件的信访事项。",
            above: String::new(),
        };
        let html = view(45).render(&q);
        assert!(html.contains("第 7 页已超出范围，共 3 页"), "{html}");
        assert!(
            html.contains("href=\"/work/cases?status=handling&amp;page=3\">转到第 3 页"),
            "{html}"
        );
        assert!(!html.contains("没有符合条件"), "{html}");
        // Nothing matches at all: the list's own words, no paging talk.
        let html = view(0).render(&q);
        assert!(html.contains("没有符合条件的信访事项。"), "{html}");
        assert!(!html.contains("超出范围"), "{html}");
    }

    #[test]
    fn page_numbers_show_ends_and_neighbours() {
        assert_eq!(
            page_numbers(6, 12),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(page_numbers(1, 1), vec![Some(1)]);
    }

    #[test]
    fn in_memory_paging_sorts_then_cuts() {
        let q = q(&[("sort", "-n"), ("page", "2")]);
        let (total, rows) =
            page_in_memory((1..=45).collect::<Vec<i32>>(), &q, |x, _| format!("{x:03}"));
        assert_eq!(total, 45);
        assert_eq!(rows.first(), Some(&25));
        assert_eq!(rows.len(), 20);
    }
}
