//! Events to other systems over the API (issue #19): webhook endpoints
//! (administrators register, change, disable/enable, rotate the secret, read
//! the delivery log) and inbound work orders of other platforms (12345, a
//! provincial platform), filed under their own id through the same intake
//! as every registration. Handlers parse and call `xinfang_app::events`.

use crate::api::cases::StaffRegistration;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_app::events::endpoints::WebhookInput;
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

fn kinds() -> Value {
    KINDS
        .iter()
        .map(|(k, l)| json!({ "kind": k, "label": l }))
        .collect()
}

async fn list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let hooks = st.app.webhook_views(&staff).await?;
    Ok(Json(json!({ "webhooks": hooks, "kinds": kinds() })))
}

async fn create(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let input: WebhookInput = parse_json(&body)?;
    let (id, secret) = st.app.create_webhook(&staff, &input).await?;
    let hook = st.app.webhook_view(&staff, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "webhook": hook, "secret": secret })),
    )
        .into_response())
}

async fn one(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "webhook": st.app.webhook_view(&staff, id).await? }),
    ))
}

async fn update(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: WebhookInput = parse_json(&body)?;
    st.app.update_webhook(&staff, id, &input).await?;
    Ok(Json(
        json!({ "webhook": st.app.webhook_view(&staff, id).await? }),
    ))
}

#[derive(Deserialize, Default)]
struct SecretBody {
    #[serde(default)]
    secret: Option<String>,
}

async fn rotate(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: SecretBody = if body.is_empty() {
        SecretBody::default()
    } else {
        parse_json(&body)?
    };
    let secret = st
        .app
        .rotate_webhook_secret(&staff, id, b.secret.as_deref())
        .await?;
    Ok(Json(json!({ "secret": secret })))
}

async fn enable(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    st.app.set_webhook_enabled(&staff, id, true).await?;
    Ok(Json(
        json!({ "webhook": st.app.webhook_view(&staff, id).await? }),
    ))
}

async fn disable(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    st.app.set_webhook_enabled(&staff, id, false).await?;
    Ok(Json(
        json!({ "webhook": st.app.webhook_view(&staff, id).await? }),
    ))
}

#[derive(Deserialize)]
struct LogQuery {
    #[serde(default)]
    limit: Option<i64>,
}

async fn deliveries(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> Result<Json<Value>, ApiError> {
    let log = st
        .app
        .webhook_log(&staff, id, q.limit.unwrap_or(100))
        .await?;
    Ok(Json(json!({ "deliveries": log })))
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
) -> Result<Response, ApiError> {
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
    Ok((status, Json(crate::error::to_json(out)?)).into_response())
}

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

/// The OpenAPI entries of these routes (merged into `/api/openapi.json`).
pub fn openapi_paths() -> Value {
    let sec = json!([{ "bearer": [] }]);
    let id =
        json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }]);
    let kind_keys: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
    let input = json!({ "type": "object", "required": ["name", "url", "kinds", "scope_unit"], "properties": {
        "name": { "type": "string", "maxLength": 50, "description": "接收系统名称" },
        "url": { "type": "string", "description": "推送地址（http:// 或 https://，不含用户名密码）" },
        "kinds": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": kind_keys } },
        "scope_unit": { "type": "integer", "description": "订阅范围：该单位的工作人员能看到的信访事项（含第三十条限制），须在本人管辖范围内" },
        "secret": { "type": "string", "minLength": 16, "maxLength": 200, "description": "签名密钥；不填则随机生成，只在本次响应中返回一次" } } });
    let hook = json!({ "type": "object", "required": ["id", "name", "url", "kinds", "scope_unit", "status"], "properties": {
        "id": { "type": "integer" }, "name": { "type": "string" }, "url": { "type": "string" },
        "kinds": { "type": "array", "items": { "type": "string" } }, "scope_unit": { "type": "integer" }, "scope_unit_name": { "type": "string" },
        "status": { "type": "string", "enum": ["active", "suspended", "disabled"] }, "status_label": { "type": "string" },
        "failures": { "type": "integer" }, "last_error": { "type": "string" }, "suspended_at": { "type": ["string", "null"] } } });
    let one = |d: &str| json!({ "description": d, "content": { "application/json": { "schema": { "type": "object", "required": ["webhook"], "properties": { "webhook": hook } } } } });
    let payload_doc = "推送内容（JSON）：id（事件编号，同一事件重试时不变，用于去重）、kind、kind_label、occurred_at（北京时间，+08:00）、sequence（本件第几个事件，同一件按此顺序推送）、case（case_no、region_code、channel、kind、status、stage、handling_unit、registered_at、category、work_orders）、detail（本事件的枚举信息）。不含信访人姓名、身份证号、电话、地址和信访内容。请求头 X-Xinfang-Signature: sha256=<以密钥对原始请求体计算的 HMAC-SHA256 十六进制>，X-Xinfang-Event-Id / Idempotency-Key 为事件编号，X-Xinfang-Timestamp 为发送时间（Unix 秒），X-Xinfang-Attempt 为第几次尝试。返回 2xx 即为送达；否则按 1、2、4……60 分钟间隔重试，连续失败 8 次自动暂停并提示管理员。详见 docs/integrations/EVENTS.md。";
    json!({
      "/api/v1/admin/webhooks": {
        "get": { "summary": "数据推送：全部接收地址及其状态、各状态推送数（只计本人可见的信访事项）和可订阅的事件（管理员）",
          "security": sec, "responses": { "200": { "description": "接收地址列表" }, "401": err(), "403": err() } },
        "post": { "summary": "登记接收地址（管理员；记入审计）。此后发生的事件按订阅范围和事件类型推送", "description": payload_doc,
          "security": sec,
          "requestBody": { "required": true, "content": { "application/json": { "schema": input } } },
          "responses": { "201": { "description": "已登记；secret 只返回这一次", "content": { "application/json": { "schema": { "type": "object", "required": ["webhook", "secret"], "properties": { "webhook": hook, "secret": { "type": "string" } } } } } },
                         "401": err(), "403": err(), "422": err() } } },
      "/api/v1/admin/webhooks/{id}": {
        "get": { "summary": "一个接收地址（管理员）", "security": sec, "parameters": id,
          "responses": { "200": one("接收地址"), "401": err(), "403": err(), "404": err() } },
        "put": { "summary": "修改名称、推送地址、事件类型和订阅范围（管理员；给出 secret 则同时更换密钥；记入审计）", "security": sec, "parameters": id,
          "requestBody": { "required": true, "content": { "application/json": { "schema": input } } },
          "responses": { "200": one("已保存"), "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/admin/webhooks/{id}/secret": { "post": {
        "summary": "更换签名密钥（管理员；不给出则随机生成；新密钥只返回这一次；记入审计，日志中不含密钥）", "security": sec, "parameters": id,
        "requestBody": { "required": false, "content": { "application/json": { "schema": { "type": "object", "properties": { "secret": { "type": "string", "minLength": 16, "maxLength": 200 } } } } } },
        "responses": { "200": { "description": "新密钥", "content": { "application/json": { "schema": { "type": "object", "required": ["secret"], "properties": { "secret": { "type": "string" } } } } } }, "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/admin/webhooks/{id}/enable": { "post": {
        "summary": "启用（管理员）：因持续失败暂停的从中断处按顺序继续推送；停用过的从下一个事件起推送", "security": sec, "parameters": id,
        "responses": { "200": one("已启用"), "401": err(), "403": err(), "404": err() } } },
      "/api/v1/admin/webhooks/{id}/disable": { "post": {
        "summary": "停用（管理员）：不再推送，也不再积存事件", "security": sec, "parameters": id,
        "responses": { "200": one("已停用"), "401": err(), "403": err(), "404": err() } } },
      "/api/v1/admin/webhooks/{id}/deliveries": { "get": {
        "summary": "推送记录（管理员；最近的在前；只列本人可见的信访事项）", "security": sec,
        "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                        { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } } ],
        "responses": { "200": { "description": "推送记录" }, "401": err(), "403": err(), "404": err() } } },
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
