//! 领导包案 (第十八条) and 批示: a leader takes charge of a case with a team,
//! plan and deadline, records progress and resolves it; the instructions on
//! a case and giving one.

use super::extract::date_param;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

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

#[derive(Deserialize)]
struct OwnershipBody {
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    plan: String,
    deadline: String,
}

/// 领导包案 (第十八条): team (usernames), plan, deadline.
async fn take_charge(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: OwnershipBody = parse_json(&body)?;
    let deadline = date_param("deadline", &b.deadline)?;
    let o = st
        .app
        .take_charge(&staff, &case_no, &b.team, &b.plan, deadline)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(o)?)).into_response())
}

async fn ownership_board(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "ownerships": st.app.ownership_board(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct TextBody {
    #[serde(default)]
    text: String,
}

async fn ownership_progress(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: TextBody = parse_json(&body)?;
    Ok(Json(crate::error::to_json(
        st.app.ownership_progress(&staff, id, &b.text).await?,
    )?))
}

async fn resolve_ownership(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(crate::error::to_json(
        st.app.resolve_ownership(&staff, id).await?,
    )?))
}

async fn instructions(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "instructions": st.app.instructions(&staff, &case_no).await? }),
    ))
}

/// 批示 on a case (领导).
async fn instruct(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: TextBody = parse_json(&body)?;
    let list = st.app.instruct(&staff, &case_no, &b.text).await?;
    Ok((StatusCode::CREATED, Json(json!({ "instructions": list }))).into_response())
}
