//! Page sessions: an HttpOnly, SameSite=Strict cookie holding a session token
//! (only its hash is stored); each session has a CSRF secret that every form
//! posts back. Login is throttled like the API's (`App::login_throttled`):
//! per real client and user name, never for everyone at once. The login
//! form is an askama template (`templates/admin/login.html`) that keeps the
//! user name typed when a login fails.

use super::html::page;
use super::ledger_kit::render;
use crate::client::ClientAddr;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xinfang_app::AppError;
use xinfang_domain::Staff;
use xinfang_store::TokenKind;

pub const COOKIE: &str = "xf_session";

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
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

fn secure_flag() -> &'static str {
    if std::env::var("XINFANG_SECURE_COOKIES").as_deref() == Ok("1") {
        "; Secure"
    } else {
        ""
    }
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

pub async fn login(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    match st
        .app
        .login_throttled(
            &st.login_throttle,
            &client,
            &f.username,
            &f.password,
            TokenKind::Session,
        )
        .await
    {
        Ok((token, _, _)) => {
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200{}",
                secure_flag()
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/work")).into_response()
        }
        Err(AppError::TooManyAttempts) => (
            StatusCode::TOO_MANY_REQUESTS,
            Html(login_page(
                Some("登录失败次数过多，请15分钟后再试"),
                &f.username,
            )),
        )
            .into_response(),
        Err(_) => (
            StatusCode::UNAUTHORIZED,
            Html(login_page(Some("用户名或密码错误"), &f.username)),
        )
            .into_response(),
    }
}

pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, COOKIE) {
        let _ = st.app.store.delete_token(&token).await;
    }
    let cookie = format!(
        "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        secure_flag()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response()
}
