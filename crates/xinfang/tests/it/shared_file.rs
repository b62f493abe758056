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
