//! 预警 and clocks seen from the caller's area: the 临期/超期 alerts, the
//! warnings with their 核查 / 处置 / 解除 workflow, and the sensitive periods
//! (管理员) that raise them. Answers and bodies are typed; their OpenAPI
//! operations are generated from them ([`Api`]).

use super::responses::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use xinfang_app::intelligence::SensitivePeriod;
use xinfang_store::{AlertRow, WarningRow};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/warnings", get(warnings))
        .route("/api/v1/warnings/{id}/{action}", post(advance_warning))
        .route(
            "/api/v1/sensitive-periods",
            get(sensitive_periods).put(put_sensitive_periods),
        )
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        alerts,
        warnings,
        advance_warning,
        sensitive_periods,
        put_sensitive_periods
    ),
    components(schemas(WarningAction))
)]
pub(super) struct Api;

/// 临期、超期提醒
#[derive(Serialize, ToSchema)]
struct Alerts {
    alerts: Vec<AlertRow>,
}

/// 风险预警
#[derive(Serialize, ToSchema)]
struct Warnings {
    warnings: Vec<WarningRow>,
}

/// 敏感时期
#[derive(Serialize, ToSchema)]
struct SensitivePeriods {
    periods: Vec<SensitivePeriod>,
}

/// 核查、处置、解除时的说明
#[derive(Deserialize, ToSchema)]
struct WarningNote {
    #[serde(default)]
    note: String,
}

/// 临期/超期 alerts of the caller's government area (supervisors' inbox).
#[utoipa::path(get, path = "/api/v1/alerts", summary = "临期、超期提醒（本辖区）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "提醒", body = Alerts),
        Unauthorized))]
async fn alerts(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Alerts>, ApiError> {
    let alerts = st.app.alerts_for(&staff).await?;
    Ok(Json(Alerts { alerts }))
}

/// 预警 of the caller's area.
#[utoipa::path(get, path = "/api/v1/warnings", summary = "风险预警（本辖区）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "预警", body = Warnings),
        Unauthorized))]
async fn warnings(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Warnings>, ApiError> {
    let warnings = st.app.warnings_for(&staff).await?;
    Ok(Json(Warnings { warnings }))
}

/// 核查 (verify) / 处置 (dispose) / 解除 (clear) a warning.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/{action}", summary = "核查、处置、解除预警",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path),
        ("action" = WarningAction, Path)),
    request_body = WarningNote,
    responses(
        (status = 200, description = "已更新", body = WarningRow),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn advance_warning(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<WarningRow>, ApiError> {
    let b: WarningNote = parse_json(&body)?;
    let w = st.app.advance_warning(&staff, id, &action, &b.note).await?;
    Ok(Json(w))
}

/// What `POST /api/v1/warnings/{id}/{action}` may do (the path segment;
/// any other answers 422).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // only its schema is used: the handler passes the text on
enum WarningAction {
    Verify,
    Dispose,
    Clear,
}

#[utoipa::path(get, path = "/api/v1/sensitive-periods", summary = "敏感时期",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "敏感时期", body = SensitivePeriods),
        Unauthorized))]
async fn sensitive_periods(
    State(st): State<AppState>,
    ApiUser(_): ApiUser,
) -> Json<SensitivePeriods> {
    Json(SensitivePeriods {
        periods: st.app.sensitive_periods(),
    })
}

/// Replace the sensitive periods (管理员).
#[utoipa::path(put, path = "/api/v1/sensitive-periods", summary = "设置敏感时期（管理员）",
    security(("bearer" = [])),
    request_body = Vec<SensitivePeriod>,
    responses(
        (status = 200, description = "已设置", body = SensitivePeriods),
        BadRequest,
        Unauthorized,
        Forbidden,
        Invalid))]
async fn put_sensitive_periods(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<SensitivePeriods>, ApiError> {
    let periods: Vec<SensitivePeriod> = parse_json(&body)?;
    st.app.set_sensitive(&staff, periods).await?;
    Ok(Json(SensitivePeriods {
        periods: st.app.sensitive_periods(),
    }))
}
