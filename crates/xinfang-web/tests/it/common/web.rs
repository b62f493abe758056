//! Page-test helpers shared by the browser-less page tests: send a request
//! through the router, post a form, read a page, log in with a session
//! cookie, read the CSRF token, percent-encode form values. One copy, so
//! that every page test speaks to the app the same way.

use super::TestApp;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The password of every demo user.
pub const PASSWORD: &str = "xinfang2026";

/// A response, read to the end.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    /// The redirect target, or "".
    pub fn location(&self) -> String {
        self.header("location").unwrap_or_default()
    }
    /// The `name=value` part of a set session cookie.
    pub fn cookie(&self) -> Option<String> {
        self.header("set-cookie")
            .map(|c| c.split(';').next().unwrap_or("").to_string())
    }
}

/// Sends `req` through the router.
pub async fn send(app: &TestApp, req: Request<Body>) -> Resp {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

/// `method path` with an optional session cookie; a POST body is a form.
pub async fn request(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> Resp {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if method == "POST" {
        req = req.header("content-type", "application/x-www-form-urlencoded");
    }
    send(app, req.body(Body::from(body.to_string())).unwrap()).await
}

/// POSTs an url-encoded form.
pub async fn form(app: &TestApp, path: &str, cookie: Option<&str>, body: &str) -> Resp {
    request(app, "POST", path, cookie, body).await
}

/// POSTs an url-encoded form: status and HTML.
pub async fn form_page(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> (StatusCode, String) {
    let r = form(app, path, cookie, body).await;
    (r.status, r.text())
}

/// POSTs `pairs` as a form with the session cookie: status and HTML.
pub async fn post_pairs(
    app: &TestApp,
    path: &str,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String) {
    form_page(app, path, Some(cookie), &body_of(pairs)).await
}

/// GETs a page: status and HTML.
pub async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let r = request(app, "GET", path, Some(cookie), "").await;
    (r.status, r.text())
}

/// GETs `path` with the session cookie: the whole response.
pub async fn fetch(app: &TestApp, path: &str, cookie: &str) -> Resp {
    request(app, "GET", path, Some(cookie), "").await
}

/// GETs a page that must answer 200: its HTML.
pub async fn page_ok(app: &TestApp, path: &str, cookie: &str) -> String {
    let (s, html) = page(app, path, cookie).await;
    assert_eq!(s, StatusCode::OK, "{path}");
    html
}

/// POSTs JSON with the session cookie and a CSRF header (the pages' scripts).
pub async fn post_json(
    app: &TestApp,
    path: &str,
    cookie: &str,
    csrf: &str,
    body: Value,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let r = send(app, req).await;
    (r.status, r.json())
}

/// The login form's response for `user` and `password`.
pub async fn login_response(app: &TestApp, user: &str, password: &str) -> Resp {
    let body = body_of(&[("username", user), ("password", password)]);
    form(app, "/login", None, &body).await
}

/// The session cookie of `user` with `password`, if the login succeeds.
pub async fn try_login(app: &TestApp, user: &str, password: &str) -> Option<String> {
    let r = login_response(app, user, password).await;
    (r.status == StatusCode::SEE_OTHER)
        .then(|| r.cookie())
        .flatten()
}

/// The session cookie of demo user `user` (the login must succeed).
pub async fn login(app: &TestApp, user: &str) -> String {
    try_login(app, user, PASSWORD)
        .await
        .unwrap_or_else(|| panic!("login {user}"))
}

/// The CSRF token of the first form in `html`.
pub fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let i = html.find(key).expect("csrf field") + key.len();
    html[i..i + 64].to_string()
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An url-encoded form body.
pub fn body_of(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The text between the first `start` and the next `end`.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    let j = html[i..].find(end).unwrap() + i;
    &html[i..j]
}

/// A real 1×1 PNG.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82";

/// A multipart body (boundary `BND`): text fields, then `files` (name,
/// bytes) under `file_field`, each declared image/png — the server must
/// judge by content, not by the declared type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])], file_field: &str) -> Vec<u8> {
    let mut b = vec![];
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--BND\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, data) in files {
        b.extend_from_slice(format!("--BND\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        b.extend_from_slice(data);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(b"--BND--\r\n");
    b
}

/// POST a [`multipart`] body without a session.
pub async fn post_multipart(app: &TestApp, path: &str, body: Vec<u8>) -> Resp {
    post_multipart_as(app, path, None, body).await
}

/// POST a [`multipart`] body, with a session cookie when given.
pub async fn post_multipart_as(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    body: Vec<u8>,
) -> Resp {
    let mut req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "multipart/form-data; boundary=BND");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(app, req.body(Body::from(body)).unwrap()).await
}
