//! The leaders' dashboard (`/work/dashboard`, issue #15): what a 信访
//! leader opens first. From the top: the period bar (本月/本季度/本年/上月 or
//! any dates), big-number cards with the previous period beside them, the
//! 倒金字塔 and the monthly trend, hot issues, the unit ranking, the
//! breakdowns, and every indicator with its numerator and denominator.
//!
//! Every figure is a link to the case list that counts it
//! (`case_list::filter_from`); a test follows them and compares counts. The
//! definitions are one click away (`definitions.rs`), not a path in the
//! repository. The page is an askama template (`templates/dashboard/`), the
//! charts too (`templates/charts/`).

mod cards;
mod definitions;
mod indicators;
mod period;
mod sections;
mod tables;

pub use definitions::definitions;
pub use tables::stats_tables;

use crate::pages::extract::StaffPage;
use crate::pages::html::page;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cards::Card;
use chrono::NaiveDate;
use indicators::{change, measures, Measure};
use period::{Choice, Period};
use sections::{Breakdown, Hot, RankRow};
use std::collections::HashMap;
use std::time::Instant;

/// The period of a dashboard query: `from`/`to`, default this year to today.
pub fn period(q: &HashMap<String, String>, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let p = Period::of_query(q, today);
    (p.from, p.to)
}

/// A row of the indicator table.
struct IndicatorRow {
    name: &'static str,
    value: String,
    value_href: String,
    numerator: (i64, String),
    denominator: Option<(i64, String)>,
    previous: String,
    change: String,
    change_class: &'static str,
}

fn indicator_rows(cur: &[Measure], prev: &[Measure]) -> Vec<IndicatorRow> {
    cur.iter()
        .zip(prev)
        .map(|(c, p)| {
            let (change, change_class) = change(c, p);
            IndicatorRow {
                name: c.def.name,
                value: c.text(),
                value_href: c.numerator.href.clone(),
                numerator: (c.numerator.n, c.numerator.href.clone()),
                denominator: c.denominator.as_ref().map(|d| (d.n, d.href.clone())),
                previous: p.text(),
                change,
                change_class,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard/page.html")]
struct DashboardPage {
    period: Period,
    previous: Period,
    choices: Vec<Choice>,
    error: Option<String>,
    exports: Vec<(&'static str, String)>,
    definitions: String,
    volume_cards: Vec<Card>,
    rate_cards: Vec<Card>,
    county_share: String,
    county_href: String,
    pyramid: String,
    trend: String,
    hot: Option<Hot>,
    rankings: Vec<RankRow>,
    nodata_units: usize,
    breakdowns: Vec<Breakdown>,
    indicators: Vec<IndicatorRow>,
}

impl DashboardPage {
    /// The page with only its period bar (and `error`), before any figure.
    fn frame(p: Period, today: NaiveDate, error: Option<String>) -> DashboardPage {
        let q = p.query();
        DashboardPage {
            period: p,
            previous: p.previous(),
            choices: period::choices(today, p),
            error,
            exports: vec![
                ("指标", format!("/work/stats.xlsx?{q}")),
                ("分组、排名、热点", format!("/work/stats/tables.xlsx?{q}")),
                ("考核排名", format!("/work/export/rankings.xlsx?{q}")),
                ("月度趋势", format!("/work/export/trend.xlsx?{q}")),
            ],
            definitions: format!("/work/dashboard/definitions?{q}"),
            volume_cards: vec![],
            rate_cards: vec![],
            county_share: String::new(),
            county_href: String::new(),
            pyramid: String::new(),
            trend: String::new(),
            hot: None,
            rankings: vec![],
            nodata_units: 0,
            breakdowns: vec![],
            indicators: vec![],
        }
    }
}

pub async fn dashboard(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let started = Instant::now();
    let today = st.app.now().date();
    let p = Period::of_query(&q, today);
    let prev = p.previous();
    let overview = |x: Period| st.app.stats_overview(&staff, x.from, x.to, None);
    let (o, po) = match (overview(p).await, overview(prev).await) {
        (Ok(o), Ok(po)) => (o, po),
        (Err(e), _) | (_, Err(e)) => {
            let body = DashboardPage::frame(p, today, Some(message(&e)));
            let html = Html(page("统计分析", Some(&staff), &render(&body)));
            return (StatusCode::UNPROCESSABLE_ENTITY, html).into_response();
        }
    };
    let (cur, before) = (measures(&o), measures(&po));
    let (volume_cards, rate_cards) = cards::cards(&cur, &before);
    let county = cur.iter().find(|m| m.def.key == "county_and_below_share");
    let mut body = DashboardPage::frame(p, today, None);
    body.county_share = county.map(Measure::text).unwrap_or_default();
    body.county_href = county.map(|m| m.numerator.href.clone()).unwrap_or_default();
    body.indicators = indicator_rows(&cur, &before);
    body.volume_cards = volume_cards;
    body.rate_cards = rate_cards;
    body.pyramid = sections::pyramid(&o, p);
    let t = Instant::now();
    let (breakdowns, monthly) = st
        .app
        .breakdowns_and_trend(&staff, p.from, p.to)
        .await
        .unwrap_or_default();
    body.trend = sections::trend(monthly, p);
    let t_trend = t.elapsed();
    body.hot = sections::hot(&st, &staff, &q, p).await;
    let t_hot = t.elapsed();
    body.rankings = sections::rankings(&st, &staff, p).await;
    let t_rank = t.elapsed();
    body.nodata_units = body.rankings.iter().filter(|r| r.nodata).count();
    body.breakdowns = sections::breakdowns(&st, breakdowns, p);
    // Where a slow dashboard spends its time (`RUST_LOG=xinfang_web=debug`).
    tracing::debug!(
        overview_ms = (t - started).as_millis() as u64,
        breakdowns_and_trend_ms = t_trend.as_millis() as u64,
        hot_ms = (t_hot - t_trend).as_millis() as u64,
        rankings_ms = (t_rank - t_hot).as_millis() as u64,
        render_breakdowns_ms = (t.elapsed() - t_rank).as_millis() as u64,
        "dashboard sections"
    );
    Html(page("统计分析", Some(&staff), &render(&body))).into_response()
}

/// What went wrong, in the words of each bad field.
fn message(e: &xinfang_app::AppError) -> String {
    match e {
        xinfang_app::AppError::Invalid(list) => list
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

fn render(body: &DashboardPage) -> String {
    body.render()
        .unwrap_or_else(|e| format!("<p class=\"err\">页面生成失败：{e}</p>"))
}
