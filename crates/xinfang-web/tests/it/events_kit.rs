//! What the event tests share (issue #19): a real HTTP receiver started by
//! the test (an axum listener on port 0) that records every request, checks
//! its signature with its own HMAC-SHA256 (written here from RFC 2104, not
//! the product's), and answers 500 while told to fail; and a helper that
//! registers an endpoint through the API as the administrator.

use crate::common::*;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`, hex.
pub fn hmac_hex(key: &[u8], msg: &[u8]) -> String {
    let mut k = if key.len() > 64 {
        Sha256::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    k.resize(64, 0);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(msg)
        .finalize();
    hex::encode(
        Sha256::new()
            .chain_update(&opad)
            .chain_update(inner)
            .finalize(),
    )
}

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
pub struct Got {
    pub hook: String,
    pub event_id: String,
    pub idempotency_key: String,
    pub kind: String,
    pub signature: String,
    pub timestamp: String,
    pub body: String,
    pub answered: u16,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
    /// Signed with `secret` over the raw body?
    pub fn signed_with(&self, secret: &str) -> bool {
        self.signature
            == format!(
                "sha256={}",
                hmac_hex(secret.as_bytes(), self.body.as_bytes())
            )
    }
}

/// The receiver: `POST /hook/{name}` records and answers 200, or 500 while
/// `name` is failing.
#[derive(Clone, Default)]
pub struct Receiver {
    pub base: String,
    got: Arc<Mutex<Vec<Got>>>,
    failing: Arc<Mutex<HashSet<String>>>,
}

async fn receive(
    State(r): State<Receiver>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let fail = r.failing.lock().unwrap().contains(&name);
    let status = if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    r.got.lock().unwrap().push(Got {
        hook: name,
        event_id: h("x-xinfang-event-id"),
        idempotency_key: h("idempotency-key"),
        kind: h("x-xinfang-event"),
        signature: h("x-xinfang-signature"),
        timestamp: h("x-xinfang-timestamp"),
        body,
        answered: status.as_u16(),
    });
    status
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let r = Receiver {
            base: format!("http://{}", listener.local_addr().unwrap()),
            ..Default::default()
        };
        let router = axum::Router::new()
            .route("/hook/{name}", axum::routing::post(receive))
            .with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        r
    }
    pub fn url(&self, name: &str) -> String {
        format!("{}/hook/{name}", self.base)
    }
    pub fn fail(&self, name: &str, on: bool) {
        let mut f = self.failing.lock().unwrap();
        if on {
            f.insert(name.to_string());
        } else {
            f.remove(name);
        }
    }
    /// Every request to `name`, in arrival order.
    pub fn got(&self, name: &str) -> Vec<Got> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.hook == name)
            .cloned()
            .collect()
    }
    /// The payloads `name` accepted, in arrival order.
    pub fn accepted(&self, name: &str) -> Vec<Value> {
        self.got(name)
            .iter()
            .filter(|g| g.answered == 200)
            .map(Got::json)
            .collect()
    }
    /// (case number, kind) of what `name` accepted.
    pub fn seen(&self, name: &str) -> Vec<(String, String)> {
        self.accepted(name)
            .iter()
            .map(|p| {
                (
                    p["case"]["case_no"].as_str().unwrap().to_string(),
                    p["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

/// Register an endpoint as `admin` for every event kind: (id, secret).
pub async fn subscribe(
    app: &TestApp,
    admin: &str,
    name: &str,
    url: &str,
    scope: &str,
    secret: Option<&str>,
) -> (i64, String) {
    let kinds: Vec<&str> = xinfang_domain::outbound::KINDS
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let mut body =
        json!({ "name": name, "url": url, "kinds": kinds, "scope_unit": app.unit(scope) });
    if let Some(s) = secret {
        body["secret"] = json!(s);
    }
    let (s, v) = app.post("/api/v1/admin/webhooks", Some(admin), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["webhook"]["id"].as_i64().unwrap(),
        v["secret"].as_str().unwrap().to_string(),
    )
}

/// Register an online petition of a new petitioner: its case number.
pub async fn petition(app: &TestApp, name: &str, id17: &str, request: &str) -> String {
    let (s, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition(name, id17, request),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["case_no"].as_str().unwrap().to_string()
}
