//! Help for the registrar, nothing registered: `POST /api/v1/intake/analyze`
//! (what registration would suggest for a text, as it is typed) and
//! `POST /api/v1/intake/read` (issue #22): a staff member uploads a scanned
//! or photographed letter (multipart field `file`, the attachment path's
//! size limit and content sniffing) and gets back the text, each line with
//! its box and confidence, a proposed registration in the shape
//! `POST /api/v1/cases` takes, and the registration assistant's analysis of
//! it. Nothing is registered and nothing about any case is returned except
//! what the assistant shows the same staff member on the form (第三十条
//! rules apply there); every read is audited.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_app::AppError;

use crate::api::documents::{read_multipart, UPLOAD_LIMIT};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;

pub const PATH: &str = "/api/v1/intake/read";

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/intake/analyze", post(analyze))
        .route(
            PATH,
            post(read).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
}

#[derive(Deserialize)]
struct AnalyzeBody {
    #[serde(default)]
    text: String,
    #[serde(default)]
    region_code: String,
}

/// What registration would suggest for a text, as the registrar types.
async fn analyze(
    State(st): State<AppState>,
    ApiUser(_): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: AnalyzeBody = parse_json(&body)?;
    let a = st.app.analyze(&b.text);
    let s = st.app.suggest(&a, b.region_code.trim());
    let hits: Vec<Value> = a
        .risk_hits
        .iter()
        .map(|h| json!({ "term": h.term, "category": h.category.label(), "level": h.level }))
        .collect();
    Ok(Json(
        json!({ "suggestions": s, "risk_hits": hits, "tokens": a.tokens }),
    ))
}

/// The one file of a read request, or a field error.
pub(crate) fn the_file(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<xinfang_app::documents::UploadedFile, ApiError> {
    let mut form = read_multipart(headers, body)?;
    if form.files.len() != 1 {
        return Err(ApiError(AppError::field(
            "file",
            "请上传一个来信扫描件（JPEG、PNG 或 PDF）",
        )));
    }
    Ok(form.files.remove(0))
}

async fn read(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let file = the_file(&headers, &body)?;
    read_file(&st, &staff, &file).await
}

#[cfg(feature = "ocr")]
async fn read_file(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    file: &xinfang_app::documents::UploadedFile,
) -> Result<Response, ApiError> {
    let out = st.app.read_letter(staff, file).await?;
    Ok(Json(crate::error::to_json(out)?).into_response())
}

#[cfg(not(feature = "ocr"))]
async fn read_file(
    _: &AppState,
    _: &xinfang_domain::Staff,
    _: &xinfang_app::documents::UploadedFile,
) -> Result<Response, ApiError> {
    Ok((
        axum::http::StatusCode::NOT_IMPLEMENTED,
        Json(json!({"code": "ocr_not_built", "errors": [{"field": "file",
            "message": "本程序构建时未包含来信识别（ocr 功能），请手工录入"}]})),
    )
        .into_response())
}

/// The OpenAPI entry (merged into the hand-written document).
pub fn openapi_paths() -> serde_json::Value {
    let err = json!({ "description": "错误（code 为机器可读原因：unsupported_format、image_too_large、corrupt_file、too_many_pages、no_scanned_images 等）",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } });
    let boxed = json!({ "type": "array", "items": { "type": "integer", "minimum": 0 }, "minItems": 4, "maxItems": 4,
        "description": "[x0, y0, x1, y1]，页面像素（pages[page] 的宽高）" });
    let field = json!({ "type": "object", "required": ["value", "confidence", "boxes"], "properties": {
        "value": { "type": "string" }, "confidence": { "type": "number" },
        "boxes": { "type": "array", "items": { "type": "object", "properties": { "page": { "type": "integer" }, "box": boxed } } } } });
    json!({
      PATH: { "post": {
        "summary": "识别来信扫描件并生成登记建议（只读：不登记，记入审计）",
        "security": [ { "bearer": [] } ],
        "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
          "type": "object", "required": ["file"],
          "properties": { "file": { "type": "string", "format": "binary", "description": "JPEG、PNG 或扫描版 PDF，不超过 5MB，按内容判断类型" } } } } } },
        "responses": {
          "200": { "description": "识别结果", "content": { "application/json": { "schema": {
            "type": "object", "required": ["text", "lines", "registration", "analysis"], "properties": {
              "text": { "type": "string" },
              "lines": { "type": "array", "items": { "type": "object", "required": ["text", "box", "confidence", "page"], "properties": {
                "text": { "type": "string" }, "box": boxed, "confidence": { "type": "number" }, "page": { "type": "integer" } } } },
              "pages": { "type": "array", "items": { "type": "object" } },
              "registration": { "type": "object", "description": "POST /api/v1/cases 的请求体形状（另有 letter_date、fields、problems）",
                "properties": { "channel": { "type": "string" }, "petitioners": { "type": "array", "items": { "type": "object" } },
                  "request": { "type": "string" }, "facts": { "type": "string" }, "reasons": { "type": "string" },
                  "accused": { "type": ["object", "null"] }, "letter_date": { "type": ["string", "null"], "format": "date" },
                  "fields": { "type": "object", "additionalProperties": field }, "problems": { "type": "array", "items": { "type": "string" } } } },
              "analysis": { "type": "object", "description": "登记辅助：分类建议、风险词、既往事项" },
              "seconds": { "type": "number" } } } } } },
          "400": err, "401": err, "413": err, "422": err, "501": err, "503": err
        } } }
    })
}
