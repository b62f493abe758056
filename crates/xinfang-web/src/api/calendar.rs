//! Statutory clocks and the official calendar: the clock rules in force
//! (a 管理员 may tighten one), a year's days, loading a year's official
//! schedule, and the deadline explainer `GET /api/v1/deadline` (the same
//! answer as `xinfang deadline`). Answers are typed; their OpenAPI
//! operations are generated from them ([`Api`]).

use super::extract::date_param;
use super::responses::{BadRequest, Forbidden, Invalid, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xinfang_app::admin::calendar::ReflowReport;
use xinfang_app::AppError;
use xinfang_domain::calendar::Calendar;
use xinfang_domain::clock::ClockRule;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/clock-rules", get(clock_rules).put(put_clock_rule))
        .route("/api/v1/calendar/{year}", get(calendar_year))
        .route("/api/v1/calendar", post(import_calendar))
        .route("/api/v1/deadline", get(deadline))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(clock_rules, put_clock_rule, import_calendar, calendar_year, deadline))]
pub(super) struct Api;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeadlineQuery {
    /// 起算日
    #[param(format = Date)]
    from: String,
    /// 期限（日数）
    days: u32,
    /// 按工作日计算
    #[serde(default)]
    working_days: bool,
    /// 期满日为休息日时不顺延
    #[serde(default)]
    no_rollover: bool,
}

/// 到期日与计算说明
#[derive(Serialize, ToSchema)]
struct Deadline {
    due: NaiveDate,
    /// 逐步说明（依据、起算、顺延）
    explanation: Vec<String>,
}

/// 时限规则（法定期限及本地收紧）
#[derive(Serialize, ToSchema)]
struct ClockRules {
    rules: Vec<ClockRule>,
}

/// 某年每日类别
#[derive(Serialize, ToSchema)]
struct CalendarYear {
    year: i32,
    days: Vec<CalendarDay>,
}

/// 一日：日期、是否工作日、类别名称
#[derive(Serialize, ToSchema)]
struct CalendarDay {
    date: NaiveDate,
    working: bool,
    label: String,
}

/// Explain a period: same answer as `xinfang deadline`.
#[utoipa::path(get, path = "/api/v1/deadline", summary = "期限计算与说明",
    params(DeadlineQuery),
    responses(
        (status = 200, description = "到期日与说明", body = Deadline),
        BadRequest,
        Invalid))]
async fn deadline(
    State(st): State<AppState>,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<Deadline>, ApiError> {
    let from = date_param("from", &q.from)?;
    let cal: std::sync::Arc<Calendar> = st.app.calendar();
    let d =
        xinfang_domain::clock::explain_simple(&cal, from, q.days, q.working_days, !q.no_rollover)
            .map_err(|e| ApiError(AppError::field("from", e.to_string())))?;
    Ok(Json(Deadline {
        due: d.due,
        explanation: d.explanation.lines,
    }))
}

/// The clock rules in force (statutory limits with any local tightening).
#[utoipa::path(get, path = "/api/v1/clock-rules", summary = "时限规则",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "规则", body = ClockRules),
        Unauthorized))]
async fn clock_rules(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<ClockRules> {
    Json(ClockRules {
        rules: st.app.rules().rules.clone(),
    })
}

/// Tighten one rule (管理员). Body: a `ClockRule`.
#[utoipa::path(put, path = "/api/v1/clock-rules", summary = "收紧某一时限（管理员）",
    security(("bearer" = [])),
    request_body = ClockRule,
    responses(
        (status = 200, description = "已更新", body = ClockRules),
        BadRequest,
        Unauthorized,
        Forbidden,
        Invalid))]
async fn put_clock_rule(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<ClockRules>, ApiError> {
    let rule: ClockRule = parse_json(&body)?;
    let table = st.app.override_rule(&staff, rule).await?;
    Ok(Json(ClockRules {
        rules: table.rules.clone(),
    }))
}

/// Every day of a year with its classification.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", summary = "某年每日类别",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "年份")),
    responses(
        (status = 200, description = "日历", body = CalendarYear),
        BadRequest,
        Unauthorized,
        Invalid))]
async fn calendar_year(
    State(st): State<AppState>,
    ApiUser(_): ApiUser,
    Path(year): Path<i32>,
) -> Result<Json<CalendarYear>, ApiError> {
    let days = st
        .app
        .calendar()
        .year_overview(year)
        .map_err(|e| ApiError(AppError::field("year", e.to_string())))?;
    let days = days
        .iter()
        .map(|(d, k)| CalendarDay {
            date: *d,
            working: k.is_working(),
            label: k.label_zh(),
        })
        .collect();
    Ok(Json(CalendarYear { year, days }))
}

/// Load a year's official schedule (管理员); body is the calendar text.
#[utoipa::path(post, path = "/api/v1/calendar", summary = "载入年度节假日安排（管理员）",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/plain"),
    responses(
        (status = 200, description = "已载入并重新计算期限", body = ReflowReport),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn import_calendar(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: String,
) -> Result<Json<ReflowReport>, ApiError> {
    st.app.require_admin(&staff)?;
    let r = st
        .app
        .import_calendar(&format!("user:{}", staff.username), &body)
        .await?;
    Ok(Json(r))
}
