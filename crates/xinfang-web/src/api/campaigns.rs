//! 积案化解 campaigns and the 三张清单: creating one, adding cases (by number
//! or by the case list's filters) and moving an item (化解 / 稳控 / 销号).

use super::extract::date_param;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_store::CaseFilter;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/campaigns", get(campaigns).post(create_campaign))
        .route("/api/v1/campaigns/{id}/items", post(add_campaign_items))
        .route("/api/v1/campaign-items/{id}", post(move_campaign_item))
}

#[derive(Deserialize)]
struct CampaignBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    list_kind: String,
    /// Start of the period (default today).
    #[serde(default)]
    starts_on: Option<String>,
    deadline: String,
}

/// 积案化解 campaign or one of the 三张清单.
async fn create_campaign(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: CampaignBody = parse_json(&body)?;
    let deadline = date_param("deadline", &b.deadline)?;
    let starts_on = match b.starts_on.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(date_param("starts_on", s)?),
        None => None,
    };
    let c = st
        .app
        .create_campaign(&staff, &b.name, &b.list_kind, starts_on, deadline)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(c)?)).into_response())
}

async fn campaigns(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "campaigns": st.app.campaigns_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct ItemsBody {
    #[serde(default)]
    case_nos: Vec<String>,
    /// Add every visible case matching these filters (same as GET /api/v1/cases).
    #[serde(default)]
    query: Option<ItemsQuery>,
}

#[derive(Deserialize)]
struct ItemsQuery {
    status: Option<String>,
    grade: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn add_campaign_items(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: ItemsBody = parse_json(&body)?;
    let filter = b.query.map(|q| CaseFilter {
        statuses: q
            .status
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        grade: q.grade,
        registered_from: q.from,
        registered_to: q.to,
        limit: 5_000,
        ..Default::default()
    });
    let added = st
        .app
        .add_to_campaign(&staff, id, &b.case_nos, filter)
        .await?;
    Ok(Json(json!({ "added": added })))
}

#[derive(Deserialize)]
struct MoveBody {
    status: String,
    #[serde(default)]
    evidence: String,
}

/// 化解 / 稳控 / 销号 of one campaign item.
async fn move_campaign_item(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: MoveBody = parse_json(&body)?;
    Ok(Json(crate::error::to_json(
        st.app.move_item(&staff, id, &b.status, &b.evidence).await?,
    )?))
}
