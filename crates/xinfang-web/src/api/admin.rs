//! Administration API: the content taxonomy, the risk lexicon and thresholds,
//! units, users (and their second factor), and the daily 零报告. Handlers parse and call the services
//! in `xinfang-app` (which check the administrator role and audit). Answers
//! and bodies are typed; their OpenAPI operations are generated ([`Api`]).

use super::responses::{BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{OpenApi, ToSchema};
use xinfang_app::admin::lexicon::RiskSettings;
use xinfang_app::admin::org::{UnitInput, UserInput, UserView};
use xinfang_app::zero_reports::ZeroReportStatus;
use xinfang_app::AppError;
use xinfang_domain::taxonomy::{TaxonNode, Taxonomy};
use xinfang_domain::{Role, Unit, UnitId, UnitKind, UnitLevel};
use xinfang_store::ZeroReportRow;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/taxonomy", get(taxonomy).post(add_taxon))
        .route("/api/v1/taxonomy/{code}", post(change_taxon))
        .route("/api/v1/risk-lexicon", get(lexicon).put(put_lexicon))
        .route("/api/v1/admin/units", get(units).post(add_unit))
        .route("/api/v1/admin/units/{id}", post(change_unit))
        .route("/api/v1/admin/users", get(users).post(add_user))
        .route("/api/v1/admin/users/{id}", post(change_user))
        .route(
            "/api/v1/admin/users/{id}/second-factor/reset",
            post(reset_second_factor),
        )
        .route(
            "/api/v1/admin/second-factor",
            get(second_factor_policy).put(put_second_factor_policy),
        )
        .route(
            "/api/v1/zero-reports",
            get(zero_reports).post(record_zero_report),
        )
}

/// The operations of this file in the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    taxonomy,
    add_taxon,
    change_taxon,
    lexicon,
    put_lexicon,
    units,
    add_unit,
    change_unit,
    users,
    add_user,
    change_user,
    reset_second_factor,
    second_factor_policy,
    put_second_factor_policy,
    zero_reports,
    record_zero_report
))]
pub(super) struct Api;

/// 内容分类树
#[derive(Serialize, ToSchema)]
struct TaxonomyNodes {
    nodes: Vec<TaxonEntry>,
}

/// 一个分类及其上级和全称
#[derive(Serialize, ToSchema)]
struct TaxonEntry {
    code: String,
    name: String,
    /// 1 领域, 2 类别, 3 细类
    level: u8,
    active: bool,
    parent: Option<String>,
    /// 全称（领域 / 类别 / 细类）
    path: Option<String>,
}

/// The taxonomy as rows with their parents and paths.
fn taxonomy_nodes(t: &Taxonomy) -> TaxonomyNodes {
    let nodes = t
        .nodes()
        .iter()
        .map(|n| TaxonEntry {
            code: n.code.clone(),
            name: n.name.clone(),
            level: n.level,
            active: n.active,
            parent: n.parent_code().map(str::to_string),
            path: t.path(&n.code),
        })
        .collect();
    TaxonomyNodes { nodes }
}

#[utoipa::path(get, path = "/api/v1/taxonomy", summary = "内容分类（领域 → 类别 → 细类）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "分类树", body = TaxonomyNodes),
        Unauthorized))]
async fn taxonomy(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<TaxonomyNodes> {
    Json(taxonomy_nodes(&st.app.taxonomy()))
}

/// 新分类：上级的编码（不填为领域）和名称
#[derive(Deserialize, ToSchema)]
struct NewTaxon {
    #[serde(default)]
    parent: Option<String>,
    name: String,
}

/// 一个分类及其全称
#[derive(Serialize, ToSchema)]
struct TaxonWithPath {
    node: TaxonNode,
    path: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/taxonomy", summary = "新增分类（管理员）",
    security(("bearer" = [])),
    request_body = NewTaxon,
    responses(
        (status = 201, description = "已新增", body = TaxonWithPath),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn add_taxon(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<TaxonWithPath>), ApiError> {
    let b: NewTaxon = parse_json(&body)?;
    let node = st
        .app
        .add_taxon(&staff, b.parent.as_deref(), &b.name)
        .await?;
    let path = st.app.taxonomy().path(&node.code);
    Ok((StatusCode::CREATED, Json(TaxonWithPath { node, path })))
}

/// 更名、停用或启用（不填的不变）
#[derive(Deserialize, ToSchema)]
struct TaxonChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/taxonomy/{code}", summary = "更名、停用或启用分类（管理员；不删除）",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = TaxonChange,
    responses(
        (status = 200, description = "已更新", body = TaxonWithPath),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn change_taxon(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<TaxonWithPath>, ApiError> {
    let b: TaxonChange = parse_json(&body)?;
    let node = st
        .app
        .change_taxon(&staff, &code, b.name.as_deref(), b.active)
        .await?;
    let path = st.app.taxonomy().path(&node.code);
    Ok(Json(TaxonWithPath { node, path }))
}

#[utoipa::path(get, path = "/api/v1/risk-lexicon", summary = "风险词库与预警阈值",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "词库", body = RiskSettings),
        Unauthorized))]
async fn lexicon(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<RiskSettings> {
    Json(st.app.risk_config().settings())
}

#[utoipa::path(put, path = "/api/v1/risk-lexicon", summary = "替换风险词库与阈值（管理员）",
    security(("bearer" = [])),
    request_body = RiskSettings,
    responses(
        (status = 200, description = "已更新", body = RiskSettings),
        Unauthorized,
        Forbidden,
        Invalid))]
async fn put_lexicon(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<RiskSettings>, ApiError> {
    let b: RiskSettings = parse_json(&body)?;
    let c = st.app.set_risk_settings(&staff, b).await?;
    Ok(Json(c.settings()))
}

/// 单位树（含停用）
#[derive(Serialize, ToSchema)]
struct AdminUnits {
    /// 按 id 排序
    units: Vec<AdminUnit>,
}

/// 单位及其是否启用
#[derive(Serialize, ToSchema)]
struct AdminUnit {
    id: UnitId,
    parent_id: Option<UnitId>,
    name: String,
    level: UnitLevel,
    kind: UnitKind,
    region_code: String,
    active: bool,
}

#[utoipa::path(get, path = "/api/v1/admin/units", summary = "单位树（含停用，管理员）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "单位", body = AdminUnits),
        Unauthorized,
        Forbidden))]
async fn units(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<AdminUnits>, ApiError> {
    st.app.require_admin(&staff)?;
    let org = st.app.org();
    let mut list: Vec<_> = org.units().collect();
    list.sort_by_key(|u| u.id);
    let units = list
        .iter()
        .map(|u| AdminUnit {
            id: u.id,
            parent_id: u.parent,
            name: u.name.clone(),
            level: u.level,
            kind: u.kind,
            region_code: u.region_code.clone(),
            active: st.app.unit_active(u.id),
        })
        .collect();
    Ok(Json(AdminUnits { units }))
}

/// 新单位
#[derive(Deserialize, ToSchema)]
struct NewUnit {
    parent_id: i64,
    name: String,
    #[schema(value_type = UnitLevel)]
    level: String,
    #[schema(value_type = UnitKind)]
    kind: String,
    region_code: String,
}

/// 单位及其是否启用
#[derive(Serialize, ToSchema)]
struct UnitState {
    unit: Unit,
    active: bool,
}

#[utoipa::path(post, path = "/api/v1/admin/units", summary = "新增单位（管理员）",
    security(("bearer" = [])),
    request_body = NewUnit,
    responses(
        (status = 201, description = "已新增", body = UnitState),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn add_unit(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<UnitState>), ApiError> {
    let b: NewUnit = parse_json(&body)?;
    let id = st
        .app
        .add_unit(
            &staff,
            UnitInput {
                parent: b.parent_id,
                name: b.name,
                level: b.level,
                kind: b.kind,
                region_code: b.region_code,
            },
        )
        .await?;
    let unit = st.app.org().get(id).cloned().ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(UnitState { unit, active: true })))
}

/// 更名、停用或启用（不填的不变）
#[derive(Deserialize, ToSchema)]
struct UnitChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/admin/units/{id}", summary = "更名、停用或启用单位（管理员；不删除）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = UnitChange,
    responses(
        (status = 200, description = "已更新", body = UnitState),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn change_unit(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<UnitState>, ApiError> {
    let b: UnitChange = parse_json(&body)?;
    st.app
        .change_unit(&staff, id, b.name.as_deref(), b.active)
        .await?;
    let uid = UnitId(id);
    let unit = st.app.org().get(uid).cloned().ok_or(AppError::NotFound)?;
    Ok(Json(UnitState {
        unit,
        active: st.app.unit_active(uid),
    }))
}

/// 用户
#[derive(Serialize, ToSchema)]
struct Users {
    users: Vec<UserView>,
}

/// 一个用户
#[derive(Serialize, ToSchema)]
struct OneUser {
    user: UserView,
}

#[utoipa::path(get, path = "/api/v1/admin/users", summary = "用户（管理员）",
    security(("bearer" = [])),
    params(("unit" = Option<i64>, Query, description = "只列该单位的用户")),
    responses(
        (status = 200, description = "用户", body = Users),
        Unauthorized,
        Forbidden))]
async fn users(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Users>, ApiError> {
    let unit = match q.get("unit").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| ApiError(AppError::BadRequest("unit 应为整数".into())))?,
        ),
        None => None,
    };
    let users = st.app.admin_users(&staff, unit).await?;
    Ok(Json(Users { users }))
}

/// 新用户（初始密码须符合密码策略）
#[derive(Deserialize, ToSchema)]
struct NewUserBody {
    username: String,
    display_name: String,
    unit_id: i64,
    #[schema(value_type = Vec<Role>)]
    roles: Vec<String>,
    password: String,
    /// 职务（领导的批示、包案中显示）
    #[serde(default)]
    post: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/admin/users", summary = "新建用户（管理员；初始密码须符合密码策略）",
    security(("bearer" = [])),
    request_body = NewUserBody,
    responses(
        (status = 201, description = "已新建", body = OneUser),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn add_user(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<OneUser>), ApiError> {
    let b: NewUserBody = parse_json(&body)?;
    let user = st
        .app
        .add_user(
            &staff,
            UserInput {
                username: b.username,
                display_name: b.display_name,
                unit: b.unit_id,
                roles: b.roles,
                password: b.password,
                post: b.post.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(OneUser { user })))
}

/// 修改角色、重置密码、停用或启用（不填的不变）
#[derive(Deserialize, ToSchema)]
struct UserChangeBody {
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/admin/users/{id}", summary = "修改角色、重置密码、停用或启用用户（管理员）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = UserChangeBody,
    responses(
        (status = 200, description = "已更新", body = OneUser),
        Unauthorized,
        Forbidden,
        NotFound,
        Invalid))]
async fn change_user(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<OneUser>, ApiError> {
    let b: UserChangeBody = parse_json(&body)?;
    let user = st
        .app
        .change_user(
            &staff,
            id,
            b.display_name.as_deref(),
            b.roles.as_deref(),
            b.password.as_deref(),
            b.active,
        )
        .await?;
    Ok(Json(OneUser { user }))
}

#[utoipa::path(get, path = "/api/v1/zero-reports", summary = "敏感时期每日零报告：已报、未报的信访局",
    security(("bearer" = [])),
    params(("day" = Option<chrono::NaiveDate>, Query, description = "默认今天")),
    responses(
        (status = 200, description = "报告情况", body = ZeroReportStatus),
        Unauthorized,
        Invalid))]
async fn zero_reports(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ZeroReportStatus>, ApiError> {
    let day = match q.get("day").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .map_err(|_| ApiError(AppError::field("day", "日期格式应为 YYYY-MM-DD")))?,
        None => st.app.now().date(),
    };
    Ok(Json(st.app.zero_report_status(&staff, day).await?))
}

/// 本信访局今日报告：零报告或预警情况
#[derive(Deserialize, ToSchema)]
struct ZeroReportBody {
    nothing_to_report: bool,
    #[serde(default)]
    note: String,
}

/// 已记录的报告
#[derive(Serialize, ToSchema)]
struct Reported {
    report: ZeroReportRow,
}

#[utoipa::path(post, path = "/api/v1/zero-reports", summary = "本信访局今日报告（零报告或预警情况；每日一次）",
    security(("bearer" = [])),
    request_body = ZeroReportBody,
    responses(
        (status = 201, description = "已报告", body = Reported),
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Invalid))]
async fn record_zero_report(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Reported>), ApiError> {
    let b: ZeroReportBody = parse_json(&body)?;
    let report = st
        .app
        .record_zero_report(&staff, b.nothing_to_report, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(Reported { report })))
}

/// 须使用动态验证码的角色及会话超时
#[derive(Serialize, ToSchema)]
struct SecondFactorSettings {
    #[schema(value_type = Vec<Role>)]
    roles: Vec<&'static str>,
    idle_timeout_secs: u64,
    absolute_timeout_secs: u64,
}

/// The roles that must use a second factor, and the session timeouts.
#[utoipa::path(get, path = "/api/v1/admin/second-factor", summary = "须使用动态验证码的角色及会话超时（管理员）",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "设置", body = SecondFactorSettings),
        Unauthorized,
        Forbidden))]
async fn second_factor_policy(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
) -> Result<Json<SecondFactorSettings>, ApiError> {
    if !staff.has(Role::Admin) {
        return Err(ApiError(AppError::Forbidden));
    }
    let roles = st
        .app
        .second_factor_roles()
        .await?
        .iter()
        .map(|r| r.key())
        .collect();
    let p = st.app.session_policy();
    Ok(Json(SecondFactorSettings {
        roles,
        idle_timeout_secs: p.idle.as_secs(),
        absolute_timeout_secs: p.absolute.as_secs(),
    }))
}

/// 须使用动态验证码的角色
#[derive(Deserialize, ToSchema)]
struct FactorPolicy {
    #[schema(value_type = Vec<Role>)]
    roles: Vec<String>,
}

/// 已保存的角色
#[derive(Serialize, ToSchema)]
struct FactorRoles {
    #[schema(value_type = Vec<Role>)]
    roles: Vec<&'static str>,
}

#[utoipa::path(put, path = "/api/v1/admin/second-factor", summary = "设置须使用动态验证码的角色（管理员，记入审计）",
    security(("bearer" = [])),
    request_body = FactorPolicy,
    responses(
        (status = 200, description = "已保存", body = FactorRoles),
        BadRequest,
        Unauthorized,
        Forbidden,
        Invalid))]
async fn put_second_factor_policy(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    body: axum::body::Bytes,
) -> Result<Json<FactorRoles>, ApiError> {
    let b: FactorPolicy = parse_json(&body)?;
    let roles = st.app.set_second_factor_roles(&staff, &b.roles).await?;
    Ok(Json(FactorRoles {
        roles: roles.iter().map(|r| r.key()).collect(),
    }))
}

/// 是否曾绑定动态验证码
#[derive(Serialize, ToSchema)]
struct FactorReset {
    reset: bool,
}

/// Remove a user's second factor (audited); their sessions end.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/second-factor/reset", summary = "重置用户的动态验证码（管理员，记入审计；该用户的会话失效）",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "已重置", body = FactorReset),
        Unauthorized,
        Forbidden,
        NotFound))]
async fn reset_second_factor(
    State(st): State<AppState>,
    ApiUser(staff): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FactorReset>, ApiError> {
    let reset = st
        .app
        .reset_second_factor(&staff, xinfang_domain::UserId(id))
        .await?;
    Ok(Json(FactorReset { reset }))
}
