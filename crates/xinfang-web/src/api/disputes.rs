//! The 矛盾纠纷排查台账: registering a dispute and moving it through 三调联动
//! (a mediation track, its outcome, or conversion into a case). Answers and
//! bodies are typed; their OpenAPI operations are generated ([`Api`]).

use super::responses::{Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use xinfang_store::DisputeRow;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/disputes", get(disputes).post(register_dispute))
        .route("/api/v1/disputes/{id}", post(move_dispute))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(disputes, register_dispute, move_dispute))]
pub(super) struct Api;

/// 排查发现的矛盾纠纷
#[derive(Deserialize, ToSchema)]
struct DisputeBody {
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    parties: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    risk_level: Option<i64>,
}

/// 矛盾纠纷排查台账
#[derive(Serialize, ToSchema)]
struct Disputes {
    disputes: Vec<DisputeRow>,
}

/// Register a dispute in the 矛盾纠纷排查台账.
#[utoipa::path(post, path = "/api/v1/disputes", summary = "登记排查发现的矛盾纠纷",
    security(("bearer" = [])),
    request_body = DisputeBody,
    responses(
        (status = 201, description = "已登记", body = DisputeRow),
        Unauthorized,
        Invalid))]
async fn register_dispute(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<DisputeRow>), ApiError> {
    let b: DisputeBody = parse_json(&body)?;
    let d = st
        .app
        .register_dispute(
            &staff,
            b.region_code.trim(),
            &b.parties,
            &b.summary,
            b.risk_level.unwrap_or(1),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(get, path = "/api/v1/disputes", summary = "矛盾纠纷排查台账",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "台账", body = Disputes),
        Unauthorized))]
async fn disputes(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Disputes>, ApiError> {
    let disputes = st.app.disputes_for(&staff).await?;
    Ok(Json(Disputes { disputes }))
}

/// 三调联动：调解、结果、转为信访事项
#[derive(Deserialize, ToSchema)]
struct DisputeMove {
    status: String,
    #[serde(default)]
    track: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
}

/// 三调联动: start mediation on a track, record the outcome, or convert into a case.
#[utoipa::path(post, path = "/api/v1/disputes/{id}", summary = "三调联动：调解、结果、转为信访事项",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = DisputeMove,
    responses(
        (status = 200, description = "已更新", body = DisputeRow),
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn move_dispute(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<DisputeRow>, ApiError> {
    let b: DisputeMove = parse_json(&body)?;
    let d = st
        .app
        .move_dispute(
            &staff,
            id,
            &b.status,
            b.track.as_deref(),
            b.outcome.as_deref(),
        )
        .await?;
    Ok(Json(d))
}
