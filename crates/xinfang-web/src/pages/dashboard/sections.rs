//! The dashboard's sections below the cards, as data for the page template:
//! the 倒金字塔, the monthly trend, the breakdowns (chart and table), hot
//! issues and the unit ranking. Every figure carries the link to the case
//! list that counts it.

use super::period::Period;
use crate::pages::case_list::url_enc;
use crate::pages::charts::{pyramid, trend, Bar, BarChart, Pyramid, Trend};
use crate::AppState;
use chrono::{Duration, Months, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use xinfang_app::analytics::{Breakdowns, DIMENSIONS};
use xinfang_app::stats::Overview;
use xinfang_domain::{Staff, UnitLevel};

/// A figure in a table and its drill-down.
pub struct Link {
    pub text: String,
    pub href: String,
}

fn link(text: impl ToString, href: String) -> Link {
    Link {
        text: text.to_string(),
        href,
    }
}

/// "12.3%", or "—" for a rate of nothing.
pub fn pct(rate: Option<f64>) -> String {
    rate.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// The 倒金字塔 of an overview, national at the top.
pub fn pyramid(o: &Overview, p: Period) -> String {
    let lv = &o.level_distribution;
    let levels: Vec<pyramid::Level> = UnitLevel::ALL
        .iter()
        .map(|l| pyramid::Level {
            label: l.label_zh().to_string(),
            value: lv.at(*l),
            low: matches!(l, UnitLevel::County | UnitLevel::Township),
            href: format!(
                "/work/cases?{}&basis=submitted&level={}",
                p.query(),
                l.key()
            ),
        })
        .collect();
    Pyramid::new(&levels).svg()
}

/// The monthly trend by channel, every month of the period shown.
pub fn trend(monthly: Vec<(String, String, i64)>, p: Period) -> String {
    let mut by_month: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for (m, ch, n) in monthly {
        by_month.entry(m).or_default().insert(ch, n);
    }
    let months: Vec<(NaiveDate, BTreeMap<String, i64>)> = trend::months_between(p.from, p.to)
        .into_iter()
        .map(|m| {
            let key = m.format("%Y-%m").to_string();
            (m, by_month.remove(&key).unwrap_or_default())
        })
        .collect();
    let link = |month: NaiveDate, channel: Option<&str>| {
        // The month's days within the period.
        let end = month
            .checked_add_months(Months::new(1))
            .map(|n| n - Duration::days(1))
            .unwrap_or(month);
        let (f, t) = (month.max(p.from), end.min(p.to));
        let ch = channel.map(|c| format!("&channel={c}")).unwrap_or_default();
        format!("/work/cases?from={f}&to={t}&basis=submitted{ch}")
    };
    Trend::new(&months, &link).html()
}

pub struct BreakdownRow {
    pub label: String,
    pub submissions: Link,
    pub batches: Link,
    pub persons: Link,
    pub cases: Link,
}

pub struct Breakdown {
    pub dim: &'static str,
    pub title: String,
    pub chart: String,
    pub rows: Vec<BreakdownRow>,
}

/// The order a leader reads the breakdowns in: what the petitions are
/// about first (the tallest chart, beside the two short ones), then where.
const ORDER: [&str; 5] = ["category", "channel", "kind", "level", "region"];

/// 件次/批次/人次/事项 by category, channel, kind, level and region.
pub fn breakdowns(st: &AppState, mut all: Breakdowns, p: Period) -> Vec<Breakdown> {
    all.sort_by_key(|(dim, _)| ORDER.iter().position(|d| d == dim));
    all.into_iter()
        .map(|(dim, rows)| {
            let title = DIMENSIONS
                .iter()
                .find(|(d, _)| *d == dim)
                .map(|(_, t)| *t)
                .unwrap_or(dim);
            let href = |key: &str, extra: &str| {
                format!(
                    "/work/cases?{}&basis=submitted&{dim}={}{extra}",
                    p.query(),
                    url_enc(key)
                )
            };
            let label = |key: &str| st.app.dimension_label(dim, key);
            let bars: Vec<Bar> = rows
                .iter()
                .map(|r| Bar {
                    label: label(&r.key),
                    value: r.submissions,
                    href: href(&r.key, ""),
                })
                .collect();
            Breakdown {
                dim,
                title: format!("信访件次{title}"),
                chart: BarChart::new(&format!("信访件次{title}"), "件次", &bars).svg(),
                rows: rows
                    .iter()
                    .map(|r| BreakdownRow {
                        label: label(&r.key),
                        submissions: link(r.submissions, href(&r.key, "")),
                        batches: link(r.batches, href(&r.key, "&visit=1")),
                        persons: link(r.persons, href(&r.key, "&visit=1")),
                        cases: link(r.cases, href(&r.key, "")),
                    })
                    .collect(),
            }
        })
        .collect()
}

pub struct HotItem {
    pub label: String,
    pub this_week: Link,
    pub last_week: Link,
    pub rise: i64,
}

pub struct HotGroup {
    pub title: &'static str,
    pub items: Vec<HotItem>,
}

pub struct Hot {
    pub week_from: String,
    pub week_to: String,
    pub min_support: i64,
    pub groups: Vec<HotGroup>,
    /// "HH:MM" when counted (the dashboard counts them once a minute).
    pub counted_at: String,
}

impl Hot {
    /// Nothing rose this week (one line says so, not one per group).
    pub fn quiet(&self) -> bool {
        self.groups.iter().all(|g| g.items.is_empty())
    }
}

/// Hot issues of the week of `week` (default: the period's last day).
pub async fn hot(
    st: &AppState,
    staff: &Staff,
    q: &HashMap<String, String>,
    p: Period,
) -> Option<Hot> {
    let day = q.get("week").and_then(|w| w.parse().ok()).unwrap_or(p.to);
    let hot = st.app.hot_issues_for_dashboard(staff, day).await.ok()?;
    let groups = [
        (&hot.categories, "内容分类", "category"),
        (&hot.terms, "诉求词语", "text"),
    ]
    .into_iter()
    .map(|(items, title, param)| HotGroup {
        title,
        items: items
            .iter()
            .map(|h| {
                let list = |f: NaiveDate, t: NaiveDate| {
                    format!("/work/cases?from={f}&to={t}&{param}={}", url_enc(&h.key))
                };
                HotItem {
                    label: h.label_or_key().to_string(),
                    this_week: link(h.this_week, list(hot.week_from, hot.week_to)),
                    last_week: link(h.last_week, list(hot.last_week_from, hot.last_week_to)),
                    rise: h.rise,
                }
            })
            .collect(),
    })
    .collect();
    Some(Hot {
        counted_at: hot.counted_at.clone().unwrap_or_default(),
        week_from: hot.week_from.to_string(),
        week_to: hot.week_to.to_string(),
        min_support: hot.min_support as i64,
        groups,
    })
}

pub struct RankRow {
    /// "1", "2" … or "—" for a unit without data.
    pub rank: String,
    pub unit: Link,
    pub rates: Vec<Link>,
    pub score: String,
    /// The score bar's width in percent (0 without data).
    pub bar: i64,
    pub nodata: bool,
    /// The first unit without data (the page names the group before it).
    pub first_nodata: bool,
}

/// The unit ranking: scored units by score, then units without data ("—").
pub async fn rankings(st: &AppState, staff: &Staff, p: Period) -> Vec<RankRow> {
    let Ok(r) = st.app.unit_rankings(staff, p.from, p.to).await else {
        return vec![];
    };
    // Rankings count what fell due up to today (like the overview).
    let due_to = p.to.min(st.app.now().date());
    let mut rows: Vec<RankRow> = r
        .units
        .iter()
        .map(|u| {
            let unit = u.unit_id;
            let l = |extra: &str, text: String| {
                link(
                    text,
                    format!("/work/cases?from={}&to={due_to}&unit={unit}{extra}", p.from),
                )
            };
            let score = u.score;
            RankRow {
                rank: u.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
                unit: l("", u.unit.clone()),
                rates: vec![
                    l("&basis=accept_due", pct(u.timely_acceptance_rate)),
                    l("&basis=handling_due", pct(u.on_time_completion_rate)),
                    l("&basis=delivered&fact=evaluated", pct(u.satisfaction_rate)),
                    l("&basis=delivered", pct(u.first_time_resolution_rate)),
                ],
                score: score
                    .map(|x| format!("{x:.1}"))
                    .unwrap_or_else(|| "—".into()),
                bar: score
                    .map(|x| x.round().clamp(0.0, 100.0) as i64)
                    .unwrap_or(0),
                nodata: score.is_none(),
                first_nodata: false,
            }
        })
        .collect();
    if let Some(first) = rows.iter_mut().find(|r| r.nodata) {
        first.first_nodata = true;
    }
    rows
}
