//! 约谈 / 通报 (第三十九条): recording one against a unit (optionally about
//! a case) and the caller's list.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route(
        "/api/v1/accountability",
        get(accountability).post(record_accountability),
    )
}

#[derive(Deserialize)]
struct AccountabilityBody {
    kind: String,
    unit_id: i64,
    #[serde(default)]
    case_no: Option<String>,
    #[serde(default)]
    reason: String,
}

/// 约谈 / 通报 (第三十九条).
async fn record_accountability(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: AccountabilityBody = parse_json(&body)?;
    let r = st
        .app
        .record_accountability(
            &staff,
            &b.kind,
            xinfang_domain::UnitId(b.unit_id),
            b.case_no.as_deref(),
            &b.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(r)?)).into_response())
}

async fn accountability(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "records": st.app.accountability_for(&staff).await? }),
    ))
}
