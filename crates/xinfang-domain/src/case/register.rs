//! Registration (登记): every submission is registered truthfully
//! (第十九、二十一条). Depending on what came before, it opens a new case, is
//! recorded as another 件次 of an open case, or opens a case that is at once
//! 不予受理 (第十九条第三款) or 不再受理 (第三十六条) and linked to the earlier one.

use super::command::{PriorMatter, Register};
use super::decide::Ctx;
use super::event::{CaseEvent, EventBody};
use super::model::*;
use super::state::{Case, StageRecord, SubmissionRecord};
use crate::actor::Actor;
use crate::error::DomainError;
use crate::org::{OrgTree, Role, UnitLevel};

/// Maximum lengths (characters) of the free-text fields.
pub const MAX_REQUEST: usize = 2_000;
pub const MAX_LONG_TEXT: usize = 20_000;

/// What registering a submission leads to.
#[derive(Clone, Debug, PartialEq)]
pub enum Registration {
    /// A new case (possibly born 不予受理 / 不再受理, see `Case::status`).
    NewCase(CaseEvent),
    /// Another 件次 of the open case `case_no`.
    Repeat { case_no: String, event: CaseEvent },
}

/// Validate a registration and decide what it becomes.
pub fn register(
    cmd: &Register,
    case_no: String,
    prior: Option<&PriorMatter>,
    actor: &Actor,
    ctx: &Ctx<'_>,
) -> Result<Registration, DomainError> {
    if let Actor::Staff(s) = actor {
        if s.unit != cmd.registering_unit {
            return Err(DomainError::Forbidden("只能以本单位名义登记".into()));
        }
        if !s.has_any(&[Role::Registrar, Role::Handler]) {
            return Err(DomainError::Forbidden("需要登记员角色".into()));
        }
    }
    validate(cmd, ctx.org)?;
    let unit = ctx
        .org
        .get(cmd.registering_unit)
        .ok_or_else(|| DomainError::invalid("registering_unit", "登记单位不存在"))?;
    let submission = SubmissionRecord {
        channel: cmd.channel,
        at: ctx.now,
        unit: unit.id,
        persons: cmd.persons.max(cmd.petitioners.len() as u32),
        skip_level: is_skip_level(cmd, unit.level, ctx.org),
        repeat: prior.is_some(),
        multi_body: false,
        similarity: None,
        content: None,
        petitioners: vec![],
        confirmed: false,
        split_to: None,
    };
    let mut case = Case {
        case_no,
        channel: cmd.channel,
        kind: cmd.kind,
        petitioners: cmd.petitioners.clone(),
        persons: submission.persons,
        content: cmd.content.clone(),
        region_code: cmd.region_code.clone(),
        accused: cmd.accused.clone(),
        category: cmd.category.clone(),
        registered_at: ctx.now,
        registering_unit: unit.id,
        current_unit: unit.id,
        status: Status::Registered,
        stage: Stage::Initial,
        transfers: vec![],
        stages: vec![StageRecord::new(Stage::Initial, unit.id, ctx.today())],
        submissions: vec![submission.clone()],
        related_case: None,
        not_accepted_reason: None,
        recused: vec![],
        litigation_cues: cmd.litigation_cues.clone(),
        new_matter_reason: None,
        version: 0,
    };
    // 第三十条第三款: a 检举控告 is never held by the side it accuses.
    let holder = crate::scope::landing_unit(&case, ctx.org);
    if holder != case.current_unit {
        case.current_unit = holder;
        case.stages = vec![StageRecord::new(Stage::Initial, holder, ctx.today())];
    }
    if let (Some(p), Some(reason)) = (prior, &cmd.new_matter_reason) {
        // The registrar judged it a different matter: a new case, linked to
        // the earlier one, with the reason in the registration event.
        if !matches!(actor, Actor::Staff(_)) {
            return Err(DomainError::Forbidden(
                "只有登记人员可以认定为新的信访事项".into(),
            ));
        }
        if reason.trim().chars().count() < 4 {
            return Err(DomainError::invalid(
                "new_matter_reason",
                "请写明不属同一信访事项的理由",
            ));
        }
        case.related_case = Some(p.case_no.clone());
        case.new_matter_reason = Some(reason.trim().into());
    } else if let Some(p) = prior {
        let superior_of_handler = ctx.org.is_superior_body(unit.id, p.current_unit);
        if p.status == Status::Final {
            case.status = Status::NotAccepted;
            case.related_case = Some(p.case_no.clone());
            case.not_accepted_reason =
                Some(format!("该事项已经复核终结（{}），以同一事实和理由提出的投诉请求不再受理（第三十六条第三款）", p.case_no));
        } else if !p.status.is_closed() && p.within_limit && superior_of_handler {
            case.status = Status::NotAccepted;
            case.related_case = Some(p.case_no.clone());
            case.not_accepted_reason = Some(format!(
                "同一信访事项已由下级机关受理、正在规定期限内办理（{}），上级机关不予受理（第十九条第三款）",
                p.case_no
            ));
        } else if !p.status.is_closed() {
            let event = CaseEvent {
                at: ctx.now,
                actor: actor.to_ref(),
                body: EventBody::RepeatSubmitted { submission },
            };
            return Ok(Registration::Repeat {
                case_no: p.case_no.clone(),
                event,
            });
        } else {
            case.related_case = Some(p.case_no.clone());
        }
    }
    Ok(Registration::NewCase(CaseEvent {
        at: ctx.now,
        actor: actor.to_ref(),
        body: EventBody::Registered(Box::new(case)),
    }))
}

fn validate(cmd: &Register, org: &OrgTree) -> Result<(), DomainError> {
    if cmd.petitioners.is_empty() {
        return Err(DomainError::invalid(
            "petitioners",
            "请至少填写一名信访人（第十九条）",
        ));
    }
    // 第二十条第三款: representatives of a collective visit.
    if cmd.channel == Channel::Visit && cmd.petitioners.len() > 5 {
        return Err(DomainError::TooManyRepresentatives);
    }
    if cmd.petitioners.len() > 200 {
        return Err(DomainError::invalid(
            "petitioners",
            "信访人过多，请填写代表",
        ));
    }
    for p in &cmd.petitioners {
        let n = p.name.trim().chars().count();
        if n == 0 || n > 50 {
            return Err(DomainError::invalid(
                "petitioners.name",
                "请填写信访人姓名（名称），不超过50字（第十九条）",
            ));
        }
        if p.address.trim().chars().count() > 200 {
            return Err(DomainError::invalid(
                "petitioners.address",
                "住址不超过200字",
            ));
        }
    }
    if cmd.persons > 100_000 {
        return Err(DomainError::invalid("persons", "人数不合理"));
    }
    let req = cmd.content.request.trim().chars().count();
    if req == 0 {
        return Err(DomainError::invalid(
            "request",
            "请填写信访请求（第十九条）",
        ));
    }
    if req > MAX_REQUEST {
        return Err(DomainError::invalid(
            "request",
            format!("信访请求不超过{MAX_REQUEST}字"),
        ));
    }
    if cmd.content.facts.chars().count() > MAX_LONG_TEXT {
        return Err(DomainError::invalid(
            "facts",
            format!("事实不超过{MAX_LONG_TEXT}字"),
        ));
    }
    if cmd.content.reasons.chars().count() > MAX_LONG_TEXT {
        return Err(DomainError::invalid(
            "reasons",
            format!("理由不超过{MAX_LONG_TEXT}字"),
        ));
    }
    if org.units_by_region(&cmd.region_code).is_empty() {
        return Err(DomainError::invalid(
            "region_code",
            format!("未知的行政区划代码：{}", cmd.region_code),
        ));
    }
    if let Some(a) = &cmd.accused {
        if let Some(u) = a.unit {
            if org.get(u).is_none() {
                return Err(DomainError::invalid("accused.unit", "被反映单位不存在"));
            }
        }
    }
    Ok(())
}

/// 越级访 (第二十条第一款): a visit registered at a body above 本级或上一级 of
/// the area the matter belongs to.
pub fn is_skip_level(cmd: &Register, registering_level: UnitLevel, org: &OrgTree) -> bool {
    if cmd.channel != Channel::Visit {
        return false;
    }
    let home_level = org
        .units_by_region(&cmd.region_code)
        .iter()
        .map(|u| u.level)
        .max();
    match home_level {
        Some(home) => OrgTree::level_gap(registering_level, home) > 1,
        None => false,
    }
}

/// Days within which the same letter reaching another body counts as 一信多投.
pub const MULTI_BODY_WINDOW_DAYS: i64 = 30;
/// Content similarity (feature Jaccard) from which two letters are "the same letter".
pub const MULTI_BODY_MIN_SIMILARITY: f64 = 0.6;

/// 一信多投: the same letter (written channel, near-identical text) sent to a
/// body that has not yet registered it, within [`MULTI_BODY_WINDOW_DAYS`] of
/// an earlier 件次 of the case at another body. Linked as one matter, counted
/// as a 件次, never a new case (第十九条: one matter is registered once).
pub fn is_multi_body(
    case: &Case,
    unit: crate::org::UnitId,
    channel: Channel,
    at: chrono::NaiveDateTime,
    similarity: f64,
) -> bool {
    if !matches!(channel, Channel::Letter | Channel::Online)
        || similarity < MULTI_BODY_MIN_SIMILARITY
    {
        return false;
    }
    let active: Vec<&SubmissionRecord> = case
        .submissions
        .iter()
        .filter(|s| s.split_to.is_none())
        .collect();
    if active.iter().any(|s| s.unit == unit) {
        return false;
    }
    active.iter().any(|s| {
        matches!(s.channel, Channel::Letter | Channel::Online)
            && (at - s.at).num_days().abs() <= MULTI_BODY_WINDOW_DAYS
    })
}

#[cfg(test)]
mod multi_body_tests {
    use super::*;
    use crate::org::UnitId;

    fn sub(unit: i64, at: &str, channel: Channel) -> SubmissionRecord {
        SubmissionRecord {
            channel,
            at: chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap(),
            unit: UnitId(unit),
            persons: 1,
            skip_level: false,
            repeat: false,
            multi_body: false,
            similarity: None,
            content: None,
            petitioners: vec![],
            confirmed: false,
            split_to: None,
        }
    }

    fn case_with(subs: Vec<SubmissionRecord>) -> Case {
        let json = serde_json::json!({
            "case_no": "X", "channel": "letter", "kind": "claim", "petitioners": [],
            "persons": 1, "content": {"request": "r", "facts": "f", "reasons": ""},
            "region_code": "330102", "accused": null, "category": null,
            "registered_at": "2026-03-02T09:00:00", "registering_unit": 1, "current_unit": 1,
            "status": "registered", "stage": "initial", "transfers": [], "stages": [],
            "submissions": [], "related_case": null, "not_accepted_reason": null,
            "recused": [], "version": 1
        });
        let mut c: Case = serde_json::from_value(json).unwrap();
        c.submissions = subs;
        c
    }

    #[test]
    fn same_letter_to_another_body_within_window() {
        let c = case_with(vec![sub(1, "2026-03-02 09:00", Channel::Letter)]);
        let at = |s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(is_multi_body(
            &c,
            UnitId(2),
            Channel::Letter,
            at("2026-03-05 10:00"),
            0.9
        ));
        // Same body again: an ordinary repeat, not 一信多投.
        assert!(!is_multi_body(
            &c,
            UnitId(1),
            Channel::Letter,
            at("2026-03-05 10:00"),
            0.9
        ));
        // Re-worded (below the same-letter similarity) or a visit: a repeat only.
        assert!(!is_multi_body(
            &c,
            UnitId(2),
            Channel::Letter,
            at("2026-03-05 10:00"),
            0.4
        ));
        assert!(!is_multi_body(
            &c,
            UnitId(2),
            Channel::Visit,
            at("2026-03-05 10:00"),
            0.9
        ));
        // Outside the window.
        assert!(!is_multi_body(
            &c,
            UnitId(2),
            Channel::Letter,
            at("2026-05-05 10:00"),
            0.9
        ));
    }
}
