//! Ledger exports through the API: `GET /api/v1/export/{ledger}.xlsx` for the
//! 督办, 包案, 专项攻坚, 矛盾纠纷排查, 约谈通报 and 预警 ledgers — the rows the
//! caller's list shows, Chinese headers, audited — and their OpenAPI paths.
//! (The statistics tables as Excel are in `api/stats.rs`.)

use super::extract::xlsx_response;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde_json::{json, Value};
use xinfang_app::ledgers::Ledger;

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
    r
}

async fn export(
    st: AppState,
    staff: xinfang_domain::Staff,
    ledger: Ledger,
) -> Result<Response, ApiError> {
    let bytes = st.app.export_ledger(&staff, ledger).await?;
    Ok(xlsx_response(bytes, &format!("{}.xlsx", ledger.key())))
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
    Value::Object(paths)
}
