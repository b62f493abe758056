//! The rules: turn a command into an event, or refuse it with the article
//! that forbids it. Every refusal the 条例 implies lives here, so the API,
//! the pages and the demo generator cannot disagree.

use super::command::{Command, Register};
use super::event::{CaseEvent, EventBody};
use super::model::*;
use super::state::{Case, SubmissionRecord};
use crate::actor::{Actor, Staff};
use crate::calendar::Calendar;
use crate::clock::{compute_due, ClockKind, RuleTable};
use crate::error::DomainError;
use crate::org::{OrgTree, Role, UnitId, UnitKind};
use chrono::{NaiveDate, NaiveDateTime};

/// What a decision may consult: the unit tree, the calendar, the clock rules and the time.
pub struct Ctx<'a> {
    pub org: &'a OrgTree,
    pub calendar: &'a Calendar,
    pub rules: &'a RuleTable,
    pub now: NaiveDateTime,
}

impl Ctx<'_> {
    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }
}

const DESK: &[Role] = &[Role::Registrar, Role::Handler];
const HANDLER: &[Role] = &[Role::Handler, Role::Leader];

/// Check a command against the case and produce its event.
pub fn decide(
    case: &Case,
    actor: &Actor,
    cmd: &Command,
    ctx: &Ctx<'_>,
) -> Result<CaseEvent, DomainError> {
    let body = decide_body(case, actor, cmd, ctx)?;
    Ok(CaseEvent {
        at: ctx.now,
        actor: actor.to_ref(),
        body,
    })
}

fn invalid_state(case: &Case, cmd: &Command) -> DomainError {
    DomainError::InvalidState {
        status: case.status.label_zh(),
        action: cmd.label_zh(),
    }
}

/// The staff member must be at `unit` with one of `roles`, and not recused.
fn staff_at<'a>(
    case: &Case,
    actor: &'a Actor,
    unit: UnitId,
    roles: &[Role],
) -> Result<&'a Staff, DomainError> {
    let s = actor
        .staff()
        .ok_or_else(|| DomainError::Forbidden("此操作须由工作人员办理".into()))?;
    if case.recused.contains(&s.user) {
        return Err(DomainError::Recused);
    }
    if s.unit != unit {
        return Err(DomainError::Forbidden(
            "此信访事项当前不在您所在单位".into(),
        ));
    }
    if !s.has_any(roles) {
        let names: Vec<_> = roles.iter().map(|r| r.label_zh()).collect();
        return Err(DomainError::Forbidden(format!(
            "需要{}角色",
            names.join("或")
        )));
    }
    Ok(s)
}

/// The repeat 件次 `k` of the case, if it may still be confirmed or split.
pub fn repeat_to_review(case: &Case, k: usize) -> Result<&SubmissionRecord, DomainError> {
    let sub = case
        .submissions
        .get(k)
        .filter(|s| k > 0 && s.repeat)
        .ok_or_else(|| DomainError::invalid("submission", "没有这一重复件次"))?;
    if sub.split_to.is_some() {
        return Err(DomainError::invalid("submission", "该件次已拆分为新件"));
    }
    Ok(sub)
}

/// The registration that splitting repeat 件次 `k` off makes: the 件次's own
/// petitioners and text, registered at the unit that received it.
pub fn split_registration(case: &Case, k: usize) -> Result<Register, DomainError> {
    let sub = repeat_to_review(case, k)?;
    let content = sub
        .content
        .clone()
        .ok_or_else(|| DomainError::invalid("submission", "该件次未保存信访内容，无法拆分"))?;
    Ok(Register {
        channel: sub.channel,
        kind: case.kind,
        petitioners: if sub.petitioners.is_empty() {
            case.petitioners.clone()
        } else {
            sub.petitioners.clone()
        },
        persons: sub.persons,
        content,
        region_code: case.region_code.clone(),
        accused: None,
        category: None,
        registering_unit: sub.unit,
        litigation_cues: vec![],
        new_matter_reason: None,
    })
}

fn decide_body(
    case: &Case,
    actor: &Actor,
    cmd: &Command,
    ctx: &Ctx<'_>,
) -> Result<EventBody, DomainError> {
    use Command::*;
    use Status::*;
    let st = case.status;
    match cmd {
        Transfer {
            to,
            mode,
            report_due,
        } => {
            if !matches!(st, Registered | Received) {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, DESK)?;
            check_transfer_target(case, *to, ctx.org)?;
            if *mode == TransferMode::Assign {
                match report_due {
                    Some(d) if *d > ctx.today() => {}
                    Some(_) => {
                        return Err(DomainError::invalid("report_due", "办结报告期限应晚于今天"))
                    }
                    None => {
                        return Err(DomainError::invalid(
                            "report_due",
                            "交办须指定办结报告期限（第二十二条第（三）项）",
                        ))
                    }
                }
            }
            Ok(EventBody::Transferred {
                to: *to,
                mode: *mode,
                report_due: *report_due,
            })
        }
        Sign => {
            let t = case
                .transfers
                .last()
                .filter(|_| st == PendingReceipt)
                .ok_or_else(|| invalid_state(case, cmd))?;
            staff_at(case, actor, t.to, DESK)?;
            Ok(EventBody::Signed)
        }
        Object { reason } => {
            let t = case
                .transfers
                .last()
                .filter(|_| st == PendingReceipt)
                .ok_or_else(|| invalid_state(case, cmd))?;
            staff_at(case, actor, t.to, DESK)?;
            let rule = ctx.rules.get(ClockKind::Objection);
            let due = compute_due(ctx.calendar, t.on, &rule.spec, &[], &[])?.due;
            if ctx.today() > due {
                return Err(DomainError::ObjectionTooLate(due));
            }
            if reason.trim().chars().count() < 4 {
                return Err(DomainError::invalid(
                    "reason",
                    "异议须详细说明理由（第二十三条第三款）",
                ));
            }
            Ok(EventBody::Objected {
                reason: reason.trim().to_string(),
            })
        }
        DecideObjection { upheld } => {
            let t = case
                .transfers
                .last()
                .filter(|_| st == Objected)
                .ok_or_else(|| invalid_state(case, cmd))?;
            staff_at(
                case,
                actor,
                t.from,
                &[Role::Registrar, Role::Handler, Role::Leader],
            )?;
            Ok(EventBody::ObjectionDecided { upheld: *upheld })
        }
        DecideJurisdiction { unit } => {
            let t = case
                .transfers
                .last()
                .filter(|_| st == Objected)
                .ok_or_else(|| invalid_state(case, cmd))?;
            let s = actor
                .staff()
                .ok_or_else(|| DomainError::Forbidden("此操作须由工作人员办理".into()))?;
            let superior = ctx.org.common_superior(t.from, t.to).ok_or_else(|| {
                DomainError::Forbidden(
                    "没有共同的上一级机关，应由信访工作联席会议协调（第二十四条）".into(),
                )
            })?;
            if !ctx.org.is_within(superior, s.unit) {
                return Err(DomainError::Forbidden(
                    "受理争议由共同的上一级机关决定（第二十四条）".into(),
                ));
            }
            staff_at(
                case,
                actor,
                s.unit,
                &[Role::Leader, Role::Handler, Role::Registrar],
            )?;
            check_transfer_target(case, *unit, ctx.org)?;
            Ok(EventBody::JurisdictionDecided { unit: *unit })
        }
        Notify { route } => {
            if !matches!(st, Registered | Received) || case.stage != Stage::Initial {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, DESK)?;
            match route {
                Route::Divert { guidance, .. } => {
                    if case.kind != Kind::Claim {
                        return Err(DomainError::invalid(
                            "route",
                            "只有申诉求决类事项导入法定途径（第三十一条）",
                        ));
                    }
                    if guidance.trim().is_empty() {
                        return Err(DomainError::invalid(
                            "guidance",
                            "请写明向哪个机关、通过何种程序提出",
                        ));
                    }
                }
                // 第三十一条第一项: a matter for the courts, procuratorate or
                // police goes to its legal procedure; accepting it into
                // 信访 handling over the intake's flag needs a reason.
                Route::Accept {
                    litigation_reason, ..
                } if case.kind == Kind::Claim
                    && !case.litigation_cues.is_empty()
                    && litigation_reason
                        .as_deref()
                        .is_none_or(|r| r.trim().chars().count() < 4) =>
                {
                    return Err(DomainError::invalid(
                        "litigation_reason",
                        format!(
                            "登记时发现涉法涉诉线索（{}）：应当通过诉讼、复议等法定程序处理的，导入相应程序（第三十一条第一项）；确需受理办理的，请写明受理理由",
                            case.litigation_cues.join("、")
                        ),
                    ));
                }
                Route::NotOurs { tell_to } if tell_to.trim().is_empty() => {
                    return Err(DomainError::invalid(
                        "tell_to",
                        "请写明有权处理的机关（第二十三条第一款）",
                    ));
                }
                _ => {}
            }
            Ok(EventBody::Notified {
                route: route.clone(),
            })
        }
        StartPause { reason } => {
            if !matches!(st, Handling | UnderReview) || case.current_stage().open_pause().is_some()
            {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, HANDLER)?;
            if reason.trim().is_empty() {
                return Err(DomainError::invalid(
                    "reason",
                    "请写明中止计时的原因（如听证）",
                ));
            }
            Ok(EventBody::PauseStarted {
                reason: reason.trim().into(),
            })
        }
        EndPause => {
            if case.current_stage().open_pause().is_none() {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, HANDLER)?;
            Ok(EventBody::PauseEnded)
        }
        RequestExtension { days, reason } => {
            let stage = case.current_stage();
            if st != Handling || case.stage != Stage::Initial || stage.pending_extension.is_some() {
                return Err(invalid_state(case, cmd));
            }
            let s = staff_at(case, actor, case.current_unit, HANDLER)?;
            // 第三十四条's extension is for 第三十一条第（六）项 matters; other
            // kinds follow their local rule's ceiling.
            let rule = ctx.rules.get(super::clocks::handling_clock(case.kind));
            let used: u32 = stage.extensions.iter().map(|e| e.days).sum();
            let left = rule.max_extension_days.saturating_sub(used);
            if *days == 0 || *days > left {
                return Err(DomainError::ExtensionTooLong(left));
            }
            if reason.trim().is_empty() {
                return Err(DomainError::invalid(
                    "reason",
                    "延期须说明理由并告知信访人（第三十四条）",
                ));
            }
            let start = stage.accepted_on.unwrap_or(stage.started_on);
            let due = compute_due(
                ctx.calendar,
                start,
                &rule.spec,
                &stage.pauses,
                &stage.extensions,
            )?
            .due;
            if ctx.today() > due {
                return Err(DomainError::invalid(
                    "days",
                    format!("办理期限已于{due}届满，不能再申请延期"),
                ));
            }
            Ok(EventBody::ExtensionRequested {
                days: *days,
                reason: reason.trim().into(),
                by: s.user,
            })
        }
        DecideExtension { approved } => {
            if case.current_stage().pending_extension.is_none() {
                return Err(invalid_state(case, cmd));
            }
            // 经本机关、单位负责人批准 (第三十四条).
            staff_at(case, actor, case.current_unit, &[Role::Leader])?;
            Ok(EventBody::ExtensionDecided {
                approved: *approved,
            })
        }
        Reply {
            outcome,
            basis,
            text,
        } => {
            if !matches!(st, Handling | UnderReview) {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, HANDLER)?;
            if case.current_stage().open_pause().is_some() {
                return Err(DomainError::invalid("pause", "请先恢复计时再出具意见"));
            }
            if !outcome.fits(case.kind) {
                return Err(DomainError::invalid(
                    "outcome",
                    format!("“{}”不适用于{}", outcome.label_zh(), case.kind.label_zh()),
                ));
            }
            // 第三十五、三十六条: 复查/复核 answer the earlier opinion —
            // 维持, 撤销 or 变更 it, with reasons; first handling does not.
            if case.stage == Stage::Initial && outcome.is_review() {
                return Err(DomainError::invalid(
                    "outcome",
                    "维持、撤销、变更原处理意见用于复查、复核意见",
                ));
            }
            if case.stage != Stage::Initial && !outcome.is_review() {
                return Err(DomainError::invalid(
                    "outcome",
                    "复查、复核意见应当写明维持、撤销或者变更原处理意见，并说明理由（第三十五、三十六条）",
                ));
            }
            if case.kind == Kind::Claim && basis.trim().is_empty() {
                return Err(DomainError::invalid(
                    "basis",
                    "信访处理意见书应当载明法律法规依据（第三十二条）",
                ));
            }
            if text.trim().is_empty() {
                return Err(DomainError::invalid("text", "请填写处理意见"));
            }
            // An opinion still holding a template blank is not finished (第三十二条).
            for (field, value) in [("text", text), ("basis", basis)] {
                let left = crate::blanks::unfilled_blanks(value);
                if !left.is_empty() {
                    return Err(DomainError::invalid(
                        field,
                        format!(
                            "仍有未填写的模板内容：{}，请替换为具体内容后再出具",
                            left.join("、")
                        ),
                    ));
                }
            }
            Ok(EventBody::Replied {
                outcome: *outcome,
                basis: basis.trim().into(),
                text: text.trim().into(),
            })
        }
        Deliver { method, on, note } => {
            if st != Replied {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, DESK)?;
            // The day received lies between the reply and today: the 复查
            // window (第三十五条) runs from it, so it cannot be invented.
            let replied_on = case.current_stage().reply.as_ref().map(|r| r.on);
            if let Some(d) = on {
                if *d > ctx.today() || replied_on.is_some_and(|r| *d < r) {
                    return Err(DomainError::invalid(
                        "on",
                        "送达日期应在出具书面意见之日与今天之间",
                    ));
                }
            }
            if *method == DeliveryMethod::Left && note.trim().chars().count() < 2 {
                return Err(DomainError::invalid(
                    "note",
                    "留置送达须写明见证人和留置情况",
                ));
            }
            Ok(EventBody::Delivered {
                method: Some(*method),
                on: on.filter(|d| *d != ctx.today()),
                note: note.trim().into(),
            })
        }
        Evaluate {
            satisfaction,
            reason,
        } => {
            let stage = case.current_stage();
            if !matches!(st, Delivered | Final) || stage.evaluation.is_some() {
                return Err(invalid_state(case, cmd));
            }
            let by_follow_up = match actor {
                Actor::Petitioner => false,
                Actor::Staff(_) => {
                    staff_at(
                        case,
                        actor,
                        case.current_unit,
                        &[Role::Registrar, Role::Handler, Role::Supervisor],
                    )?;
                    true
                }
                Actor::System => return Err(DomainError::Forbidden("评价须由信访人作出".into())),
            };
            if *satisfaction == Satisfaction::Dissatisfied && reason.trim().is_empty() {
                return Err(DomainError::invalid("reason", "请说明不满意的原因"));
            }
            Ok(EventBody::Evaluated {
                satisfaction: *satisfaction,
                reason: reason.trim().into(),
                by_follow_up,
            })
        }
        RequestReview { reason } => {
            if reason.chars().count() > super::register::MAX_REQUEST {
                return Err(DomainError::invalid(
                    "reason",
                    format!("理由不超过{}字", super::register::MAX_REQUEST),
                ));
            }
            if case.kind != Kind::Claim {
                return Err(DomainError::invalid(
                    "action",
                    "复查、复核只适用于申诉求决类事项的信访处理意见（第三十五条）",
                ));
            }
            let (kind, name, article) = match case.stage {
                Stage::Initial => (ClockKind::ReviewRequest, "复查", "第三十五条"),
                Stage::Review => (ClockKind::ReReviewRequest, "复核", "第三十六条"),
                Stage::ReReview => return Err(invalid_state(case, cmd)),
            };
            let stage = case.current_stage();
            let delivered = stage
                .delivered_on
                .filter(|_| st == Delivered)
                .ok_or_else(|| invalid_state(case, cmd))?;
            let unit = ctx
                .org
                .parent(stage.unit)
                .map(|u| u.id)
                .ok_or_else(|| DomainError::Forbidden("原办理机关没有上一级机关".into()))?;
            if let Actor::Staff(_) = actor {
                // A staff member registers a written request received at the higher body.
                staff_at(case, actor, unit, DESK)?;
            } else if !matches!(actor, Actor::Petitioner) {
                return Err(DomainError::Forbidden("复查复核须由信访人请求".into()));
            }
            let due =
                compute_due(ctx.calendar, delivered, &ctx.rules.get(kind).spec, &[], &[])?.due;
            if ctx.today() > due {
                return Err(DomainError::ReviewWindowClosed(due, name, article));
            }
            Ok(EventBody::ReviewRequested {
                unit,
                reason: reason.trim().into(),
            })
        }
        ConfirmRepeat { submission } | SplitRepeat { submission } => {
            let sub = repeat_to_review(case, *submission)?;
            staff_at(case, actor, sub.unit, &[Role::Registrar, Role::Handler])?;
            if matches!(cmd, ConfirmRepeat { .. }) {
                if sub.confirmed {
                    return Err(DomainError::invalid("submission", "该件次已确认为重复件"));
                }
                Ok(EventBody::RepeatConfirmed {
                    submission: *submission,
                })
            } else {
                if sub.content.is_none() {
                    return Err(DomainError::invalid(
                        "submission",
                        "该件次未保存信访内容，无法拆分",
                    ));
                }
                Ok(EventBody::RepeatSplit {
                    submission: *submission,
                    new_case: String::new(),
                })
            }
        }
        Escalate { to, reason } => {
            // 提级办理: a leader of a government above the holder moves the
            // handling to a body of a higher level within that area (第四十条).
            if !matches!(st, Registered | Received | Handling | UnderReview) {
                return Err(invalid_state(case, cmd));
            }
            let s = actor
                .staff()
                .ok_or_else(|| DomainError::Forbidden("此操作须由工作人员办理".into()))?;
            if !s.has(Role::Leader) {
                return Err(DomainError::Forbidden("提级办理须由领导决定".into()));
            }
            let area = ctx.org.government_of(s.unit).unwrap_or(s.unit);
            let (Some(target), Some(holder)) = (ctx.org.get(*to), ctx.org.get(case.current_unit))
            else {
                return Err(DomainError::invalid("to", "接收单位不存在"));
            };
            if !ctx.org.is_within(case.current_unit, area) || !ctx.org.is_within(*to, area) {
                return Err(DomainError::Forbidden("只能在本辖区内提级办理".into()));
            }
            if target.level >= holder.level {
                return Err(DomainError::invalid("to", "提级办理应交由更高层级的机关"));
            }
            if is_accused_unit(case, *to, ctx.org) {
                return Err(DomainError::AccusedBody);
            }
            if reason.trim().is_empty() {
                return Err(DomainError::invalid("reason", "请写明提级办理的理由"));
            }
            Ok(EventBody::Escalated {
                to: *to,
                reason: reason.trim().into(),
            })
        }
        ResolveAccused { unit } => {
            // Only the holder that may see an unresolved accusation (a 信访部门
            // or 纪检监察, 第三十条) names the body, while the case is open.
            if case.kind != Kind::Accusation || case.status.is_closed() {
                return Err(invalid_state(case, cmd));
            }
            staff_at(case, actor, case.current_unit, DESK)?;
            let holder = ctx.org.get(case.current_unit).map(|u| u.kind);
            if !crate::scope::sees_unresolved(holder) {
                return Err(DomainError::Forbidden(
                    "只有信访部门或纪检监察机关可以确定被检举控告单位".into(),
                ));
            }
            if ctx.org.get(*unit).is_none() {
                return Err(DomainError::invalid("unit", "被反映单位不存在"));
            }
            if case.accused.as_ref().and_then(|a| a.unit).is_some() {
                return Err(invalid_state(case, cmd));
            }
            // The holder may not be the accused body's own side: it would then
            // hold an accusation against itself.
            if crate::scope::on_accused_side(case.current_unit, *unit, ctx.org) {
                return Err(DomainError::AccusedBody);
            }
            Ok(EventBody::AccusedResolved { unit: *unit })
        }
        DeclareInterest => {
            let s = actor
                .staff()
                .ok_or_else(|| DomainError::Forbidden("此操作须由工作人员办理".into()))?;
            if !case.involved_units().contains(&s.unit) {
                return Err(DomainError::Forbidden("此信访事项不在您所在单位".into()));
            }
            if case.recused.contains(&s.user) {
                return Err(DomainError::Recused);
            }
            Ok(EventBody::InterestDeclared { user: s.user })
        }
    }
}

/// 第三十条: never to the accused body (or one inside it); 检举控告 goes to 纪检监察.
fn check_transfer_target(case: &Case, to: UnitId, org: &OrgTree) -> Result<(), DomainError> {
    let target = org
        .get(to)
        .ok_or_else(|| DomainError::invalid("to", "接收单位不存在"))?;
    if to == case.current_unit {
        return Err(DomainError::invalid("to", "不能转给本单位"));
    }
    if is_accused_unit(case, to, org) {
        return Err(DomainError::AccusedBody);
    }
    if case.kind == Kind::Accusation && target.kind != UnitKind::Discipline {
        return Err(DomainError::AccusationNeedsDiscipline);
    }
    Ok(())
}

/// True when `unit` is the accused body, lies inside it, or is above it
/// (第三十条, `scope::on_accused_side`).
pub fn is_accused_unit(case: &Case, unit: UnitId, org: &OrgTree) -> bool {
    match case.accused.as_ref().and_then(|a| a.unit) {
        Some(accused) if case.kind == Kind::Accusation => {
            crate::scope::on_accused_side(unit, accused, org)
        }
        _ => false,
    }
}
