//! `xinfang bench http`: the server as its users meet it. A store of N
//! cases (the demo province, copied up to N), a real `xinfang serve` child
//! process with every background job it runs, and a load generator in this
//! process: online petitions `POST /api/v1/petitions` (a different person
//! and matter each time), optionally mixed with a staff member's page reads
//! — the case page, a filtered case list, a search and the dashboard.
//!
//! Closed loop (`--connections C`: C clients, each waits for its answer) or
//! open loop (`--rate R`: arrivals at R per second whatever the server does;
//! a request's latency counts from its scheduled arrival, so a stall shows
//! in full instead of silently slowing the generator down). One JSON line:
//! throughput, p50/p99/p99.9 and the worst latency with when it happened,
//! per kind of request. `XINFANG_BENCH_SAMPLES=file` also writes every
//! request (kind, arrival, latency) for plotting.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// What to run.
pub struct Options {
    pub cases: i64,
    pub connections: usize,
    pub rate: Option<f64>,
    pub duration: f64,
    pub read_ratio: f64,
    pub database_url: Option<String>,
    /// The search index of a kept store (`database_url`): where `serve`
    /// keeps it for that store, so runs share it. None: a fresh one in the
    /// run's temporary folder.
    pub index_dir: Option<std::path::PathBuf>,
    pub staff: String,
    /// Seconds to leave the new server alone before the warm-up.
    pub settle: f64,
}

/// The kinds of request, in report order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Intake,
    CasePage,
    CaseList,
    Search,
    Dashboard,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Intake,
        Kind::CasePage,
        Kind::CaseList,
        Kind::Search,
        Kind::Dashboard,
    ];
    const READS: [Kind; 4] = [
        Kind::CasePage,
        Kind::CaseList,
        Kind::Search,
        Kind::Dashboard,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Intake => "intake",
            Kind::CasePage => "case_page",
            Kind::CaseList => "case_list",
            Kind::Search => "search",
            Kind::Dashboard => "dashboard",
        }
    }
}

/// One answered (or failed) request.
#[derive(Clone, Copy)]
struct Sample {
    kind: Kind,
    /// Seconds from the start of the measured run to the request's arrival.
    at: f64,
    latency_us: u64,
    ok: bool,
}

/// The server under test and what the generator needs to talk to it.
struct Target {
    base: String,
    cookie: String,
    case_nos: Vec<String>,
    client: reqwest::Client,
}

/// Topics of the synthetic petitions (nothing is a repeat of another).
const TOPICS: [&str; 8] = [
    "小区逾期交房",
    "工地拖欠工资",
    "夜间施工噪音",
    "村道塌陷",
    "物业乱收费",
    "征地补偿不到位",
    "学校周边交通拥堵",
    "医保报销困难",
];

/// The statuses the benchmark's case lists filter on ("" = every case).
const LIST_STATUSES: [&str; 6] = [
    "handling",
    "",
    "delivered",
    "registered",
    "replied",
    "pending_receipt",
];

fn petition(n: u64) -> serde_json::Value {
    let topic = TOPICS[(n % TOPICS.len() as u64) as usize];
    serde_json::json!({
        "petitioners": [{
            "name": format!("测试{n}"),
            "phone": format!("139{:08}", n % 100_000_000),
            "address": format!("杭州市上城区某街道{}号", n % 997),
        }],
        "kind": "claim",
        "request": format!("请求解决{topic}问题（编号{n}）"),
        "facts": format!("{topic}已持续{}个月，多次反映未果。", n % 24 + 1),
        "reasons": "影响正常生活。",
        "region_code": "330102",
    })
}

impl Target {
    /// Send request number `n` of kind `kind`; true when answered 2xx.
    async fn send(&self, kind: Kind, n: u64) -> bool {
        let b = &self.base;
        let r = match kind {
            Kind::Intake => self
                .client
                .post(format!("{b}/api/v1/petitions"))
                .json(&petition(n)),
            Kind::CasePage => {
                let no = &self.case_nos[n as usize % self.case_nos.len()];
                self.page(format!("{b}/work/cases/{no}"))
            }
            Kind::CaseList => {
                // A registrar's lists: six filters (the whole area among
                // them), paged through five pages each.
                let status = LIST_STATUSES[n as usize % LIST_STATUSES.len()];
                let page = n / LIST_STATUSES.len() as u64 % 5 + 1;
                self.page(format!("{b}/work/cases?status={status}&page={page}"))
            }
            Kind::Search => {
                let q = ["交房", "拖欠工资", "噪音", "物业"][n as usize % 4];
                self.page(format!("{b}/work/search?q={q}"))
            }
            Kind::Dashboard => self.page(format!("{b}/work/dashboard")),
        };
        match r.send().await {
            Ok(resp) => {
                let ok = resp.status().is_success();
                // Read the whole body: the latency includes rendering it.
                resp.bytes().await.is_ok() && ok
            }
            Err(_) => false,
        }
    }

    fn page(&self, url: String) -> reqwest::RequestBuilder {
        self.client
            .get(url)
            .header(reqwest::header::COOKIE, &self.cookie)
    }
}

/// Which kind request number `n` is, spreading reads evenly at `ratio`.
fn kind_of(n: u64, ratio: f64) -> Kind {
    if ratio <= 0.0 {
        return Kind::Intake;
    }
    // A read whenever the running count of reads falls behind n × ratio.
    let reads_before = (n as f64 * ratio).floor() as u64;
    let reads_after = ((n + 1) as f64 * ratio).floor() as u64;
    if reads_after > reads_before {
        Kind::READS[(reads_before % Kind::READS.len() as u64) as usize]
    } else {
        Kind::Intake
    }
}

/// Run the benchmark; returns the JSON report.
pub async fn run(o: Options) -> Result<serde_json::Value> {
    let work = std::env::temp_dir().join(format!("xinfang-bench-http-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let url = o
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", work.display()));
    // A store kept between runs keeps its index beside it (as `serve` does).
    let index = match &o.index_dir {
        Some(d) => d.clone(),
        None => work.join("search-index"),
    };
    prepare(&url, o.cases, &index).await?;

    let mut server = start_server(&url, &index)?;
    let result = drive(&o, &server.1, server.0.id()).await;
    let server_rss = crate::intake::rss_mb_of(&server.0.id().to_string());
    let _ = server.0.kill();
    let _ = server.0.wait();
    let _ = std::fs::remove_dir_all(&work);
    let (mut report, cpu) = result?;
    report["server_rss_mb"] = serde_json::json!(server_rss);
    // CPU seconds over the measured run: the server's per request is what a
    // core buys; the generator's shares the same two cores.
    let requests = report["requests"].as_f64().unwrap_or(0.0).max(1.0);
    report["server_cpu_ms_per_request"] =
        serde_json::json!((cpu.0 * 1000.0 / requests * 1000.0).round() / 1000.0);
    report["generator_cpu_s"] = serde_json::json!((cpu.1 * 10.0).round() / 10.0);
    report["server_cpu_s"] = serde_json::json!((cpu.0 * 10.0).round() / 10.0);
    report["cases"] = serde_json::json!(o.cases);
    report["database"] = serde_json::json!(url.split(':').next().unwrap_or(""));
    Ok(report)
}

/// Fill the store to N cases and bring everything derived up to date before
/// the clock starts: the statistics rollup (rebuilt when cases were copied
/// in, which bypasses the outbox), the search index (rebuilt when new, else
/// caught up) and the notifier's cursor — so the run measures the load, not
/// a server catching up on what earlier runs left behind.
async fn prepare(url: &str, cases: i64, index: &std::path::Path) -> Result<()> {
    let app = crate::setup::filled_app(Some(url.to_string()), "http", cases).await?;
    let before = app.store.count("cases").await?;
    crate::setup::fill(&app, cases).await?;
    if app.store.count("cases").await? != before {
        let t = Instant::now();
        app.store.rebuild_stats().await?;
        eprintln!("  统计汇总重建用时 {:.1} 秒", t.elapsed().as_secs_f64());
    }
    app.store.fold_stats().await?;
    // What `serve` would otherwise do in the first minute of the run
    // (PostgreSQL with autovacuum off): vacuum and analyse the filled tables.
    let t = Instant::now();
    let upkeep = app.store.upkeep_round().await?;
    if !upkeep.vacuumed.is_empty() || !upkeep.analysed.is_empty() {
        eprintln!("  数据库维护用时 {:.1} 秒", t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let fresh = !index.exists();
    app.attach_search(xinfang_search::SearchIndex::open(index)?);
    let n = if fresh {
        app.reindex().await?
    } else {
        let mut n = 0;
        loop {
            match app.index_pending().await? {
                0 => break n,
                k => n += k,
            }
        }
    };
    eprintln!(
        "  检索索引{} {n} 件，用时 {:.1} 秒",
        if fresh { "重建" } else { "补齐" },
        t.elapsed().as_secs_f64()
    );
    while app.notify_feed().await? > 0 {}
    app.store.pool().close().await;
    Ok(())
}

/// `xinfang serve` on a free port, as a child process; returns its base URL.
fn start_server(url: &str, index: &std::path::Path) -> Result<(Child, String)> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .env("XINFANG_SEARCH_INDEX", index)
        .env("XINFANG_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .context("启动 xinfang serve 失败")?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("no stdout")?).read_line(&mut line)?;
    let Some((_, addr)) = line.trim().rsplit_once("http://") else {
        bail!("serve 未打印地址：{line}");
    };
    Ok((child, format!("http://{}", addr.trim_end_matches('/'))))
}

/// Log the staff member in (API token for the case numbers, a page session
/// for the reads) and run the load.
async fn drive(o: &Options, base: &str, server: u32) -> Result<(serde_json::Value, (f64, f64))> {
    settle(server, o.settle).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;
    let creds = [("username", o.staff.as_str()), ("password", "xinfang2026")];
    let login = client
        .post(format!("{base}/login"))
        .form(&creds)
        .send()
        .await?;
    let cookie = login
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .with_context(|| format!("{} 登录失败", o.staff))?;
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": o.staff, "password": "xinfang2026"}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["token"].as_str().context("API 登录失败")?;
    let list: serde_json::Value = client
        .get(format!("{base}/api/v1/cases?limit=200"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    let case_nos: Vec<String> = list["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["case_no"].as_str().map(str::to_string))
        .collect();
    if case_nos.is_empty() && o.read_ratio > 0.0 {
        bail!("{} 看不到任何信访事项，无法测量案件页", o.staff);
    }
    let target = Arc::new(Target {
        base: base.to_string(),
        cookie,
        case_nos,
        client,
    });
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    // A short warm-up (connections, caches), not measured.
    let warm = Instant::now();
    let mut n = 0u64;
    while warm.elapsed() < Duration::from_secs(1) {
        target.send(kind_of(n, o.read_ratio), n + 10_000_000).await;
        n += 1;
    }
    let cpu_before = (cpu_secs_of(server), cpu_secs_of(std::process::id()));
    let (samples, secs) = match o.rate {
        Some(rate) => open_loop(&target, rate, o.duration, o.read_ratio).await,
        None => closed_loop(&target, o.connections, o.duration, o.read_ratio).await,
    };
    let cpu = (
        cpu_secs_of(server) - cpu_before.0,
        cpu_secs_of(std::process::id()) - cpu_before.1,
    );
    if let Ok(path) = std::env::var("XINFANG_BENCH_SAMPLES") {
        // Every request as `kind,at_s,latency_ms,ok`, for plotting a run.
        let lines: Vec<String> = samples
            .iter()
            .map(|s| {
                format!(
                    "{},{:.4},{:.3},{}",
                    s.kind.name(),
                    s.at,
                    s.latency_us as f64 / 1000.0,
                    s.ok
                )
            })
            .collect();
        std::fs::write(&path, lines.join("\n"))?;
    }
    let mut r = summarise(&samples, secs);
    r["mode"] = serde_json::json!(if o.rate.is_some() { "open" } else { "closed" });
    if let Some(rate) = o.rate {
        r["rate"] = serde_json::json!(rate);
    } else {
        r["connections"] = serde_json::json!(o.connections);
    }
    r["read_ratio"] = serde_json::json!(o.read_ratio);
    r["staff"] = serde_json::json!(o.staff);
    r["loadavg_before"] =
        serde_json::json!(load_before.split_whitespace().take(3).collect::<Vec<_>>());
    Ok((r, cpu))
}

/// Leave a new server alone for at least `min` seconds, then until its
/// start-up work (the letter reader's models, the hot-issue terms, the first
/// clock scan) is done: until it used under a tenth of a core over half a
/// second, or two minutes passed. Start-up is not what the run measures.
async fn settle(server: u32, min: f64) {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(min.max(0.0))).await;
    let mut last = cpu_secs_of(server);
    while start.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = cpu_secs_of(server);
        if now - last < 0.05 {
            break;
        }
        last = now;
    }
    eprintln!(
        "  服务启动后静置 {:.1} 秒（启动工作用 CPU {:.1} 秒）",
        start.elapsed().as_secs_f64(),
        last
    );
}

async fn closed_loop(t: &Arc<Target>, clients: usize, secs: f64, ratio: f64) -> (Vec<Sample>, f64) {
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(secs);
    let mut tasks = vec![];
    for c in 0..clients.max(1) as u64 {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = vec![];
            let mut i = 0u64;
            while Instant::now() < end {
                let n = i * clients as u64 + c;
                let kind = kind_of(n, ratio);
                let sent = Instant::now();
                let ok = t.send(kind, n).await;
                out.push(Sample {
                    kind,
                    at: (sent - start).as_secs_f64(),
                    latency_us: sent.elapsed().as_micros() as u64,
                    ok,
                });
                i += 1;
            }
            out
        }));
    }
    let mut all = vec![];
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    (all, start.elapsed().as_secs_f64())
}

async fn open_loop(t: &Arc<Target>, rate: f64, secs: f64, ratio: f64) -> (Vec<Sample>, f64) {
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    // At most this many requests in flight (connections): a stalled server
    // makes later arrivals wait here — their latency still counts from the
    // scheduled arrival — instead of exhausting its file descriptors.
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
    let start = Instant::now();
    let total = (rate * secs) as u64;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        let due = start + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let (t, samples, in_flight) = (t.clone(), samples.clone(), in_flight.clone());
        tasks.spawn(async move {
            let _slot = in_flight.acquire().await;
            let kind = kind_of(n, ratio);
            let ok = t.send(kind, n).await;
            samples.lock().await.push(Sample {
                kind,
                at: (due - start).as_secs_f64(),
                // From the scheduled arrival, not from when it was sent.
                latency_us: due.elapsed().as_micros() as u64,
                ok,
            });
        });
        // Reap finished tasks as we go (memory stays flat over long runs).
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let secs = start.elapsed().as_secs_f64();
    let all = std::mem::take(&mut *samples.lock().await);
    (all, secs)
}

/// Requests in flight at most in the open loop.
const MAX_IN_FLIGHT: usize = 256;

/// A latency quantile in milliseconds.
fn pct(sorted: &[u64], p: f64) -> f64 {
    crate::intake::percentile(sorted, p) as f64 / 1000.0
}

/// Per-kind latency percentiles (ms), throughput, and the worst request.
fn summarise(samples: &[Sample], secs: f64) -> serde_json::Value {
    let mut out = serde_json::json!({
        "secs": (secs * 100.0).round() / 100.0,
        "requests": samples.len(),
        "errors": samples.iter().filter(|s| !s.ok).count(),
        "per_sec": (samples.len() as f64 / secs).round(),
    });
    for kind in Kind::ALL {
        let mut lat: Vec<u64> = samples
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.latency_us)
            .collect();
        if lat.is_empty() {
            continue;
        }
        lat.sort_unstable();
        let mut slow: Vec<&Sample> = samples.iter().filter(|s| s.kind == kind).collect();
        slow.sort_by_key(|s| std::cmp::Reverse(s.latency_us));
        let worst = slow[0];
        // The slowest few and when they came: stalls with a period show here.
        let slowest: Vec<[f64; 2]> = slow
            .iter()
            .take(8)
            .map(|s| [(s.at * 100.0).round() / 100.0, s.latency_us as f64 / 1000.0])
            .collect();
        out[kind.name()] = serde_json::json!({
            "n": lat.len(),
            "per_sec": (lat.len() as f64 / secs).round(),
            "errors": samples.iter().filter(|s| s.kind == kind && !s.ok).count(),
            "p50_ms": pct(&lat, 0.5),
            "p95_ms": pct(&lat, 0.95),
            "p99_ms": pct(&lat, 0.99),
            "p999_ms": pct(&lat, 0.999),
            "max_ms": worst.latency_us as f64 / 1000.0,
            "max_at_s": (worst.at * 100.0).round() / 100.0,
            "slowest": slowest,
        });
    }
    out
}

/// User + system CPU seconds a process has used (Linux), 0 elsewhere.
fn cpu_secs_of(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at state.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_come_at_the_stated_ratio_and_in_turn() {
        for ratio in [0.0, 0.1, 0.25, 0.5] {
            let kinds: Vec<Kind> = (0..1000).map(|n| kind_of(n, ratio)).collect();
            let reads = kinds.iter().filter(|k| **k != Kind::Intake).count();
            assert_eq!(reads, (1000.0 * ratio) as usize, "ratio {ratio}");
            for read in Kind::READS {
                let n = kinds.iter().filter(|k| **k == read).count();
                assert!(n.abs_diff(reads / 4) <= 1, "{read:?} at {ratio}: {n}");
            }
        }
    }
}
