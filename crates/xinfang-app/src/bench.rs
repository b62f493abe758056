//! `xinfang bench intake`: register N realistic synthetic submissions (≈20%
//! repeats, some collective visits and threat statements) through the same
//! `App::intake` path as the API — analysis, repeat check, durable commit,
//! outbox — into a fresh database, timing each registration.

use crate::demo::content::{fill, petitioner, TOPICS};
use crate::error::AppError;
use crate::intake::IntakeRequest;
use crate::state::App;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::time::Instant;
use xinfang_domain::case::Channel;
use xinfang_domain::{Actor, UnitLevel};

/// One measured window (or the whole run).
#[derive(Clone, Debug, Serialize)]
pub struct IntakeReport {
    pub cases: usize,
    pub per_sec: f64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub rss_mb: f64,
}

/// Resident memory of this process in MiB (Linux), 0 elsewhere.
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(lat: &mut [u64], secs: f64, cases: usize) -> IntakeReport {
    lat.sort_unstable();
    IntakeReport {
        cases,
        per_sec: lat.len() as f64 / secs.max(1e-9),
        p50_us: percentile(lat, 0.5),
        p99_us: percentile(lat, 0.99),
        rss_mb: rss_mb(),
    }
}

/// Register `n` submissions; `on_window` receives a report for every tenth.
pub async fn intake(
    app: &App,
    n: usize,
    mut on_window: impl FnMut(&IntakeReport),
) -> Result<IntakeReport, AppError> {
    let org = app.org();
    let mut regions: Vec<String> = org
        .units()
        .filter(|u| u.level == UnitLevel::Township)
        .map(|u| u.region_code.clone())
        .collect();
    regions.sort();
    regions.dedup();
    let users = app.store.list_users().await?;
    let desk = |unit| {
        users
            .iter()
            .find(|u| u.unit == unit && u.roles.contains(&xinfang_domain::Role::Registrar))
            .map(crate::auth::staff_of)
    };
    let mut rng = StdRng::seed_from_u64(7);
    let mut history: Vec<IntakeRequest> = Vec::with_capacity(n);
    let mut all = Vec::with_capacity(n);
    let mut window = Vec::with_capacity(n / 10 + 1);
    let (start, mut w_start) = (Instant::now(), Instant::now());
    for i in 0..n {
        let req = if !history.is_empty() && rng.gen_bool(0.2) {
            let mut r = history[rng.gen_range(0..history.len())].clone();
            r.channel = Channel::Letter;
            r
        } else {
            let topic = TOPICS.choose(&mut rng).unwrap_or(&TOPICS[0]);
            let region = regions.choose(&mut rng).cloned().unwrap_or_default();
            let collective = rng.gen_bool(0.03);
            let mut facts = fill(topic.facts, &mut rng);
            if rng.gen_bool(0.02) {
                facts.push_str("再不解决我就去跳楼。");
            }
            let r = IntakeRequest {
                channel: if collective {
                    Channel::Visit
                } else {
                    Channel::Online
                },
                kind: Some(topic.kind),
                petitioners: (0..if collective { 3 } else { 1 })
                    .map(|_| petitioner(&mut rng, &region))
                    .collect(),
                persons: collective.then(|| rng.gen_range(5..80)),
                request: fill(topic.request, &mut rng),
                facts,
                reasons: "请依法处理。".into(),
                region_code: region,
                accused: None,
                category: None,
                registering_unit: None,
            };
            history.push(r.clone());
            r
        };
        let actor = match req.channel {
            Channel::Visit => {
                let bureau = crate::intake::bureau_for_region(&org, &req.region_code)
                    .ok_or(AppError::NotFound)?;
                Actor::Staff(desk(bureau).ok_or(AppError::NotFound)?)
            }
            _ => Actor::Petitioner,
        };
        let t = Instant::now();
        app.intake(&actor, req).await?;
        let us = t.elapsed().as_micros() as u64;
        all.push(us);
        window.push(us);
        if n >= 10 && (i + 1) % (n / 10) == 0 {
            on_window(&report(&mut window, w_start.elapsed().as_secs_f64(), i + 1));
            window.clear();
            w_start = Instant::now();
        }
    }
    Ok(report(&mut all, start.elapsed().as_secs_f64(), n))
}
