//! 审核签发 over the API: a handler submits a draft opinion for a case, the
//! body's head lists what awaits sign-off and signs it off or returns it with
//! a comment. Only a signed-off opinion becomes the case's reply and document
//! (see `xinfang_app::drafts`). Answers and bodies are typed; their OpenAPI
//! operations are generated ([`Api`]).

use super::responses::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::api::documents::parse_id;
use crate::auth::ApiUser;
use crate::error::{ApiError, Errors};
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use xinfang_app::drafts::{DraftInput, DraftView};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/cases/{case_no}/drafts", get(of_case).post(submit))
        .route("/api/v1/drafts/pending", get(pending))
        .route("/api/v1/drafts/{id}/sign", post(sign))
        .route("/api/v1/drafts/{id}/return", post(send_back))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(of_case, submit, pending, sign, send_back))]
pub(super) struct Api;

/// 草稿列表（新稿在前）
#[derive(Serialize, ToSchema)]
struct Drafts {
    drafts: Vec<DraftView>,
}

/// 已送审的草稿
#[derive(Serialize, ToSchema)]
struct Submitted {
    id: i64,
    /// submitted
    status: &'static str,
    status_label: &'static str,
}

/// 签发后的信访事项状态
#[derive(Serialize, ToSchema)]
struct Signed {
    case_no: String,
    status: &'static str,
    status_label: &'static str,
}

/// 已退回的草稿
#[derive(Serialize, ToSchema)]
struct Returned {
    /// 草稿 id，照网址中的写法原样返回（字符串）
    id: String,
    /// returned
    status: &'static str,
    status_label: &'static str,
}

/// 退回时的修改意见
#[derive(Deserialize, ToSchema)]
struct ReturnBody {
    #[serde(default)]
    comment: String,
}

/// Submit a draft (送审). Body: `{outcome, basis, text, replaces?}`.
#[utoipa::path(post, path = "/api/v1/cases/{case_no}/drafts", summary = "起草书面意见并送本机关负责人审核签发（签发后才编文号、信访人可见）",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    request_body = DraftInput,
    responses(
        (status = 201, description = "已送审", body = Submitted),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        (status = 409, description = "该事项当前的状态不能出具书面意见（code: invalid_state）", body = Errors),
        Invalid))]
async fn submit(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Submitted>), ApiError> {
    let input: DraftInput = parse_json(&body)?;
    let id = st.app.submit_draft(&staff, &case_no, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Submitted {
            id,
            status: "submitted",
            status_label: "待签发",
        }),
    ))
}

/// The drafts of a case, newest first.
#[utoipa::path(get, path = "/api/v1/cases/{case_no}/drafts", summary = "书面意见草稿（审核签发记录）",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    responses(
        (status = 200, description = "草稿列表", body = Drafts),
        Unauthorized,
        NotFound))]
async fn of_case(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Drafts>, ApiError> {
    let drafts = st.app.drafts_of(&staff, &case_no).await?;
    Ok(Json(Drafts { drafts }))
}

/// The head's 待审批.
#[utoipa::path(get, path = "/api/v1/drafts/pending", summary = "待审批：本机关待签发的书面意见（负责人）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "待签发草稿", body = Drafts),
        Unauthorized))]
async fn pending(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Drafts>, ApiError> {
    let drafts = st.app.drafts_to_sign(&staff).await?;
    Ok(Json(Drafts { drafts }))
}

/// 签发.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/sign", summary = "签发书面意见：成为答复，编文号，信访人可见",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已签发", body = Signed),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn sign(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Signed>, ApiError> {
    let case = st.app.sign_draft(&staff, parse_id(&id)?).await?;
    Ok(Json(Signed {
        case_no: case.case_no,
        status: case.status.key(),
        status_label: case.status.label_zh(),
    }))
}

/// 退回修改, with the head's comment.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/return", summary = "退回书面意见草稿并写明修改意见",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = ReturnBody,
    responses(
        (status = 200, description = "已退回", body = Returned),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn send_back(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Returned>, ApiError> {
    let b: ReturnBody = parse_json(&body)?;
    st.app
        .return_draft(&staff, parse_id(&id)?, &b.comment)
        .await?;
    Ok(Json(Returned {
        id,
        status: "returned",
        status_label: "已退回修改",
    }))
}
