//! Crash safety (issue #7): a real server process takes concurrent online
//! submissions, is killed with SIGKILL mid-load, restarts, and every
//! submission it acknowledged (201 with a case number) is present and
//! trackable with its query code — on SQLite and on PostgreSQL.

use crate::server::{bin, petition, Node};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn crash_and_recover(url: String) {
    let o = Command::new(bin())
        .args(["demo", "--cases", "0", "--database-url", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut node = Node::start(&url, &[]);
    let base = node.base.clone();
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
                let body = petition(w, i);
                match client
                    .post(format!("{base}/api/v1/petitions"))
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 201 => {
                        let v: serde_json::Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => return,
                        };
                        acked.lock().unwrap().push((
                            v["case_no"].as_str().unwrap().into(),
                            v["query_code"].as_str().unwrap().into(),
                        ));
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
    node.kill9();
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 60,
        "load reached the server: {}",
        acked.len()
    );

    let node = Node::start(&url, &[]);
    let base = node.base.clone();
    for (case_no, code) in &acked {
        let r = client
            .get(format!("{base}/api/v1/petitions/{case_no}"))
            .header("x-query-code", code.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged {case_no} lost after SIGKILL");
    }
    drop(node);
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
