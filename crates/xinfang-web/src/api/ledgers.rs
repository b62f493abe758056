//! Ledger exports through the API: `GET /api/v1/export/{ledger}.xlsx` for the
//! 督办, 包案, 专项攻坚, 矛盾纠纷排查, 约谈通报 and 预警 ledgers — the rows the
//! caller's list shows, Chinese headers, audited — the ranking and trend
//! statistics tables, and their OpenAPI paths.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_app::ledgers::Ledger;
use xinfang_app::AppError;

pub fn routes() -> crate::routes::Routes {
    let mut r = crate::routes::Routes::new();
    for ledger in Ledger::ALL {
        r = r.route(
            &format!("/api/v1/export/{}.xlsx", ledger.key()),
            get(
                move |State(st): State<AppState>, ApiUser(staff): ApiUser| async move {
                    export(st, staff, ledger).await
                },
            ),
        );
    }
    r.route("/api/v1/export/stats/rankings.xlsx", get(rankings_xlsx))
        .route("/api/v1/export/stats/trend.xlsx", get(trend_xlsx))
}

#[derive(Deserialize)]
struct Period {
    from: String,
    to: String,
}

fn period(q: &Period) -> Result<(chrono::NaiveDate, chrono::NaiveDate), ApiError> {
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
    Query(q): Query<Period>,
) -> Result<Response, ApiError> {
    let (from, to) = period(&q)?;
    Ok(crate::api::xlsx_response(
        st.app.export_rankings(&staff, from, to).await?,
        "rankings.xlsx",
    ))
}

/// 信访件次 by month and channel as Excel.
async fn trend_xlsx(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<Period>,
) -> Result<Response, ApiError> {
    let (from, to) = period(&q)?;
    Ok(crate::api::xlsx_response(
        st.app.export_trend(&staff, from, to).await?,
        "trend.xlsx",
    ))
}

async fn export(
    st: AppState,
    staff: xinfang_domain::Staff,
    ledger: Ledger,
) -> Result<Response, ApiError> {
    let bytes = st.app.export_ledger(&staff, ledger).await?;
    Ok(crate::api::xlsx_response(
        bytes,
        &format!("{}.xlsx", ledger.key()),
    ))
}

/// The OpenAPI path items of the ledger exports, merged into the document.
pub fn openapi_paths() -> Value {
    let mut paths = serde_json::Map::new();
    for ledger in Ledger::ALL {
        paths.insert(
            format!("/api/v1/export/{}.xlsx", ledger.key()),
            json!({ "get": {
                "summary": format!("导出{}（Excel，按本人可见范围）", ledger.label_zh()),
                "security": [ { "bearer": [] } ],
                "responses": {
                    "200": { "description": "xlsx", "content": { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } },
                    "401": { "description": "未登录", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } },
                    "422": { "description": "生成失败", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } }
                }
            } }),
        );
    }
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
