//! Notifications over the API (issue #19): a case's messages with their
//! delivery state (staff who may see the case), the notice texts and the
//! gateways' state (administrators), and the petitioner's opt-out (case
//! number and query code, as on the tracking page).

use crate::auth::ApiUser;
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/cases/{case_no}/messages", get(of_case))
        .route("/api/v1/admin/notices", get(texts))
        .route("/api/v1/admin/notices/{notice}", put(set_text))
        .route("/api/v1/admin/gateways", get(gateways))
        .route("/api/v1/notifications/opt-out", post(opt_out))
        .route("/api/v1/petitioner-accounts/verify", post(verify_id))
}

#[derive(Deserialize)]
struct VerifyBody {
    phone: String,
    id_number: String,
}

/// 窗口核验身份: staff checked the account holder's ID document.
async fn verify_id(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: VerifyBody = parse_json(&body)?;
    st.app
        .verify_petitioner_identity(&staff, &b.phone, &b.id_number)
        .await?;
    Ok(Json(
        json!({ "level": "id", "level_label": "窗口核验身份" }),
    ))
}

async fn of_case(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let messages = st.app.case_messages(&staff, &case_no).await?;
    Ok(Json(json!({ "messages": messages })))
}

async fn texts(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "notices": st.app.notice_texts(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct TextBody {
    text: String,
}

async fn set_text(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(notice): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: TextBody = parse_json(&body)?;
    st.app.set_notice_text(&staff, &notice, &b.text).await?;
    Ok(Json(json!({ "notice": notice, "text": b.text.trim() })))
}

async fn gateways(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "gateways": st.app.gateway_status(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct OptOutBody {
    case_no: String,
    query_code: String,
}

async fn opt_out(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: OptOutBody = parse_json(&body)?;
    let n = st
        .app
        .opt_out_of_case(&st.portal_throttle, &client, &b.case_no, &b.query_code)
        .await?;
    Ok(Json(json!({ "opted_out": n })))
}

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

/// The OpenAPI entries of these routes (merged into `/api/openapi.json`).
pub fn openapi_paths() -> Value {
    let sec = json!([{ "bearer": [] }]);
    let body = |props: Value, required: Value| json!({ "required": true, "content": { "application/json": { "schema": { "type": "object", "required": required, "properties": props } } } });
    json!({
      "/api/v1/cases/{case_no}/messages": { "get": {
        "summary": "本件发给信访人的通知（短信、电子邮件）及发送状态：待发送、已发送、发送失败等待重试、已停止重试、已退订；收件人对非承办人员遮蔽",
        "security": sec,
        "parameters": [ { "name": "case_no", "in": "path", "required": true, "schema": { "type": "string" } } ],
        "responses": { "200": { "description": "通知列表" }, "401": err(), "404": err() } } },
      "/api/v1/admin/notices": { "get": {
        "summary": "各类通知的现行文字、默认文字和可用占位符（管理员）",
        "security": sec,
        "responses": { "200": { "description": "通知文字" }, "401": err(), "403": err() } } },
      "/api/v1/admin/notices/{notice}": { "put": {
        "summary": "修改一类通知的文字（管理员；只能使用该通知的占位符，登记通知须含{查询码}，回访邀请须含{回访链接}；记入审计）",
        "security": sec,
        "parameters": [ { "name": "notice", "in": "path", "required": true, "schema": { "type": "string", "enum": ["registered", "transferred", "notified", "extended", "replied", "visit", "review_closing", "signin_code"] } } ],
        "requestBody": body(json!({ "text": { "type": "string", "maxLength": 300 } }), json!(["text"])),
        "responses": { "200": { "description": "已保存" }, "401": err(), "403": err(), "422": err() } } },
      "/api/v1/admin/gateways": { "get": {
        "summary": "短信网关、邮件服务器：是否配置、各状态的通知数、最近的发送失败（管理员）",
        "security": sec,
        "responses": { "200": { "description": "网关状态" }, "401": err(), "403": err() } } },
      "/api/v1/notifications/opt-out": { "post": {
        "summary": "信访人退订本件的通知（凭信访编号和查询码，与查询页面同样限制尝试次数）",
        "requestBody": body(json!({ "case_no": { "type": "string" }, "query_code": { "type": "string" } }), json!(["case_no", "query_code"])),
        "responses": { "200": { "description": "已退订，opted_out 为退订的手机号码和邮箱个数" }, "404": err(), "429": err() } } },
      "/api/v1/petitioner-accounts/verify": { "post": {
        "summary": "窗口核验身份：登记人员当面核对信访人身份证件后，把身份证号码记到其手机账户（该账户须已登录过一次）；此后“我的信访”也列出用该身份证号码登记的事项。记入审计",
        "security": sec,
        "requestBody": body(json!({ "phone": { "type": "string" }, "id_number": { "type": "string" } }), json!(["phone", "id_number"])),
        "responses": { "200": { "description": "已核验" }, "401": err(), "403": err(), "422": err() } } }
    })
}
