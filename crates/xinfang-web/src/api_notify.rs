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
