//! Stateless web nodes (issue #7, "way past one machine"): two `xinfang serve`
//! processes on ONE PostgreSQL database, each with its own search-index
//! directory, behave as one service. What one node registers the other
//! tracks, lists and finds by full-text search (its index fed from the shared
//! outbox, not from the other node), and a login on one node — API token or
//! browser session — is honoured by the other, because sessions and tokens
//! live in the database. PostgreSQL only: SQLite is a single-machine store.

use crate::server::{bin, Node};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A node with its own index directory, its caches refreshed every second.
fn node(url: &str, index: &Path) -> Node {
    let index = index.display().to_string();
    Node::start(
        url,
        &[
            ("XINFANG_SEARCH_INDEX", &index),
            ("XINFANG_CACHE_REFRESH_SECS", "1"),
        ],
    )
}

/// `q` percent-encoded for a query string.
fn pct(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn case_nos(v: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {v}"))
        .iter()
        .filter_map(|h| h[field].as_str().map(str::to_string))
        .collect()
}

async fn two_nodes_one_database(url: String, dir: &Path) {
    let o = Command::new(bin())
        .args(["demo", "--cases", "0", "--database-url", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = node(&url, &dir.join("index-a"));
    let b = node(&url, &dir.join("index-b"));
    assert_ne!(a.base, b.base);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // API login on node A; the token is used on node B only.
    let token = a.api_token(&http, "shangcheng_xfj").await;

    // Staff registration on node A.
    let r = http
        .post(format!("{}/api/v1/cases", a.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "channel": "letter",
            "petitioners": [{"name": "王双节", "address": "上城区湖滨街道"}],
            "request": "要求疏通双节点小区堵塞的雨水管网",
            "facts": "双节点小区雨水管网堵塞三个月，暴雨后地下车库进水。",
            "region_code": "330102"
        }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    let staff_case = v["case_no"].as_str().unwrap().to_string();

    // Online petition on node A, tracked with its query code on node B.
    let r = http
        .post(format!("{}/api/v1/petitions", a.base))
        .json(&serde_json::json!({
            "petitioners": [{"name": "赵在线", "address": "上城区"}],
            "request": "要求查处跨节点菜市场占道经营",
            "region_code": "330102"
        }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    let (online_case, code) = (
        v["case_no"].as_str().unwrap().to_string(),
        v["query_code"].as_str().unwrap().to_string(),
    );
    let r = http
        .get(format!("{}/api/v1/petitions/{online_case}", b.base))
        .header("x-query-code", code.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "online petition from A tracked on B");

    // Node A's token on node B: detail and list.
    let r = http
        .get(format!("{}/api/v1/cases/{staff_case}", b.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "A's token and A's case on B");
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/cases?limit=500", b.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = case_nos(&v, "cases", "case_no");
    assert!(listed.contains(&staff_case), "{v}");
    assert!(listed.contains(&online_case), "{v}");

    // Full-text search on node B: its own index, fed from the shared outbox.
    let mut found = vec![];
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(30) {
        let v: serde_json::Value = http
            .get(format!("{}/api/v1/search?q={}", b.base, pct("雨水管网")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        found = case_nos(&v, "hits", "case_no");
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(found, vec![staff_case.clone()], "B's index found A's case");
    assert!(
        dir.join("index-b").read_dir().unwrap().next().is_some(),
        "node B wrote its own index directory"
    );

    // Browser session made on node A is honoured on node B.
    let r = http
        .post(format!("{}/login", a.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=shangcheng_xfj&password=xinfang2026")
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("session cookie from A")
        .to_string();
    let r = http
        .get(format!("{}/work/cases/{staff_case}", b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "A's session on B");
    let html = r.text().await.unwrap();
    assert!(html.contains("雨水管网"), "case page on B");
    // Without the session node B sends the visitor to log in.
    let r = http
        .get(format!("{}/work/cases/{staff_case}", b.base))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 200);

    // An administrator's change on node A (a stricter 转送 period) reaches
    // node B's cached clock rules through the periodic cache refresh.
    let admin = a.api_token(&http, "admin").await;
    let forward_days = |base: String| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let v: serde_json::Value = http
                .get(format!("{base}/api/v1/clock-rules"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let rules = v["rules"].as_array().cloned().unwrap_or_default();
            let forward = rules.into_iter().find(|r| r["kind"] == "forward").unwrap();
            (forward["spec"]["amount"].as_i64().unwrap(), forward)
        }
    };
    let (days, mut strict) = forward_days(b.base.clone()).await;
    assert_eq!(days, 15);
    strict["spec"] = serde_json::json!({"amount": 5, "counting": "working_days", "rollover": true});
    let r = http
        .put(format!("{}/api/v1/clock-rules", a.base))
        .bearer_auth(&admin)
        .json(&strict)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(forward_days(a.base.clone()).await.0, 5);
    let t0 = Instant::now();
    let mut days = 15;
    while t0.elapsed() < Duration::from_secs(20) && days != 5 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        days = forward_days(b.base.clone()).await.0;
    }
    assert_eq!(days, 5, "node B follows node A's rule change");

    // Both nodes appended to the one hash chain; it still verifies.
    drop(b);
    drop(a);
    let o = Command::new(bin())
        .args(["audit", "verify", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "one chain for both nodes: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_share_one_postgres_database() {
    let Some(admin) = std::env::var("XINFANG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("XINFANG_TEST_PG_URL not set: two-node test needs PostgreSQL, not run");
        return;
    };
    let name = format!("xinfang_two_nodes_{}", std::process::id());
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
    let dir = std::env::temp_dir().join(format!("xinfang-two-nodes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    two_nodes_one_database(format!("{base}/{name}"), &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}
