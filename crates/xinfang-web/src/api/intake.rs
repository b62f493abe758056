//! Help for the registrar, nothing registered: `POST /api/v1/intake/analyze`
//! (what registration would suggest for a text, as it is typed) and
//! `POST /api/v1/intake/read` (issue #22): a staff member uploads a scanned
//! or photographed letter (multipart field `file`, the attachment path's
//! size limit and content sniffing) and gets back the text, each line with
//! its box and confidence, a proposed registration in the shape
//! `POST /api/v1/cases` takes, and the registration assistant's analysis of
//! it. Nothing is registered and nothing about any case is returned except
//! what the assistant shows the same staff member on the form (第三十条
//! rules apply there); every read is audited. The analysis answers a typed
//! [`Analysis`] and its OpenAPI operation is generated ([`Api`]); the read
//! (its answer varies with the `ocr` feature) is described by hand in
//! [`openapi_paths`].

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{OpenApi, ToSchema};
use xinfang_app::intelligence::Suggestions;
use xinfang_app::AppError;

use super::responses::{BadRequest, Unauthorized};
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

/// The operation of this file in the OpenAPI document (the analysis).
#[derive(OpenApi)]
#[openapi(paths(analyze))]
pub(super) struct Api;

/// 待分析的文字
#[derive(Deserialize, ToSchema)]
struct AnalyzeBody {
    /// 信访请求、事实和理由，录入到哪里算到哪里
    #[serde(default)]
    text: String,
    /// 行政区划代码，用于建议有权处理的机关
    #[serde(default)]
    region_code: String,
}

/// 登记辅助的建议
#[derive(Serialize, ToSchema)]
struct Analysis {
    /// 类型、内容分类（名称路径和概率）、分类代码、有权处理机关（编号和名称）、是否涉法涉诉及其线索；
    /// kind、category、body 为 [值, 概率或名称] 二元组，无建议时为 null
    #[schema(value_type = Object)]
    suggestions: Suggestions,
    /// 命中的风险词
    risk_hits: Vec<RiskHit>,
    /// 分词结果
    tokens: Vec<String>,
}

/// 一个命中的风险词
#[derive(Serialize, ToSchema)]
struct RiskHit {
    /// 风险词（间隔匹配的词以 … 连接）
    term: String,
    /// 类别名称
    category: &'static str,
    /// 等级：1 低、2 中、3 高
    level: u8,
}

/// What registration would suggest for a text, as the registrar types.
#[utoipa::path(post, path = "/api/v1/intake/analyze", summary = "登记辅助：类型、分类、有权处理机关、涉法涉诉、风险词",
    security(("bearer" = [])),
    request_body = AnalyzeBody,
    responses(
        (status = 200, description = "建议", body = Analysis),
        BadRequest,
        Unauthorized))]
async fn analyze(
    State(st): State<AppState>,
    ApiUser(_): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Analysis>, ApiError> {
    let b: AnalyzeBody = parse_json(&body)?;
    let a = st.app.analyze(&b.text);
    let suggestions = st.app.suggest(&a, b.region_code.trim());
    let risk_hits = a
        .risk_hits
        .iter()
        .map(|h| RiskHit {
            term: h.term.clone(),
            category: h.category.label(),
            level: h.level,
        })
        .collect();
    Ok(Json(Analysis {
        suggestions,
        risk_hits,
        tokens: a.tokens,
    }))
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
