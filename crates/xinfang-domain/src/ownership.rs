//! 领导包案 (第十八条): a leader takes personal charge of a hard case with a
//! 专班 (task team), a 化解方案 (plan) and a 化解时限 (deadline) — "一案一领导、
//! 一个专班、一套方案、一个时限" — and records progress until it is resolved.
//! Also 批示: a leader's written instruction on a case.

use crate::actor::Staff;
use crate::case::Case;
use crate::error::DomainError;
use crate::org::{OrgTree, Role, UnitId};
use chrono::NaiveDate;

/// What a leader proposes when taking charge.
pub struct ChargePlan<'a> {
    /// Units of the 专班 members.
    pub team_units: &'a [UnitId],
    pub plan: &'a str,
    pub deadline: NaiveDate,
}

/// May `leader` take charge of `case` with this plan, as of `today`?
pub fn check_take_charge(
    leader: &Staff,
    case: &Case,
    org: &OrgTree,
    p: &ChargePlan<'_>,
    today: NaiveDate,
    already_owned: bool,
) -> Result<(), DomainError> {
    let (team_units, plan, deadline) = (p.team_units, p.plan, p.deadline);
    if !leader.has(Role::Leader) {
        return Err(DomainError::Forbidden(
            "包案须由领导干部负责（第十八条）".into(),
        ));
    }
    if case.status.is_closed() {
        return Err(DomainError::InvalidState {
            status: case.status.label_zh(),
            action: "包案",
        });
    }
    if already_owned {
        return Err(DomainError::invalid(
            "case",
            "该事项已有领导包案（一案一领导）",
        ));
    }
    let area = org.government_of(leader.unit).unwrap_or(leader.unit);
    if !org.is_within(case.current_unit, area) {
        return Err(DomainError::Forbidden("只能包案本辖区内的事项".into()));
    }
    if team_units.is_empty() {
        return Err(DomainError::invalid(
            "team",
            "请组建工作专班（至少一名成员）",
        ));
    }
    if team_units.iter().any(|u| !org.is_within(*u, area)) {
        return Err(DomainError::invalid("team", "专班成员应为本辖区工作人员"));
    }
    // 第三十条第三款: nobody of the accused body (or above it) joins the team.
    if team_units
        .iter()
        .any(|u| crate::scope::unit_is_barred(*u, case, org))
    {
        return Err(DomainError::invalid(
            "team",
            "专班成员不得来自被检举控告的单位或其上级机关（第三十条）",
        ));
    }
    if plan.trim().chars().count() < 4 {
        return Err(DomainError::invalid("plan", "请填写化解方案"));
    }
    if deadline <= today {
        return Err(DomainError::invalid("deadline", "化解时限应晚于今天"));
    }
    Ok(())
}

/// May `staff` write a 批示 on `case` (a leader who can see it)?
pub fn check_instruction(staff: &Staff, text: &str) -> Result<(), DomainError> {
    if !staff.has(Role::Leader) {
        return Err(DomainError::Forbidden("批示须由领导作出".into()));
    }
    if text.trim().is_empty() {
        return Err(DomainError::invalid("text", "请填写批示内容"));
    }
    Ok(())
}
