//! `POST /api/v1/import/cases` (管理员): historical cases from an .xlsx file
//! sent as the body; `dry_run=true` only validates, and a file with any bad
//! row writes nothing (the report names each rejected row and why).

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::post;
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/import/cases", post(import_cases))
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

/// The OpenAPI path of the import.
pub fn openapi_paths() -> Value {
    json!({
    "/api/v1/import/cases": { "post": { "summary": "导入历史信访事项（.xlsx，管理员）；dry_run=true 只校验；有任一行不合格则不写入", "security": [ { "bearer": [] } ],
        "parameters": [ { "name": "dry_run", "in": "query", "required": false, "schema": { "type": "string", "enum": ["true", "false"] } } ],
        "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
        "responses": { "200": { "description": "导入报告（被拒行的行号与原因）" }, "400": err(), "401": err(), "403": err(), "413": { "description": "文件过大" }, "422": err() } } }
    })
}
