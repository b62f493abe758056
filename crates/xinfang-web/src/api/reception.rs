//! Reception calendar API (领导接访, 第十八条): list sessions with their
//! (masked) appointments and the sensitive-period shortfalls, schedule and
//! cancel sessions, book appointments, set the weekly minimum. Answers and
//! bodies are typed (the calendar is the app's `ReceptionCalendar`) and
//! their OpenAPI operations generated ([`Api`]).

use super::responses::{BadRequest, Forbidden, Invalid, NotFound, Unauthorized};
use crate::api::extract::date_param;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{OpenApi, ToSchema};
use xinfang_app::reception::calendar::ReceptionCalendar;
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

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(list, create, set_minimum, book, set_online, cancel))]
pub(super) struct Api;

fn id_param(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError(AppError::BadRequest(format!("场次编号无效：{raw}"))))
}

/// Sessions in [from, to] (default: today and the next 30 days).
#[utoipa::path(get, path = "/api/v1/receptions", summary = "领导接访日历（接访/下访/约访）与敏感时期场次不足的地区",
    security(("bearer" = [])),
    params(("from" = Option<chrono::NaiveDate>, Query, description = "默认今天"),
        ("to" = Option<chrono::NaiveDate>, Query, description = "默认 from 后 30 天")),
    responses(
        (status = 200, description = "场次", body = ReceptionCalendar),
        BadRequest,
        Unauthorized,
        Invalid))]
async fn list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ReceptionCalendar>, ApiError> {
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

/// 新场次的 id
#[derive(Serialize, ToSchema)]
struct SessionCreated {
    id: i64,
}

#[utoipa::path(post, path = "/api/v1/receptions", summary = "安排接访场次",
    security(("bearer" = [])),
    request_body = SessionInput,
    responses(
        (status = 201, description = "已安排", body = SessionCreated),
        BadRequest,
        Unauthorized,
        Forbidden,
        Invalid))]
async fn create(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<SessionCreated>), ApiError> {
    let input: SessionInput = parse_json(&body)?;
    let id = st.app.create_session(&staff, input).await?;
    Ok((StatusCode::CREATED, Json(SessionCreated { id })))
}

/// 预约：预约的 id 及其场次
#[derive(Serialize, ToSchema)]
struct Booked {
    id: i64,
    session_id: i64,
}

#[utoipa::path(post, path = "/api/v1/receptions/{id}/appointments", summary = "为信访人预约场次",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = AppointmentInput,
    responses(
        (status = 201, description = "已预约", body = Booked),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn book(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Booked>), ApiError> {
    let id = id_param(&id)?;
    let input: AppointmentInput = parse_json(&body)?;
    let appt = st.app.book_appointment(&staff, id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Booked {
            id: appt,
            session_id: id,
        }),
    ))
}

/// 已取消的场次
#[derive(Serialize, ToSchema)]
struct Cancelled {
    id: i64,
    /// cancelled
    status: &'static str,
}

#[utoipa::path(post, path = "/api/v1/receptions/{id}/cancel", summary = "取消场次（保留记录）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已取消", body = Cancelled),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound))]
async fn cancel(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Cancelled>, ApiError> {
    let id = id_param(&id)?;
    st.app.cancel_session(&staff, id).await?;
    Ok(Json(Cancelled {
        id,
        status: "cancelled",
    }))
}

/// 是否开放网上预约
#[derive(Deserialize, ToSchema)]
struct Online {
    online: bool,
}

/// 场次及其是否开放网上预约
#[derive(Serialize, ToSchema)]
struct SessionOnline {
    id: i64,
    online: bool,
}

/// Open or close a session to petitioners' online booking.
#[utoipa::path(put, path = "/api/v1/receptions/{id}/online", summary = "开放或停止网上预约",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = Online,
    responses(
        (status = 200, description = "已设置", body = SessionOnline),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn set_online(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<SessionOnline>, ApiError> {
    let id = id_param(&id)?;
    let o: Online = parse_json(&body)?;
    st.app.set_session_online(&staff, id, o.online).await?;
    Ok(Json(SessionOnline {
        id,
        online: o.online,
    }))
}

/// 敏感时期每周最少接访场次
#[derive(Serialize, Deserialize, ToSchema)]
struct WeeklyMinimum {
    #[schema(minimum = 0, maximum = 50)]
    min_per_week: u32,
}

#[utoipa::path(put, path = "/api/v1/receptions/minimum", summary = "设置敏感时期每周最少接访场次（管理员）",
    security(("bearer" = [])),
    request_body = WeeklyMinimum,
    responses(
        (status = 200, description = "已设置", body = WeeklyMinimum),
        BadRequest,
        Unauthorized,
        Forbidden,
        Invalid))]
async fn set_minimum(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<WeeklyMinimum>, ApiError> {
    let m: WeeklyMinimum = parse_json(&body)?;
    st.app.set_reception_minimum(&staff, m.min_per_week).await?;
    Ok(Json(m))
}
