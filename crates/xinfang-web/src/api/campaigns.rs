//! 积案化解 campaigns and the 三张清单: creating one, adding cases (by number
//! or by the case list's filters) and moving an item (化解 / 稳控 / 销号).
//! Answers and bodies are typed; their OpenAPI operations are generated
//! ([`Api`]).

use super::extract::date_param;
use super::responses::{Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use xinfang_domain::campaign::{ITEM_STATES, LIST_KINDS};
use xinfang_store::{CampaignRow, CaseFilter};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/campaigns", get(campaigns).post(create_campaign))
        .route("/api/v1/campaigns/{id}/items", post(add_campaign_items))
        .route("/api/v1/campaign-items/{id}", post(move_campaign_item))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(campaigns, create_campaign, add_campaign_items, move_campaign_item))]
pub(super) struct Api;

/// 新建攻坚清单
#[derive(Deserialize, ToSchema)]
struct CampaignBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    #[schema(schema_with = list_kind)]
    list_kind: String,
    /// Start of the period (default today).
    #[serde(default)]
    #[schema(format = Date)]
    starts_on: Option<String>,
    #[schema(format = Date)]
    deadline: String,
}

fn list_kind() -> utoipa::openapi::Object {
    super::extract::key_schema(LIST_KINDS.map(|(key, _)| key))
}

fn item_state() -> utoipa::openapi::Object {
    super::extract::key_schema(ITEM_STATES.map(|(key, _)| key))
}

/// 积案化解与三张清单
#[derive(Serialize, ToSchema)]
struct Campaigns {
    campaigns: Vec<CampaignRow>,
}

/// 积案化解 campaign or one of the 三张清单.
#[utoipa::path(post, path = "/api/v1/campaigns", summary = "新建攻坚清单",
    security(("bearer" = [])),
    request_body = CampaignBody,
    responses(
        (status = 201, description = "已建立", body = CampaignRow),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn create_campaign(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<CampaignRow>), ApiError> {
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
    Ok((StatusCode::CREATED, Json(c)))
}

#[utoipa::path(get, path = "/api/v1/campaigns", summary = "积案化解与三张清单",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "清单", body = Campaigns),
        Unauthorized))]
async fn campaigns(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Campaigns>, ApiError> {
    let campaigns = st.app.campaigns_for(&staff).await?;
    Ok(Json(Campaigns { campaigns }))
}

/// 按编号或按条件加入事项
#[derive(Deserialize, ToSchema)]
struct ItemsBody {
    #[serde(default)]
    case_nos: Vec<String>,
    /// Add every visible case matching these filters (same as GET /api/v1/cases).
    #[serde(default)]
    query: Option<ItemsQuery>,
}

/// 加入条件（同信访事项列表的筛选）
#[derive(Deserialize, ToSchema)]
struct ItemsQuery {
    /// 状态，可用逗号分隔多个
    status: Option<String>,
    grade: Option<String>,
    /// 登记日期起
    from: Option<String>,
    /// 登记日期止
    to: Option<String>,
}

/// 加入的事项数
#[derive(Serialize, ToSchema)]
struct Added {
    added: usize,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/items", summary = "按编号或按条件加入事项",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = ItemsBody,
    responses(
        (status = 200, description = "已加入", body = Added),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn add_campaign_items(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Added>, ApiError> {
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
    Ok(Json(Added { added }))
}

/// 化解、稳控、销号
#[derive(Deserialize, ToSchema)]
struct MoveBody {
    #[schema(schema_with = item_state)]
    status: String,
    /// 化解、销号的依据
    #[serde(default)]
    evidence: String,
}

/// 化解 / 稳控 / 销号 of one campaign item.
#[utoipa::path(post, path = "/api/v1/campaign-items/{id}", summary = "化解、稳控、销号",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = MoveBody,
    responses(
        (status = 200, description = "已更新", body = CampaignRow),
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn move_campaign_item(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<CampaignRow>, ApiError> {
    let b: MoveBody = parse_json(&body)?;
    Ok(Json(
        st.app.move_item(&staff, id, &b.status, &b.evidence).await?,
    ))
}
