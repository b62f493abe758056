//! One error type for every handler: maps service errors to HTTP statuses
//! with a machine-readable body, [`Errors`]: `{"code", "errors":[{"field","message"}]}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use xinfang_app::{AppError, FieldError};
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

/// The body of every error answer (`#/components/schemas/Errors` in the
/// OpenAPI document): a machine-readable code and the fields at fault.
#[derive(Serialize, ToSchema)]
pub struct Errors {
    /// 机器可读的错误码，如 invalid、not_found、forbidden、database_unavailable
    pub code: &'static str,
    /// 为 true 时本次未保存，可按 Retry-After 用同一幂等键重试
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
    /// 出错的字段及说明；field 为空表示不针对某一字段
    pub errors: Vec<FieldError>,
}

impl Errors {
    /// One message not tied to a field.
    fn general(code: &'static str, message: impl Into<String>) -> Self {
        Self::on_field(code, "", message)
    }

    fn on_field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        Errors {
            code,
            retryable: None,
            errors: vec![FieldError {
                field: field.to_string(),
                message: message.into(),
            }],
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = self.0.to_string();
        let (status, body) = match self.0 {
            AppError::Invalid(list) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Errors {
                    code: "invalid",
                    retryable: None,
                    errors: list,
                },
            ),
            AppError::Domain(d) => {
                let status = match d {
                    DomainError::Forbidden(_) | DomainError::Recused => StatusCode::FORBIDDEN,
                    DomainError::InvalidState { .. } => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                (
                    status,
                    Errors::on_field(d.code(), d.field().unwrap_or(""), d.to_string()),
                )
            }
            AppError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                Errors::general("bad_request", message),
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                Errors::general("not_found", "未找到该信访事项或查询码错误"),
            ),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                Errors::general("unauthenticated", message),
            ),
            AppError::Forbidden => (StatusCode::FORBIDDEN, Errors::general("forbidden", message)),
            AppError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                Errors::general("too_many_attempts", message),
            ),
            AppError::LockedOut(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                Errors::general("locked_out", message),
            ),
            AppError::DirectoryUnavailable(reason) => {
                tracing::warn!("directory unavailable: {reason}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Errors::general("directory_unavailable", message),
                )
            }
            AppError::Unreadable {
                code, input_fault, ..
            } => (
                if input_fault {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                },
                Errors::on_field(code, "file", message),
            ),
            AppError::Conflict => (StatusCode::CONFLICT, Errors::general("conflict", message)),
            AppError::Store(e) if e.is_unavailable() => {
                // A failover under way: nothing was stored for this request;
                // the client retries (with its Idempotency-Key) shortly.
                tracing::warn!("database unavailable: {e}");
                let body = Errors {
                    retryable: Some(true),
                    ..Errors::general(
                        UNAVAILABLE_CODE,
                        "数据库正在切换，本次提交未保存，请稍后用同一幂等键重试",
                    )
                };
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
                    Errors::general("internal", "服务器内部错误，已记录"),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
