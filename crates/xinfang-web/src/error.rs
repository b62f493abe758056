//! One error type for every handler: maps service errors to HTTP statuses
//! with a machine-readable body `{"errors":[{"field","message"}], "code"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use xinfang_app::AppError;
use xinfang_domain::DomainError;

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError(AppError::Domain(e))
    }
}

/// `value` as the JSON of a response body. A value that cannot be
/// serialised is a logged 500, never a `null` body.
pub(crate) fn to_json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| {
        tracing::error!("response body not serialisable: {e}");
        ApiError(AppError::from(xinfang_store::StoreError::from(e)))
    })
}

/// The machine-readable code of a retryable "database away" answer (503).
pub const UNAVAILABLE_CODE: &str = "database_unavailable";
/// Seconds a client should wait before retrying after a 503.
pub const RETRY_AFTER_SECS: &str = "2";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, errors) = match &self.0 {
            AppError::Invalid(list) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                serde_json::to_value(list).unwrap_or_default(),
            ),
            AppError::Domain(d) => {
                let status = match d {
                    DomainError::Forbidden(_) | DomainError::Recused => StatusCode::FORBIDDEN,
                    DomainError::InvalidState { .. } => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                (
                    status,
                    d.code(),
                    json!([{ "field": d.field().unwrap_or(""), "message": d.to_string() }]),
                )
            }
            AppError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                json!([{ "field": "", "message": self.0.to_string() }]),
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                json!([{ "field": "", "message": "未找到该信访事项或查询码错误" }]),
            ),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                json!([{ "field": "", "message": self.0.to_string() }]),
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                json!([{ "field": "", "message": self.0.to_string() }]),
            ),
            AppError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                json!([{ "field": "", "message": self.0.to_string() }]),
            ),
            AppError::LockedOut(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "locked_out",
                json!([{ "field": "", "message": self.0.to_string() }]),
            ),
            AppError::DirectoryUnavailable(reason) => {
                tracing::warn!("directory unavailable: {reason}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "directory_unavailable",
                    json!([{ "field": "", "message": self.0.to_string() }]),
                )
            }
            AppError::Unreadable {
                code, input_fault, ..
            } => (
                if *input_fault {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                },
                *code,
                json!([{ "field": "file", "message": self.0.to_string() }]),
            ),
            AppError::Conflict => (
                StatusCode::CONFLICT,
                "conflict",
                json!([{ "field": "", "message": self.0.to_string() }]),
            ),
            AppError::Store(e) if e.is_unavailable() => {
                // A failover under way: nothing was stored for this request;
                // the client retries (with its Idempotency-Key) shortly.
                tracing::warn!("database unavailable: {e}");
                let body = json!({ "code": UNAVAILABLE_CODE, "retryable": true, "errors": [{
                    "field": "", "message": "数据库正在切换，本次提交未保存，请稍后用同一幂等键重试"
                }]});
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECS)],
                    Json(body),
                )
                    .into_response();
            }
            AppError::Store(e) => {
                tracing::error!("store error: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    json!([{ "field": "", "message": "服务器内部错误，已记录" }]),
                )
            }
        };
        (status, Json(json!({ "code": code, "errors": errors }))).into_response()
    }
}
