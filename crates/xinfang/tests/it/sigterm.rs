//! `serve` stopped by SIGTERM (systemd, Docker, Kubernetes) drains and
//! writes the final SM2-signed anchor of the audit chain, as on Ctrl-C
//! (issue #20): `anchors.log` gains a line naming the head at exit, and
//! `audit verify --anchors` accepts the chain against it.

use crate::crypto::{ok, temp_dir, xinfang};
use crate::server::Node;

fn anchor_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn sigterm_writes_the_final_anchor() {
    let dir = temp_dir("sigterm");
    let url = format!("sqlite://{}", dir.join("s.db").display());
    ok(&xinfang(
        &["demo", "--cases", "5", "--database-url", &url],
        &[],
    ));
    let anchors = dir.join("anchors.log");
    let mut node = Node::start(&url, &[]);
    // A sign-in: the head moves past anything anchored so far.
    node.api_token(&reqwest::Client::new(), "shangcheng_xfj")
        .await;
    let before = anchor_lines(&anchors);
    let status = node.terminate();
    assert!(status.success(), "serve exited with {status}");
    let after = anchor_lines(&anchors);
    assert_eq!(after.len(), before.len() + 1, "one anchor written at exit");
    let out = ok(&xinfang(
        &[
            "audit",
            "verify",
            "--database-url",
            &url,
            "--anchors",
            anchors.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(
        out.contains("审计链完整") && out.contains("锚点相符"),
        "{out}"
    );
    // The last anchor names the head at exit: past every earlier anchor
    // (the sign-in moved it), at most the anchor's own entry behind.
    let seq = |l: &str| {
        serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
            .as_i64()
            .unwrap()
    };
    let events: i64 = {
        let store = xinfang_store::Store::connect(&url).await.unwrap();
        store.count("events").await.unwrap()
    };
    let last = seq(after.last().unwrap());
    assert!(
        before.iter().all(|l| seq(l) < last),
        "{before:?} then {last}"
    );
    assert!(last >= events - 1, "anchored {last} of {events}");
    let _ = std::fs::remove_dir_all(&dir);
}
