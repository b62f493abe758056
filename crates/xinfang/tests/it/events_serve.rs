//! `serve` runs the event pumps (issue #19): a real server process with
//! `XINFANG_AMQP_URL` set delivers a registration to a webhook endpoint
//! registered through its API (a receiver started by the test) and
//! publishes it to the broker on this machine (its AMQP cursor reaches the
//! head of the log) — nothing of it in the request that registered it.

use crate::server::{bin, petition, Node};
use axum::extract::State;
use axum::http::HeaderMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Got = Arc<Mutex<Vec<(String, String)>>>;

async fn receive(State(got): State<Got>, headers: HeaderMap, body: String) -> &'static str {
    let sig = headers
        .get("x-xinfang-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    got.lock().unwrap().push((sig, body));
    "ok"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_delivers_webhooks_and_publishes_to_amqp() {
    let dir = std::env::temp_dir().join(format!("xinfang-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/events.db", dir.display());
    let o = Command::new(bin())
        .args(["demo", "--cases", "0", "--database-url", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let got: Got = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(got.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let node = Node::start(
        &url,
        &[
            ("XINFANG_EVENTS_EVERY_MS", "100"),
            ("XINFANG_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f"),
        ],
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let token = node.api_token(&http, "admin").await;
    let units: serde_json::Value = http
        .get(format!("{}/api/v1/units", node.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bureau = units["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "杭州市上城区信访局")
        .expect("the district bureau")["id"]
        .as_i64()
        .unwrap();
    let r = http
        .post(format!("{}/api/v1/admin/webhooks", node.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "区社会治理中心", "url": hook_url, "kinds": ["registered"], "scope_unit": bureau}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let secret = r.json::<serde_json::Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();

    // The publisher took its place at the head of the log when serve started.
    let store = xinfang_store::Store::connect(&url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let start = loop {
        let c = store.pump_cursor("amqp").await.unwrap();
        if c > 0 {
            break c;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not start publishing to RabbitMQ (is it running? scripts/test.sh starts it)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let r = http
        .post(format!("{}/api/v1/petitions", node.base))
        .json(&petition(1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let case_no = r.json::<serde_json::Value>().await.unwrap()["case_no"]
        .as_str()
        .unwrap()
        .to_string();

    loop {
        if let Some((sig, body)) = got.lock().unwrap().first().cloned() {
            assert!(body.contains(&case_no), "{body}");
            assert_eq!(
                sig,
                xinfang_app::events::webhook::sign(&secret, body.as_bytes())
            );
            break;
        }
        assert!(Instant::now() < deadline, "no webhook delivery from serve");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let head = store.max_event_seq().await.unwrap();
    assert!(head > start);
    loop {
        if store.pump_cursor("amqp").await.unwrap() >= head {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not publish to RabbitMQ (is it running? scripts/test.sh starts it)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}
