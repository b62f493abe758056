//! Full-text search API: `GET /api/v1/search` and
//! `GET /api/v1/cases/{case_no}/similar`, both scoped to the caller (a unit
//! finds only what it may see; never a 检举控告 about itself, 第三十条).
//! Parameters that do not parse answer 400 with the field named. The answer
//! is typed ([`SearchPage`]); the OpenAPI operations are generated ([`Api`]).

use super::responses::{BadRequest, NotFound, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Json;
use std::collections::HashMap;
use utoipa::OpenApi;
use xinfang_app::search::SearchPage;
use xinfang_app::AppError;
use xinfang_domain::case::{Channel, Kind, Status};
use xinfang_search::{Flag, SearchQuery};

/// Most results per page.
pub const MAX_LIMIT: usize = 100;
/// Deepest page start (the collector keeps offset + limit documents).
pub const MAX_OFFSET: usize = 10_000;
/// Longest query text, in characters.
pub const MAX_Q: usize = 200;

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
// A parameter's schema is not collected by itself: name the enums here.
#[openapi(paths(search, similar), components(schemas(Channel, Kind)))]
pub(super) struct Api;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/cases/{case_no}/similar", get(similar))
}

fn bad(field: &str, msg: &str) -> String {
    format!("参数 {field} 有误：{msg}")
}

fn num<T: std::str::FromStr>(p: &HashMap<String, String>, k: &str) -> Result<Option<T>, String> {
    match p.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| bad(k, "应为非负整数")),
    }
}

/// Parse search parameters (API query string and the page form alike).
pub(crate) fn search_query(p: &HashMap<String, String>) -> Result<SearchQuery, String> {
    let text = |k: &str| {
        p.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let q = text("q").unwrap_or_default();
    if q.chars().count() > MAX_Q {
        return Err(bad("q", &format!("最多 {MAX_Q} 个字")));
    }
    let list = |k: &str| -> Vec<String> {
        text(k)
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let channel = text("channel");
    if let Some(c) = &channel {
        Channel::from_key(c).ok_or_else(|| bad("channel", "未知的信访形式"))?;
    }
    let kind = text("kind");
    if let Some(k) = &kind {
        Kind::from_key(k).ok_or_else(|| bad("kind", "未知的信访类型"))?;
    }
    let statuses = list("status");
    for s in &statuses {
        Status::from_key(s).ok_or_else(|| bad("status", "未知的状态"))?;
    }
    let flags = list("flag")
        .iter()
        .map(|f| {
            Flag::from_key(f)
                .ok_or_else(|| bad("flag", "应为 skip_level、collective、repeat 或 risk"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let date = |k: &str| -> Result<Option<chrono::NaiveDate>, String> {
        text(k)
            .map(|v| v.parse().map_err(|_| bad(k, "日期格式应为 YYYY-MM-DD")))
            .transpose()
    };
    let limit: usize = num(p, "limit")?.unwrap_or(20);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(bad("limit", &format!("应在 1 到 {MAX_LIMIT} 之间")));
    }
    let offset: usize = num(p, "offset")?.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(bad("offset", &format!("最大 {MAX_OFFSET}")));
    }
    Ok(SearchQuery {
        q,
        region: text("region"),
        unit: num(p, "unit")?,
        channel,
        kind,
        category: text("category"),
        statuses,
        from: date("from")?,
        to: date("to")?,
        flags,
        limit,
        offset,
    })
}

/// Scoped full-text search. The parameters are read by [`search_query`]
/// (shared with the search page); the limits below are [`MAX_Q`],
/// [`MAX_LIMIT`] and [`MAX_OFFSET`].
#[utoipa::path(get, path = "/api/v1/search", summary = "全文检索（按数据权限范围）",
    security(("bearer" = [])),
    params(
        ("q" = Option<String>, Query, description = "检索词、\"短语\"或信访编号（最多 200 字）"),
        ("region" = Option<String>, Query, description = "行政区划代码或其前缀"),
        ("unit" = Option<u64>, Query, description = "单位 id（含下级）"),
        ("channel" = Option<Channel>, Query),
        ("kind" = Option<Kind>, Query),
        ("category" = Option<String>, Query, description = "分类"),
        ("status" = Option<String>, Query, description = "状态，可用逗号分隔多个"),
        ("from" = Option<chrono::NaiveDate>, Query),
        ("to" = Option<chrono::NaiveDate>, Query),
        ("flag" = Option<String>, Query, description = "skip_level、collective、repeat、risk，可用逗号分隔"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("offset" = Option<u32>, Query, minimum = 0, maximum = 10000)),
    responses(
        (status = 200, description = "检索结果（仅含调用者有权查看的事项）", body = SearchPage),
        BadRequest,
        Unauthorized))]
async fn search(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(p): Query<HashMap<String, String>>,
) -> Result<Json<SearchPage>, ApiError> {
    let q = search_query(&p).map_err(|m| ApiError(AppError::BadRequest(m)))?;
    let page = st.app.search_cases(&staff, &q).await?;
    Ok(Json(page))
}

#[utoipa::path(get, path = "/api/v1/cases/{case_no}/similar", summary = "相似信访事项（前 10 件，按数据权限范围）",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    responses(
        (status = 200, description = "检索结果（仅含调用者有权查看的事项）", body = SearchPage),
        BadRequest,
        Unauthorized,
        NotFound))]
async fn similar(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<SearchPage>, ApiError> {
    let page = st.app.similar_cases(&staff, &case_no, 10).await?;
    Ok(Json(page))
}
