//! The public intake API (a stable contract): online submission without
//! login, and tracking / evaluation / review requests by case number plus
//! query code. A wrong code answers exactly like an unknown case (404).
//!
//! The query code travels in the request body or the `X-Query-Code` header,
//! never in a URL: URLs are written to access logs, browser history and
//! proxies, and the code is all that guards the petitioner's personal data
//! (第二十一条第二款: the petitioner 查询 their matter; the data are theirs).
//! A URL carrying `query_code` is refused (400 `query_code_in_url`).
//!
//! Tracking answers a typed [`Tracking`] and its OpenAPI operations are
//! generated ([`Api`]); submission, evaluation and the review request are
//! still described by hand in `crate::openapi`.

use crate::api::documents::DocumentTitle;
use crate::api::responses::{NotFound, TooMany};
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{OpenApi, ToSchema};
use xinfang_app::intake::{AccusedInput, IntakeRequest, PetitionerInput};
use xinfang_app::views::PublicCaseView;
use xinfang_app::{AppError, FieldError};
use xinfang_domain::case::{Channel, Command, Kind, Satisfaction};
use xinfang_domain::Actor;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/petitions", post(submit))
        .route("/api/v1/petitions/{case_no}", get(track).post(track_post))
        .route("/api/v1/petitions/{case_no}/evaluation", post(evaluate))
        .route("/api/v1/petitions/{case_no}/review", post(request_review))
}

/// The operations of this file in the OpenAPI document (tracking).
#[derive(OpenApi)]
#[openapi(paths(track, track_post))]
pub(crate) struct Api;

#[derive(Deserialize)]
pub struct OnlinePetition {
    pub petitioners: Vec<PetitionerInput>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub request: String,
    #[serde(default)]
    pub facts: Option<String>,
    #[serde(default)]
    pub reasons: Option<String>,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub accused: Option<Value>,
}

/// Parse a JSON body ourselves so malformed input gets our error shape.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError(AppError::BadRequest(e.to_string())))
}

pub fn accused_from(v: Option<Value>) -> Result<Option<AccusedInput>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(AccusedInput {
            person: Some(s),
            ..Default::default()
        })),
        Some(v @ Value::Object(_)) => serde_json::from_value(v).map(Some).map_err(|e| {
            ApiError(AppError::field(
                "accused",
                format!("被反映人或单位格式错误：{e}"),
            ))
        }),
        Some(_) => Err(ApiError(AppError::field(
            "accused",
            "被反映人或单位应为文字或对象",
        ))),
    }
}

pub fn kind_from(s: Option<&str>) -> Result<Option<Kind>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(k) => Kind::from_key(k).map(Some).ok_or_else(|| {
            ApiError(AppError::field(
                "kind",
                "类型应为 suggestion（建议意见）、accusation（检举控告）或 claim（申诉求决）",
            ))
        }),
    }
}

/// The header carrying a submission's idempotency key (issue #21).
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// The `Idempotency-Key` header, if sent (refused when not text).
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get(IDEMPOTENCY_HEADER) {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.trim().to_string())).map_err(|_| {
            ApiError(AppError::field(
                "idempotency_key",
                "幂等键应为字母、数字或 -_.: 字符（例如 UUID）",
            ))
        }),
    }
}

async fn submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let p: OnlinePetition = parse_json(&body)?;
    let req = IntakeRequest {
        channel: Channel::Online,
        kind: kind_from(p.kind.as_deref())?,
        petitioners: p.petitioners,
        persons: None,
        request: p.request,
        facts: p.facts.unwrap_or_default(),
        reasons: p.reasons.unwrap_or_default(),
        region_code: p.region_code,
        accused: accused_from(p.accused)?,
        category: None,
        registering_unit: None,
        new_matter_reason: None,
    };
    let out = st
        .app
        .intake_idempotent(&Actor::Petitioner, req, key.as_deref())
        .await?;
    // A retry of a registered submission: 200 with the same answer.
    let status = if out.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let body = json!({
        "case_no": out.case_no,
        "query_code": out.query_code,
        "status": out.status.key(),
        "status_label": out.status.label_zh(),
        "notice_due": out.notice_due.map(|d| d.to_string()),
        "repeat_of": out.repeat_of,
        "not_accepted_reason": out.not_accepted_reason,
        "related_case": out.related_case,
        "replayed": out.replayed,
    });
    Ok((status, Json(body)).into_response())
}

/// The header that may carry the query code instead of the body.
pub const QUERY_CODE_HEADER: &str = "x-query-code";

/// What a URL with a query code is refused with.
pub const CODE_IN_URL_MESSAGE: &str = "查询码不得放在网址中，请放在请求正文或 X-Query-Code 头中";
/// The same refusal as a petitioner reads it on a page (no protocol words).
pub const CODE_IN_URL_PAGE_MESSAGE: &str =
    "查询码不得放在网址中：为保护您的信息，请在查询页面输入信访编号和查询码。";

/// The query code: the body's when it has one, else `X-Query-Code`.
pub fn query_code(headers: &HeaderMap, in_body: &str) -> String {
    let body = in_body.trim();
    if !body.is_empty() {
        return body.to_string();
    }
    headers
        .get(QUERY_CODE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Whether a URL's query string has a `query_code` parameter (any case,
/// percent-encoded or not).
fn has_code_param(query: &str) -> bool {
    query.split('&').any(|kv| {
        let key = kv.split('=').next().unwrap_or("");
        percent_decode(key).eq_ignore_ascii_case("query_code")
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).copied(), b.get(i + 2).copied()) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Middleware: refuse any request whose URL carries a query code — the API
/// with 400 `{"code":"query_code_in_url","errors":[…]}`, pages with the same
/// message and the tracking form.
pub async fn no_query_code_in_url(req: Request, next: Next) -> Response {
    if !req.uri().query().is_some_and(has_code_param) {
        return next.run(req).await;
    }
    if req.uri().path().starts_with("/api/") {
        let body = json!({
            "code": "query_code_in_url",
            "errors": [{ "field": "query_code", "message": CODE_IN_URL_MESSAGE }],
        });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let html = crate::pages::html::page(
        "查询",
        None,
        &format!(
            "<p class=\"err\" role=\"alert\">{}</p><p><a href=\"/track\">查询办理情况</a></p>",
            crate::pages::html::esc(CODE_IN_URL_PAGE_MESSAGE)
        ),
    );
    (StatusCode::BAD_REQUEST, Html(html)).into_response()
}

/// 信访人的查询码
#[derive(Deserialize, Default, ToSchema)]
struct CodeBody {
    /// 查询码（也可放在 X-Query-Code 请求头中）
    #[serde(default)]
    query_code: String,
}

/// 信访人可见的办理情况，以及送达本人的文书
#[derive(Serialize, ToSchema)]
pub(crate) struct Tracking {
    #[serde(flatten)]
    view: PublicCaseView,
    /// 送达本人的文书（标题和文号；阅读全文另行请求）
    documents: Vec<DocumentTitle>,
}

/// A 复查/复核 request: the code and, optionally, why the petitioner disputes the opinion.
#[derive(Deserialize)]
struct ReviewBody {
    #[serde(default)]
    query_code: String,
    #[serde(default)]
    reason: String,
}

/// `GET /api/v1/petitions/{case_no}` with `X-Query-Code`.
#[utoipa::path(get, path = "/api/v1/petitions/{case_no}", summary = "凭信访编号和查询码查询（查询码放在 X-Query-Code 头中；网址中带 query_code 的请求一律拒绝：400 query_code_in_url）",
    params(("case_no" = String, Path), ("X-Query-Code" = String, Header)),
    responses(
        (status = 200, description = "信访人可见的办理情况", body = Tracking),
        (status = 400, description = "网址中带有查询码（code: query_code_in_url）或请求格式错误", body = crate::error::Errors),
        NotFound,
        TooMany))]
async fn track(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(case_no): Path<String>,
) -> Result<Json<Tracking>, ApiError> {
    tracking_view(&st, &client, &case_no, &query_code(&headers, "")).await
}

/// `POST /api/v1/petitions/{case_no}` with `{"query_code": …}` (or the header).
#[utoipa::path(post, path = "/api/v1/petitions/{case_no}", summary = "凭信访编号和查询码查询（查询码放在请求正文中）",
    params(("case_no" = String, Path)),
    request_body = CodeBody,
    responses(
        (status = 200, description = "信访人可见的办理情况", body = Tracking),
        (status = 400, description = "网址中带有查询码（code: query_code_in_url）或请求格式错误", body = crate::error::Errors),
        NotFound,
        TooMany))]
async fn track_post(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Tracking>, ApiError> {
    let b: CodeBody = if body.is_empty() {
        CodeBody::default()
    } else {
        parse_json(&body)?
    };
    let code = query_code(&headers, &b.query_code);
    tracking_view(&st, &client, &case_no, &code).await
}

async fn tracking_view(
    st: &AppState,
    client: &str,
    case_no: &str,
    code: &str,
) -> Result<Json<Tracking>, ApiError> {
    let (id, case) = st
        .app
        .check_query_code(&st.portal_throttle, client, case_no, code)
        .await?;
    let view = st.app.public_view(id, &case).await?;
    let documents = crate::api::documents::petitioner_document_titles(st, id).await?;
    Ok(Json(Tracking { view, documents }))
}

#[derive(Deserialize)]
struct EvaluationBody {
    #[serde(default)]
    query_code: String,
    satisfaction: String,
    #[serde(default)]
    reason: String,
}

async fn evaluate(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: EvaluationBody = parse_json(&body)?;
    st.app
        .check_query_code(
            &st.portal_throttle,
            &client,
            &case_no,
            &query_code(&headers, &b.query_code),
        )
        .await?;
    let satisfaction = Satisfaction::from_key(&b.satisfaction).ok_or_else(|| {
        ApiError(AppError::Invalid(vec![FieldError {
            field: "satisfaction".into(),
            message: "评价应为 satisfied、basically_satisfied 或 dissatisfied".into(),
        }]))
    })?;
    let case = st
        .app
        .act(
            &Actor::Petitioner,
            &case_no,
            &Command::Evaluate {
                satisfaction,
                reason: b.reason,
            },
        )
        .await?;
    Ok(Json(json!({ "case_no": case.case_no, "status": case.status.key() })).into_response())
}

async fn request_review(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: ReviewBody = parse_json(&body)?;
    st.app
        .check_query_code(
            &st.portal_throttle,
            &client,
            &case_no,
            &query_code(&headers, &b.query_code),
        )
        .await?;
    let case = st
        .app
        .act(
            &Actor::Petitioner,
            &case_no,
            &Command::RequestReview { reason: b.reason },
        )
        .await?;
    Ok(Json(json!({ "case_no": case.case_no, "status": case.status.key(), "stage": case.stage.key(), "unit": case.current_unit.0 })).into_response())
}
