//! What the API handlers share beyond the extractors of `crate::auth`
//! (`ApiUser`) and the body parsing of `crate::public` (`parse_json`): a
//! date parameter with a field error naming it, and an .xlsx download (the
//! pages' exports use it too).

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
