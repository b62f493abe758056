//! `POST /api/v1/import/cases` (管理员): historical cases from an .xlsx file
//! sent as the body; `dry_run=true` only validates, and a file with any bad
//! row writes nothing (the report names each rejected row and why). The
//! answer is typed; the OpenAPI operation is generated ([`Api`]).

use super::responses::{BadRequest, Forbidden, Invalid, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::post;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use xinfang_app::import::ImportReport;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/import/cases", post(import_cases))
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(import_cases))]
pub(super) struct Api;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// true：只校验，不写入
    #[param(schema_with = true_or_false)]
    dry_run: Option<String>,
}

/// `dry_run` is read as text so that anything else is a field error (422)
/// naming it, not a bare 400.
fn true_or_false() -> utoipa::openapi::Object {
    super::extract::key_schema(["true", "false"])
}

/// Import historical cases (管理员). `dry_run=true` only validates.
#[utoipa::path(post, path = "/api/v1/import/cases", summary = "导入历史信访事项（.xlsx，管理员）；dry_run=true 只校验；有任一行不合格则不写入",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "application/octet-stream", description = ".xlsx 文件"),
    responses(
        (status = 200, description = "导入报告（被拒行的行号与原因）", body = ImportReport),
        BadRequest,
        Unauthorized,
        Forbidden,
        (status = 413, description = "文件过大"),
        Invalid))]
async fn import_cases(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    st.app.require_admin(&staff)?;
    let dry_run = match q.dry_run.as_deref() {
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
    Ok(Json(r))
}
