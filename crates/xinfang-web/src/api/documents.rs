//! Public API for the petitioner's documents and attachments, authorised by
//! case number + query code (in the body, never in the URL): upload
//! attachments (multipart, checked by content), read a document addressed to
//! the petitioner. Also the request-size rule: 2 MB everywhere except multipart bodies
//! on the upload routes, which take up to five 5 MB files. Reading documents
//! answers typed values ([`DocumentText`], [`CaseDocuments`]) whose OpenAPI
//! operations are generated ([`Api`]); the uploads and downloads are
//! described by hand in [`merge_openapi`].

use super::responses::{BadRequest, NotFound, TooMany, Unauthorized};
use crate::auth::ApiUser;
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::multipart;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{OpenApi, ToSchema};
use xinfang_app::documents::{DocumentView, UploadedFile, MAX_FILES, MAX_FILE_BYTES};
use xinfang_app::AppError;
use xinfang_store::AttachmentRow;

/// Body limit of ordinary requests.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Body limit of the upload routes: five files of 5 MB plus the form fields.
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route(
            "/api/v1/petitions/{case_no}/attachments",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/api/v1/petitions/{case_no}/documents/{id}",
            post(read_document),
        )
        .route("/api/v1/cases/{case_no}/documents", get(staff_list))
        .route(
            "/api/v1/cases/{case_no}/documents/{id}",
            get(staff_document),
        )
        .route(
            "/api/v1/cases/{case_no}/documents/{id}/signed",
            get(staff_signed),
        )
        .route(
            "/api/v1/cases/{case_no}/attachments/{id}",
            get(staff_attachment),
        )
}

/// The operations of this file in the OpenAPI document (reading documents).
#[derive(OpenApi)]
#[openapi(paths(staff_list, staff_document, read_document))]
pub(super) struct Api;

/// 一份文书
#[derive(Serialize, ToSchema)]
pub struct DocumentText {
    /// 编号
    id: i64,
    /// 文号
    doc_no: String,
    /// 文书种类（机器可读）
    doc_type: String,
    /// 标题
    title: String,
    /// 发文机关
    issuing_unit: String,
    /// 成文日期
    issued_on: String,
    /// 主送
    recipient: String,
    /// 正文各段
    paragraphs: Vec<String>,
    /// 依据的条例条款
    articles: Vec<String>,
    /// 是否为送达信访人的文书（仅在工作人员的清单中）
    #[serde(skip_serializing_if = "Option::is_none")]
    to_petitioner: Option<bool>,
}

impl DocumentText {
    fn of(d: &DocumentView) -> Self {
        DocumentText {
            id: d.id,
            doc_no: d.doc_no.clone(),
            doc_type: d.doc_type.clone(),
            title: d.title.clone(),
            issuing_unit: d.issuing_unit.clone(),
            issued_on: d.issued_on.clone(),
            recipient: d.content.recipient.clone(),
            paragraphs: d.content.paragraphs.clone(),
            articles: d.content.articles.clone(),
            to_petitioner: None,
        }
    }
}

/// 信访事项的文书和附件
#[derive(Serialize, ToSchema)]
struct CaseDocuments {
    /// 文书（含内部转送单、交办单）
    documents: Vec<DocumentText>,
    /// 附件
    attachments: Vec<AttachmentRow>,
}

/// 送达信访人的一份文书的标题（阅读全文另行请求，记入审计）
#[derive(Serialize, ToSchema)]
pub struct DocumentTitle {
    /// 编号
    id: i64,
    /// 文号
    doc_no: String,
    /// 文书种类（机器可读）
    doc_type: String,
    /// 标题
    title: String,
    /// 发文机关
    issuing_unit: String,
    /// 成文日期
    issued_on: String,
}

/// A numeric path id, or a 400 saying so.
pub(crate) fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError(AppError::BadRequest("编号应为整数".into())))
}

/// Staff: the case's documents (incl. internal 转送/交办单) and attachments.
#[utoipa::path(get, path = "/api/v1/cases/{case_no}/documents", summary = "信访事项的文书（含内部转送单、交办单）和附件清单",
    security(("bearer" = [])),
    params(("case_no" = String, Path)),
    responses(
        (status = 200, description = "文书和附件", body = CaseDocuments),
        BadRequest,
        Unauthorized,
        NotFound))]
async fn staff_list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<CaseDocuments>, ApiError> {
    let (docs, attachments) = st.app.case_documents(&staff, &case_no).await?;
    let documents = docs
        .iter()
        .map(|d| DocumentText {
            to_petitioner: Some(d.to_petitioner),
            ..DocumentText::of(d)
        })
        .collect();
    Ok(Json(CaseDocuments {
        documents,
        attachments,
    }))
}

/// Staff: one document (audited).
#[utoipa::path(get, path = "/api/v1/cases/{case_no}/documents/{id}", summary = "阅读一份文书（记入审计）",
    security(("bearer" = [])),
    params(("case_no" = String, Path), ("id" = i64, Path)),
    responses(
        (status = 200, description = "文书", body = DocumentText),
        BadRequest,
        Unauthorized,
        NotFound))]
async fn staff_document(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path((case_no, id)): Path<(String, String)>,
) -> Result<Json<DocumentText>, ApiError> {
    let d = st
        .app
        .document_for_staff(&staff, &case_no, parse_id(&id)?)
        .await?;
    Ok(Json(DocumentText::of(&d)))
}

/// Staff: the signed package of an issued document (电子签章文件), which
/// `xinfang documents verify` and other systems check offline.
async fn staff_signed(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path((case_no, id)): Path<(String, String)>,
) -> Result<Json<xinfang_app::document_seal::SignedDocument>, ApiError> {
    Ok(Json(
        st.app
            .signed_package(&staff, &case_no, parse_id(&id)?)
            .await?,
    ))
}

/// Staff: download an attachment (audited), as `Content-Disposition: attachment`.
async fn staff_attachment(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path((case_no, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (row, bytes) = st
        .app
        .attachment_for_staff(&staff, &case_no, parse_id(&id)?)
        .await?;
    Ok(crate::pages::work::documents::download(
        &row.media_type,
        &row.file_name,
        bytes,
    ))
}

fn is_upload(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    method == Method::POST
        && multipart
        && (path == "/submit"
            || path == "/track/attachments"
            || path == crate::api::intake::PATH
            || path == "/work/register/read"
            || path == "/work/register"
            || (path.starts_with("/api/v1/petitions/") && path.ends_with("/attachments")))
}

/// The global request-size rule (replaces a flat 2 MB layer): a declared
/// length over the limit is refused at once, and the body is cut off there.
pub async fn body_limit(req: Request, next: Next) -> Response {
    let max = if is_upload(req.method(), req.uri().path(), req.headers()) {
        UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(
                json!({"code": "too_large", "errors": [{"field": "", "message": "请求内容过大"}]}),
            ),
        )
            .into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, max));
    next.run(Request::from_parts(parts, body)).await
}

/// Form fields and files of a multipart body.
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
}

/// Read a multipart body: text fields, and every non-empty file input.
pub fn read_multipart(headers: &HeaderMap, body: &[u8]) -> Result<UploadForm, AppError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let b = multipart::boundary(ct)
        .ok_or_else(|| AppError::BadRequest("请使用 multipart/form-data 提交".into()))?;
    let parts = multipart::parse(body, &b).map_err(AppError::BadRequest)?;
    let mut form = UploadForm {
        fields: vec![],
        files: vec![],
    };
    for p in parts {
        match p.file_name {
            Some(name) => {
                if !(name.is_empty() && p.data.is_empty()) {
                    form.files.push(UploadedFile {
                        file_name: name,
                        bytes: p.data,
                    });
                }
            }
            None => form
                .fields
                .push((p.name, String::from_utf8_lossy(&p.data).into_owned())),
        }
    }
    Ok(form)
}

impl UploadForm {
    pub fn field(&self, k: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

async fn upload(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let form = read_multipart(&headers, &body)?;
    let (id, _) = st
        .app
        .check_query_code(
            &st.portal_throttle,
            &client,
            &case_no,
            &crate::public::query_code(&headers, form.field("query_code")),
        )
        .await?;
    if form.files.is_empty() {
        return Err(ApiError(AppError::field("file", "请选择要上传的文件")));
    }
    let rows = st
        .app
        .add_attachments(id, &case_no, &form.files, "petitioner")
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "attachments": rows }))).into_response())
}

/// 信访人的查询码
#[derive(Deserialize, ToSchema)]
struct CodeBody {
    /// 查询码（也可放在 X-Query-Code 请求头中）
    #[serde(default)]
    query_code: String,
}

#[utoipa::path(post, path = "/api/v1/petitions/{case_no}/documents/{id}", summary = "信访人阅读送达给本人的文书（告知书、延期告知书、处理/复查/复核意见书）",
    params(("case_no" = String, Path), ("id" = i64, Path)),
    request_body = CodeBody,
    responses(
        (status = 200, description = "文书", body = DocumentText),
        BadRequest,
        NotFound,
        TooMany))]
async fn read_document(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path((case_no, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<DocumentText>, ApiError> {
    let doc_id: i64 = id
        .parse()
        .map_err(|_| ApiError(AppError::BadRequest("文书编号应为整数".into())))?;
    let b: CodeBody = parse_json(&body)?;
    let (case_id, _) = st
        .app
        .check_query_code(
            &st.portal_throttle,
            &client,
            &case_no,
            &crate::public::query_code(&headers, &b.query_code),
        )
        .await?;
    let d = st
        .app
        .petitioner_document(case_id, &case_no, doc_id)
        .await?;
    Ok(Json(DocumentText::of(&d)))
}

/// The list of documents addressed to the petitioner (titles and 文号; reading
/// one is a separate, audited request).
pub async fn petitioner_document_titles(
    st: &AppState,
    case_id: i64,
) -> Result<Vec<DocumentTitle>, ApiError> {
    let docs = st.app.petitioner_documents(case_id).await?;
    Ok(docs
        .into_iter()
        .map(|d| DocumentTitle {
            id: d.id,
            doc_no: d.doc_no,
            doc_type: d.doc_type,
            title: d.title,
            issuing_unit: d.issuing_unit,
            issued_on: d.issued_on,
        })
        .collect())
}

/// Add this file's paths to the OpenAPI document.
pub fn merge_openapi(doc: &mut Value) {
    let err = json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } });
    let case_no = json!({ "name": "case_no", "in": "path", "required": true, "schema": { "type": "string" } });
    let paths = json!({
        "/api/v1/petitions/{case_no}/attachments": { "post": {
          "summary": "信访人上传附件（JPEG/PNG 图片或 PDF，每个≤5MB，每件最多5个；按文件内容判断类型）",
          "parameters": [ case_no ],
          "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "required": ["query_code", "file"], "properties": {
             "query_code": { "type": "string" }, "file": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
          "responses": { "201": { "description": "已保存", "content": { "application/json": { "schema": { "type": "object", "properties": { "attachments": { "type": "array", "items": { "type": "object" } } } } } } },
                         "400": err, "404": err, "413": err, "422": err, "429": err } } },
        "/api/v1/cases/{case_no}/documents/{id}/signed": { "get": {
          "summary": "文书的电子签章文件（SM2 签名、签章证书、平台根公钥；可用 xinfang documents verify 离线核验）", "security": [ { "bearer": [] } ],
          "parameters": [ case_no.clone(), { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } } ],
          "responses": { "200": { "description": "签章文件", "content": { "application/json": { "schema": { "type": "object" } } } },
                         "400": err, "401": err, "404": err } } },
        "/api/v1/cases/{case_no}/attachments/{id}": { "get": {
          "summary": "下载附件（记入审计，Content-Disposition: attachment）", "security": [ { "bearer": [] } ],
          "parameters": [ case_no, { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } } ],
          "responses": { "200": { "description": "附件内容", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
                         "400": err, "401": err, "404": err } } }
    });
    if let (Some(target), Some(add)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        for (k, v) in add {
            target.insert(k.clone(), v.clone());
        }
    }
}
