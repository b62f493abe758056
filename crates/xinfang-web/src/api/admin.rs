//! Administration API: the content taxonomy, the risk lexicon and thresholds,
//! units, users (and their second factor), and the daily 零报告. Handlers parse and call the services
//! in `xinfang-app` (which check the administrator role and audit).

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
use std::collections::HashMap;
use xinfang_app::admin::lexicon::RiskSettings;
use xinfang_app::admin::org::{UnitInput, UserInput};
use xinfang_app::AppError;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/taxonomy", get(taxonomy).post(add_taxon))
        .route("/api/v1/taxonomy/{code}", post(change_taxon))
        .route("/api/v1/risk-lexicon", get(lexicon).put(put_lexicon))
        .route("/api/v1/admin/units", get(units).post(add_unit))
        .route("/api/v1/admin/units/{id}", post(change_unit))
        .route("/api/v1/admin/users", get(users).post(add_user))
        .route("/api/v1/admin/users/{id}", post(change_user))
        .route(
            "/api/v1/admin/users/{id}/second-factor/reset",
            post(reset_second_factor),
        )
        .route(
            "/api/v1/admin/second-factor",
            get(second_factor_policy).put(put_second_factor_policy),
        )
        .route(
            "/api/v1/zero-reports",
            get(zero_reports).post(record_zero_report),
        )
}

/// The taxonomy as JSON rows with paths.
pub(crate) fn taxonomy_json(t: &xinfang_domain::taxonomy::Taxonomy) -> Value {
    let nodes: Vec<Value> = t
        .nodes()
        .iter()
        .map(|n| {
            json!({ "code": n.code, "name": n.name, "level": n.level, "active": n.active,
                         "parent": n.parent_code(), "path": t.path(&n.code) })
        })
        .collect();
    json!({ "nodes": nodes })
}

async fn taxonomy(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    Json(taxonomy_json(&st.app.taxonomy()))
}

#[derive(Deserialize)]
struct NewTaxon {
    #[serde(default)]
    parent: Option<String>,
    name: String,
}

async fn add_taxon(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: NewTaxon = parse_json(&body)?;
    let node = st
        .app
        .add_taxon(&staff, b.parent.as_deref(), &b.name)
        .await?;
    let path = st.app.taxonomy().path(&node.code);
    Ok((
        StatusCode::CREATED,
        Json(json!({ "node": node, "path": path })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct TaxonChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

async fn change_taxon(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: TaxonChange = parse_json(&body)?;
    let node = st
        .app
        .change_taxon(&staff, &code, b.name.as_deref(), b.active)
        .await?;
    let path = st.app.taxonomy().path(&node.code);
    Ok(Json(json!({ "node": node, "path": path })))
}

async fn lexicon(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    Json(json!(st.app.risk_config().settings()))
}

async fn put_lexicon(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: RiskSettings = parse_json(&body)?;
    let c = st.app.set_risk_settings(&staff, b).await?;
    Ok(Json(json!(c.settings())))
}

async fn units(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    st.app.require_admin(&staff)?;
    let org = st.app.org();
    let mut list: Vec<_> = org.units().collect();
    list.sort_by_key(|u| u.id);
    let units: Vec<Value> = list
        .iter()
        .map(|u| json!({ "id": u.id, "parent_id": u.parent, "name": u.name, "level": u.level,
                         "kind": u.kind, "region_code": u.region_code, "active": st.app.unit_active(u.id) }))
        .collect();
    Ok(Json(json!({ "units": units })))
}

#[derive(Deserialize)]
struct NewUnit {
    parent_id: i64,
    name: String,
    level: String,
    kind: String,
    region_code: String,
}

async fn add_unit(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: NewUnit = parse_json(&body)?;
    let id = st
        .app
        .add_unit(
            &staff,
            UnitInput {
                parent: b.parent_id,
                name: b.name,
                level: b.level,
                kind: b.kind,
                region_code: b.region_code,
            },
        )
        .await?;
    let unit = st.app.org().get(id).cloned().ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "unit": unit, "active": true })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct UnitChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

async fn change_unit(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: UnitChange = parse_json(&body)?;
    st.app
        .change_unit(&staff, id, b.name.as_deref(), b.active)
        .await?;
    let uid = xinfang_domain::UnitId(id);
    let unit = st.app.org().get(uid).cloned().ok_or(AppError::NotFound)?;
    Ok(Json(
        json!({ "unit": unit, "active": st.app.unit_active(uid) }),
    ))
}

async fn users(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let unit = match q.get("unit").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| ApiError(AppError::BadRequest("unit 应为整数".into())))?,
        ),
        None => None,
    };
    let users = st.app.admin_users(&staff, unit).await?;
    Ok(Json(json!({ "users": users })))
}

#[derive(Deserialize)]
struct NewUserBody {
    username: String,
    display_name: String,
    unit_id: i64,
    roles: Vec<String>,
    password: String,
    #[serde(default)]
    post: Option<String>,
}

async fn add_user(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: NewUserBody = parse_json(&body)?;
    let u = st
        .app
        .add_user(
            &staff,
            UserInput {
                username: b.username,
                display_name: b.display_name,
                unit: b.unit_id,
                roles: b.roles,
                password: b.password,
                post: b.post.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "user": u }))).into_response())
}

#[derive(Deserialize)]
struct UserChangeBody {
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

async fn change_user(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: UserChangeBody = parse_json(&body)?;
    let u = st
        .app
        .change_user(
            &staff,
            id,
            b.display_name.as_deref(),
            b.roles.as_deref(),
            b.password.as_deref(),
            b.active,
        )
        .await?;
    Ok(Json(json!({ "user": u })))
}

async fn zero_reports(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let day = match q.get("day").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .map_err(|_| ApiError(AppError::field("day", "日期格式应为 YYYY-MM-DD")))?,
        None => st.app.now().date(),
    };
    let status = st.app.zero_report_status(&staff, day).await?;
    Ok(Json(json!(status)))
}

#[derive(Deserialize)]
struct ZeroReportBody {
    nothing_to_report: bool,
    #[serde(default)]
    note: String,
}

async fn record_zero_report(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: ZeroReportBody = parse_json(&body)?;
    let r = st
        .app
        .record_zero_report(&staff, b.nothing_to_report, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "report": r }))).into_response())
}

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

/// The OpenAPI paths of this file (merged into the document by `openapi.rs`).
pub fn openapi_paths() -> Value {
    let sec = json!([{ "bearer": [] }]);
    let obj = |props: Value, required: Value| json!({ "required": true, "content": { "application/json": { "schema": { "type": "object", "required": required, "properties": props } } } });
    let int_path = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } }]);
    json!({
      "/api/v1/taxonomy": {
        "get": { "summary": "内容分类（领域 → 类别 → 细类）", "security": sec, "responses": { "200": { "description": "分类树" }, "401": err() } },
        "post": { "summary": "新增分类（管理员）", "security": sec,
          "requestBody": obj(json!({ "parent": { "type": ["string", "null"] }, "name": { "type": "string" } }), json!(["name"])),
          "responses": { "201": { "description": "已新增" }, "401": err(), "403": err(), "422": err() } } },
      "/api/v1/taxonomy/{code}": { "post": { "summary": "更名、停用或启用分类（管理员；不删除）", "security": sec,
          "parameters": [ { "name": "code", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "requestBody": obj(json!({ "name": { "type": "string" }, "active": { "type": "boolean" } }), json!([])),
          "responses": { "200": { "description": "已更新" }, "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/risk-lexicon": {
        "get": { "summary": "风险词库与预警阈值", "security": sec, "responses": { "200": { "description": "词库" }, "401": err() } },
        "put": { "summary": "替换风险词库与阈值（管理员）", "security": sec,
          "requestBody": obj(json!({
            "terms": { "type": "array", "items": { "type": "object", "required": ["term", "category", "level"], "properties": {
              "term": { "type": "string" }, "category": { "type": "string" }, "level": { "type": "integer", "minimum": 0, "maximum": 255 } } } },
            "thresholds": { "type": "object", "required": ["repeat_at", "repeat_high_at", "collective_at", "collective_high_at"], "properties": {
              "repeat_at": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 }, "repeat_high_at": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 },
              "collective_at": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 }, "collective_high_at": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 } } } }),
            json!(["terms", "thresholds"])),
          "responses": { "200": { "description": "已更新" }, "401": err(), "403": err(), "422": err() } } },
      "/api/v1/admin/units": {
        "get": { "summary": "单位树（含停用，管理员）", "security": sec, "responses": { "200": { "description": "单位" }, "401": err(), "403": err() } },
        "post": { "summary": "新增单位（管理员）", "security": sec,
          "requestBody": obj(json!({ "parent_id": { "type": "integer", "format": "int64" }, "name": { "type": "string" },
            "level": { "type": "string", "enum": ["national", "provincial", "municipal", "county", "township"] },
            "kind": { "type": "string", "enum": ["government", "petition_bureau", "functional", "discipline", "political_legal", "township"] },
            "region_code": { "type": "string" } }), json!(["parent_id", "name", "level", "kind", "region_code"])),
          "responses": { "201": { "description": "已新增" }, "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/admin/units/{id}": { "post": { "summary": "更名、停用或启用单位（管理员；不删除）", "security": sec, "parameters": int_path,
          "requestBody": obj(json!({ "name": { "type": "string" }, "active": { "type": "boolean" } }), json!([])),
          "responses": { "200": { "description": "已更新" }, "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/admin/users": {
        "get": { "summary": "用户（管理员）", "security": sec,
          "parameters": [ { "name": "unit", "in": "query", "schema": { "type": "integer", "format": "int64" } } ],
          "responses": { "200": { "description": "用户" }, "401": err(), "403": err() } },
        "post": { "summary": "新建用户（管理员；初始密码须符合密码策略）", "security": sec,
          "requestBody": obj(json!({ "username": { "type": "string" }, "display_name": { "type": "string" }, "unit_id": { "type": "integer", "format": "int64" },
            "roles": { "type": "array", "items": { "type": "string", "enum": ["registrar", "handler", "supervisor", "leader", "admin"] } }, "password": { "type": "string" } }),
            json!(["username", "display_name", "unit_id", "roles", "password"])),
          "responses": { "201": { "description": "已新建" }, "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/admin/users/{id}": { "post": { "summary": "修改角色、重置密码、停用或启用用户（管理员）", "security": sec, "parameters": int_path,
          "requestBody": obj(json!({ "display_name": { "type": "string" }, "roles": { "type": "array", "items": { "type": "string" } },
            "password": { "type": "string" }, "active": { "type": "boolean" } }), json!([])),
          "responses": { "200": { "description": "已更新" }, "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/zero-reports": {
        "get": { "summary": "敏感时期每日零报告：已报、未报的信访局", "security": sec,
          "parameters": [ { "name": "day", "in": "query", "schema": { "type": "string", "format": "date" } } ],
          "responses": { "200": { "description": "报告情况" }, "401": err(), "422": err() } },
        "post": { "summary": "本信访局今日报告（零报告或预警情况；每日一次）", "security": sec,
          "requestBody": obj(json!({ "nothing_to_report": { "type": "boolean" }, "note": { "type": "string" } }), json!(["nothing_to_report"])),
          "responses": { "201": { "description": "已报告" }, "401": err(), "403": err(), "404": err(), "409": err(), "422": err() } } }
    })
}

/// The roles that must use a second factor, and the session timeouts.
async fn second_factor_policy(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    if !staff.has(xinfang_domain::Role::Admin) {
        return Err(ApiError(AppError::Forbidden));
    }
    let roles: Vec<&str> = st
        .app
        .second_factor_roles()
        .await?
        .iter()
        .map(|r| r.key())
        .collect();
    let p = st.app.session_policy();
    Ok(Json(json!({
        "roles": roles,
        "idle_timeout_secs": p.idle.as_secs(),
        "absolute_timeout_secs": p.absolute.as_secs(),
    })))
}

#[derive(Deserialize)]
struct FactorPolicy {
    roles: Vec<String>,
}

async fn put_second_factor_policy(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: FactorPolicy = parse_json(&body)?;
    let roles = st.app.set_second_factor_roles(&staff, &b.roles).await?;
    let keys: Vec<&str> = roles.iter().map(|r| r.key()).collect();
    Ok(Json(json!({ "roles": keys })))
}

/// Remove a user's second factor (audited); their sessions end.
async fn reset_second_factor(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let had = st
        .app
        .reset_second_factor(&staff, xinfang_domain::UserId(id))
        .await?;
    Ok(Json(json!({ "reset": had })))
}
