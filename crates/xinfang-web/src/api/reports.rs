//! `GET /api/v1/reports/annual`: the annual report of 第四十一条 for the
//! caller's area.

use super::responses::{BadRequest, Invalid, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Json;
use serde::Deserialize;
use utoipa::OpenApi;
use xinfang_app::reports::AnnualReport;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/reports/annual", get(annual_report))
}

/// The operation of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(annual_report))]
pub(super) struct Api;

#[derive(Deserialize)]
struct YearQuery {
    year: i32,
}

/// The annual report of 第四十一条 for the caller's area.
#[utoipa::path(get, path = "/api/v1/reports/annual", summary = "年度信访工作情况（第四十一条）",
    security(("bearer" = [])),
    params(("year" = i32, Query, description = "年份（1949–2199）", minimum = 1949, maximum = 2199)),
    responses(
        (status = 200, description = "报告", body = AnnualReport),
        BadRequest,
        Unauthorized,
        Invalid))]
async fn annual_report(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<AnnualReport>, ApiError> {
    Ok(Json(st.app.annual_report(&staff, q.year).await?))
}
