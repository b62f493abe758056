//! The case API: register (staff channels, with the same `Idempotency-Key`
//! as online submissions), list, read and act — every staff action of the
//! lifecycle goes through `POST /api/v1/cases/{case_no}/actions` with a
//! tagged command — and the visible case list as Excel
//! (`GET /api/v1/export/cases.xlsx`). The list and the detail answer typed
//! values and their OpenAPI operations are generated ([`Api`]); registering,
//! acting and the Excel download are still described by hand in
//! `crate::openapi`.

use super::extract::xlsx_response;
use super::responses::{BadRequest, NotFound, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::{accused_from, kind_from, parse_json};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{OpenApi, ToSchema};
use xinfang_app::intake::{IntakeRequest, PetitionerInput};
use xinfang_app::views::CaseDetail;
use xinfang_app::AppError;
use xinfang_domain::case::{Channel, Command};
use xinfang_domain::Actor;
use xinfang_store::{CaseFilter, CaseListRow};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/cases", get(list).post(register))
        .route("/api/v1/cases/{case_no}", get(detail))
        .route("/api/v1/cases/{case_no}/actions", post(act))
        .route("/api/v1/export/cases.xlsx", get(cases_xlsx))
}

/// The operations of this file in the OpenAPI document (list and detail).
#[derive(OpenApi)]
#[openapi(paths(list, detail))]
pub(super) struct Api;

#[derive(Deserialize)]
pub(crate) struct StaffRegistration {
    channel: String,
    #[serde(default)]
    kind: Option<String>,
    petitioners: Vec<PetitionerInput>,
    #[serde(default)]
    persons: Option<u32>,
    #[serde(default)]
    request: String,
    #[serde(default)]
    facts: String,
    #[serde(default)]
    reasons: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    accused: Option<Value>,
    #[serde(default)]
    category: Option<String>,
    /// Register as a new matter although it matches an earlier case (第三十六条), with the reason.
    #[serde(default)]
    new_matter_reason: Option<String>,
}

impl StaffRegistration {
    /// The intake request of a registration by `staff` (at their unit).
    pub(crate) fn into_request(
        self,
        staff: &xinfang_domain::Staff,
    ) -> Result<IntakeRequest, ApiError> {
        let channel = Channel::from_key(&self.channel).ok_or_else(|| {
            ApiError(AppError::field(
                "channel",
                "渠道应为 online、letter、visit、phone 或 fax",
            ))
        })?;
        Ok(IntakeRequest {
            channel,
            kind: kind_from(self.kind.as_deref())?,
            petitioners: self.petitioners,
            persons: self.persons,
            request: self.request,
            facts: self.facts,
            reasons: self.reasons,
            region_code: self.region_code,
            accused: accused_from(self.accused)?,
            category: self.category,
            registering_unit: Some(staff.unit),
            new_matter_reason: self.new_matter_reason,
        })
    }
}

async fn register(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // The same Idempotency-Key as online submissions (issue #21): a window's
    // client that got a 503 during a failover resends without a second case.
    let key = crate::public::idempotency_key(&headers)?;
    let b: StaffRegistration = parse_json(&body)?;
    let req = b.into_request(&staff)?;
    let out = st
        .app
        .intake_idempotent(&Actor::Staff(staff), req, key.as_deref())
        .await?;
    Ok((
        if out.replayed {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(crate::error::to_json(out)?),
    )
        .into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    grade: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
}

/// 本人数据范围内的信访事项
#[derive(Serialize, ToSchema)]
struct CaseList {
    /// 本人可见的事项（按 limit、offset 分页）
    cases: Vec<CaseListRow>,
}

#[utoipa::path(get, path = "/api/v1/cases", summary = "本人数据范围内的信访事项",
    security(("bearer" = [])),
    params(
        ("status" = Option<String>, Query, description = "状态，多个用逗号分隔"),
        ("grade" = Option<String>, Query, description = "预警等级"),
        ("from" = Option<String>, Query, description = "登记日期起（YYYY-MM-DD）"),
        ("to" = Option<String>, Query, description = "登记日期止（YYYY-MM-DD）"),
        ("limit" = Option<i64>, Query, description = "条数，1–500，默认 50"),
        ("offset" = Option<i64>, Query, description = "跳过条数，默认 0")),
    responses(
        (status = 200, description = "列表", body = CaseList),
        BadRequest,
        Unauthorized))]
async fn list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<CaseList>, ApiError> {
    let filter = CaseFilter {
        statuses: q
            .status
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        grade: q.grade,
        registered_from: q.from,
        registered_to: q.to,
        limit: q.limit.unwrap_or(50).clamp(1, 500),
        offset: q.offset.unwrap_or(0).max(0),
        ..Default::default()
    };
    let cases = st.app.list_for(&staff, filter).await?;
    Ok(Json(CaseList { cases }))
}

#[derive(Deserialize)]
struct DetailQuery {
    #[serde(default)]
    purpose: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cases/{case_no}", summary = "信访事项详情（含时限说明、时间线、可执行操作）",
    security(("bearer" = [])),
    params(("case_no" = String, Path),
        ("purpose" = Option<String>, Query, description = "查阅目的（记入审计），默认“办理”")),
    responses(
        (status = 200, description = "详情", body = CaseDetail),
        BadRequest,
        Unauthorized,
        NotFound))]
async fn detail(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Json<CaseDetail>, ApiError> {
    let d = st
        .app
        .case_detail(&staff, &case_no, q.purpose.as_deref().unwrap_or("办理"))
        .await?;
    Ok(Json(d))
}

async fn act(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let cmd: Command = parse_json(&body)?;
    if let Command::SplitRepeat { submission } = &cmd {
        // The new case's query code, in clear this once (only its hash is stored).
        let out = st
            .app
            .split_repeat(&Actor::Staff(staff), &case_no, *submission)
            .await?;
        let case = &out.case;
        return Ok(Json(json!({ "case_no": case.case_no, "status": case.status.key(), "stage": case.stage.key(), "current_unit": case.current_unit.0, "version": case.version, "new_case_no": out.new_case_no, "query_code": out.query_code })).into_response());
    }
    let case = st.app.act(&Actor::Staff(staff), &case_no, &cmd).await?;
    let out = json!({ "case_no": case.case_no, "status": case.status.key(), "stage": case.stage.key(), "current_unit": case.current_unit.0, "version": case.version });
    Ok(Json(out).into_response())
}

/// Any case list the caller may see (same filters as `GET /api/v1/cases`), as Excel.
async fn cases_xlsx(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let filter = CaseFilter {
        statuses: q
            .status
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        grade: q.grade,
        registered_from: q.from,
        registered_to: q.to,
        limit: q.limit.unwrap_or(10_000),
        offset: q.offset.unwrap_or(0).max(0),
        ..Default::default()
    };
    Ok(xlsx_response(
        st.app.export_cases(&staff, filter).await?,
        "cases.xlsx",
    ))
}
