//! The leaders' dashboard: the assessed indicators (三率, 一次性化解率, …), the
//! 倒金字塔 and the monthly volume by channel, drawn as server-side SVG (no
//! script, no CDN), every figure linking down to the cases behind it; and the
//! filtered case list with Excel export.

use super::html::{esc, page};
use super::session::current;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use xinfang_domain::case::{Channel, Status};
use xinfang_store::CaseFilter;

fn period(q: &HashMap<String, String>, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let default_from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = q
        .get("from")
        .and_then(|d| d.parse().ok())
        .unwrap_or(default_from);
    let to = q.get("to").and_then(|d| d.parse().ok()).unwrap_or(today);
    (from, to)
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// Horizontal bars (the inverted pyramid: national at the top).
fn pyramid_svg(levels: &[(&str, i64)], link: &dyn Fn(&str) -> String) -> String {
    let max = levels.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let mut svg = String::from("<svg role=\"img\" aria-label=\"倒金字塔：各级登记件次\" width=\"100%\" viewBox=\"0 0 640 200\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (i, (label, n)) in levels.iter().enumerate() {
        let w = (*n as f64 / max) * 440.0;
        let y = 10 + i as i32 * 36;
        let x = 150.0 + (440.0 - w) / 2.0;
        svg.push_str(&format!(
            "<a href=\"{}\"><text x=\"10\" y=\"{}\" font-size=\"14\">{}</text><rect x=\"{x:.0}\" y=\"{y}\" width=\"{w:.0}\" height=\"26\" fill=\"#a51c1c\"/><text x=\"600\" y=\"{}\" font-size=\"14\" text-anchor=\"end\">{n}</text></a>",
            esc(&link(label)),
            y + 18,
            label,
            y + 18
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Stacked monthly columns by channel.
fn trend_svg(months: &BTreeMap<String, BTreeMap<String, i64>>) -> String {
    let colours = [
        ("online", "#1565c0"),
        ("letter", "#2e7d32"),
        ("visit", "#a51c1c"),
        ("phone", "#ef6c00"),
        ("fax", "#6a1b9a"),
    ];
    let max = months
        .values()
        .map(|m| m.values().sum::<i64>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let n = months.len().max(1) as f64;
    let bw = (600.0 / n).min(60.0);
    let mut svg = String::from("<svg role=\"img\" aria-label=\"按月、按渠道的信访件次\" width=\"100%\" viewBox=\"0 0 680 260\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (i, (month, by)) in months.iter().enumerate() {
        let x = 40.0 + i as f64 * bw;
        let mut y = 220.0;
        for (key, colour) in colours {
            let v = *by.get(key).unwrap_or(&0) as f64;
            let h = v / max * 200.0;
            y -= h;
            svg.push_str(&format!("<rect x=\"{x:.0}\" y=\"{y:.1}\" width=\"{:.0}\" height=\"{h:.1}\" fill=\"{colour}\"><title>{} {}：{}</title></rect>", bw * 0.8, esc(month), Channel::from_key(key).map(|c| c.label_zh()).unwrap_or(key), v));
        }
        svg.push_str(&format!(
            "<text x=\"{x:.0}\" y=\"238\" font-size=\"10\">{}</text>",
            esc(&month[2..])
        ));
    }
    for (i, (key, colour)) in colours.iter().enumerate() {
        svg.push_str(&format!("<rect x=\"{}\" y=\"248\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"257\" font-size=\"11\">{}</text>", 40 + i * 110, 54 + i * 110, Channel::from_key(key).map(|c| c.label_zh()).unwrap_or(key)));
    }
    svg.push_str("</svg>");
    svg
}

pub async fn dashboard(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let (from, to) = period(&q, st.app.now().date());
    let o = match st.app.stats_overview(&staff, from, to, None).await {
        Ok(o) => o,
        Err(e) => {
            return Html(page(
                "统计",
                Some(&staff.name),
                &format!("<p class=\"err\">{}</p>", esc(&e.to_string())),
            ))
            .into_response()
        }
    };
    let list = |extra: &str| format!("/work/cases?from={from}&to={to}{extra}");
    let rows: [(&str, String, String); 13] = [
        ("信访件次", o["submissions"].to_string(), list("")),
        ("信访事项", o["cases"].to_string(), list("")),
        (
            "来访批次 / 人次",
            format!("{} / {}", o["batches"], o["persons"]),
            list(""),
        ),
        ("集体访批次", o["collective_batches"].to_string(), list("")),
        ("及时受理率", pct(&o["timely_acceptance_rate"]), list("")),
        (
            "按期办结率",
            pct(&o["on_time_completion_rate"]),
            list("&grade=overdue"),
        ),
        (
            "参评率",
            pct(&o["participation_rate"]),
            list("&status=delivered,final"),
        ),
        (
            "满意率",
            pct(&o["satisfaction_rate"]),
            list("&status=delivered,final"),
        ),
        (
            "一次性化解率",
            pct(&o["first_time_resolution_rate"]),
            list("&status=delivered,under_review,final"),
        ),
        ("重复信访率", pct(&o["repeat_rate"]), list("")),
        ("越级访占比", pct(&o["skip_level_rate"]), list("")),
        ("网信占比", pct(&o["online_share"]), list("")),
        (
            "县及以下占比（倒金字塔）",
            pct(&o["county_and_below_share"]),
            list(""),
        ),
    ];
    let mut body = format!(
        "<section><h2>统计分析</h2><form method=\"get\"><label for=\"from\">自</label><input type=\"date\" id=\"from\" name=\"from\" value=\"{from}\"><label for=\"to\">至</label><input type=\"date\" id=\"to\" name=\"to\" value=\"{to}\"><button type=\"submit\">统计</button></form>\
         <p>口径见《信访工作条例》与 docs/ARCHITECTURE.md；比率的分母为零时显示“—”。<a href=\"/work/stats.xlsx?from={from}&to={to}\">导出 Excel</a></p><table><tr><th>指标</th><th>数值</th></tr>"
    );
    for (name, value, href) in &rows {
        body.push_str(&format!(
            "<tr><td>{name}</td><td><a href=\"{}\">{}</a></td></tr>",
            esc(href),
            esc(value)
        ));
    }
    body.push_str("</table></section>");
    let lv = &o["level_distribution"];
    let levels = [
        ("国家级", lv["national"].as_i64().unwrap_or(0)),
        ("省级", lv["provincial"].as_i64().unwrap_or(0)),
        ("市级", lv["municipal"].as_i64().unwrap_or(0)),
        ("县级", lv["county"].as_i64().unwrap_or(0)),
        ("乡级", lv["township"].as_i64().unwrap_or(0)),
    ];
    body.push_str(&format!(
        "<section><h2>倒金字塔（各级登记件次）</h2>{}</section>",
        pyramid_svg(&levels, &|_| list(""))
    ));
    let mut months: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for (m, ch, n) in st
        .app
        .monthly_trend(&staff, from, to)
        .await
        .unwrap_or_default()
    {
        months.entry(m).or_default().insert(ch, n);
    }
    body.push_str(&format!(
        "<section><h2>信访件次趋势（按月、按渠道）</h2>{}</section>",
        trend_svg(&months)
    ));
    if let Ok(r) = st.app.unit_rankings(&staff, from, to).await {
        body.push_str(&format!("<section><h2>单位考核排名</h2><p><a href=\"/work/export/rankings.xlsx?from={from}&to={to}\">导出 Excel</a> · <a href=\"/work/export/trend.xlsx?from={from}&to={to}\">导出月度趋势 Excel</a></p>"));
        body.push_str("<table><tr><th>名次</th><th>单位</th><th>及时受理率</th><th>按期办结率</th><th>满意率</th><th>一次性化解率</th><th>得分</th></tr>");
        for (i, u) in r["units"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let score = u["score"]
                .as_f64()
                .map(|x| format!("{x:.1}"))
                .unwrap_or_else(|| "—".into());
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{score}</td></tr>",
                i + 1,
                esc(u["unit"].as_str().unwrap_or("")),
                pct(&u["timely_acceptance_rate"]),
                pct(&u["on_time_completion_rate"]),
                pct(&u["satisfaction_rate"]),
                pct(&u["first_time_resolution_rate"])
            ));
        }
        body.push_str("</table></section>");
    }
    Html(page("统计分析", Some(&staff.name), &body)).into_response()
}

fn filter_from(q: &HashMap<String, String>) -> CaseFilter {
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
        grade: q.get("grade").filter(|g| !g.is_empty()).cloned(),
        registered_from: q.get("from").filter(|d| !d.is_empty()).cloned(),
        registered_to: q.get("to").filter(|d| !d.is_empty()).cloned(),
        limit: 200,
        ..Default::default()
    }
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
    let rows = st
        .app
        .list_for(&staff, filter_from(&q))
        .await
        .unwrap_or_default();
    let qs: String = q
        .iter()
        .map(|(k, v)| format!("{}={}&", esc(k), esc(v)))
        .collect();
    let mut body = format!("<section><h2>信访事项（{} 件，最多显示 200 件）</h2><p><a href=\"/work/cases.xlsx?{qs}\">导出 Excel</a></p><table><tr><th>信访编号</th><th>登记时间</th><th>信访人</th><th>诉求</th><th>状态</th><th>到期日</th></tr>", rows.len());
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
    Html(page("信访事项", Some(&staff.name), &body)).into_response()
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
        Err(e) => Html(page(
            "导出",
            Some(&staff.name),
            &format!("<p class=\"err\">{}</p>", esc(&e.to_string())),
        ))
        .into_response(),
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
    let (from, to) = period(&q, st.app.now().date());
    let result = match st.app.stats_overview(&staff, from, to, None).await {
        Ok(o) => st.app.export_overview(&o),
        Err(e) => Err(e),
    };
    match result {
        Ok(bytes) => crate::api::xlsx_response(bytes, "overview.xlsx"),
        Err(e) => Html(page(
            "导出",
            Some(&staff.name),
            &format!("<p class=\"err\">{}</p>", esc(&e.to_string())),
        ))
        .into_response(),
    }
}
