//! The served OpenAPI document (`/api/openapi.json`) against the committed
//! snapshot `snapshots/openapi.json`, so that a change to the API's
//! published contract shows up as a reviewed diff, never by accident — in
//! particular while the document moves from hand-written JSON to one
//! generated from the handlers' types (issue #18 item 3).
//! After an intended change, rewrite the snapshot (pretty-printed, keys in
//! sorted order) and commit it:
//! `XINFANG_UPDATE_SNAPSHOTS=1 cargo test -p xinfang-web --test integration openapi_snapshot`.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/snapshots/openapi.json"
);
const UPDATE: &str = "XINFANG_UPDATE_SNAPSHOTS";
/// Differences listed in a failure, at most.
const SHOWN: usize = 20;

/// One place (a JSON pointer) where the snapshot and the served document
/// differ, with what each has there (`None`: absent).
struct Difference {
    at: String,
    committed: Option<Value>,
    served: Option<Value>,
}

/// Every place where `committed` and `served` differ, outermost first.
fn differences(committed: &Value, served: &Value, at: &str, out: &mut Vec<Difference>) {
    match (committed, served) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => differences(p, q, &here, out),
                    (p, q) => out.push(Difference {
                        at: here,
                        committed: p.cloned(),
                        served: q.cloned(),
                    }),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, &format!("{at}/{i}"), out);
            }
        }
        _ if committed != served => out.push(Difference {
            at: at.to_string(),
            committed: Some(committed.clone()),
            served: Some(served.clone()),
        }),
        _ => {}
    }
}

/// A value in one line, cut short.
fn brief(v: &Option<Value>) -> String {
    let text = v.as_ref().map_or("(absent)".to_string(), Value::to_string);
    match text.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_its_snapshot() {
    let app = TestApp::new(Backend::Sqlite)
        .await
        .expect("sqlite test app");
    let (s, served) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    if std::env::var(UPDATE).as_deref() == Ok("1") {
        let text = serde_json::to_string_pretty(&served).unwrap() + "\n";
        std::fs::create_dir_all(std::path::Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, text).unwrap();
        return;
    }
    let committed: Value = std::fs::read_to_string(SNAPSHOT)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let mut found = Vec::new();
    differences(&committed, &served, "", &mut found);
    if found.is_empty() {
        return;
    }
    let listed: String = found
        .iter()
        .take(SHOWN)
        .map(|d| {
            format!(
                "  {}\n    snapshot: {}\n    served:   {}\n",
                if d.at.is_empty() { "/" } else { &d.at },
                brief(&d.committed),
                brief(&d.served)
            )
        })
        .collect();
    let more = found.len().saturating_sub(SHOWN);
    panic!(
        "the served OpenAPI document differs from {SNAPSHOT} in {} place(s):\n{listed}{}\
         If the change is intended, rewrite the snapshot and commit it:\n  \
         {UPDATE}=1 cargo test -p xinfang-web --test integration openapi_snapshot",
        found.len(),
        if more > 0 {
            format!("  … and {more} more\n")
        } else {
            String::new()
        }
    );
}

/// Every `$ref` of `v` (with where it stands), for
/// [`every_reference_in_the_openapi_document_resolves`].
fn references<'a>(v: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((at.to_string(), r));
            }
            for (k, x) in map {
                references(x, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                references(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A generated operation names its schemas by reference; a schema that is
/// not also registered in `components` would leave clients (and
/// schemathesis) with a dangling `$ref`, and a path parameter must be
/// marked required — both are easy to miss in a snapshot diff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reference_in_the_openapi_document_resolves() {
    let app = TestApp::new(Backend::Sqlite)
        .await
        .expect("sqlite test app");
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let mut found = Vec::new();
    references(&doc, "", &mut found);
    let dangling: Vec<String> = found
        .into_iter()
        .filter(|(_, r)| {
            r.strip_prefix("#/components/schemas/")
                .is_none_or(|name| doc["components"]["schemas"].get(name).is_none())
        })
        .map(|(at, r)| format!("{at}: {r}"))
        .collect();
    assert!(
        dangling.is_empty(),
        "dangling references:\n{}",
        dangling.join("\n")
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    assert_eq!(p["required"], true, "{method} {path}: {}", p["name"]);
                }
            }
        }
    }
}
