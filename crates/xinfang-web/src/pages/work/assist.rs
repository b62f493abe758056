//! The registration page's live assistance: `POST /work/register/assist`
//! (session cookie + `X-CSRF-Token` header, JSON in and out) and the script
//! that calls it as the registrar types, served from the binary
//! (`/static/register.js`; the CSP allows same-origin scripts only).

use crate::pages::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use xinfang_app::intake::assist::AssistInput;

const SCRIPT: &str = include_str!("../../../static/register.js");

/// The embedded script.
pub async fn script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// Suggestions, risk terms and the petitioner's earlier cases for the form so far.
pub async fn assist(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"errors": [{"field": "session", "message": "请先登录"}]})),
        )
            .into_response();
    };
    let given = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !csrf_ok(&csrf, given) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"errors": [{"field": "csrf", "message": "CSRF 校验失败"}]})),
        )
            .into_response();
    }
    let input: AssistInput = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"errors": [{"field": "body", "message": format!("无法解析：{e}")}]})),
            )
                .into_response()
        }
    };
    match st.app.intake_assist(&staff, &input).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => crate::ApiError(e).into_response(),
    }
}
