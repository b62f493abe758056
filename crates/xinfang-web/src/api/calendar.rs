//! Statutory clocks and the official calendar: the clock rules in force
//! (a 管理员 may tighten one), a year's days, loading a year's official
//! schedule, and the deadline explainer `GET /api/v1/deadline` (the same
//! answer as `xinfang deadline`).

use super::extract::date_param;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_app::AppError;
use xinfang_domain::calendar::Calendar;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/clock-rules", get(clock_rules).put(put_clock_rule))
        .route("/api/v1/calendar/{year}", get(calendar_year))
        .route("/api/v1/calendar", post(import_calendar))
        .route("/api/v1/deadline", get(deadline))
}

#[derive(Deserialize)]
struct DeadlineQuery {
    from: String,
    days: u32,
    #[serde(default)]
    working_days: bool,
    #[serde(default)]
    no_rollover: bool,
}

/// Explain a period: same answer as `xinfang deadline`.
async fn deadline(
    State(st): State<AppState>,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = date_param("from", &q.from)?;
    let cal: std::sync::Arc<Calendar> = st.app.calendar();
    let d =
        xinfang_domain::clock::explain_simple(&cal, from, q.days, q.working_days, !q.no_rollover)
            .map_err(|e| ApiError(AppError::field("from", e.to_string())))?;
    Ok(Json(
        json!({ "due": d.due.to_string(), "explanation": d.explanation.lines }),
    ))
}

/// The clock rules in force (statutory limits with any local tightening).
async fn clock_rules(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    Json(json!({ "rules": st.app.rules().rules }))
}

/// Tighten one rule (管理员). Body: a `ClockRule`.
async fn put_clock_rule(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let rule: xinfang_domain::clock::ClockRule = parse_json(&body)?;
    let table = st.app.override_rule(&staff, rule).await?;
    Ok(Json(json!({ "rules": table.rules })))
}

/// Every day of a year with its classification.
async fn calendar_year(
    State(st): State<AppState>,
    ApiUser(_): ApiUser,
    Path(year): Path<i32>,
) -> Result<Json<Value>, ApiError> {
    let days = st
        .app
        .calendar()
        .year_overview(year)
        .map_err(|e| ApiError(AppError::field("year", e.to_string())))?;
    let days: Vec<Value> = days.iter().map(|(d, k)| json!({ "date": d.to_string(), "working": k.is_working(), "label": k.label_zh() })).collect();
    Ok(Json(json!({ "year": year, "days": days })))
}

/// Load a year's official schedule (管理员); body is the calendar text.
async fn import_calendar(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: String,
) -> Result<Json<Value>, ApiError> {
    st.app.require_admin(&staff)?;
    let r = st
        .app
        .import_calendar(&format!("user:{}", staff.username), &body)
        .await?;
    Ok(Json(crate::error::to_json(r)?))
}
