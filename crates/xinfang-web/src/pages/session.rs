//! Page sessions: an HttpOnly, SameSite=Strict cookie holding a session token
//! (only its hash is stored; `Secure` when served over TLS); each session has
//! a CSRF secret that every form posts back. Sign-in is one or two steps
//! (`xinfang_app::sign_in`): the password, then — for a user with a second
//! factor — the code at `/login/code`, or — for a user whose role requires
//! one not yet set up — the enrolment page. Each step hands out a NEW token,
//! so a session identifier planted before sign-in is worthless after it.
//! Sessions end after the idle and absolute timeouts, and sign-out deletes
//! the token on the server.

use crate::client::ClientAddr;
use crate::pages::html::page;
use crate::pages::ledgers::kit::render;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xinfang_app::sign_in::SignIn;
use xinfang_app::AppError;
use xinfang_domain::Staff;
use xinfang_store::TokenKind;

pub const COOKIE: &str = "xf_session";

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// The logged-in staff member and the session's CSRF secret.
pub async fn current(st: &AppState, headers: &HeaderMap) -> Option<(Staff, String)> {
    let token = cookie_value(headers, COOKIE)?;
    st.app.authenticate(&token, TokenKind::Session).await.ok()
}

/// Compare a posted CSRF token with the session's, in constant time.
pub fn csrf_ok(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// `; Secure` when the binary serves TLS (or `XINFANG_SECURE_COOKIES=1`
/// says a TLS-terminating proxy is in front).
pub(crate) fn secure_flag(st: &AppState) -> &'static str {
    if st.secure_cookies || std::env::var("XINFANG_SECURE_COOKIES").as_deref() == Ok("1") {
        "; Secure"
    } else {
        ""
    }
}

/// The staff cookie carrying `token` for `max_age` seconds.
pub(crate) fn session_cookie(st: &AppState, token: &str, max_age: u64) -> String {
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{}",
        secure_flag(st)
    )
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    error: Option<&'a str>,
    username: &'a str,
}

fn login_page(error: Option<&str>, username: &str) -> String {
    page("登录", None, &render(&LoginPage { error, username }))
}

pub async fn login_form() -> Html<String> {
    Html(login_page(None, ""))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// The Chinese words for a refused sign-in step, and its status.
pub(crate) fn refusal(e: &AppError) -> (StatusCode, String) {
    match e {
        AppError::TooManyAttempts => (
            StatusCode::TOO_MANY_REQUESTS,
            "登录失败次数过多，请15分钟后再试".into(),
        ),
        AppError::LockedOut(_) => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
        AppError::DirectoryUnavailable(reason) => {
            tracing::warn!("directory unavailable: {reason}");
            (StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
        AppError::Invalid(list) => (
            if list.iter().any(|f| f.field == "username") {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNAUTHORIZED
            },
            list.iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join("；"),
        ),
        AppError::Store(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "系统暂时无法登录，请稍后再试".into(),
        ),
        _ => (StatusCode::UNAUTHORIZED, "用户名或密码错误".into()),
    }
}

pub async fn login(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let pending = crate::pages::sign_in_pages::PENDING_SECS;
    match st
        .app
        .sign_in(&st.login_throttle, &client, &f.username, &f.password)
        .await
    {
        Ok(SignIn::Done { token, .. }) => {
            let age = st.app.session_policy().absolute.as_secs();
            (
                [(header::SET_COOKIE, session_cookie(&st, &token, age))],
                Redirect::to("/work"),
            )
                .into_response()
        }
        Ok(SignIn::NeedCode { token, .. }) => (
            [(header::SET_COOKIE, session_cookie(&st, &token, pending))],
            Redirect::to("/login/code"),
        )
            .into_response(),
        Ok(SignIn::NeedEnrolment { token, .. }) => (
            [(header::SET_COOKIE, session_cookie(&st, &token, pending))],
            Redirect::to("/account/second-factor"),
        )
            .into_response(),
        Err(e) => {
            let (status, msg) = refusal(&e);
            (status, Html(login_page(Some(&msg), &f.username))).into_response()
        }
    }
}

/// Sign out: the token is deleted on the server (a copied cookie is dead
/// too), and the browser's cookie cleared.
pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, COOKIE) {
        if let Ok((staff, _)) = st.app.authenticate(&token, TokenKind::Session).await {
            let _ = st
                .app
                .store
                .audit(
                    "audit",
                    "logout",
                    &format!("user:{}", staff.username),
                    &serde_json::json!({}),
                )
                .await;
        }
        let _ = st.app.store.delete_token(&token).await;
    }
    (
        [(header::SET_COOKIE, session_cookie(&st, "", 0))],
        Redirect::to("/login"),
    )
        .into_response()
}
