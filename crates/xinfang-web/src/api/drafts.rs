//! 审核签发 over the API: a handler submits a draft opinion for a case, the
//! body's head lists what awaits sign-off and signs it off or returns it with
//! a comment. Only a signed-off opinion becomes the case's reply and document
//! (see `xinfang_app::drafts`).

use crate::api::documents::parse_id;
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
use xinfang_app::drafts::DraftInput;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/cases/{case_no}/drafts", get(of_case).post(submit))
        .route("/api/v1/drafts/pending", get(pending))
        .route("/api/v1/drafts/{id}/sign", post(sign))
        .route("/api/v1/drafts/{id}/return", post(send_back))
}

/// Submit a draft (送审). Body: `{outcome, basis, text, replaces?}`.
async fn submit(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let input: DraftInput = parse_json(&body)?;
    let id = st.app.submit_draft(&staff, &case_no, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "status": "submitted", "status_label": "待签发"})),
    )
        .into_response())
}

/// The drafts of a case, newest first.
async fn of_case(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let drafts = st.app.drafts_of(&staff, &case_no).await?;
    Ok(Json(json!({ "drafts": drafts })))
}

/// The head's 待审批.
async fn pending(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let drafts = st.app.drafts_to_sign(&staff).await?;
    Ok(Json(json!({ "drafts": drafts })))
}

/// 签发.
async fn sign(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let case = st.app.sign_draft(&staff, parse_id(&id)?).await?;
    Ok(Json(json!({
        "case_no": case.case_no,
        "status": case.status.key(),
        "status_label": case.status.label_zh(),
    })))
}

#[derive(Deserialize)]
struct ReturnBody {
    #[serde(default)]
    comment: String,
}

/// 退回修改, with the head's comment.
async fn send_back(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: ReturnBody = parse_json(&body)?;
    st.app
        .return_draft(&staff, parse_id(&id)?, &b.comment)
        .await?;
    Ok(Json(
        json!({"id": id, "status": "returned", "status_label": "已退回修改"}),
    ))
}
