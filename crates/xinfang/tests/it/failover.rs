//! Failover under load (issue #21): a pg_auto_failover cluster
//! (`scripts/pg-cluster.sh`: monitor, primary, synchronous standby) and one
//! `xinfang serve` on the multi-host URL. Clients submit online petitions
//! with idempotency keys, retrying on 503/timeouts with the same key; the
//! primary (keeper and postgres) is SIGKILLed mid-load. Then: the standby was
//! promoted, serve accepted again by itself (N seconds, printed), every
//! acknowledged petition is trackable with its query code, no key has two
//! cases, a retry of every key answers the same case and code, the audit
//! chain verifies, and the old primary rejoins as a standby.
//!
//! Runs where `pg_autoctl` is installed (`scripts/test.sh` installs
//! postgresql-15-auto-failover) and as root (the cluster runs as `postgres`);
//! otherwise it says so and passes without running. Bounded: every wait has
//! a deadline, every call of the cluster script runs under `timeout`, and a
//! watchdog tears the cluster and the server down (printing the cluster's
//! state and logs) if the whole test is not done in ten minutes — a hung
//! test once held CI until its 90 minutes ran out. It takes about a minute.

use crate::server::{bin, petition, Node};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-cluster.sh")
}

/// The cluster script under `timeout`: a call that hangs is killed after
/// `secs` and fails its caller instead of holding the test.
fn cluster_script(secs: u32) -> Command {
    let mut c = Command::new("timeout");
    c.args(["--kill-after=5", &secs.to_string(), "bash"])
        .arg(script());
    c
}

/// The cluster of this test (own directory and ports); torn down on drop.
struct Cluster {
    dir: String,
}

impl Cluster {
    fn run(&self, args: &[&str]) -> String {
        let o = cluster_script(180)
            .args(args)
            .args(["--dir", &self.dir])
            .output()
            .expect("run pg-cluster.sh");
        assert!(
            o.status.success(),
            "pg-cluster.sh {args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = cluster_script(60)
            .args(["down", "--dir", &self.dir])
            .output();
    }
}

/// The whole test's deadline. When it passes, the watchdog writes the
/// cluster's state and the tail of every log to stderr (straight, not
/// through the test harness's capture), kills the server and tears the
/// cluster down, so whatever call is blocked returns and the test fails;
/// if the test is still not done a minute later, it ends the process.
struct Watchdog {
    done: Arc<AtomicBool>,
    serve_pid: Arc<AtomicU32>,
}

impl Watchdog {
    fn arm(dir: &str, limit: Duration) -> Watchdog {
        let done = Arc::new(AtomicBool::new(false));
        let serve_pid = Arc::new(AtomicU32::new(0));
        let (d, pid, dir) = (done.clone(), serve_pid.clone(), dir.to_string());
        std::thread::spawn(move || {
            let t = Instant::now();
            while t.elapsed() < limit {
                if d.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            let mut report =
                format!("failover test not done after {limit:?}: cluster state and logs follow\n");
            let state = cluster_script(20)
                .args(["status", "--dir", &dir])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            report.push_str(&state);
            for log in ["monitor", "node1", "node2"] {
                let text = std::fs::read_to_string(format!("{dir}/{log}.log")).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                report.push_str(&format!("--- {log}.log (last 30 lines)\n"));
                for line in tail.into_iter().rev() {
                    report.push_str(line);
                    report.push('\n');
                }
            }
            let _ = std::io::stderr().write_all(report.as_bytes());
            let p = pid.load(Ordering::SeqCst);
            if p != 0 {
                let _ = Command::new("kill").args(["-9", &p.to_string()]).output();
            }
            let _ = cluster_script(60).args(["down", "--dir", &dir]).output();
            std::thread::sleep(Duration::from_secs(60));
            if !d.load(Ordering::SeqCst) {
                let _ = std::io::stderr()
                    .write_all(b"failover test still blocked: ending the test process\n");
                std::process::exit(2);
            }
        });
        Watchdog { done, serve_pid }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

fn available() -> bool {
    let has = |c: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    has("pg_autoctl") && has("runuser") && root
}

/// Tear down the clusters of earlier runs whose test process is gone (a
/// run killed mid-test leaves its servers behind, on ports a later run may
/// pick).
fn reap_stale_clusters() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(owner) = name
            .strip_prefix("xinfang-failover-")
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if std::path::Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        let _ = cluster_script(60)
            .args(["down", "--dir", &format!("/tmp/{name}")])
            .output();
    }
}

/// The first base port from `start` (stepping by 4) whose three ports
/// (monitor, node1, node2) nothing listens on.
fn free_ports(start: u32) -> u32 {
    let free = |p: u32| std::net::TcpListener::bind(("127.0.0.1", p as u16)).is_ok();
    (0..80)
        .map(|k| 5500 + (start - 5500 + 4 * k) % 320)
        .find(|&b| (b..b + 3).all(free))
        .expect("no free ports for the cluster between 5500 and 5820")
}

/// One acknowledged submission.
#[derive(Clone, Debug)]
struct Ack {
    key: String,
    case_no: String,
    code: String,
    /// When the key was first sent, and when it was acknowledged.
    sent: Instant,
    at: Instant,
}

/// Submit `body` under `key` until it is acknowledged (retrying on 503,
/// timeouts and refused connections with the same key), or `deadline`.
async fn submit(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    body: &serde_json::Value,
    deadline: Instant,
    unavailable: &Mutex<u32>,
) -> Option<(u16, serde_json::Value)> {
    while Instant::now() < deadline {
        let r = http
            .post(format!("{base}/api/v1/petitions"))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await;
        match r {
            Ok(r) if r.status() == 201 || r.status() == 200 => {
                let status = r.status().as_u16();
                if let Ok(v) = r.json().await {
                    return Some((status, v));
                }
            }
            Ok(r) if r.status() == 503 => {
                assert!(
                    r.headers().contains_key("retry-after"),
                    "503 without Retry-After"
                );
                let v: serde_json::Value = r.json().await.unwrap_or_default();
                assert_eq!(v["code"], "database_unavailable", "{v}");
                *unavailable.lock().unwrap() += 1;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Ok(r) => panic!("unexpected answer {}: {:?}", r.status(), r.text().await),
            Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    }
    None
}

/// Read replicas (`--read-database-url`): with the standby as replica, heavy
/// reads run on the standby once it is measured fresh, and on the primary
/// inside `on_primary` (a client's reads right after its own write).
async fn replica_reads(cluster: &Cluster, port: u32, url: &str) {
    let primary = cluster.run(&["primary"]);
    let standby_port = if primary.ends_with(&format!(":{}", port + 1)) {
        port + 2
    } else {
        port + 1
    };
    let replica = format!("postgres://postgres@127.0.0.1:{standby_port}/xinfang");
    let store = xinfang_store::Store::connect(url)
        .await
        .unwrap()
        .with_read_replicas(&[replica])
        .await
        .unwrap();
    let t = Instant::now();
    while store.replica_status() != (1, 1) {
        assert!(t.elapsed() < Duration::from_secs(20), "replica never fresh");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        store.reads_from_standby().await.unwrap(),
        "heavy reads on the standby"
    );
    let own = xinfang_store::on_primary(store.reads_from_standby()).await;
    assert!(!own.unwrap(), "read-your-writes reads on the primary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failover_under_load_loses_nothing_acknowledged() {
    if !available() {
        eprintln!(
            "pg_autoctl (postgresql-15-auto-failover) or root missing: failover test not run"
        );
        return;
    }
    let started = Instant::now();
    let pid = std::process::id();
    reap_stale_clusters();
    let port = free_ports(5500 + (pid % 80) * 4);
    let cluster = Cluster {
        dir: format!("/tmp/xinfang-failover-{pid}"),
    };
    let watchdog = Watchdog::arm(&cluster.dir, Duration::from_secs(600));
    let up = cluster_script(300)
        .args(["up", "--dir", &cluster.dir, "--port", &port.to_string()])
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "cluster up: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let url = cluster.run(&["url"]);
    let o = Command::new(bin())
        .args(["demo", "--cases", "0", "--database-url", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    replica_reads(&cluster, port, &url).await;
    let node = Node::start(&url, &[]);
    watchdog.serve_pid.store(node.child.id(), Ordering::SeqCst);
    let base = node.base.clone();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(8))
        .build()
        .unwrap();

    // Load: 4 clients, one key per petition, each retried until acknowledged.
    let acked: Arc<Mutex<Vec<Ack>>> = Arc::default();
    let unavailable: Arc<Mutex<u32>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut tasks = vec![];
    for w in 0..4u32 {
        let (http, base, acked, unavailable, stop) = (
            http.clone(),
            base.clone(),
            acked.clone(),
            unavailable.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let key = format!("failover-{pid}-{w}-{i:06}");
                let body = petition(w, i);
                let sent = Instant::now();
                let Some((status, v)) =
                    submit(&http, &base, &key, &body, deadline, &unavailable).await
                else {
                    panic!("{key} never acknowledged");
                };
                assert!(status == 201 || v["replayed"] == true, "{v}");
                acked.lock().unwrap().push(Ack {
                    key,
                    case_no: v["case_no"].as_str().unwrap().into(),
                    code: v["query_code"].as_str().unwrap().into(),
                    sent,
                    at: Instant::now(),
                });
                i += 1;
            }
        }));
    }
    let wait_acks = |n: usize, secs: u64| {
        let acked = acked.clone();
        async move {
            let t = Instant::now();
            while acked.lock().unwrap().len() < n {
                assert!(
                    t.elapsed() < Duration::from_secs(secs),
                    "only {} acknowledged",
                    acked.lock().unwrap().len()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    wait_acks(80, 60).await;

    // SIGKILL the primary: its keeper and its postgres.
    let primary = cluster.run(&["primary"]);
    let old = if primary.ends_with(&format!(":{}", port + 1)) {
        "node1"
    } else {
        "node2"
    };
    let before_kill = acked.lock().unwrap().len();
    let killed_at = Instant::now();
    cluster.run(&["kill", old]);
    // Promotion: the other node becomes the primary.
    let promoted = loop {
        let p = cluster.run(&["primary"]);
        if !p.is_empty() && p != primary {
            break killed_at.elapsed();
        }
        assert!(
            killed_at.elapsed() < Duration::from_secs(60),
            "no promotion"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // serve accepts again by itself.
    wait_acks(before_kill + 80, 90).await;
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    // N: from the kill to the first acknowledgement of a petition first
    // sent after it; and the longest time without any acknowledgement.
    let resumed = acked
        .iter()
        .filter(|a| a.sent > killed_at)
        .map(|a| a.at - killed_at)
        .min()
        .unwrap();
    let mut times: Vec<Instant> = acked.iter().map(|a| a.at).collect();
    times.sort();
    let gap = times.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    eprintln!(
        "failover: {} acknowledged ({before_kill} before the kill), standby promoted after {:.1} s, serve accepting again after {:.1} s (longest time without an acknowledgement {:.1} s), {} answers 503",
        acked.len(),
        promoted.as_secs_f64(),
        resumed.as_secs_f64(),
        gap.as_secs_f64(),
        unavailable.lock().unwrap()
    );
    assert!(
        resumed < Duration::from_secs(30),
        "serve resumed after {resumed:?}"
    );

    // Every acknowledged petition is there, trackable with its code.
    for a in &acked {
        let r = http
            .get(format!("{base}/api/v1/petitions/{}", a.case_no))
            .header("x-query-code", a.code.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "acknowledged {} lost in the failover",
            a.case_no
        );
    }
    // One case per key, and a retry of a key answers the same case and code.
    let nos: HashSet<&str> = acked.iter().map(|a| a.case_no.as_str()).collect();
    assert_eq!(nos.len(), acked.len(), "two keys got one case number");
    let by_key: HashMap<&str, &Ack> = acked.iter().map(|a| (a.key.as_str(), a)).collect();
    for a in acked.iter().step_by(7) {
        let (w, i) = {
            let mut parts = a.key.rsplit('-');
            let i: u32 = parts.next().unwrap().parse().unwrap();
            let w: u32 = parts.next().unwrap().parse().unwrap();
            (w, i)
        };
        let never = Mutex::new(0);
        let (status, v) = submit(
            &http,
            &base,
            &a.key,
            &petition(w, i),
            Instant::now() + Duration::from_secs(20),
            &never,
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["case_no"], by_key[a.key.as_str()].case_no.as_str());
        assert_eq!(v["query_code"], a.code.as_str());
    }
    drop(node);
    let store = xinfang_store::Store::connect(&url).await.unwrap();
    assert_eq!(
        store.count("cases").await.unwrap() as usize,
        acked.len(),
        "every stored case was acknowledged once (no duplicate, no orphan)"
    );
    drop(store);
    let o = Command::new(bin())
        .args(["audit", "verify", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "chain intact after failover: {}",
        String::from_utf8_lossy(&o.stdout)
    );

    // The old primary rejoins as a standby.
    let t = Instant::now();
    cluster.run(&["start", old]);
    cluster.run(&["wait-standby", old]);
    eprintln!(
        "failover: {old} rejoined as standby after {:.1} s; test took {:.0} s\n{}",
        t.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64(),
        cluster.run(&["status"])
    );
}
