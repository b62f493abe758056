//! The served OpenAPI document (`/api/openapi.json`) against the committed
//! snapshot `snapshots/openapi.json`, so that a change to the API's
//! published contract shows up as a reviewed diff, never by accident.
//! After an intended change, rewrite the snapshot with
//! `UPDATE_SNAPSHOTS=1 cargo test -p xinfang-web --test integration openapi_snapshot`
//! and commit it.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/snapshots/openapi.json"
);

/// The first place (a JSON pointer) where `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, &here),
                    _ => Some(here),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}"))),
        _ => (a != b).then(|| at.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_its_snapshot() {
    let app = TestApp::new(Backend::Sqlite)
        .await
        .expect("sqlite test app");
    let (s, served) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        let text = serde_json::to_string_pretty(&served).unwrap() + "\n";
        std::fs::create_dir_all(std::path::Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, text).unwrap();
        return;
    }
    let committed: Value = std::fs::read_to_string(SNAPSHOT)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    if let Some(at) = first_difference(&committed, &served, "") {
        panic!(
            "the served OpenAPI document differs from {SNAPSHOT} at `{at}`.\n\
             If the change is intended, rewrite the snapshot and commit it:\n  \
             UPDATE_SNAPSHOTS=1 cargo test -p xinfang-web --test integration openapi_snapshot"
        );
    }
}
