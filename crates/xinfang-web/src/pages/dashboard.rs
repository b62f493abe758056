//! The leaders' dashboard: every assessed indicator with its numerator and
//! denominator (三率, 一次性化解率, 重复信访率, 越级访占比, 网信占比, 集体访),
//! the 倒金字塔, the monthly trend by channel, breakdowns of 件次/批次/人次 by
//! channel, region, registering level, kind and category, hot issues, and the
//! unit rankings — charts as server-side SVG, and every figure a link to the
//! case list that counts it (`case_list::filter_from`).

use super::case_list::url_enc;
use super::charts::{bars_svg, pyramid_svg, trend_svg};
use super::html::{esc, page};
use super::session::current;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use xinfang_app::analytics::DIMENSIONS;
use xinfang_app::export_tables::Table;
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// The period of a dashboard query: `from`/`to`, default this year to today.
pub fn period(q: &HashMap<String, String>, today: NaiveDate) -> (NaiveDate, NaiveDate) {
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

fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(href), esc(text))
}

/// The URL parameter a breakdown dimension filters on.
fn dim_param(dim: &str) -> &str {
    dim
}

/// A figure and the case list that counts it.
type Figure = Option<(i64, String)>;

/// Overview rows: (indicator, value, numerator (n, href), denominator (n, href)).
fn indicator_rows(
    o: &Value,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(String, String, Figure, Figure)> {
    let due_to = o["due_to"].as_str().unwrap_or("").to_string();
    let c = &o["counts"];
    let n = |k: &str| c[k].as_i64().unwrap_or(0);
    let p = |extra: &str| format!("/work/cases?from={from}&to={to}{extra}");
    let d = |extra: &str| format!("/work/cases?from={from}&to={due_to}{extra}");
    let sub = |extra: &str| p(&format!("&basis=submitted{extra}"));
    let subs = o["submissions"].as_i64().unwrap_or(0);
    let rate = |name: &str, key: &str, num: (i64, String), den: (i64, String)| {
        (name.to_string(), pct(&o[key]), Some(num), Some(den))
    };
    vec![
        (
            "信访件次".into(),
            subs.to_string(),
            Some((subs, sub(""))),
            None,
        ),
        (
            "信访事项（登记）".into(),
            o["cases"].to_string(),
            Some((o["cases"].as_i64().unwrap_or(0), p(""))),
            None,
        ),
        (
            "来访批次".into(),
            o["batches"].to_string(),
            Some((o["batches"].as_i64().unwrap_or(0), sub("&visit=1"))),
            None,
        ),
        (
            "来访人次".into(),
            o["persons"].to_string(),
            Some((o["persons"].as_i64().unwrap_or(0), sub("&visit=1"))),
            None,
        ),
        (
            "集体访批次".into(),
            o["collective_batches"].to_string(),
            Some((
                o["collective_batches"].as_i64().unwrap_or(0),
                sub("&collective=1"),
            )),
            None,
        ),
        rate(
            "及时受理率",
            "timely_acceptance_rate",
            (
                n("accept_in_time"),
                d("&basis=accept_due&fact=accept_in_time"),
            ),
            (n("accept_due"), d("&basis=accept_due")),
        ),
        rate(
            "按期办结率",
            "on_time_completion_rate",
            (
                n("handling_in_time"),
                d("&basis=handling_due&fact=handling_in_time"),
            ),
            (n("handling_due"), d("&basis=handling_due")),
        ),
        rate(
            "参评率",
            "participation_rate",
            (n("evaluated"), p("&basis=delivered&fact=evaluated")),
            (n("delivered"), p("&basis=delivered")),
        ),
        rate(
            "满意率",
            "satisfaction_rate",
            (
                n("satisfied_or_basically"),
                p("&basis=delivered&fact=satisfied"),
            ),
            (n("evaluated"), p("&basis=delivered&fact=evaluated")),
        ),
        rate(
            "一次性化解率",
            "first_time_resolution_rate",
            (n("first_time"), p("&basis=delivered&fact=first_time")),
            (n("delivered"), p("&basis=delivered")),
        ),
        rate(
            "重复信访率",
            "repeat_rate",
            (n("repeats"), sub("&repeat=1")),
            (subs, sub("")),
        ),
        rate(
            "越级访占比",
            "skip_level_rate",
            (n("skip_level_visits"), sub("&skip_level=1")),
            (n("visits"), sub("&visit=1")),
        ),
        rate(
            "网信占比",
            "online_share",
            (n("online"), sub("&channel=online")),
            (subs, sub("")),
        ),
        rate(
            "县及以下占比（倒金字塔）",
            "county_and_below_share",
            (n("county_and_below"), sub("&level=county,township")),
            (subs, sub("")),
        ),
    ]
}

/// Breakdowns, rankings and hot issues as tables (page and Excel alike).
pub async fn stats_tables(
    st: &AppState,
    staff: &Staff,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Table>, AppError> {
    let mut tables = vec![];
    for (dim, rows) in st.app.breakdowns(staff, from, to).await? {
        let title = DIMENSIONS
            .iter()
            .find(|(d, _)| *d == dim)
            .map(|(_, t)| *t)
            .unwrap_or(dim);
        tables.push(Table {
            name: format!("件次{title}"),
            columns: ["分组", "件次", "来访批次", "来访人次", "信访事项"]
                .map(String::from)
                .to_vec(),
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        json!(st.app.dimension_label(dim, &r.key)),
                        json!(r.submissions),
                        json!(r.batches),
                        json!(r.persons),
                        json!(r.cases),
                    ]
                })
                .collect(),
            rate_columns: vec![],
        });
    }
    let r = st.app.unit_rankings(staff, from, to).await?;
    tables.push(Table {
        name: "单位考核排名".into(),
        columns: [
            "单位",
            "及时受理率",
            "按期办结率",
            "满意率",
            "一次性化解率",
            "得分",
        ]
        .map(String::from)
        .to_vec(),
        rows: r["units"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|u| {
                vec![
                    u["unit"].clone(),
                    u["timely_acceptance_rate"].clone(),
                    u["on_time_completion_rate"].clone(),
                    u["satisfaction_rate"].clone(),
                    u["first_time_resolution_rate"].clone(),
                    u["score"].clone(),
                ]
            })
            .collect(),
        rate_columns: vec![1, 2, 3, 4],
    });
    let hot = st.app.hot_issues(staff, to).await?;
    for (key, name) in [("categories", "热点内容分类"), ("terms", "热点诉求词语")] {
        tables.push(Table {
            name: name.into(),
            columns: ["热点", "本周", "上周", "增加"].map(String::from).to_vec(),
            rows: hot[key]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|h| {
                    vec![
                        h.get("label").unwrap_or(&h["key"]).clone(),
                        h["this_week"].clone(),
                        h["last_week"].clone(),
                        h["rise"].clone(),
                    ]
                })
                .collect(),
            rate_columns: vec![],
        });
    }
    Ok(tables)
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
                Some(&staff),
                &format!("<p class=\"err\">{}</p>", esc(&e.to_string())),
            ))
            .into_response()
        }
    };
    let list = |extra: &str| format!("/work/cases?from={from}&to={to}{extra}");
    let mut body = format!(
        "<section><h2>统计分析</h2><form method=\"get\"><label for=\"from\">自</label><input type=\"date\" id=\"from\" name=\"from\" value=\"{from}\"><label for=\"to\">至</label><input type=\"date\" id=\"to\" name=\"to\" value=\"{to}\"><button type=\"submit\">统计</button></form>\
         <p>口径见 docs/ARCHITECTURE.md（DESIGN.md §5）；比率的分母为零时显示“—”；每个数字都可点开查看对应的信访事项（件次、批次、人次的链接列出这些件次所涉及的事项，列表上方注明所筛选的件次、批次、人次数，与此处数字一致；一件事项可有多个件次，故事项数可少于件次数；比率的分子、分母与所列事项数一致）。\
         <a href=\"/work/stats.xlsx?from={from}&to={to}\">导出指标 Excel</a> · <a href=\"/work/stats/tables.xlsx?from={from}&to={to}\">导出分组、排名、热点 Excel</a> · <a href=\"/work/export/rankings.xlsx?from={from}&to={to}\">导出考核排名 Excel</a> · <a href=\"/work/export/trend.xlsx?from={from}&to={to}\">导出月度趋势 Excel</a></p>\
         <table id=\"indicators\"><tr><th>指标</th><th>数值</th><th>分子</th><th>分母</th></tr>"
    );
    for (name, value, num, den) in indicator_rows(&o, from, to) {
        let cell = |x: &Figure| {
            x.as_ref()
                .map(|(n, h)| link(h, &n.to_string()))
                .unwrap_or_default()
        };
        let value_cell = match (&num, &den) {
            (Some((_, h)), None) => link(h, &value),
            (_, Some((_, h))) if value == "—" => link(h, &value),
            (Some((_, h)), Some(_)) => link(h, &value),
            _ => esc(&value),
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{value_cell}</td><td>{}</td><td>{}</td></tr>",
            esc(&name),
            cell(&num),
            if den.is_some() {
                cell(&den)
            } else {
                String::new()
            }
        ));
    }
    body.push_str("</table></section>");
    let lv = &o["level_distribution"];
    let levels: Vec<(&str, i64, String)> = [
        ("国家级", "national"),
        ("省级", "provincial"),
        ("市级", "municipal"),
        ("县级", "county"),
        ("乡级", "township"),
    ]
    .iter()
    .map(|(label, key)| {
        (
            *label,
            lv[*key].as_i64().unwrap_or(0),
            list(&format!("&basis=submitted&level={key}")),
        )
    })
    .collect();
    body.push_str(&format!(
        "<section><h2>倒金字塔（各级登记件次）</h2><p>县及以下占比：{}</p>{}</section>",
        link(
            &list("&basis=submitted&level=county,township"),
            &pct(&o["county_and_below_share"])
        ),
        pyramid_svg(&levels)
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
        trend_svg(&months, &|month: &str, channel: &str| {
            // The month's bounds within the period (dates compare as text).
            let (f, t) = (format!("{month}-01"), format!("{month}-31"));
            let f = f.max(from.to_string());
            let t = t.min(to.to_string());
            format!("/work/cases?from={f}&to={t}&basis=submitted&channel={channel}")
        })
    ));
    body.push_str(&breakdown_sections(&st, &staff, from, to).await);
    body.push_str(&hot_section(&st, &staff, &q, to).await);
    body.push_str(&rankings_section(&st, &staff, from, to).await);
    Html(page("统计分析", Some(&staff), &body)).into_response()
}

async fn breakdown_sections(
    st: &AppState,
    staff: &Staff,
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    let mut out = String::new();
    let Ok(all) = st.app.breakdowns(staff, from, to).await else {
        return out;
    };
    for (dim, rows) in all {
        let title = DIMENSIONS
            .iter()
            .find(|(d, _)| *d == dim)
            .map(|(_, t)| *t)
            .unwrap_or(dim);
        let href = |key: &str, extra: &str| {
            format!(
                "/work/cases?from={from}&to={to}&basis=submitted&{}={}{extra}",
                dim_param(dim),
                url_enc(key)
            )
        };
        let items: Vec<(String, i64, String)> = rows
            .iter()
            .map(|r| {
                (
                    st.app.dimension_label(dim, &r.key),
                    r.submissions,
                    href(&r.key, ""),
                )
            })
            .collect();
        out.push_str(&format!(
            "<section id=\"by-{dim}\"><h2>信访件次{title}</h2>{}<table><tr><th>分组</th><th>件次</th><th>来访批次</th><th>来访人次</th><th>信访事项</th></tr>",
            bars_svg(&format!("信访件次{title}"), &items)
        ));
        for r in &rows {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&st.app.dimension_label(dim, &r.key)),
                link(&href(&r.key, ""), &r.submissions.to_string()),
                link(&href(&r.key, "&visit=1"), &r.batches.to_string()),
                link(&href(&r.key, "&visit=1"), &r.persons.to_string()),
                link(&href(&r.key, ""), &r.cases.to_string()),
            ));
        }
        out.push_str("</table></section>");
    }
    out
}

async fn hot_section(
    st: &AppState,
    staff: &Staff,
    q: &HashMap<String, String>,
    to: NaiveDate,
) -> String {
    let day = q.get("week").and_then(|w| w.parse().ok()).unwrap_or(to);
    let Ok(hot) = st.app.hot_issues(staff, day).await else {
        return String::new();
    };
    let (wf, wt) = (
        hot["week_from"].as_str().unwrap_or(""),
        hot["week_to"].as_str().unwrap_or(""),
    );
    let mut out = format!(
        "<section id=\"hot\"><h2>热点问题（{wf} 至 {wt}，较上周上升最多；本周至少 {} 件）</h2>",
        hot["min_support"]
    );
    for (key, title, param) in [
        ("categories", "内容分类", "category"),
        ("terms", "诉求词语", "text"),
    ] {
        out.push_str(&format!(
            "<h3>{title}</h3><table><tr><th>热点</th><th>本周</th><th>上周</th><th>增加</th></tr>"
        ));
        let items = hot[key].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            out.push_str("<tr><td colspan=\"4\">本周没有明显上升的热点</td></tr>");
        }
        for h in items {
            let k = h["key"].as_str().unwrap_or("");
            let ke = url_enc(k);
            let this = format!("/work/cases?from={wf}&to={wt}&{param}={ke}");
            let last = format!(
                "/work/cases?from={}&to={}&{param}={ke}",
                hot["last_week_from"].as_str().unwrap_or(""),
                hot["last_week_to"].as_str().unwrap_or("")
            );
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>+{}</td></tr>",
                esc(h["label"].as_str().unwrap_or(k)),
                link(&this, &h["this_week"].to_string()),
                link(&last, &h["last_week"].to_string()),
                h["rise"]
            ));
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
    out
}

async fn rankings_section(st: &AppState, staff: &Staff, from: NaiveDate, to: NaiveDate) -> String {
    let Ok(r) = st.app.unit_rankings(staff, from, to).await else {
        return String::new();
    };
    let mut out = String::from("<section id=\"rankings\"><h2>单位考核排名</h2><table><tr><th>名次</th><th>单位</th><th>及时受理率</th><th>按期办结率</th><th>满意率</th><th>一次性化解率</th><th>得分</th></tr>");
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
        let unit = u["unit_id"].as_i64().unwrap_or(0);
        // Rankings count what fell due up to today (like the overview).
        let due_to = to.min(st.app.now().date());
        let l = |extra: &str, text: String| {
            link(
                &format!("/work/cases?from={from}&to={due_to}&unit={unit}{extra}"),
                &text,
            )
        };
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{score}</td></tr>",
            i + 1,
            l("", u["unit"].as_str().unwrap_or("").to_string()),
            l("&basis=accept_due", pct(&u["timely_acceptance_rate"])),
            l("&basis=handling_due", pct(&u["on_time_completion_rate"])),
            l("&basis=delivered&fact=evaluated", pct(&u["satisfaction_rate"])),
            l("&basis=delivered", pct(&u["first_time_resolution_rate"])),
        ));
    }
    out.push_str("</table></section>");
    out
}
