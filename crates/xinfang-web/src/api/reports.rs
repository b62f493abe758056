//! `GET /api/v1/reports/annual`: the annual report of 第四十一条 for the
//! caller's area.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/reports/annual", get(annual_report))
}

#[derive(Deserialize)]
struct YearQuery {
    year: i32,
}

/// The annual report of 第四十一条 for the caller's area.
async fn annual_report(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(st.app.annual_report(&staff, q.year).await?))
}
