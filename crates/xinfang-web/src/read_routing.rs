//! Which requests may read from a replica (issue #21, `--read-database-url`).
//! The store sends heavy reads (statistics, lists, exports) to a fresh
//! replica unless the request runs inside `xinfang_store::on_primary`; this
//! layer puts there every request that writes (its reads decide the write)
//! and every request of a client — by its bearer token or cookies — that
//! wrote within `OWN_WRITES_WINDOW`, so users see their own writes. The
//! window is longer than the replicas' staleness bound.
//!
//! Per node: a deployment with several `serve` nodes keeps a client on one
//! node (sticky sessions) or accepts that another node may show a list up
//! to the staleness bound old right after a write.

use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;
use xinfang_store::OWN_WRITES_WINDOW;

/// Last write per client (hash of its credentials), pruned as it grows.
fn writes() -> &'static Mutex<HashMap<u64, Instant>> {
    static W: OnceLock<Mutex<HashMap<u64, Instant>>> = OnceLock::new();
    W.get_or_init(Default::default)
}

/// The client's identity for read-your-writes: its credentials, hashed.
fn client_of(req: &Request) -> Option<u64> {
    let h = req.headers();
    let auth = h
        .get(header::AUTHORIZATION)
        .or_else(|| h.get(header::COOKIE))?;
    let mut s = DefaultHasher::new();
    auth.as_bytes().hash(&mut s);
    Some(s.finish())
}

pub async fn route_reads(req: Request, next: Next) -> Response {
    let writing = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let client = client_of(&req);
    let recent = client.is_some_and(|c| {
        writes()
            .lock()
            .ok()
            .and_then(|w| w.get(&c).map(|t| t.elapsed() < OWN_WRITES_WINDOW))
            .unwrap_or(false)
    });
    if !writing && !recent {
        return next.run(req).await;
    }
    let response = xinfang_store::on_primary(next.run(req)).await;
    if let (true, Some(c), Ok(mut w)) = (writing, client, writes().lock()) {
        if w.len() > 100_000 {
            w.retain(|_, t| t.elapsed() < OWN_WRITES_WINDOW);
        }
        w.insert(c, Instant::now());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::{get, post};
    use axum::Router;
    use tower::ServiceExt;

    /// Whether the handler ran on the primary, as the store would see it.
    async fn where_read() -> &'static str {
        if xinfang_store::on_primary_now() {
            "primary"
        } else {
            "replica"
        }
    }

    #[tokio::test]
    async fn own_writes_are_read_from_the_primary() {
        let app = Router::new()
            .route("/r", get(where_read))
            .route("/w", post(where_read))
            .layer(axum::middleware::from_fn(route_reads));
        let call = |method: &str, uri: &str, token: &str| {
            Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let text = |r: Response| async {
            let b = axum::body::to_bytes(r.into_body(), 1000).await.unwrap();
            String::from_utf8(b.to_vec()).unwrap()
        };
        let r = app
            .clone()
            .oneshot(call("GET", "/r", "alice-1"))
            .await
            .unwrap();
        assert_eq!(text(r).await, "replica");
        let r = app
            .clone()
            .oneshot(call("POST", "/w", "alice-1"))
            .await
            .unwrap();
        assert_eq!(text(r).await, "primary", "a write reads the primary");
        let r = app
            .clone()
            .oneshot(call("GET", "/r", "alice-1"))
            .await
            .unwrap();
        assert_eq!(text(r).await, "primary", "read after own write");
        let r = app
            .clone()
            .oneshot(call("GET", "/r", "bob-2"))
            .await
            .unwrap();
        assert_eq!(
            text(r).await,
            "replica",
            "another client may read a replica"
        );
    }
}
