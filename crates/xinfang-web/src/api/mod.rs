//! The staff API (bearer token): login, register, list, read, act, units,
//! and the deadline explainer. Every staff action of the lifecycle goes
//! through `POST /api/v1/cases/{case_no}/actions` with a tagged command.

pub(crate) mod admin;
pub(crate) mod documents;
pub(crate) mod drafts;
pub(crate) mod events;
pub(crate) mod intake_read;
pub(crate) mod ledgers;
pub(crate) mod notify;
pub(crate) mod reception;
pub(crate) mod search;
pub(crate) mod stats;

use crate::auth::ApiUser;
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::public::{accused_from, kind_from, parse_json};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use xinfang_app::intake::{IntakeRequest, PetitionerInput};
use xinfang_app::AppError;
use xinfang_domain::calendar::Calendar;
use xinfang_domain::case::{Channel, Command};
use xinfang_domain::Actor;
use xinfang_store::CaseFilter;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/cases", get(list).post(register))
        .route("/api/v1/cases/{case_no}", get(detail))
        .route("/api/v1/cases/{case_no}/actions", post(act))
        .route("/api/v1/units", get(units))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/warnings", get(warnings))
        .route("/api/v1/supervisions", get(supervisions))
        .route(
            "/api/v1/accountability",
            get(accountability).post(record_accountability),
        )
        .route("/api/v1/reports/annual", get(annual_report))
        .route("/api/v1/campaigns", get(campaigns).post(create_campaign))
        .route("/api/v1/campaigns/{id}/items", post(add_campaign_items))
        .route("/api/v1/campaign-items/{id}", post(move_campaign_item))
        .route("/api/v1/disputes", get(disputes).post(register_dispute))
        .route("/api/v1/disputes/{id}", post(move_dispute))
        .route("/api/v1/cases/{case_no}/ownership", post(take_charge))
        .route("/api/v1/ownerships", get(ownership_board))
        .route("/api/v1/ownerships/{id}/progress", post(ownership_progress))
        .route("/api/v1/ownerships/{id}/resolve", post(resolve_ownership))
        .route(
            "/api/v1/cases/{case_no}/instructions",
            get(instructions).post(instruct),
        )
        .route("/api/v1/cases/{case_no}/supervisions", post(supervise))
        .route(
            "/api/v1/supervisions/{id}/feedback",
            post(supervision_feedback),
        )
        .route("/api/v1/supervisions/{id}/close", post(close_supervision))
        .route("/api/v1/warnings/{id}/{action}", post(advance_warning))
        .route(
            "/api/v1/sensitive-periods",
            get(sensitive_periods).put(put_sensitive_periods),
        )
        .route("/api/v1/intake/analyze", post(analyze))
        .route("/api/v1/stats/overview", get(stats_overview))
        .route("/api/v1/stats/rankings", get(stats_rankings))
        .route(
            "/api/v1/stats/ranking-weights",
            axum::routing::put(put_ranking_weights),
        )
        .route(
            "/api/v1/export/stats/overview.xlsx",
            get(stats_overview_xlsx),
        )
        .route("/api/v1/export/cases.xlsx", get(cases_xlsx))
        .route("/api/v1/clock-rules", get(clock_rules).put(put_clock_rule))
        .route("/api/v1/calendar/{year}", get(calendar_year))
        .route("/api/v1/calendar", post(import_calendar))
        .route("/api/v1/deadline", get(deadline))
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
    /// The TOTP or recovery code of a user with a second factor.
    #[serde(default)]
    code: Option<String>,
}

async fn login(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: LoginBody = parse_json(&body)?;
    let (token, _, user) = st
        .app
        .login_throttled(
            &st.login_throttle,
            &client,
            &b.username,
            &b.password,
            b.code.as_deref(),
        )
        .await?;
    Ok(Json(json!({ "token": token, "user": user.username, "unit": user.unit.0 })).into_response())
}

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

async fn list(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
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
    let rows = st.app.list_for(&staff, filter).await?;
    Ok(Json(json!({ "cases": rows })))
}

#[derive(Deserialize)]
struct DetailQuery {
    #[serde(default)]
    purpose: Option<String>,
}

async fn detail(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Json<Value>, ApiError> {
    let d = st
        .app
        .case_detail(&staff, &case_no, q.purpose.as_deref().unwrap_or("办理"))
        .await?;
    Ok(Json(crate::error::to_json(d)?))
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

async fn units(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    let org = st.app.org();
    let mut units: Vec<Value> = org
        .units()
        .map(|u| {
            let mut v = json!(u);
            v["active"] = json!(st.app.unit_active(u.id));
            v
        })
        .collect();
    units.sort_by_key(|u| u["id"].as_i64());
    Json(json!({ "units": units }))
}

#[derive(Deserialize)]
struct DeadlineQuery {
    from: String,
    days: u32,
    #[serde(default)]
    working_days: bool,
    #[serde(default)]
    no_rollover: bool,
}

/// Explain a period: same answer as `xinfang deadline`.
async fn deadline(
    State(st): State<AppState>,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = date_param("from", &q.from)?;
    let cal: std::sync::Arc<Calendar> = st.app.calendar();
    let d =
        xinfang_domain::clock::explain_simple(&cal, from, q.days, q.working_days, !q.no_rollover)
            .map_err(|e| ApiError(AppError::field("from", e.to_string())))?;
    Ok(Json(
        json!({ "due": d.due.to_string(), "explanation": d.explanation.lines }),
    ))
}

/// 临期/超期 alerts of the caller's government area (supervisors' inbox).
async fn alerts(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let rows = st.app.alerts_for(&staff).await?;
    Ok(Json(json!({ "alerts": rows })))
}

/// The clock rules in force (statutory limits with any local tightening).
async fn clock_rules(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    Json(json!({ "rules": st.app.rules().rules }))
}

/// Tighten one rule (管理员). Body: a `ClockRule`.
async fn put_clock_rule(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let rule: xinfang_domain::clock::ClockRule = parse_json(&body)?;
    let table = st.app.override_rule(&staff, rule).await?;
    Ok(Json(json!({ "rules": table.rules })))
}

/// Every day of a year with its classification.
async fn calendar_year(
    State(st): State<AppState>,
    ApiUser(_): ApiUser,
    Path(year): Path<i32>,
) -> Result<Json<Value>, ApiError> {
    let days = st
        .app
        .calendar()
        .year_overview(year)
        .map_err(|e| ApiError(AppError::field("year", e.to_string())))?;
    let days: Vec<Value> = days.iter().map(|(d, k)| json!({ "date": d.to_string(), "working": k.is_working(), "label": k.label_zh() })).collect();
    Ok(Json(json!({ "year": year, "days": days })))
}

/// Load a year's official schedule (管理员); body is the calendar text.
async fn import_calendar(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: String,
) -> Result<Json<Value>, ApiError> {
    st.app.require_admin(&staff)?;
    let r = st
        .app
        .import_calendar(&format!("user:{}", staff.username), &body)
        .await?;
    Ok(Json(crate::error::to_json(r)?))
}

#[derive(Deserialize)]
struct StatsQuery {
    from: String,
    to: String,
    unit: Option<i64>,
}

/// The overview indicators (a stable contract, issue #6 §7).
async fn stats_overview(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = date_param("from", &q.from)?;
    let to = date_param("to", &q.to)?;
    Ok(Json(
        st.app
            .stats_overview(&staff, from, to, q.unit.map(xinfang_domain::UnitId))
            .await?,
    ))
}

/// 预警 of the caller's area.
async fn warnings(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "warnings": st.app.warnings_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct NoteBody {
    #[serde(default)]
    note: String,
}

/// 核查 (verify) / 处置 (dispose) / 解除 (clear) a warning.
async fn advance_warning(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: NoteBody = parse_json(&body)?;
    let w = st.app.advance_warning(&staff, id, &action, &b.note).await?;
    Ok(Json(crate::error::to_json(w)?))
}

async fn sensitive_periods(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    Json(json!({ "periods": st.app.sensitive_periods() }))
}

/// Replace the sensitive periods (管理员).
async fn put_sensitive_periods(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let periods: Vec<xinfang_app::intelligence::SensitivePeriod> = parse_json(&body)?;
    st.app.set_sensitive(&staff, periods).await?;
    Ok(Json(json!({ "periods": st.app.sensitive_periods() })))
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

/// A date query/body parameter, or a field error naming it.
pub(crate) fn date_param(field: &str, value: &str) -> Result<chrono::NaiveDate, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError(AppError::field(field, "日期格式应为 YYYY-MM-DD")))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx download (API and pages).
pub(crate) fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, XLSX.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The overview as an Excel table.
async fn stats_overview_xlsx(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Response, ApiError> {
    let from = date_param("from", &q.from)?;
    let to = date_param("to", &q.to)?;
    let o = st
        .app
        .stats_overview(&staff, from, to, q.unit.map(xinfang_domain::UnitId))
        .await?;
    Ok(xlsx_response(st.app.export_overview(&o)?, "overview.xlsx"))
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

#[derive(Deserialize)]
struct SuperviseBody {
    kind: String,
    #[serde(default)]
    feedback_due: Option<String>,
    #[serde(default)]
    requirement: String,
}

/// 催办 / 督办 / 挂牌督办 a case (第四十条).
async fn supervise(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: SuperviseBody = parse_json(&body)?;
    let kind =
        xinfang_domain::supervision::SupervisionKind::from_key(&b.kind).ok_or_else(|| {
            ApiError(AppError::field(
                "kind",
                "应为 urge（催办）、supervise（督办）或 listed（挂牌督办）",
            ))
        })?;
    let due =
        match b
            .feedback_due
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => Some(d.parse().map_err(|_| {
                ApiError(AppError::field("feedback_due", "日期格式应为 YYYY-MM-DD"))
            })?),
            None => None,
        };
    let row = st
        .app
        .supervise(&staff, &case_no, kind, due, &b.requirement)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(row)?)).into_response())
}

#[derive(Deserialize)]
struct FeedbackBody {
    #[serde(default)]
    feedback: String,
}

async fn supervision_feedback(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: FeedbackBody = parse_json(&body)?;
    Ok(Json(crate::error::to_json(
        st.app.supervision_feedback(&staff, id, &b.feedback).await?,
    )?))
}

async fn close_supervision(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(crate::error::to_json(
        st.app.close_supervision(&staff, id).await?,
    )?))
}

async fn supervisions(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "supervisions": st.app.supervisions_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct OwnershipBody {
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    plan: String,
    deadline: String,
}

/// 领导包案 (第十八条): team (usernames), plan, deadline.
async fn take_charge(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: OwnershipBody = parse_json(&body)?;
    let deadline = date_param("deadline", &b.deadline)?;
    let o = st
        .app
        .take_charge(&staff, &case_no, &b.team, &b.plan, deadline)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(o)?)).into_response())
}

async fn ownership_board(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "ownerships": st.app.ownership_board(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct TextBody {
    #[serde(default)]
    text: String,
}

async fn ownership_progress(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: TextBody = parse_json(&body)?;
    Ok(Json(crate::error::to_json(
        st.app.ownership_progress(&staff, id, &b.text).await?,
    )?))
}

async fn resolve_ownership(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(crate::error::to_json(
        st.app.resolve_ownership(&staff, id).await?,
    )?))
}

async fn instructions(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "instructions": st.app.instructions(&staff, &case_no).await? }),
    ))
}

/// 批示 on a case (领导).
async fn instruct(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(case_no): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: TextBody = parse_json(&body)?;
    let list = st.app.instruct(&staff, &case_no, &b.text).await?;
    Ok((StatusCode::CREATED, Json(json!({ "instructions": list }))).into_response())
}

#[derive(Deserialize)]
struct CampaignBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    list_kind: String,
    /// Start of the period (default today).
    #[serde(default)]
    starts_on: Option<String>,
    deadline: String,
}

/// 积案化解 campaign or one of the 三张清单.
async fn create_campaign(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: CampaignBody = parse_json(&body)?;
    let deadline = date_param("deadline", &b.deadline)?;
    let starts_on = match b.starts_on.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(date_param("starts_on", s)?),
        None => None,
    };
    let c = st
        .app
        .create_campaign(&staff, &b.name, &b.list_kind, starts_on, deadline)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(c)?)).into_response())
}

async fn campaigns(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "campaigns": st.app.campaigns_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct ItemsBody {
    #[serde(default)]
    case_nos: Vec<String>,
    /// Add every visible case matching these filters (same as GET /api/v1/cases).
    #[serde(default)]
    query: Option<ItemsQuery>,
}

#[derive(Deserialize)]
struct ItemsQuery {
    status: Option<String>,
    grade: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn add_campaign_items(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: ItemsBody = parse_json(&body)?;
    let filter = b.query.map(|q| CaseFilter {
        statuses: q
            .status
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        grade: q.grade,
        registered_from: q.from,
        registered_to: q.to,
        limit: 5_000,
        ..Default::default()
    });
    let added = st
        .app
        .add_to_campaign(&staff, id, &b.case_nos, filter)
        .await?;
    Ok(Json(json!({ "added": added })))
}

#[derive(Deserialize)]
struct MoveBody {
    status: String,
    #[serde(default)]
    evidence: String,
}

/// 化解 / 稳控 / 销号 of one campaign item.
async fn move_campaign_item(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: MoveBody = parse_json(&body)?;
    Ok(Json(crate::error::to_json(
        st.app.move_item(&staff, id, &b.status, &b.evidence).await?,
    )?))
}

#[derive(Deserialize)]
struct DisputeBody {
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    parties: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    risk_level: Option<i64>,
}

/// Register a dispute in the 矛盾纠纷排查台账.
async fn register_dispute(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: DisputeBody = parse_json(&body)?;
    let d = st
        .app
        .register_dispute(
            &staff,
            b.region_code.trim(),
            &b.parties,
            &b.summary,
            b.risk_level.unwrap_or(1),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(d)?)).into_response())
}

async fn disputes(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "disputes": st.app.disputes_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct DisputeMove {
    status: String,
    #[serde(default)]
    track: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
}

/// 三调联动: start mediation on a track, record the outcome, or convert into a case.
async fn move_dispute(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: DisputeMove = parse_json(&body)?;
    let d = st
        .app
        .move_dispute(
            &staff,
            id,
            &b.status,
            b.track.as_deref(),
            b.outcome.as_deref(),
        )
        .await?;
    Ok(Json(crate::error::to_json(d)?))
}

#[derive(Deserialize)]
struct AccountabilityBody {
    kind: String,
    unit_id: i64,
    #[serde(default)]
    case_no: Option<String>,
    #[serde(default)]
    reason: String,
}

/// 约谈 / 通报 (第三十九条).
async fn record_accountability(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: AccountabilityBody = parse_json(&body)?;
    let r = st
        .app
        .record_accountability(
            &staff,
            &b.kind,
            xinfang_domain::UnitId(b.unit_id),
            b.case_no.as_deref(),
            &b.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(crate::error::to_json(r)?)).into_response())
}

async fn accountability(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "records": st.app.accountability_for(&staff).await? }),
    ))
}

#[derive(Deserialize)]
struct YearQuery {
    year: i32,
}

/// The annual report of 第四十一条 for the caller's area.
async fn annual_report(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(st.app.annual_report(&staff, q.year).await?))
}

#[derive(Deserialize)]
struct PeriodQuery {
    from: String,
    to: String,
}

/// Units ranked by the weighted monthly-assessment score.
async fn stats_rankings(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = date_param("from", &q.from)?;
    let to = date_param("to", &q.to)?;
    Ok(Json(st.app.unit_rankings(&staff, from, to).await?))
}

async fn put_ranking_weights(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let w: xinfang_domain::metrics::RankingWeights = parse_json(&body)?;
    st.app.set_ranking_weights(&staff, w.clone()).await?;
    Ok(Json(json!({ "weights": w })))
}
