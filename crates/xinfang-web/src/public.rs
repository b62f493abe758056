//! The public intake API (a stable contract): online submission without
//! login, and tracking / evaluation / review requests by case number plus
//! query code. A wrong code answers exactly like an unknown case (404).

use crate::auth::client_key;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_app::intake::{AccusedInput, IntakeRequest, PetitionerInput};
use xinfang_app::{AppError, FieldError};
use xinfang_domain::case::{Channel, Command, Kind, Satisfaction};
use xinfang_domain::Actor;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/petitions", post(submit))
        .route("/api/v1/petitions/{case_no}", get(track))
        .route("/api/v1/petitions/{case_no}/evaluation", post(evaluate))
        .route("/api/v1/petitions/{case_no}/review", post(request_review))
}

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

async fn submit(State(st): State<AppState>, body: axum::body::Bytes) -> Result<Response, ApiError> {
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
    };
    let out = st.app.intake(&Actor::Petitioner, req).await?;
    let body = json!({
        "case_no": out.case_no,
        "query_code": out.query_code,
        "status": out.status.key(),
        "status_label": out.status.label_zh(),
        "notice_due": out.notice_due.map(|d| d.to_string()),
        "repeat_of": out.repeat_of,
        "not_accepted_reason": out.not_accepted_reason,
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
struct CodeQuery {
    #[serde(default)]
    query_code: String,
}

async fn track(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Query(q): Query<CodeQuery>,
) -> Result<Json<Value>, ApiError> {
    let (id, case) = st
        .app
        .check_query_code(
            &st.portal_throttle,
            &client_key(&headers),
            &case_no,
            &q.query_code,
        )
        .await?;
    let view = st.app.public_view(id, &case).await?;
    let mut v = serde_json::to_value(view).unwrap_or_default();
    v["documents"] = crate::api_documents::petitioner_documents_json(&st, id).await?;
    Ok(Json(v))
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
    headers: HeaderMap,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: EvaluationBody = parse_json(&body)?;
    st.app
        .check_query_code(
            &st.portal_throttle,
            &client_key(&headers),
            &case_no,
            &b.query_code,
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

#[derive(Deserialize)]
struct ReviewBody {
    #[serde(default)]
    query_code: String,
}

async fn request_review(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: ReviewBody = parse_json(&body)?;
    st.app
        .check_query_code(
            &st.portal_throttle,
            &client_key(&headers),
            &case_no,
            &b.query_code,
        )
        .await?;
    let case = st
        .app
        .act(&Actor::Petitioner, &case_no, &Command::RequestReview)
        .await?;
    Ok(Json(json!({ "case_no": case.case_no, "status": case.status.key(), "stage": case.stage.key(), "unit": case.current_unit.0 })).into_response())
}
