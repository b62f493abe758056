//! Events to other systems over the API (issue #19): webhook endpoints
//! (administrators register, change, disable/enable, rotate the secret, read
//! the delivery log) and inbound work orders of other platforms (12345, a
//! provincial platform), filed under their own id through the same intake
//! as every registration. Handlers parse and call `xinfang_app::events`.
//! The webhook answers and bodies are typed and their OpenAPI operations
//! generated ([`Api`]); the work order still answers the app's outcome as
//! JSON and is described by hand in [`openapi_paths`].

use super::responses::{Forbidden, Invalid, NotFound, Unauthorized};
use crate::api::cases::StaffRegistration;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xinfang_app::events::endpoints::{DeliveryView, WebhookInput, WebhookView};
use xinfang_app::events::work_orders::WorkOrderOutcome;
use xinfang_domain::outbound::KINDS;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/admin/webhooks", get(list).post(create))
        .route("/api/v1/admin/webhooks/{id}", get(one).put(update))
        .route("/api/v1/admin/webhooks/{id}/secret", post(rotate))
        .route("/api/v1/admin/webhooks/{id}/enable", post(enable))
        .route("/api/v1/admin/webhooks/{id}/disable", post(disable))
        .route("/api/v1/admin/webhooks/{id}/deliveries", get(deliveries))
        .route("/api/v1/work-orders", post(work_order))
}

/// The operations of this file in the OpenAPI document (all but the work order).
#[derive(OpenApi)]
#[openapi(paths(list, create, one, update, rotate, enable, disable, deliveries))]
pub(super) struct Api;

/// What [`create`] tells the receiver: the push body and its headers.
const PAYLOAD_DOC: &str = "推送内容（JSON）：id（事件编号，同一事件重试时不变，用于去重）、kind、kind_label、occurred_at（北京时间，+08:00）、sequence（本件第几个事件，同一件按此顺序推送）、case（case_no、region_code、channel、kind、status、stage、handling_unit、registered_at、category、work_orders）、detail（本事件的枚举信息）。不含信访人姓名、身份证号、电话、地址和信访内容。请求头 X-Xinfang-Signature: sha256=<以密钥对原始请求体计算的 HMAC-SHA256 十六进制>，X-Xinfang-Event-Id / Idempotency-Key 为事件编号，X-Xinfang-Timestamp 为发送时间（Unix 秒），X-Xinfang-Attempt 为第几次尝试。返回 2xx 即为送达；否则按 1、2、4……60 分钟间隔重试，连续失败 8 次自动暂停并提示管理员。详见 docs/integrations/EVENTS.md。";

/// 可订阅的一种事件
#[derive(Serialize, ToSchema)]
struct EventKind {
    kind: &'static str,
    label: &'static str,
}

/// 全部接收地址和可订阅的事件
#[derive(Serialize, ToSchema)]
struct Webhooks {
    webhooks: Vec<WebhookView>,
    kinds: Vec<EventKind>,
}

/// 一个接收地址
#[derive(Serialize, ToSchema)]
struct OneWebhook {
    webhook: WebhookView,
}

/// 新登记的接收地址及其密钥（只返回这一次）
#[derive(Serialize, ToSchema)]
struct NewWebhook {
    webhook: WebhookView,
    secret: String,
}

/// 签名密钥（只返回这一次）
#[derive(Serialize, ToSchema)]
struct Secret {
    secret: String,
}

#[utoipa::path(get, path = "/api/v1/admin/webhooks", summary = "数据推送：全部接收地址及其状态、各状态推送数（只计本人可见的信访事项）和可订阅的事件（管理员）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "接收地址列表", body = Webhooks),
        Unauthorized,
        Forbidden))]
async fn list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Webhooks>, ApiError> {
    let webhooks = st.app.webhook_views(&staff).await?;
    let kinds = KINDS
        .iter()
        .map(|(kind, label)| EventKind { kind, label })
        .collect();
    Ok(Json(Webhooks { webhooks, kinds }))
}

#[utoipa::path(post, path = "/api/v1/admin/webhooks", summary = "登记接收地址（管理员；记入审计）。此后发生的事件按订阅范围和事件类型推送",
    description = PAYLOAD_DOC,
    security(("bearer" = [])),
    request_body = WebhookInput,
    responses(
        (status = 201, description = "已登记；secret 只返回这一次", body = NewWebhook),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn create(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<NewWebhook>), ApiError> {
    let input: WebhookInput = parse_json(&body)?;
    let (id, secret) = st.app.create_webhook(&staff, &input).await?;
    let webhook = st.app.webhook_view(&staff, id).await?;
    Ok((StatusCode::CREATED, Json(NewWebhook { webhook, secret })))
}

#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}", summary = "一个接收地址（管理员）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "接收地址", body = OneWebhook),
        Unauthorized,
        Forbidden,
        NotFound))]
async fn one(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OneWebhook>, ApiError> {
    let webhook = st.app.webhook_view(&staff, id).await?;
    Ok(Json(OneWebhook { webhook }))
}

#[utoipa::path(put, path = "/api/v1/admin/webhooks/{id}", summary = "修改名称、推送地址、事件类型和订阅范围（管理员；给出 secret 则同时更换密钥；记入审计）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = WebhookInput,
    responses(
        (status = 200, description = "已保存", body = OneWebhook),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn update(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<OneWebhook>, ApiError> {
    let input: WebhookInput = parse_json(&body)?;
    st.app.update_webhook(&staff, id, &input).await?;
    let webhook = st.app.webhook_view(&staff, id).await?;
    Ok(Json(OneWebhook { webhook }))
}

/// 新密钥；不给出（或不带请求正文）则随机生成
#[derive(Deserialize, Default, ToSchema)]
struct SecretBody {
    #[serde(default)]
    #[schema(min_length = 16, max_length = 200)]
    secret: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/secret", summary = "更换签名密钥（管理员；不给出则随机生成；新密钥只返回这一次；记入审计，日志中不含密钥）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = Option<SecretBody>),
    responses(
        (status = 200, description = "新密钥", body = Secret),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn rotate(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Secret>, ApiError> {
    let b: SecretBody = if body.is_empty() {
        SecretBody::default()
    } else {
        parse_json(&body)?
    };
    let secret = st
        .app
        .rotate_webhook_secret(&staff, id, b.secret.as_deref())
        .await?;
    Ok(Json(Secret { secret }))
}

#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/enable", summary = "启用（管理员）：因持续失败暂停的从中断处按顺序继续推送；停用过的从下一个事件起推送",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已启用", body = OneWebhook),
        Unauthorized,
        Forbidden,
        NotFound))]
async fn enable(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OneWebhook>, ApiError> {
    st.app.set_webhook_enabled(&staff, id, true).await?;
    let webhook = st.app.webhook_view(&staff, id).await?;
    Ok(Json(OneWebhook { webhook }))
}

#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/disable", summary = "停用（管理员）：不再推送，也不再积存事件",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已停用", body = OneWebhook),
        Unauthorized,
        Forbidden,
        NotFound))]
async fn disable(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OneWebhook>, ApiError> {
    st.app.set_webhook_enabled(&staff, id, false).await?;
    let webhook = st.app.webhook_view(&staff, id).await?;
    Ok(Json(OneWebhook { webhook }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LogQuery {
    /// 最多几条（默认 100）
    #[serde(default)]
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// 推送记录（最近的在前）
#[derive(Serialize, ToSchema)]
struct Deliveries {
    deliveries: Vec<DeliveryView>,
}

#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}/deliveries", summary = "推送记录（管理员；最近的在前；只列本人可见的信访事项）",
    security(("bearer" = [])),
    params(("id" = i64, Path), LogQuery),
    responses(
        (status = 200, description = "推送记录", body = Deliveries),
        Unauthorized,
        Forbidden,
        NotFound))]
async fn deliveries(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> Result<Json<Deliveries>, ApiError> {
    let deliveries = st
        .app
        .webhook_log(&staff, id, q.limit.unwrap_or(100))
        .await?;
    Ok(Json(Deliveries { deliveries }))
}

#[derive(Deserialize)]
struct WorkOrder {
    source: String,
    external_id: String,
    #[serde(flatten)]
    registration: StaffRegistration,
}

async fn work_order(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<WorkOrderOutcome>), ApiError> {
    let b: WorkOrder = parse_json(&body)?;
    let req = b.registration.into_request(&staff)?;
    let out = st
        .app
        .file_work_order(&staff, &b.source, &b.external_id, req)
        .await?;
    let status = if out.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(out)))
}

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

/// The OpenAPI path item of the work order (its answer is still the app's
/// outcome as JSON; the webhooks are generated, see [`Api`]).
pub fn openapi_paths() -> Value {
    let sec = json!([{ "bearer": [] }]);
    json!({
      "/api/v1/work-orders": { "post": {
        "summary": "其他平台（12345热线、省级平台）以本平台工单编号登记信访事项：同一来源的同一工单编号只登记一件，再次提交返回已登记的那一件（200，duplicate 为 true）；办理进展通过该平台的数据推送订阅返回",
        "security": sec,
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
          "required": ["source", "external_id", "channel", "petitioners"], "properties": {
            "source": { "type": "string", "description": "来源平台代码，如 12345" },
            "external_id": { "type": "string", "description": "来源平台的工单编号" },
            "channel": { "type": "string", "enum": ["online", "letter", "visit", "phone", "fax"] },
            "kind": { "type": "string", "enum": ["suggestion", "accusation", "claim"] },
            "petitioners": { "type": "array", "items": { "type": "object", "required": ["name"], "properties": {
               "name": { "type": "string" }, "id_number": { "type": "string" }, "phone": { "type": "string" }, "address": { "type": "string" }, "email": { "type": "string" } } } },
            "persons": { "type": "integer" }, "request": { "type": "string" }, "facts": { "type": "string" }, "reasons": { "type": "string" },
            "region_code": { "type": "string" }, "accused": { "type": "string" }, "category": { "type": "string" }, "new_matter_reason": { "type": "string" } } } } } },
        "responses": {
          "201": { "description": "已登记（registration 中含查询码，只返回这一次）", "content": { "application/json": { "schema": { "type": "object", "required": ["source", "external_id", "duplicate", "case_no", "status"], "properties": { "duplicate": { "type": "boolean" }, "case_no": { "type": "string" }, "status": { "type": "string" } } } } } },
          "200": { "description": "该工单已登记过：返回那一件", "content": { "application/json": { "schema": { "type": "object", "required": ["source", "external_id", "duplicate", "case_no", "status"], "properties": { "duplicate": { "type": "boolean" }, "case_no": { "type": "string" }, "status": { "type": "string" } } } } } },
          "401": err(), "403": err(), "404": err(), "409": err(), "422": err() } } }
    })
}
