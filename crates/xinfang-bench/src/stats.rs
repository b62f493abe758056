//! `xinfang bench stats` and `xinfang bench scanner`: the statistics overview,
//! the unit rankings and the clock scanner over a store of N cases.
//!
//! The store is filled by the demo generator (real services, every status)
//! and then amplified to N by copying those cases (`Store::amplify_cases`),
//! so the queries run over genuine per-case facts at a city's volume.
//! Timings are medians of repeated calls, for three scopes: the province
//! (everything), a city and a district — scope is part of every query.
//! The copies bypass the outbox, so the statistics rollup is rebuilt (and
//! timed) before the reads.

use crate::intake::rss_mb;
use chrono::Datelike;
use serde::Serialize;
use std::time::Instant;
use xinfang_app::App;
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// One scope's timings in milliseconds (median of `runs`).
#[derive(Clone, Debug, Serialize)]
pub struct ScopeTiming {
    pub scope: String,
    pub overview_ms: f64,
    pub rankings_ms: f64,
    pub submissions: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatsReport {
    pub cases: i64,
    pub year: i32,
    pub load_secs: f64,
    /// `Store::rebuild_stats` over the whole store, before timing.
    pub rollup_rebuild_secs: f64,
    pub scopes: Vec<ScopeTiming>,
    /// The province-wide overview, the headline number.
    pub overview_ms: f64,
    pub rankings_ms: f64,
    pub rss_mb: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScannerReport {
    pub cases: i64,
    pub open_cases: usize,
    pub first_scan_secs: f64,
    pub second_scan_secs: f64,
    pub per_open_case_us: f64,
    pub rss_mb: f64,
}

/// Fill an empty store with the demo province and amplify it to `n` cases.
pub async fn prepare(app: &App, n: i64, mut progress: impl FnMut(i64)) -> Result<f64, AppError> {
    let t = Instant::now();
    if app.store.count("cases").await? == 0 {
        xinfang_app::demo::generate(app, 2400).await?;
    }
    app.store.amplify_cases(n, &mut progress).await?;
    Ok(t.elapsed().as_secs_f64())
}

async fn staff(app: &App, username: &str) -> Result<Staff, AppError> {
    let u = app
        .store
        .user_by_name(username)
        .await?
        .ok_or_else(|| AppError::field("user", format!("演示账号 {username} 不存在")))?;
    Ok(xinfang_app::auth::staff_of(&u))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

/// Time the overview and rankings for the last twelve months at three scopes.
pub async fn stats(app: &App, load_secs: f64, runs: usize) -> Result<StatsReport, AppError> {
    // The copies were written without outbox rows: recompute the rollup.
    let t = Instant::now();
    app.store.rebuild_stats().await?;
    let rollup_rebuild_secs = t.elapsed().as_secs_f64();
    let to = app.now().date();
    let from = to - chrono::Duration::days(365);
    let mut scopes = vec![];
    for (label, user) in [
        ("province", "admin"),
        ("city", "hangzhou_xfj"),
        ("district", "shangcheng_xfj"),
    ] {
        let s = staff(app, user).await?;
        let mut ov = vec![];
        let mut rk = vec![];
        let mut submissions = 0;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            let v = app.stats_overview(&s, from, to, None).await?;
            ov.push(t.elapsed().as_secs_f64() * 1000.0);
            submissions = v.submissions;
            let t = Instant::now();
            app.unit_rankings(&s, from, to).await?;
            rk.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        scopes.push(ScopeTiming {
            scope: label.to_string(),
            overview_ms: median(ov),
            rankings_ms: median(rk),
            submissions,
        });
    }
    Ok(StatsReport {
        cases: app.store.count("cases").await?,
        year: from.year(),
        load_secs,
        rollup_rebuild_secs,
        overview_ms: scopes[0].overview_ms,
        rankings_ms: scopes[0].rankings_ms,
        scopes,
        rss_mb: rss_mb(),
    })
}

/// Run the clock scanner twice: the first pass refreshes every open case,
/// the second is the steady state the 10-minute background job pays.
pub async fn scanner(app: &App) -> Result<ScannerReport, AppError> {
    let t = Instant::now();
    let first = app.scan_clocks().await?;
    let first_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    app.scan_clocks().await?;
    let second_secs = t.elapsed().as_secs_f64();
    Ok(ScannerReport {
        cases: app.store.count("cases").await?,
        open_cases: first.open_cases,
        first_scan_secs: first_secs,
        second_scan_secs: second_secs,
        per_open_case_us: second_secs * 1e6 / first.open_cases.max(1) as f64,
        rss_mb: rss_mb(),
    })
}
