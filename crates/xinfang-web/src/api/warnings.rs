//! 预警 and clocks seen from the caller's area: the 临期/超期 alerts, the
//! warnings with their 核查 / 处置 / 解除 workflow, and the sensitive periods
//! (管理员) that raise them.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/warnings", get(warnings))
        .route("/api/v1/warnings/{id}/{action}", post(advance_warning))
        .route(
            "/api/v1/sensitive-periods",
            get(sensitive_periods).put(put_sensitive_periods),
        )
}

/// 临期/超期 alerts of the caller's government area (supervisors' inbox).
async fn alerts(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let rows = st.app.alerts_for(&staff).await?;
    Ok(Json(json!({ "alerts": rows })))
}

/// 预警 of the caller's area.
async fn warnings(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "warnings": st.app.warnings_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct NoteBody {
    #[serde(default)]
    note: String,
}

/// 核查 (verify) / 处置 (dispose) / 解除 (clear) a warning.
async fn advance_warning(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: NoteBody = parse_json(&body)?;
    let w = st.app.advance_warning(&staff, id, &action, &b.note).await?;
    Ok(Json(crate::error::to_json(w)?))
}

async fn sensitive_periods(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    Json(json!({ "periods": st.app.sensitive_periods() }))
}

/// Replace the sensitive periods (管理员).
async fn put_sensitive_periods(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let periods: Vec<xinfang_app::intelligence::SensitivePeriod> = parse_json(&body)?;
    st.app.set_sensitive(&staff, periods).await?;
    Ok(Json(json!({ "periods": st.app.sensitive_periods() })))
}
