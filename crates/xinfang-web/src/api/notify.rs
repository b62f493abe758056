//! Notifications over the API (issue #19): a case's messages with their
//! delivery state (staff who may see the case), the notice texts and the
//! gateways' state (administrators), and the petitioner's opt-out (case
//! number and query code, as on the tracking page). Answers and bodies are
//! typed; their OpenAPI operations are generated ([`Api`]).

use super::responses::{Forbidden, Invalid, NotFound, TooMany, Unauthorized};
use crate::auth::ApiUser;
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xinfang_app::notify::notice::Notice;
use xinfang_app::notify::{GatewayView, MessageView, NoticeText};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/cases/{case_no}/messages", get(of_case))
        .route("/api/v1/admin/notices", get(texts))
        .route("/api/v1/admin/notices/{notice}", put(set_text))
        .route("/api/v1/admin/gateways", get(gateways))
        .route("/api/v1/notifications/opt-out", post(opt_out))
        .route("/api/v1/petitioner-accounts/verify", post(verify_id))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(of_case, texts, set_text, gateways, opt_out, verify_id))]
pub(super) struct Api;

/// 窗口核验身份：手机账户与当面核对的身份证号码
#[derive(Deserialize, ToSchema)]
struct VerifyBody {
    phone: String,
    id_number: String,
}

/// 账户的身份核验级别
#[derive(Serialize, ToSchema)]
struct Verified {
    /// id
    level: &'static str,
    level_label: &'static str,
}

/// 窗口核验身份: staff checked the account holder's ID document.
#[utoipa::path(post, path = "/api/v1/petitioner-accounts/verify", summary = "窗口核验身份：登记人员当面核对信访人身份证件后，把身份证号码记到其手机账户（该账户须已登录过一次）；此后“我的信访”也列出用该身份证号码登记的事项。记入审计",
    security(("bearer" = [])),
    request_body = VerifyBody,
    responses(
        (status = 200, description = "已核验", body = Verified),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn verify_id(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Verified>, ApiError> {
    let b: VerifyBody = parse_json(&body)?;
    st.app
        .verify_petitioner_identity(&staff, &b.phone, &b.id_number)
        .await?;
    Ok(Json(Verified {
        level: "id",
        level_label: "窗口核验身份",
    }))
}

/// 本件发给信访人的通知
#[derive(Serialize, ToSchema)]
struct Messages {
    messages: Vec<MessageView>,
}

#[utoipa::path(get, path = "/api/v1/cases/{case_no}/messages", summary = "本件发给信访人的通知（短信、电子邮件）及发送状态：待发送、已发送、发送失败等待重试、已停止重试、已退订；收件人对非承办人员遮蔽",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    responses(
        (status = 200, description = "通知列表", body = Messages),
        Unauthorized,
        NotFound))]
async fn of_case(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Messages>, ApiError> {
    let messages = st.app.case_messages(&staff, &case_no).await?;
    Ok(Json(Messages { messages }))
}

/// 各类通知的文字
#[derive(Serialize, ToSchema)]
struct Notices {
    notices: Vec<NoticeText>,
}

#[utoipa::path(get, path = "/api/v1/admin/notices", summary = "各类通知的现行文字、默认文字和可用占位符（管理员）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "通知文字", body = Notices),
        Unauthorized,
        Forbidden))]
async fn texts(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Notices>, ApiError> {
    let notices = st.app.notice_texts(&staff).await?;
    Ok(Json(Notices { notices }))
}

/// Which notice `PUT /api/v1/admin/notices/{notice}` changes.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct NoticePath {
    #[param(schema_with = notice_keys)]
    notice: String,
}

fn notice_keys() -> utoipa::openapi::Object {
    super::extract::key_schema(Notice::ALL.map(Notice::key))
}

/// 通知的新文字
#[derive(Deserialize, ToSchema)]
struct NoticeTextBody {
    #[schema(max_length = 300)]
    text: String,
}

/// 已保存的通知文字
#[derive(Serialize, ToSchema)]
struct NoticeSaved {
    notice: String,
    text: String,
}

#[utoipa::path(put, path = "/api/v1/admin/notices/{notice}", summary = "修改一类通知的文字（管理员；只能使用该通知的占位符，登记通知须含{查询码}，回访邀请须含{回访链接}；记入审计）",
    security(("bearer" = [])),
    params(NoticePath),
    request_body = NoticeTextBody,
    responses(
        (status = 200, description = "已保存", body = NoticeSaved),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn set_text(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(NoticePath { notice }): Path<NoticePath>,
    body: axum::body::Bytes,
) -> Result<Json<NoticeSaved>, ApiError> {
    let b: NoticeTextBody = parse_json(&body)?;
    st.app.set_notice_text(&staff, &notice, &b.text).await?;
    Ok(Json(NoticeSaved {
        notice,
        text: b.text.trim().to_string(),
    }))
}

/// 短信网关、邮件服务器的状态
#[derive(Serialize, ToSchema)]
struct Gateways {
    gateways: Vec<GatewayView>,
}

#[utoipa::path(get, path = "/api/v1/admin/gateways", summary = "短信网关、邮件服务器：是否配置、各状态的通知数、最近的发送失败（管理员）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "网关状态", body = Gateways),
        Unauthorized,
        Forbidden))]
async fn gateways(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Gateways>, ApiError> {
    let gateways = st.app.gateway_status(&staff).await?;
    Ok(Json(Gateways { gateways }))
}

/// 退订：信访编号和查询码
#[derive(Deserialize, ToSchema)]
struct OptOutBody {
    case_no: String,
    query_code: String,
}

/// 退订的手机号码和邮箱个数
#[derive(Serialize, ToSchema)]
struct OptedOut {
    opted_out: usize,
}

#[utoipa::path(post, path = "/api/v1/notifications/opt-out", summary = "信访人退订本件的通知（凭信访编号和查询码，与查询页面同样限制尝试次数）",
    request_body = OptOutBody,
    responses(
        (status = 200, description = "已退订，opted_out 为退订的手机号码和邮箱个数", body = OptedOut),
        NotFound,
        TooMany))]
async fn opt_out(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Result<Json<OptedOut>, ApiError> {
    let b: OptOutBody = parse_json(&body)?;
    let opted_out = st
        .app
        .opt_out_of_case(&st.portal_throttle, &client, &b.case_no, &b.query_code)
        .await?;
    Ok(Json(OptedOut { opted_out }))
}
