//! The search page `/work/search` (a GET form: query, filters, ranked
//! results with highlighted snippets, pagination) and the 相似信访事项 panel
//! of the case page. Snippets arrive as escaped HTML with `<b>` marks; every
//! other string is escaped here.

use super::html::{esc, page};
use super::session::current;
use crate::api_search::search_query;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_app::search::{HitView, SearchPage};
use xinfang_domain::case::{Channel, Kind, Status};
use xinfang_domain::Staff;
use xinfang_search::Flag;

const FLAGS: [Flag; 4] = [Flag::SkipLevel, Flag::Collective, Flag::Repeat, Flag::Risk];

fn select(name: &str, label: &str, current: &str, options: &[(&str, &str)]) -> String {
    let mut s = format!("<label for=\"{name}\">{label}</label><select id=\"{name}\" name=\"{name}\"><option value=\"\">全部</option>");
    for (k, l) in options {
        let sel = if *k == current { " selected" } else { "" };
        s.push_str(&format!(
            "<option value=\"{}\"{sel}>{}</option>",
            esc(k),
            esc(l)
        ));
    }
    s.push_str("</select>");
    s
}

fn form(p: &HashMap<String, String>) -> String {
    let v = |k: &str| esc(p.get(k).map(String::as_str).unwrap_or(""));
    let cur = |k: &str| p.get(k).cloned().unwrap_or_default();
    let channels: Vec<(&str, &str)> = Channel::ALL
        .iter()
        .map(|c| (c.key(), c.label_zh()))
        .collect();
    let kinds: Vec<(&str, &str)> = Kind::ALL.iter().map(|k| (k.key(), k.label_zh())).collect();
    let statuses: Vec<(&str, &str)> = Status::ALL
        .iter()
        .map(|s| (s.key(), s.label_zh()))
        .collect();
    let flags: Vec<(&str, &str)> = FLAGS.iter().map(|f| (f.key(), f.label_zh())).collect();
    format!(
        "<section><h2>全文检索</h2><form method=\"get\" action=\"/work/search\">\
         <label for=\"q\">检索词（可用引号检索短语，或输入信访编号）</label><input id=\"q\" name=\"q\" value=\"{}\" maxlength=\"200\" size=\"50\">\
         <details><summary>筛选条件</summary>{}{}{}{}\
         <label for=\"region\">行政区划代码（或前缀）</label><input id=\"region\" name=\"region\" value=\"{}\">\
         <label for=\"category\">分类</label><input id=\"category\" name=\"category\" value=\"{}\">\
         <label for=\"from\">登记日期自</label><input id=\"from\" name=\"from\" type=\"date\" value=\"{}\">\
         <label for=\"to\">至</label><input id=\"to\" name=\"to\" type=\"date\" value=\"{}\"></details>\
         <button type=\"submit\">检索</button></form></section>",
        v("q"),
        select("channel", "信访形式", &cur("channel"), &channels),
        select("kind", "类型", &cur("kind"), &kinds),
        select("status", "状态", &cur("status"), &statuses),
        select("flag", "标记", &cur("flag"), &flags),
        v("region"),
        v("category"),
        v("from"),
        v("to"),
    )
}

/// Result rows: case link, snippet (already escaped HTML), facts.
pub fn hit_rows(hits: &[HitView]) -> String {
    let mut s = String::from("<table><tr><th>信访编号</th><th>内容摘要</th><th>类型</th><th>状态</th><th>登记日期</th><th>当前办理单位</th></tr>");
    for h in hits {
        let names = h
            .petitioner_names
            .as_ref()
            .map(|n| format!("<br><small>信访人：{}</small>", esc(n)))
            .unwrap_or_default();
        s.push_str(&format!(
            "<tr><td><a href=\"/work/cases/{0}\">{0}</a></td><td>{1}{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td></tr>",
            esc(&h.case_no),
            h.snippet,
            names,
            h.kind_label,
            h.status_label,
            esc(&h.registered_on),
            esc(&h.current_unit_name)
        ));
    }
    s.push_str("</table>");
    s
}

fn pager(p: &HashMap<String, String>, r: &SearchPage, limit: usize, offset: usize) -> String {
    let link = |off: usize, label: &str| {
        let qs: String = p
            .iter()
            .filter(|(k, _)| k.as_str() != "offset")
            .map(|(k, v)| format!("{}={}&", esc(&encode(k)), esc(&encode(v))))
            .collect();
        format!("<a href=\"/work/search?{qs}offset={off}\">{label}</a>")
    };
    let mut s = String::from("<p class=\"counts\">");
    if offset > 0 {
        s.push_str(&link(offset.saturating_sub(limit), "上一页"));
    }
    s.push_str(&format!(
        "<span>第 {}–{} 条，共 {} 条</span>",
        if r.hits.is_empty() { 0 } else { offset + 1 },
        offset + r.hits.len(),
        r.total
    ));
    if offset + limit < r.total && offset + limit <= crate::api_search::MAX_OFFSET {
        s.push_str(&link(offset + limit, "下一页"));
    }
    s.push_str("</p>");
    s
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
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let mut body = form(&p);
    let asked = p.values().any(|v| !v.trim().is_empty());
    if asked {
        match search_query(&p) {
            Err(m) => body.push_str(&format!("<p class=\"err\" role=\"alert\">{}</p>", esc(&m))),
            Ok(q) => match st.app.search_cases(&staff, &q).await {
                Ok(r) => {
                    body.push_str("<section><h2>检索结果</h2>");
                    if r.hits.is_empty() {
                        body.push_str("<p>没有找到您有权查看的相符信访事项。</p>");
                    } else {
                        body.push_str(&hit_rows(&r.hits));
                    }
                    body.push_str(&pager(&p, &r, q.limit, q.offset));
                    body.push_str("</section>");
                }
                Err(e) => body.push_str(&format!(
                    "<p class=\"err\" role=\"alert\">检索失败：{}</p>",
                    esc(&e.to_string())
                )),
            },
        }
    }
    Html(page("全文检索", Some(&staff), &body)).into_response()
}

/// The 相似信访事项 panel for the case page (empty when search is off).
pub async fn similar_panel(st: &AppState, staff: &Staff, case_no: &str) -> String {
    match st.app.similar_cases(staff, case_no, 10).await {
        Ok(r) if !r.hits.is_empty() => format!(
            "<section><h2>相似信访事项</h2>{}</section>",
            hit_rows(&r.hits)
        ),
        Ok(_) => "<section><h2>相似信访事项</h2><p>暂无相似信访事项。</p></section>".into(),
        Err(_) => String::new(),
    }
}
