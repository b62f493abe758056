//! The registration page's scan upload (issue #22): `POST /work/register/read`
//! (session cookie + `X-CSRF-Token` header, multipart field `file`) reads the
//! letter with the same service as `POST /api/v1/intake/read` and answers the
//! same JSON, which `/static/register.js` uses to prefill the form and show
//! the scan beside it. Registers nothing; the read is audited.

use crate::pages::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

fn refusal(status: StatusCode, field: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{"field": field, "message": message}]})),
    )
        .into_response()
}

pub async fn read(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return refusal(StatusCode::UNAUTHORIZED, "session", "请先登录");
    };
    let given = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !csrf_ok(&csrf, given) {
        return refusal(StatusCode::FORBIDDEN, "csrf", "CSRF 校验失败");
    }
    let file = match crate::api::intake::the_file(&headers, &body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    read_file(&st, &staff, &file).await
}

#[cfg(feature = "ocr")]
async fn read_file(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    file: &xinfang_app::documents::UploadedFile,
) -> Response {
    match st.app.read_letter(staff, file).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => crate::ApiError(e).into_response(),
    }
}

#[cfg(not(feature = "ocr"))]
async fn read_file(
    _: &AppState,
    _: &xinfang_domain::Staff,
    _: &xinfang_app::documents::UploadedFile,
) -> Response {
    refusal(
        StatusCode::NOT_IMPLEMENTED,
        "file",
        "本程序构建时未包含来信识别，请手工录入",
    )
}
