//! Crash safety (issue #7): a real server process takes concurrent online
//! submissions, is killed with SIGKILL mid-load, restarts, and every
//! submission it acknowledged (201 with a case number) is present and
//! trackable with its query code — on SQLite and on PostgreSQL.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_xinfang")
}

/// Start `xinfang serve` on a free port; returns the child and its base URL.
fn start(url: &str) -> (Child, String) {
    let mut child = Command::new(bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .env("XINFANG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .expect("read banner");
    let base = line
        .trim()
        .rsplit_once("http://")
        .map(|(_, a)| format!("http://{}", a.trim_end_matches('/')))
        .expect("url in banner");
    (child, base)
}

fn id_with_check(body17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{body17}{}", C[(sum % 11) as usize])
}

async fn crash_and_recover(url: String) {
    let o = Command::new(bin())
        .args(["demo", "--cases", "0", "--database-url", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (mut child, base) = start(&url);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut tasks = vec![];
    for w in 0..6u32 {
        let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..400u32 {
                let id = id_with_check(&format!("3301021980{:02}{:02}{:03}", w + 1, (i % 28) + 1, i % 1000));
                let body = serde_json::json!({
                    "petitioners": [{"name": format!("测试{w}号{i}"), "id_number": id, "address": "上城区"}],
                    "request": format!("第{w}组第{i}件：要求解决小区第{i}号楼漏水问题"),
                    "region_code": "330102"
                });
                match client.post(format!("{base}/api/v1/petitions")).json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        let v: serde_json::Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => return,
                        };
                        acked.lock().unwrap().push((v["case_no"].as_str().unwrap().into(), v["query_code"].as_str().unwrap().into()));
                    }
                    _ => return, // the server is gone
                }
            }
        }));
    }
    // Kill it mid-load.
    let t0 = Instant::now();
    while acked.lock().unwrap().len() < 60 && t0.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill9(&mut child);
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 60,
        "load reached the server: {}",
        acked.len()
    );

    let (mut child, base) = start(&url);
    for (case_no, code) in &acked {
        let r = client
            .get(format!("{base}/api/v1/petitions/{case_no}"))
            .header("x-query-code", code.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged {case_no} lost after SIGKILL");
    }
    let _ = child.kill();
    let _ = child.wait();
    let o = Command::new(bin())
        .args(["audit", "verify", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "chain intact after crash: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

fn kill9(child: &mut Child) {
    // std's Child::kill sends SIGKILL on Unix.
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_submission_sqlite() {
    let dir = std::env::temp_dir().join(format!("xinfang-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    crash_and_recover(format!("sqlite://{}/crash.db", dir.display())).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_submission_postgres() {
    let Some(admin) = std::env::var("XINFANG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let name = format!("xinfang_crash_{}", std::process::id());
    let store = xinfang_store::Store::connect(&admin).await.unwrap();
    store
        .execute_raw(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap();
    store
        .execute_raw(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    crash_and_recover(format!("{base}/{name}")).await;
}
