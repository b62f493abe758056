//! Statistics API: everything under `/api/v1/stats/` — the overview
//! indicators, the unit rankings and their weights, hot issues, breakdowns of
//! the period's volume — and the statistics as Excel under
//! `/api/v1/export/stats/` (overview, rankings, trend). The JSON answers are
//! typed (the app's `Overview`, `Rankings`, `HotIssues`) and their OpenAPI
//! operations generated ([`Api`]); the Excel downloads are described by
//! hand ([`export_openapi_paths`] and the document of `crate::openapi`).

use super::extract::{date_param, xlsx_response};
use super::responses::{BadRequest, Forbidden, Invalid, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use utoipa::{OpenApi, ToSchema};
use xinfang_app::analytics::HotIssues;
use xinfang_app::rankings::Rankings;
use xinfang_app::stats::Overview;
use xinfang_app::AppError;
use xinfang_domain::metrics::RankingWeights;
use xinfang_store::BreakdownRow;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/stats/hot", get(hot))
        .route("/api/v1/stats/breakdowns", get(breakdowns))
        .route("/api/v1/stats/overview", get(stats_overview))
        .route("/api/v1/stats/rankings", get(stats_rankings))
        .route(
            "/api/v1/stats/ranking-weights",
            axum::routing::put(put_ranking_weights),
        )
        .route(
            "/api/v1/export/stats/overview.xlsx",
            get(stats_overview_xlsx),
        )
        .route("/api/v1/export/stats/rankings.xlsx", get(rankings_xlsx))
        .route("/api/v1/export/stats/trend.xlsx", get(trend_xlsx))
}

/// The operations of this file in the OpenAPI document (all but the Excel downloads).
#[derive(OpenApi)]
#[openapi(paths(hot, breakdowns, stats_overview, stats_rankings, put_ranking_weights))]
pub(super) struct Api;

/// Hot issues of the week containing `week` (default: today).
#[utoipa::path(get, path = "/api/v1/stats/hot", summary = "热点问题：本周较上周上升最多的内容分类与诉求词语",
    security(("bearer" = [])),
    params(("week" = Option<NaiveDate>, Query, description = "所在周的任一天，默认今天")),
    responses(
        (status = 200, description = "热点", body = HotIssues),
        BadRequest,
        Unauthorized,
        Invalid))]
async fn hot(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<HotIssues>, ApiError> {
    let day = match q.get("week") {
        Some(w) => date_param("week", w)?,
        None => st.app.now().date(),
    };
    Ok(Json(st.app.hot_issues(&staff, day).await?))
}

/// 按渠道、地区、登记层级、类型、内容分类的分组统计
#[derive(Serialize, ToSchema)]
struct Breakdowns {
    from: NaiveDate,
    to: NaiveDate,
    /// 维度（channel、region、level、kind、category）→ 各值的统计（前 10）
    breakdowns: BTreeMap<&'static str, Vec<LabelledRow>>,
}

/// 一个值的件次、批次、人次、事项及其名称
#[derive(Serialize, ToSchema)]
struct LabelledRow {
    #[serde(flatten)]
    row: BreakdownRow,
    label: String,
}

/// 件次 / 批次 / 人次 / 事项 by channel, region, level, kind and category (top 10).
/// A missing or malformed date is a field error (422) naming it.
#[utoipa::path(get, path = "/api/v1/stats/breakdowns", summary = "按渠道、地区、登记层级、类型、内容分类的件次/批次/人次/事项",
    security(("bearer" = [])),
    params(("from" = NaiveDate, Query), ("to" = NaiveDate, Query)),
    responses(
        (status = 200, description = "分组统计", body = Breakdowns),
        BadRequest,
        Unauthorized,
        Invalid))]
async fn breakdowns(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Breakdowns>, ApiError> {
    let from = date_param("from", q.get("from").map(String::as_str).unwrap_or(""))?;
    let to = date_param("to", q.get("to").map(String::as_str).unwrap_or(""))?;
    let breakdowns = st
        .app
        .breakdowns(&staff, from, to)
        .await?
        .into_iter()
        .map(|(dim, rows)| {
            let rows = rows
                .into_iter()
                .map(|row| LabelledRow {
                    label: st.app.dimension_label(dim, &row.key),
                    row,
                })
                .collect();
            (dim, rows)
        })
        .collect();
    Ok(Json(Breakdowns {
        from,
        to,
        breakdowns,
    }))
}

#[derive(Deserialize)]
struct StatsQuery {
    from: String,
    to: String,
    unit: Option<i64>,
}

/// The overview indicators (a stable contract, issue #6 §7).
#[utoipa::path(get, path = "/api/v1/stats/overview", summary = "统计概览（三率、一次性化解率、倒金字塔等）",
    security(("bearer" = [])),
    params(("from" = NaiveDate, Query), ("to" = NaiveDate, Query),
        ("unit" = Option<i64>, Query, description = "所辖的一个下级单位，默认本人所辖全部")),
    responses(
        (status = 200, description = "指标", body = Overview),
        BadRequest,
        Unauthorized,
        Forbidden,
        Invalid))]
async fn stats_overview(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Overview>, ApiError> {
    let from = date_param("from", &q.from)?;
    let to = date_param("to", &q.to)?;
    Ok(Json(
        st.app
            .stats_overview(&staff, from, to, q.unit.map(xinfang_domain::UnitId))
            .await?,
    ))
}

/// The overview as an Excel table.
async fn stats_overview_xlsx(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Response, ApiError> {
    let from = date_param("from", &q.from)?;
    let to = date_param("to", &q.to)?;
    let o = st
        .app
        .stats_overview(&staff, from, to, q.unit.map(xinfang_domain::UnitId))
        .await?;
    Ok(xlsx_response(st.app.export_overview(&o)?, "overview.xlsx"))
}

#[derive(Deserialize)]
struct PeriodQuery {
    from: String,
    to: String,
}

/// Units ranked by the weighted monthly-assessment score.
#[utoipa::path(get, path = "/api/v1/stats/rankings", summary = "单位考核排名（可配置权重）",
    security(("bearer" = [])),
    params(("from" = NaiveDate, Query), ("to" = NaiveDate, Query)),
    responses(
        (status = 200, description = "排名：所辖每个单位；本期无考核数据的单位 rank、score 为 null，排在最后", body = Rankings),
        BadRequest,
        Unauthorized,
        Invalid))]
async fn stats_rankings(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Rankings>, ApiError> {
    let from = date_param("from", &q.from)?;
    let to = date_param("to", &q.to)?;
    Ok(Json(st.app.unit_rankings(&staff, from, to).await?))
}

/// 考核权重
#[derive(Serialize, ToSchema)]
struct Weights {
    weights: RankingWeights,
}

#[utoipa::path(put, path = "/api/v1/stats/ranking-weights", summary = "设置考核权重（管理员）",
    security(("bearer" = [])),
    request_body = RankingWeights,
    responses(
        (status = 200, description = "已设置", body = Weights),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn put_ranking_weights(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Weights>, ApiError> {
    let weights: RankingWeights = parse_json(&body)?;
    st.app.set_ranking_weights(&staff, weights.clone()).await?;
    Ok(Json(Weights { weights }))
}

fn period(q: &PeriodQuery) -> Result<(chrono::NaiveDate, chrono::NaiveDate), ApiError> {
    let d = |field: &str, v: &str| {
        v.parse()
            .map_err(|_| ApiError(AppError::field(field, "日期格式应为 YYYY-MM-DD")))
    };
    Ok((d("from", &q.from)?, d("to", &q.to)?))
}

/// 单位考核排名 as Excel.
async fn rankings_xlsx(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = period(&q)?;
    Ok(xlsx_response(
        st.app.export_rankings(&staff, from, to).await?,
        "rankings.xlsx",
    ))
}

/// 信访件次 by month and channel as Excel.
async fn trend_xlsx(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = period(&q)?;
    Ok(xlsx_response(
        st.app.export_trend(&staff, from, to).await?,
        "trend.xlsx",
    ))
}

/// The OpenAPI path items of the statistics exports (rankings and trend).
pub fn export_openapi_paths() -> Value {
    let mut paths = serde_json::Map::new();
    for (path, summary) in [
        (
            "/api/v1/export/stats/rankings.xlsx",
            "导出单位考核排名（Excel）",
        ),
        (
            "/api/v1/export/stats/trend.xlsx",
            "导出按月、按渠道的信访件次（Excel）",
        ),
    ] {
        paths.insert(
            path.to_string(),
            json!({ "get": {
                "summary": summary,
                "security": [ { "bearer": [] } ],
                "parameters": [ { "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
                                { "name": "to", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } } ],
                "responses": {
                    "200": { "description": "xlsx", "content": { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } },
                    "401": { "description": "未登录", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } },
                    "422": { "description": "日期无效", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } }
                }
            } }),
        );
    }
    Value::Object(paths)
}
