//! Statistics API: everything under `/api/v1/stats/` — the overview
//! indicators, the unit rankings and their weights, hot issues, breakdowns of
//! the period's volume — and the statistics as Excel under
//! `/api/v1/export/stats/` (overview, rankings, trend). Breakdowns and the
//! ranking weights answer typed values and their OpenAPI operations are
//! generated ([`Api`]); hot issues, the overview and the rankings are still
//! JSON built by the app, described by hand in [`openapi_paths`] and the
//! document of `crate::openapi`, as are the Excel downloads
//! ([`export_openapi_paths`]).

use super::extract::{date_param, xlsx_response};
use crate::auth::ApiUser;
use crate::error::{ApiError, Errors};
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

/// The operations of this file in the OpenAPI document (breakdowns and weights).
#[derive(OpenApi)]
#[openapi(paths(breakdowns, put_ranking_weights))]
pub(super) struct Api;

/// Hot issues of the week containing `week` (default: today).
async fn hot(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
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
        (status = 400, description = "错误", body = Errors),
        (status = 401, description = "错误", body = Errors),
        (status = 422, description = "错误", body = Errors)))]
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
async fn stats_overview(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Value>, ApiError> {
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
async fn stats_rankings(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
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
        (status = 401, description = "错误", body = Errors),
        (status = 403, description = "错误", body = Errors),
        (status = 422, description = "错误", body = Errors)))]
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

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

fn date(name: &str, required: bool) -> Value {
    json!({ "name": name, "in": "query", "required": required, "schema": { "type": "string", "format": "date" } })
}

/// The OpenAPI path of hot issues.
pub fn openapi_paths() -> Value {
    let hot_item = json!({ "type": "object", "required": ["key", "this_week", "last_week", "rise"], "properties": {
        "key": { "type": "string" }, "this_week": { "type": "integer" }, "last_week": { "type": "integer" }, "rise": { "type": "integer" } } });
    let paths = json!({
      "/api/v1/stats/hot": { "get": { "summary": "热点问题：本周较上周上升最多的内容分类与诉求词语", "security": [ { "bearer": [] } ],
        "parameters": [ date("week", false) ],
        "responses": { "200": { "description": "热点", "content": { "application/json": { "schema": { "type": "object",
            "required": ["week_from", "week_to", "categories", "terms"], "properties": {
              "week_from": { "type": "string", "format": "date" }, "week_to": { "type": "string", "format": "date" },
              "last_week_from": { "type": "string", "format": "date" }, "last_week_to": { "type": "string", "format": "date" },
              "min_support": { "type": "integer" },
              "categories": { "type": "array", "items": hot_item.clone() }, "terms": { "type": "array", "items": hot_item } } } } } },
          "400": err(), "401": err(), "422": err() } } }
    });
    paths
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
