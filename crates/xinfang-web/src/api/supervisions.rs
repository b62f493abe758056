//! 催办 / 督办 / 挂牌督办 (第四十条): supervising a case, the supervised
//! body's feedback, closing a supervision, and the caller's list. Answers
//! and bodies are typed; their OpenAPI operations are generated ([`Api`]).

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
use xinfang_app::AppError;
use xinfang_domain::supervision::SupervisionKind;
use xinfang_store::SupervisionRow;

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

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(supervisions, supervise, supervision_feedback, close_supervision))]
pub(super) struct Api;

/// 督办事项（本辖区发出或收到）
#[derive(Serialize, ToSchema)]
struct Supervisions {
    supervisions: Vec<SupervisionRow>,
}

/// 催办、督办或挂牌督办
#[derive(Deserialize, ToSchema)]
struct SuperviseBody {
    /// 其他值答 422
    #[schema(value_type = SupervisionKind)]
    kind: String,
    /// 反馈期限
    #[serde(default)]
    #[schema(format = Date)]
    feedback_due: Option<String>,
    /// 督办要求
    #[serde(default)]
    requirement: String,
}

/// 催办 / 督办 / 挂牌督办 a case (第四十条).
#[utoipa::path(post, path = "/api/v1/cases/{case_no}/supervisions", summary = "催办、督办、挂牌督办（第四十条）",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    request_body = SuperviseBody,
    responses(
        (status = 201, description = "已督办", body = SupervisionRow),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn supervise(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<SupervisionRow>), ApiError> {
    let b: SuperviseBody = parse_json(&body)?;
    let kind = SupervisionKind::from_key(&b.kind).ok_or_else(|| {
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
    Ok((StatusCode::CREATED, Json(row)))
}

/// 被督办单位的反馈
#[derive(Deserialize, ToSchema)]
struct SupervisionFeedback {
    #[serde(default)]
    feedback: String,
}

#[utoipa::path(post, path = "/api/v1/supervisions/{id}/feedback", summary = "被督办单位反馈",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = SupervisionFeedback,
    responses(
        (status = 200, description = "已反馈", body = SupervisionRow),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn supervision_feedback(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<SupervisionRow>, ApiError> {
    let b: SupervisionFeedback = parse_json(&body)?;
    Ok(Json(
        st.app.supervision_feedback(&staff, id, &b.feedback).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/supervisions/{id}/close", summary = "督办单位办结督办",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已办结", body = SupervisionRow),
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict))]
async fn close_supervision(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<SupervisionRow>, ApiError> {
    Ok(Json(st.app.close_supervision(&staff, id).await?))
}

#[utoipa::path(get, path = "/api/v1/supervisions", summary = "督办事项（本辖区发出或收到）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "督办", body = Supervisions),
        Unauthorized))]
async fn supervisions(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Supervisions>, ApiError> {
    let supervisions = st.app.supervisions_for(&staff).await?;
    Ok(Json(Supervisions { supervisions }))
}
