//! `xinfang bench intake`: register N realistic synthetic submissions (≈20%
//! repeats, some collective visits and threat statements, hard negatives for
//! the repeat check) through the same `App::intake` path as the API —
//! analysis, repeat check, group commit, outbox — from C concurrent clients
//! or arriving at a fixed rate (open loop), timing each registration, and
//! scoring the repeat decisions against the generator's ground truth.

use crate::synthetic::{generate, Truth};
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use xinfang_app::App;
use xinfang_app::AppError;
use xinfang_domain::Actor;

/// One measured window (or the whole run).
#[derive(Clone, Debug, Serialize)]
pub struct IntakeReport {
    pub cases: usize,
    pub per_sec: f64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub rss_mb: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clients: Option<usize>,
    /// Offered arrivals per second (open loop), instead of clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_precision: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_recall: Option<f64>,
    /// Group commits and the mean registrations per commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batches: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_batch: Option<f64>,
    /// Batches whose one-statement-per-table write failed and were written
    /// again one registration per savepoint (a repeat that lost its race).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<u64>,
    /// Registrations per second of each tenth of the run (the curve).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<f64>,
}

/// Resident memory of this process in MiB (Linux), 0 elsewhere.
pub fn rss_mb() -> f64 {
    rss_mb_of("self")
}

/// Resident memory of process `pid` ("self" or a number) in MiB (Linux), 0 elsewhere.
pub fn rss_mb_of(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
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

/// The `p` quantile (0–1) of ascending `sorted`, 0 when empty.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
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
        clients: None,
        rate: None,
        repeat_precision: None,
        repeat_recall: None,
        batches: None,
        avg_batch: None,
        fallbacks: None,
        windows: vec![],
    }
}

/// Precision and recall of repeat decisions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct RepeatScore {
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    pub precision: f64,
    pub recall: f64,
}

/// Score decisions: each pair is (the case it should have been linked to,
/// the case it was linked to). Linking to the wrong case counts as both a
/// false positive and a false negative. With nothing predicted precision is
/// 1; with nothing to find recall is 1.
pub fn repeat_score(pairs: &[(Option<String>, Option<String>)]) -> RepeatScore {
    let mut s = RepeatScore::default();
    for (want, got) in pairs {
        match (want, got) {
            (Some(w), Some(g)) if w == g => s.true_pos += 1,
            (Some(_), Some(_)) => {
                s.false_pos += 1;
                s.false_neg += 1;
            }
            (Some(_), None) => s.false_neg += 1,
            (None, Some(_)) => s.false_pos += 1,
            (None, None) => {}
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    s.precision = ratio(s.true_pos, s.true_pos + s.false_pos);
    s.recall = ratio(s.true_pos, s.true_pos + s.false_neg);
    s
}

/// What one registration returned.
#[derive(Clone, Debug, Default)]
struct Done {
    case_no: String,
    repeat_of: Option<String>,
}

/// How registrations arrive.
#[derive(Clone, Copy, Debug)]
pub enum Load {
    /// C clients, each sending its next submission when the last is
    /// acknowledged (the throughput the system sustains; latency grows
    /// with C by Little's law).
    Clients(usize),
    /// Open loop: submission i is due at start + i / rate, whether or not
    /// earlier ones are done; latency is counted from when it was due, so
    /// a stall delays every registration queued behind it (no coordinated
    /// omission). The latency a registrar sees at that offered load.
    Rate(f64),
}

/// The shared state of one run: the submissions and what each returned.
struct Run {
    app: App,
    items: Vec<crate::synthetic::Item>,
    /// When submission i was acknowledged (set once), for those that refer
    /// to it, and their wake-up once it is.
    acked: Vec<(std::sync::OnceLock<Instant>, tokio::sync::Notify)>,
    results: std::sync::Mutex<Vec<Done>>,
}

impl Run {
    /// Wait until submission `j` is acknowledged; when it was.
    async fn acked_at(&self, j: usize) -> Instant {
        let (at, wake) = &self.acked[j];
        loop {
            let woken = wake.notified();
            tokio::pin!(woken);
            // Registered before the check, so a notification in between is not missed.
            woken.as_mut().enable();
            if let Some(t) = at.get() {
                return *t;
            }
            woken.await;
        }
    }

    /// Register submission `i`, due at `due`; its latency from `due` (or
    /// from the acknowledgement of the submission it refers to, if later:
    /// a petitioner re-submits what they hold a receipt for).
    async fn one(&self, i: usize, due: Instant) -> Result<u64, AppError> {
        let item = &self.items[i];
        let mut from = due;
        if let Some(j) = item.truth.refers_to() {
            from = from.max(self.acked_at(j).await);
        }
        let actor = item.actor.clone().unwrap_or(Actor::Petitioner);
        let r = self.app.intake(&actor, item.req.clone()).await;
        let us = from.elapsed().as_micros() as u64;
        let _ = self.acked[i].0.set(Instant::now());
        self.acked[i].1.notify_waiters();
        let out = r?;
        if let Ok(mut res) = self.results.lock() {
            res[i] = Done {
                case_no: out.case_no,
                repeat_of: out.repeat_of,
            };
        }
        Ok(us)
    }
}

/// Register `n` submissions arriving as `load` says; `on_window` receives a
/// report for every tenth of the run, in completion order.
pub async fn intake(
    app: &App,
    n: usize,
    load: Load,
    mut on_window: impl FnMut(&IntakeReport),
) -> Result<IntakeReport, AppError> {
    let gap = match load {
        Load::Clients(c) => c.max(1) * 4,
        Load::Rate(r) => (r / 100.0).ceil().max(4.0) as usize,
    };
    let items = generate(app, n, 7, gap).await?;
    let run = Arc::new(Run {
        app: app.clone(),
        acked: (0..items.len())
            .map(|_| (std::sync::OnceLock::new(), tokio::sync::Notify::new()))
            .collect(),
        results: std::sync::Mutex::new(vec![Done::default(); items.len()]),
        items,
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Result<u64, AppError>>();
    let start = Instant::now();
    let batches_before = app.store.group_stats();
    match load {
        Load::Clients(clients) => {
            let next = Arc::new(AtomicUsize::new(0));
            for _ in 0..clients.max(1) {
                let (run, next, tx) = (run.clone(), next.clone(), tx.clone());
                tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= run.items.len()
                            || tx.send(run.one(i, Instant::now()).await).is_err()
                        {
                            break;
                        }
                    }
                });
            }
        }
        Load::Rate(rate) => {
            let (run, tx) = (run.clone(), tx.clone());
            tokio::spawn(async move {
                let interval = std::time::Duration::from_secs_f64(1.0 / rate.max(1.0));
                for i in 0..run.items.len() {
                    let due = start + interval * i as u32;
                    tokio::time::sleep_until(due.into()).await;
                    let (run, tx) = (run.clone(), tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(run.one(i, due).await);
                    });
                }
            });
        }
    }
    drop(tx);
    let mut all = Vec::with_capacity(n);
    let mut window = Vec::with_capacity(n / 10 + 1);
    let mut windows = vec![];
    let mut w_start = Instant::now();
    while let Some(r) = rx.recv().await {
        let us = r?;
        all.push(us);
        window.push(us);
        if n >= 10 && all.len() % (n / 10) == 0 {
            let w = report(&mut window, w_start.elapsed().as_secs_f64(), all.len());
            windows.push((w.per_sec * 10.0).round() / 10.0);
            on_window(&w);
            window.clear();
            w_start = Instant::now();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mut r = report(&mut all, secs, n);
    let res = run
        .results
        .lock()
        .map(|v| v.clone())
        .map_err(|_| AppError::NotFound)?;
    let pairs: Vec<(Option<String>, Option<String>)> = run
        .items
        .iter()
        .zip(res.iter())
        .map(|(item, d)| {
            let want = match item.truth {
                Truth::RepeatOf(j) => Some(res[j].case_no.clone()),
                _ => None,
            };
            (want, d.repeat_of.clone())
        })
        .collect();
    let score = repeat_score(&pairs);
    let g = app.store.group_stats();
    let batches = g.batches - batches_before.batches;
    match load {
        Load::Clients(c) => r.clients = Some(c),
        Load::Rate(rate) => r.rate = Some(rate),
    }
    r.repeat_precision = Some((score.precision * 10_000.0).round() / 10_000.0);
    r.repeat_recall = Some((score.recall * 10_000.0).round() / 10_000.0);
    r.batches = Some(batches);
    r.avg_batch = Some(
        ((g.registrations - batches_before.registrations) as f64 / batches.max(1) as f64 * 100.0)
            .round()
            / 100.0,
    );
    r.fallbacks = Some(g.fallbacks - batches_before.fallbacks);
    r.windows = windows;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn score_on_a_hand_made_set() {
        let pairs = vec![
            (s("A"), s("A")), // found
            (s("A"), s("A")), // found
            (s("B"), None),   // missed
            (None, s("C")),   // false alarm (hard negative linked)
            (s("D"), s("E")), // linked to the wrong case: FP and FN
            (None, None),     // new, left new
        ];
        let sc = repeat_score(&pairs);
        assert_eq!((sc.true_pos, sc.false_pos, sc.false_neg), (2, 2, 2));
        assert!((sc.precision - 0.5).abs() < 1e-9);
        assert!((sc.recall - 0.5).abs() < 1e-9);
        let perfect = repeat_score(&[(s("A"), s("A")), (None, None)]);
        assert_eq!((perfect.precision, perfect.recall), (1.0, 1.0));
        let none_found = repeat_score(&[(s("A"), None)]);
        assert_eq!((none_found.precision, none_found.recall), (1.0, 0.0));
    }
}
