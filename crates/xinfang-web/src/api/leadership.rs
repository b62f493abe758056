//! 领导包案 (第十八条) and 批示: a leader takes charge of a case with a team,
//! plan and deadline, records progress and resolves it; the instructions on
//! a case and giving one. Answers and bodies are typed; their OpenAPI
//! operations are generated ([`Api`]).

use super::extract::date_param;
use super::responses::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
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
use xinfang_store::{InstructionRow, OwnershipRow};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/cases/{case_no}/ownership", post(take_charge))
        .route("/api/v1/ownerships", get(ownership_board))
        .route("/api/v1/ownerships/{id}/progress", post(ownership_progress))
        .route("/api/v1/ownerships/{id}/resolve", post(resolve_ownership))
        .route(
            "/api/v1/cases/{case_no}/instructions",
            get(instructions).post(instruct),
        )
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    take_charge,
    ownership_board,
    ownership_progress,
    resolve_ownership,
    instructions,
    instruct
))]
pub(super) struct Api;

/// 包案：专班、化解方案、化解时限
#[derive(Deserialize, ToSchema)]
struct OwnershipBody {
    /// 专班成员（用户名）
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    plan: String,
    #[schema(format = Date)]
    deadline: String,
}

/// 包案看板
#[derive(Serialize, ToSchema)]
struct Ownerships {
    ownerships: Vec<OwnershipRow>,
}

/// 一件事项的领导批示
#[derive(Serialize, ToSchema)]
struct Instructions {
    instructions: Vec<InstructionRow>,
}

/// 包案进展或批示的文字
#[derive(Deserialize, ToSchema)]
struct LeaderText {
    #[serde(default)]
    text: String,
}

/// 领导包案 (第十八条): team (usernames), plan, deadline.
#[utoipa::path(post, path = "/api/v1/cases/{case_no}/ownership", summary = "领导包案（第十八条）：专班、化解方案、化解时限",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    request_body = OwnershipBody,
    responses(
        (status = 201, description = "已包案", body = OwnershipRow),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn take_charge(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<OwnershipRow>), ApiError> {
    let b: OwnershipBody = parse_json(&body)?;
    let deadline = date_param("deadline", &b.deadline)?;
    let o = st
        .app
        .take_charge(&staff, &case_no, &b.team, &b.plan, deadline)
        .await?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[utoipa::path(get, path = "/api/v1/ownerships", summary = "包案看板",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "包案", body = Ownerships),
        Unauthorized))]
async fn ownership_board(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Ownerships>, ApiError> {
    let ownerships = st.app.ownership_board(&staff).await?;
    Ok(Json(Ownerships { ownerships }))
}

#[utoipa::path(post, path = "/api/v1/ownerships/{id}/progress", summary = "包案进展",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = LeaderText,
    responses(
        (status = 200, description = "已记录", body = OwnershipRow),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn ownership_progress(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<OwnershipRow>, ApiError> {
    let b: LeaderText = parse_json(&body)?;
    Ok(Json(st.app.ownership_progress(&staff, id, &b.text).await?))
}

#[utoipa::path(post, path = "/api/v1/ownerships/{id}/resolve", summary = "包案化解",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已化解", body = OwnershipRow),
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict))]
async fn resolve_ownership(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OwnershipRow>, ApiError> {
    Ok(Json(st.app.resolve_ownership(&staff, id).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{case_no}/instructions", summary = "领导批示",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    responses(
        (status = 200, description = "批示", body = Instructions),
        Unauthorized,
        NotFound))]
async fn instructions(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Instructions>, ApiError> {
    let instructions = st.app.instructions(&staff, &case_no).await?;
    Ok(Json(Instructions { instructions }))
}

/// 批示 on a case (领导).
#[utoipa::path(post, path = "/api/v1/cases/{case_no}/instructions", summary = "作出批示",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    request_body = LeaderText,
    responses(
        (status = 201, description = "已批示", body = Instructions),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn instruct(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Instructions>), ApiError> {
    let b: LeaderText = parse_json(&body)?;
    let instructions = st.app.instruct(&staff, &case_no, &b.text).await?;
    Ok((StatusCode::CREATED, Json(Instructions { instructions })))
}
