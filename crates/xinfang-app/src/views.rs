//! Read models: the staff case page, the petitioner's tracking view and case
//! lists — each scoped, masked and (for sensitive records) audited.

use crate::auth::Throttle;
use crate::error::AppError;
use crate::intake::hash_code;
use crate::state::App;
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;
use xinfang_domain::case::{case_clocks, Case, Kind, Stage, Status};
use xinfang_domain::clock::ClockKind;
use xinfang_domain::scope::can_see;
use xinfang_domain::{Actor, Role, Staff};
use xinfang_store::{CaseFilter, CaseListRow};

/// 一个办理时限及其计算说明
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClockView {
    /// 时限种类（机器可读）
    pub kind: &'static str,
    /// 时限名称
    pub name: &'static str,
    /// 依据条款
    pub article: String,
    /// 所处环节
    pub stage: &'static str,
    /// 起算日
    pub start: String,
    /// 到期日
    pub due: String,
    /// 完成日（未完成为 null）
    pub met_on: Option<String>,
    /// 预警等级（机器可读）
    pub grade: &'static str,
    /// 预警等级名称
    pub grade_label: &'static str,
    /// 是否为本单位须履行的时限
    pub duty: bool,
    /// 到期日的计算过程，逐行
    pub explanation: Vec<String>,
}

/// 时间线上的一步
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Step {
    /// 事件序号
    pub seq: i64,
    /// 时间（YYYY-MM-DD HH:MM）
    pub at: String,
    /// 办理人（信访人查询时为空）
    pub actor: String,
    /// 事件种类（机器可读）
    pub kind: &'static str,
    /// 摘要
    pub summary: String,
}

/// 信访事项详情：事项、时限说明、时间线、可执行操作
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    /// 信访事项（信访人、诉求、各件次、办理情况；无权查看的个人信息已遮蔽）
    #[schema(value_type = Object)]
    pub case: Case,
    /// 状态名称
    pub status_label: &'static str,
    /// 当前办理单位
    pub current_unit_name: String,
    /// 登记单位
    pub registering_unit_name: String,
    /// 办理时限
    pub clocks: Vec<ClockView>,
    /// 时限无法计算时的原因（如缺少该年度的节假日安排）
    pub clock_error: Option<String>,
    /// 时间线
    pub timeline: Vec<Step>,
    /// 本人现在可执行的操作（POST …/actions 的 action）
    pub actions: Vec<&'static str>,
    /// 个人信息是否已遮蔽
    pub masked: bool,
}

/// 信访人凭信访编号和查询码看到的办理情况
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicCaseView {
    /// 信访编号
    pub case_no: String,
    /// 状态（机器可读）
    pub status: &'static str,
    /// 状态名称
    pub status_label: &'static str,
    /// 环节（机器可读）
    pub stage: &'static str,
    /// 类型名称
    pub kind_label: &'static str,
    /// 登记时间
    pub registered_at: String,
    /// 信访请求
    pub request: String,
    /// 办理经过（信访人可见的步骤）
    pub steps: Vec<Step>,
    /// 办理时限
    pub due_dates: Vec<ClockView>,
    /// 处理、复查、复核意见
    pub replies: Vec<PublicReply>,
    /// 现在可否评价
    pub can_evaluate: bool,
    /// 可请求复查/复核的最后一天（期限内才有）
    pub review_window_until: Option<String>,
    /// 可请求的是复查还是复核
    pub review_name: Option<&'static str>,
    /// 是否已终结（复核意见）
    pub is_final: bool,
    /// 不予受理、不再受理的理由
    pub not_accepted_reason: Option<String>,
}

/// 一份处理、复查或复核意见
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicReply {
    /// 环节名称
    pub stage: &'static str,
    /// 结果
    pub outcome: &'static str,
    /// 依据
    pub basis: String,
    /// 意见正文
    pub text: String,
    /// 出具日期
    pub on: String,
    /// 送达日期
    pub delivered_on: Option<String>,
}

fn clock_name(k: ClockKind) -> &'static str {
    k.name_zh()
}

impl App {
    fn clock_views(&self, case: &Case) -> (Vec<ClockView>, Option<String>) {
        let org = self.org();
        let rules = self.rules();
        let today = self.now().date();
        match case_clocks(case, &org, &self.calendar(), &rules) {
            Ok(cs) => (
                cs.iter()
                    .map(|c| {
                        let g = c.grade(today);
                        ClockView {
                            kind: c.kind.key(),
                            name: clock_name(c.kind),
                            article: rules.get(c.kind).article.clone(),
                            stage: c.stage.label_zh(),
                            start: c.start.to_string(),
                            due: c.due.due.to_string(),
                            met_on: c.met_on.map(|d| d.to_string()),
                            grade: g.key(),
                            grade_label: g.label_zh(),
                            duty: c.duty,
                            explanation: c.due.explanation.lines.clone(),
                        }
                    })
                    .collect(),
                None,
            ),
            Err(e) => (vec![], Some(e.to_string())),
        }
    }

    fn timeline(&self, events: &[xinfang_store::StoredEvent], petitioner_only: bool) -> Vec<Step> {
        let name = |u| self.unit_name(u);
        events
            .iter()
            .filter(|e| !petitioner_only || e.event.body.visible_to_petitioner())
            .map(|e| Step {
                seq: e.seq,
                at: e.event.at.format("%Y-%m-%d %H:%M").to_string(),
                actor: if petitioner_only {
                    String::new()
                } else {
                    e.event.actor.label_zh()
                },
                kind: e.event.body.type_key(),
                summary: e.event.body.summary_zh(&name),
            })
            .collect()
    }

    /// The case page for a staff member. Full identity details are shown only
    /// to registrars/handlers at the unit holding the case; that read is audited.
    pub async fn case_detail(
        &self,
        staff: &Staff,
        case_no: &str,
        purpose: &str,
    ) -> Result<CaseDetail, AppError> {
        let (id, mut case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org();
        if !can_see(staff, &case, &org) {
            return Err(AppError::NotFound);
        }
        let full = staff.unit == case.current_unit
            && staff.has_any(&[Role::Registrar, Role::Handler, Role::Leader]);
        if full {
            self.store
                .audit("audit", "sensitive_read", &format!("user:{}", staff.username), &serde_json::json!({ "case_no": case_no, "purpose": purpose, "accusation": case.kind == Kind::Accusation }))
                .await?;
        } else {
            mask_case(&mut case);
        }
        let events = self.store.case_events(id).await?;
        let (clocks, clock_error) = self.clock_views(&case);
        let actor = Actor::Staff(staff.clone());
        Ok(CaseDetail {
            status_label: case.status.label_zh(),
            current_unit_name: self.unit_name(case.current_unit),
            registering_unit_name: self.unit_name(case.registering_unit),
            actions: self.available_actions(&actor, &case),
            timeline: self.timeline(&events, false),
            clocks,
            clock_error,
            masked: !full,
            case,
        })
    }

    /// Check the petitioner's query code (constant time), throttled per
    /// client and case, per client, and case-wide only for clients that are
    /// guessing themselves ([`crate::auth::QUERY_CODE_LIMITS`]). `client`
    /// is the real client address, never a header anyone can set.
    pub async fn check_query_code(
        &self,
        throttle: &Throttle,
        client: &str,
        case_no: &str,
        code: &str,
    ) -> Result<(i64, Case), AppError> {
        let limits = &crate::auth::QUERY_CODE_LIMITS;
        throttle.check_guess("query_code", client, case_no, limits)?;
        let stored = self.store.query_code_hash(case_no).await?;
        let given = hash_code(code);
        let ok = stored
            .as_ref()
            .map(|s| bool::from(s.as_bytes().ct_eq(given.as_bytes())))
            .unwrap_or(false);
        if !ok {
            throttle.fail_guess("query_code", client, case_no, limits);
            return Err(AppError::NotFound);
        }
        throttle.clear_guess("query_code", client, case_no);
        self.store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The petitioner's tracking view.
    pub async fn public_view(&self, id: i64, case: &Case) -> Result<PublicCaseView, AppError> {
        let events = self.store.case_events(id).await?;
        let (clocks, _) = self.clock_views(case);
        let window = clocks
            .iter()
            .find(|c| {
                !c.duty
                    && c.met_on.is_none()
                    && c.grade != xinfang_domain::clock::Grade::Overdue.key()
                    && case.status == Status::Delivered
            })
            .map(|w| w.due.clone());
        let replies = case
            .stages
            .iter()
            .filter_map(|s| {
                s.reply.as_ref().map(|r| PublicReply {
                    stage: s.stage.label_zh(),
                    outcome: r.outcome.label_zh(),
                    basis: r.basis.clone(),
                    text: r.text.clone(),
                    on: r.on.to_string(),
                    delivered_on: s.delivered_on.map(|d| d.to_string()),
                })
            })
            .collect();
        Ok(PublicCaseView {
            case_no: case.case_no.clone(),
            status: case.status.key(),
            status_label: case.status.label_zh(),
            stage: case.stage.label_zh(),
            kind_label: case.kind.label_zh(),
            registered_at: case.registered_at.format("%Y-%m-%d %H:%M").to_string(),
            request: case.content.request.clone(),
            steps: self.timeline(&events, true),
            due_dates: clocks.into_iter().filter(|c| c.met_on.is_none()).collect(),
            review_window_until: window.clone(),
            replies,
            can_evaluate: matches!(case.status, Status::Delivered | Status::Final)
                && case.current_stage().evaluation.is_none(),
            review_name: window.as_ref().map(|_| {
                if case.stage == Stage::Initial {
                    "复查"
                } else {
                    "复核"
                }
            }),
            is_final: case.status == Status::Final,
            not_accepted_reason: case.not_accepted_reason.clone(),
        })
    }

    /// Cases `staff` may see, newest first.
    pub async fn list_for(
        &self,
        staff: &Staff,
        mut filter: CaseFilter,
    ) -> Result<Vec<CaseListRow>, AppError> {
        filter.scope = Some(self.scope_of(staff));
        Ok(self.store.list_cases(&filter).await?)
    }
}

/// Hide ID numbers and phones, keep names' surnames (for staff who need not see them).
pub fn mask_case(case: &mut Case) {
    let repeats = case
        .submissions
        .iter_mut()
        .flat_map(|s| s.petitioners.iter_mut());
    for p in case.petitioners.iter_mut().chain(repeats) {
        p.id_number = p.id_number.as_deref().map(xinfang_text::mask::mask_id);
        p.phone = p.phone.as_deref().map(xinfang_text::mask::mask_phone);
        p.address = xinfang_text::mask::mask_address(&p.address);
    }
}
