//! What the API handlers share beyond the extractors of `crate::auth`
//! (`ApiUser`) and the body parsing of `crate::public` (`parse_json`): a
//! date parameter with a field error naming it, an .xlsx download (the
//! pages' exports use it too), and the OpenAPI schema of a fixed set of keys.

use crate::error::ApiError;
use axum::response::{IntoResponse, Response};
use xinfang_app::AppError;

/// A date query/body parameter, or a field error naming it.
pub(crate) fn date_param(field: &str, value: &str) -> Result<chrono::NaiveDate, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError(AppError::field(field, "日期格式应为 YYYY-MM-DD")))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx download (API and pages).
pub(crate) fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, XLSX.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The OpenAPI schema of a key out of a fixed set (e.g. the keys of
/// `xinfang_domain::campaign::LIST_KINDS`): a string, one of `keys`, so the
/// document lists exactly what the code accepts.
pub(crate) fn key_schema(keys: impl IntoIterator<Item = &'static str>) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(keys))
        .build()
}
