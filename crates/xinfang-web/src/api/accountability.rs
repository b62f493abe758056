//! 约谈 / 通报 (第三十九条): recording one against a unit (optionally about
//! a case) and the caller's list. Answers and bodies are typed; their
//! OpenAPI operations are generated ([`Api`]).

use super::responses::{Forbidden, Invalid, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use xinfang_store::AccountabilityRow;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route(
        "/api/v1/accountability",
        get(accountability).post(record_accountability),
    )
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(accountability, record_accountability))]
pub(super) struct Api;

/// 约谈或通报
#[derive(Deserialize, ToSchema)]
struct AccountabilityBody {
    /// talk（约谈）或 circular（通报）；其他值答 422
    #[schema(schema_with = accountability_kind)]
    kind: String,
    unit_id: i64,
    #[serde(default)]
    case_no: Option<String>,
    #[serde(default)]
    reason: String,
}

fn accountability_kind() -> utoipa::openapi::Object {
    super::extract::key_schema(["talk", "circular"])
}

/// 约谈、通报记录
#[derive(Serialize, ToSchema)]
struct AccountabilityRecords {
    records: Vec<AccountabilityRow>,
}

/// 约谈 / 通报 (第三十九条).
#[utoipa::path(post, path = "/api/v1/accountability", summary = "记录约谈或通报",
    security(("bearer" = [])),
    request_body = AccountabilityBody,
    responses(
        (status = 201, description = "已记录", body = AccountabilityRow),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn record_accountability(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<AccountabilityRow>), ApiError> {
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
    Ok((StatusCode::CREATED, Json(r)))
}

#[utoipa::path(get, path = "/api/v1/accountability", summary = "约谈、通报记录（第三十九条）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "记录", body = AccountabilityRecords),
        Unauthorized))]
async fn accountability(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<AccountabilityRecords>, ApiError> {
    let records = st.app.accountability_for(&staff).await?;
    Ok(Json(AccountabilityRecords { records }))
}
