//! Reception calendar API (领导接访, 第十八条): list sessions with their
//! (masked) appointments and the sensitive-period shortfalls, schedule and
//! cancel sessions, book appointments, set the weekly minimum.

use crate::api::extract::date_param;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use xinfang_app::reception::{AppointmentInput, SessionInput};
use xinfang_app::AppError;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/receptions", get(list).post(create))
        .route("/api/v1/receptions/minimum", put(set_minimum))
        .route("/api/v1/receptions/{id}/appointments", post(book))
        .route("/api/v1/receptions/{id}/cancel", post(cancel))
        .route("/api/v1/receptions/{id}/online", put(set_online))
}

fn id_param(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError(AppError::BadRequest(format!("场次编号无效：{raw}"))))
}

/// Sessions in [from, to] (default: today and the next 30 days).
async fn list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let today = st.app.now().date();
    let from = match q.get("from") {
        Some(d) => date_param("from", d)?,
        None => today,
    };
    let to = match q.get("to") {
        Some(d) => date_param("to", d)?,
        None => from
            .checked_add_signed(chrono::Duration::days(30))
            .ok_or_else(|| ApiError(AppError::field("from", "日期超出范围")))?,
    };
    Ok(Json(st.app.reception_calendar(&staff, from, to).await?))
}

async fn create(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input: SessionInput = parse_json(&body)?;
    let id = st.app.create_session(&staff, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

async fn book(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = id_param(&id)?;
    let input: AppointmentInput = parse_json(&body)?;
    let appt = st.app.book_appointment(&staff, id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": appt, "session_id": id })),
    ))
}

async fn cancel(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id_param(&id)?;
    st.app.cancel_session(&staff, id).await?;
    Ok(Json(json!({ "id": id, "status": "cancelled" })))
}

/// Open or close a session to petitioners' online booking.
async fn set_online(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Online {
        online: bool,
    }
    let id = id_param(&id)?;
    let o: Online = parse_json(&body)?;
    st.app.set_session_online(&staff, id, o.online).await?;
    Ok(Json(json!({ "id": id, "online": o.online })))
}

async fn set_minimum(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Min {
        min_per_week: u32,
    }
    let m: Min = parse_json(&body)?;
    st.app.set_reception_minimum(&staff, m.min_per_week).await?;
    Ok(Json(json!({ "min_per_week": m.min_per_week })))
}

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

/// OpenAPI paths of the reception API.
pub fn openapi_paths() -> Value {
    let id =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    let session = json!({ "type": "object", "required": ["kind", "leader", "date", "slot", "place", "capacity"], "properties": {
        "unit_id": { "type": ["integer", "null"] },
        "kind": { "type": "string", "enum": ["hall", "down", "appointment"], "description": "接访 / 下访 / 约访" },
        "leader": { "type": "string" }, "date": { "type": "string", "format": "date" },
        "slot": { "type": "string", "example": "09:00-11:30" }, "place": { "type": "string" },
        "capacity": { "type": "integer", "minimum": 1, "maximum": 200 },
        "online": { "type": "boolean", "default": false, "description": "开放网上预约（信访人在“我的信访”中预约）" } } });
    let appointment = json!({ "type": "object", "required": ["name", "matter"], "properties": {
        "name": { "type": "string" }, "phone": { "type": ["string", "null"] },
        "matter": { "type": "string" }, "case_no": { "type": ["string", "null"] } } });
    json!({
      "/api/v1/receptions": {
        "get": { "summary": "领导接访日历（接访/下访/约访）与敏感时期场次不足的地区", "security": [ { "bearer": [] } ],
          "parameters": [ { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                          { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } } ],
          "responses": { "200": { "description": "场次" }, "400": err(), "401": err(), "422": err() } },
        "post": { "summary": "安排接访场次", "security": [ { "bearer": [] } ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": session } } },
          "responses": { "201": { "description": "已安排" }, "400": err(), "401": err(), "403": err(), "422": err() } } },
      "/api/v1/receptions/minimum": { "put": { "summary": "设置敏感时期每周最少接访场次（管理员）", "security": [ { "bearer": [] } ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["min_per_week"], "properties": { "min_per_week": { "type": "integer", "minimum": 0, "maximum": 50 } } } } } },
          "responses": { "200": { "description": "已设置" }, "400": err(), "401": err(), "403": err(), "422": err() } } },
      "/api/v1/receptions/{id}/appointments": { "post": { "summary": "为信访人预约场次", "security": [ { "bearer": [] } ],
          "parameters": [ id.clone() ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": appointment } } },
          "responses": { "201": { "description": "已预约" }, "400": err(), "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/receptions/{id}/online": { "put": { "summary": "开放或停止网上预约", "security": [ { "bearer": [] } ],
          "parameters": [ id.clone() ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["online"], "properties": { "online": { "type": "boolean" } } } } } },
          "responses": { "200": { "description": "已设置" }, "400": err(), "401": err(), "403": err(), "404": err(), "422": err() } } },
      "/api/v1/receptions/{id}/cancel": { "post": { "summary": "取消场次（保留记录）", "security": [ { "bearer": [] } ],
          "parameters": [ id ],
          "responses": { "200": { "description": "已取消" }, "400": err(), "401": err(), "403": err(), "404": err() } } }
    })
}
