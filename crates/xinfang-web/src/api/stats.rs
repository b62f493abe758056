//! Analytics API: hot issues (`GET /api/v1/stats/hot`), breakdowns of the
//! period's volume (`GET /api/v1/stats/breakdowns`), and the historical-case
//! import (`POST /api/v1/import/cases`, the .xlsx file as the body). Their
//! OpenAPI paths are in [`openapi_paths`], merged into the document.

use crate::api::date_param;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/stats/hot", get(hot))
        .route("/api/v1/stats/breakdowns", get(breakdowns))
        .route("/api/v1/import/cases", post(import_cases))
}

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

/// 件次 / 批次 / 人次 / 事项 by channel, region, level, kind and category (top 10).
async fn breakdowns(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let from = date_param("from", q.get("from").map(String::as_str).unwrap_or(""))?;
    let to = date_param("to", q.get("to").map(String::as_str).unwrap_or(""))?;
    let mut out = serde_json::Map::new();
    for (dim, rows) in st.app.breakdowns(&staff, from, to).await? {
        let rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                let mut v = crate::error::to_json(r)?;
                v["label"] = json!(st.app.dimension_label(dim, &r.key));
                Ok(v)
            })
            .collect::<Result<_, ApiError>>()?;
        out.insert(dim.to_string(), Value::Array(rows));
    }
    Ok(Json(
        json!({ "from": from.to_string(), "to": to.to_string(), "breakdowns": out }),
    ))
}

/// Import historical cases (管理员). `dry_run=true` only validates.
async fn import_cases(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    st.app.require_admin(&staff)?;
    let dry_run = match q.get("dry_run").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError(xinfang_app::AppError::field(
                "dry_run",
                "dry_run 应为 true 或 false",
            )))
        }
    };
    let batch = format!("api:{}:{}", staff.username, st.app.now());
    let r = st
        .app
        .import_cases(&body, dry_run, &format!("user:{}", staff.username), &batch)
        .await?;
    Ok(Json(crate::error::to_json(r)?))
}

fn err() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

fn date(name: &str, required: bool) -> Value {
    json!({ "name": name, "in": "query", "required": required, "schema": { "type": "string", "format": "date" } })
}

/// The OpenAPI paths of this file and of the reception API.
pub fn openapi_paths() -> Value {
    let hot_item = json!({ "type": "object", "required": ["key", "this_week", "last_week", "rise"], "properties": {
        "key": { "type": "string" }, "this_week": { "type": "integer" }, "last_week": { "type": "integer" }, "rise": { "type": "integer" } } });
    let mut paths = json!({
      "/api/v1/stats/hot": { "get": { "summary": "热点问题：本周较上周上升最多的内容分类与诉求词语", "security": [ { "bearer": [] } ],
        "parameters": [ date("week", false) ],
        "responses": { "200": { "description": "热点", "content": { "application/json": { "schema": { "type": "object",
            "required": ["week_from", "week_to", "categories", "terms"], "properties": {
              "week_from": { "type": "string", "format": "date" }, "week_to": { "type": "string", "format": "date" },
              "last_week_from": { "type": "string", "format": "date" }, "last_week_to": { "type": "string", "format": "date" },
              "min_support": { "type": "integer" },
              "categories": { "type": "array", "items": hot_item.clone() }, "terms": { "type": "array", "items": hot_item } } } } } },
          "400": err(), "401": err(), "422": err() } } },
      "/api/v1/stats/breakdowns": { "get": { "summary": "按渠道、地区、登记层级、类型、内容分类的件次/批次/人次/事项", "security": [ { "bearer": [] } ],
        "parameters": [ date("from", true), date("to", true) ],
        "responses": { "200": { "description": "分组统计" }, "400": err(), "401": err(), "422": err() } } },
      "/api/v1/import/cases": { "post": { "summary": "导入历史信访事项（.xlsx，管理员）；dry_run=true 只校验；有任一行不合格则不写入", "security": [ { "bearer": [] } ],
        "parameters": [ { "name": "dry_run", "in": "query", "required": false, "schema": { "type": "string", "enum": ["true", "false"] } } ],
        "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
        "responses": { "200": { "description": "导入报告（被拒行的行号与原因）" }, "400": err(), "401": err(), "403": err(), "413": { "description": "文件过大" }, "422": err() } } }
    });
    if let (Some(p), Value::Object(more)) = (
        paths.as_object_mut(),
        crate::api::reception::openapi_paths(),
    ) {
        p.extend(more);
    }
    paths
}

/// Merge this module's paths into the document.
pub fn merge_into(mut doc: Value) -> Value {
    if let (Some(p), Value::Object(more)) = (doc["paths"].as_object_mut(), openapi_paths()) {
        p.extend(more);
    }
    doc
}
