//! The 矛盾纠纷排查台账: registering a dispute and moving it through 三调联动
//! (a mediation track, its outcome, or conversion into a case).

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
        .route("/api/v1/disputes", get(disputes).post(register_dispute))
        .route("/api/v1/disputes/{id}", post(move_dispute))
}

#[derive(Deserialize)]
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

/// Register a dispute in the 矛盾纠纷排查台账.
async fn register_dispute(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
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
    Ok((StatusCode::CREATED, Json(crate::error::to_json(d)?)).into_response())
}

async fn disputes(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "disputes": st.app.disputes_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct DisputeMove {
    status: String,
    #[serde(default)]
    track: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
}

/// 三调联动: start mediation on a track, record the outcome, or convert into a case.
async fn move_dispute(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(crate::error::to_json(d)?))
}
