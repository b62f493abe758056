//! 催办 / 督办 / 挂牌督办 (第四十条): supervising a case, the supervised
//! body's feedback, closing a supervision, and the caller's list.

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
use xinfang_app::AppError;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/supervisions", get(supervisions))
        .route("/api/v1/cases/{case_no}/supervisions", post(supervise))
        .route(
            "/api/v1/supervisions/{id}/feedback",
            post(supervision_feedback),
        )
        .route("/api/v1/supervisions/{id}/close", post(close_supervision))
}

#[derive(Deserialize)]
struct SuperviseBody {
    kind: String,
    #[serde(default)]
    feedback_due: Option<String>,
    #[serde(default)]
    requirement: String,
}

/// 催办 / 督办 / 挂牌督办 a case (第四十条).
async fn supervise(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: SuperviseBody = parse_json(&body)?;
    let kind =
        xinfang_domain::supervision::SupervisionKind::from_key(&b.kind).ok_or_else(|| {
            ApiError(AppError::field(
                "kind",
                "应为 urge（催办）、supervise（督办）或 listed（挂牌督办）",
            ))
        })?;
    let due =
        match b
            .feedback_due
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => Some(d.parse().map_err(|_| {
                ApiError(AppError::field("feedback_due", "日期格式应为 YYYY-MM-DD"))
            })?),
            None => None,
        };
    let row = st
        .app
        .supervise(&staff, &case_no, kind, due, &b.requirement)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(row)?)).into_response())
}

#[derive(Deserialize)]
struct FeedbackBody {
    #[serde(default)]
    feedback: String,
}

async fn supervision_feedback(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: FeedbackBody = parse_json(&body)?;
    Ok(Json(crate::error::to_json(
        st.app.supervision_feedback(&staff, id, &b.feedback).await?,
    )?))
}

async fn close_supervision(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(crate::error::to_json(
        st.app.close_supervision(&staff, id).await?,
    )?))
}

async fn supervisions(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "supervisions": st.app.supervisions_for(&staff).await? }),
    ))
}
