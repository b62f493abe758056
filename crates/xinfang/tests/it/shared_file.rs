//! A running server and an operator's command on the same SQLite file.
//!
//! `serve` keeps the file open all day while operators run `xinfang audit
//! verify` or `backup` beside it. Each of those opens the file and closes
//! it on exit; if the server's own locks on the file were gone (a descriptor
//! of the database closed anywhere in the server process drops them all),
//! the command's exit deleted the WAL, and every later commit of the server
//! went to an unlinked file: acknowledged, and lost.

use std::process::Command;
use std::time::Duration;

fn verified(url: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_xinfang"))
        .args(["audit", "verify", "--database-url", url])
        .env_remove("XINFANG_DATABASE_URL")
        .output()
        .expect("run xinfang");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[tokio::test]
async fn commits_after_an_operator_command_stay_visible() {
    let dir = std::env::temp_dir().join(format!("xinfang-shared-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/shared.db", dir.display());
    let store = xinfang_store::Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let payload = serde_json::json!({"what": "test"});
    for round in 0..3 {
        // Writes, then time for the checkpointer to copy (and sync) them.
        for _ in 0..20 {
            store
                .audit("audit", "login", "tester", &payload)
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
        let before = store.verify_chain().await.unwrap().unwrap();
        assert!(
            verified(&url).contains(&format!("已校验 {before} 条")),
            "round {round}: the command sees the server's {before} events"
        );
        // The command has exited; the server writes on.
        let after = store
            .audit("audit", "login", "tester", &payload)
            .await
            .unwrap();
        assert_eq!(after, before + 1);
        assert!(
            verified(&url).contains(&format!("已校验 {after} 条")),
            "round {round}: a commit made after the command exited is seen by the next one: {}",
            verified(&url)
        );
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue #17 item 6: the operator's commands in a loop beside `serve` while
/// petitions come in. Intake never stops answering 201, and every petition
/// it acknowledged is there at the end, with the audit chain intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_goes_on_while_operator_commands_run_beside_serve() {
    use crate::server::{bin, petition, Node};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let dir = std::env::temp_dir().join(format!("xinfang-beside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/beside.db", dir.display());
    let cli = |args: &[&str]| {
        Command::new(bin())
            .args(args)
            .args(["--database-url", &url])
            .env_remove("XINFANG_DATABASE_URL")
            .env("XINFANG_LOG", "error")
            .output()
            .expect("run xinfang")
    };
    let o = cli(&["demo", "--cases", "20"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let node = Node::start(&url, &[]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let refused: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = vec![];
    for w in 0..3u32 {
        let (client, base) = (client.clone(), node.base.clone());
        let (acked, refused, stop) = (acked.clone(), refused.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let r = client
                    .post(format!("{base}/api/v1/petitions"))
                    .json(&petition(w, i))
                    .send()
                    .await
                    .expect("the server answers");
                let status = r.status();
                let v: serde_json::Value = r.json().await.unwrap_or_default();
                if status == 201 {
                    let no = v["case_no"].as_str().unwrap().to_string();
                    let code = v["query_code"].as_str().unwrap().to_string();
                    acked.lock().unwrap().push((no, code));
                } else {
                    refused.lock().unwrap().push(format!("{status} {v}"));
                }
                i += 1;
            }
        }));
    }
    let acked_now = || acked.lock().unwrap().len();
    // Each command runs while petitions arrive; after it exits, intake goes on.
    let commands: [&[&str]; 4] = [
        &["audit", "verify"],
        &["backup", "--to", "BACKUP"],
        &["stats", "rebuild"],
        &["reindex"],
    ];
    for round in 0..2 {
        for (n, cmd) in commands.iter().enumerate() {
            let backup = dir
                .join(format!("backup-{round}-{n}.db"))
                .display()
                .to_string();
            let args: Vec<&str> = cmd
                .iter()
                .map(|a| if *a == "BACKUP" { backup.as_str() } else { a })
                .collect();
            let before = acked_now();
            let o = cli(&args);
            assert!(
                o.status.success(),
                "{args:?} beside serve: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            let t0 = std::time::Instant::now();
            while acked_now() < before + 20 {
                assert!(
                    t0.elapsed() < Duration::from_secs(30),
                    "intake stalled after {args:?}: {:?}",
                    refused.lock().unwrap()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    assert!(
        refused.lock().unwrap().is_empty(),
        "no petition refused: {:?}",
        refused.lock().unwrap()
    );
    let acked = acked.lock().unwrap().clone();
    for (case_no, code) in &acked {
        let r = client
            .get(format!("{}/api/v1/petitions/{case_no}", node.base))
            .header("x-query-code", code.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged {case_no} is there");
    }
    drop(node);
    let o = cli(&["audit", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}
