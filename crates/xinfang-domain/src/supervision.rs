//! Supervision (第四十条): 催办, 督办 with a 督办单 and feedback deadline,
//! 挂牌督办 (listed, visible) — objects with their own lifecycle: 待反馈 →
//! 已反馈 → 已办结, or 反馈超期 when the deadline passes unanswered (which
//! escalates to the supervising area's superiors). 提级办理 is a case command.

use crate::actor::Staff;
use crate::case::Case;
use crate::error::DomainError;
use crate::org::{OrgTree, Role, UnitId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionKind {
    /// 催办: a reminder, no written feedback required.
    Urge,
    /// 督办: a 督办单 with a feedback deadline.
    Supervise,
    /// 挂牌督办: listed publicly inside the system, with a deadline.
    Listed,
}

impl SupervisionKind {
    pub const ALL: [Self; 3] = [Self::Urge, Self::Supervise, Self::Listed];

    pub fn key(self) -> &'static str {
        match self {
            Self::Urge => "urge",
            Self::Supervise => "supervise",
            Self::Listed => "listed",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Urge => "催办",
            Self::Supervise => "督办",
            Self::Listed => "挂牌督办",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionStatus {
    Open,
    Answered,
    Closed,
    /// Feedback deadline passed unanswered; escalated.
    Overdue,
}

impl SupervisionStatus {
    pub const ALL: [Self; 4] = [Self::Open, Self::Answered, Self::Closed, Self::Overdue];

    pub fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
            Self::Overdue => "overdue",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "待反馈",
            Self::Answered => "已反馈",
            Self::Closed => "已办结",
            Self::Overdue => "反馈超期",
        }
    }
}

/// The supervising area of a staff member: their government (or their unit).
pub fn area_of(staff: &Staff, org: &OrgTree) -> UnitId {
    org.government_of(staff.unit).unwrap_or(staff.unit)
}

/// May `staff` supervise `case`? A 督办员 or 领导 of an area containing the
/// unit that holds the case, or of the unit that sent it; never the holder itself.
pub fn check_create(
    staff: &Staff,
    case: &Case,
    org: &OrgTree,
    kind: SupervisionKind,
    due: Option<NaiveDate>,
    today: NaiveDate,
    requirement: &str,
) -> Result<(), DomainError> {
    if !staff.has_any(&[Role::Supervisor, Role::Leader]) {
        return Err(DomainError::Forbidden(
            "督办须由督办员或领导发起（第四十条）".into(),
        ));
    }
    if case.status.is_closed() {
        return Err(DomainError::InvalidState {
            status: case.status.label_zh(),
            action: "督办",
        });
    }
    if staff.unit == case.current_unit {
        return Err(DomainError::Forbidden(
            "不能督办本单位正在办理的事项".into(),
        ));
    }
    let area = area_of(staff, org);
    let sender = case.transfers.iter().any(|t| t.from == staff.unit);
    if !org.is_within(case.current_unit, area) && !sender {
        return Err(DomainError::Forbidden("只能督办本辖区内的事项".into()));
    }
    if requirement.trim().is_empty() {
        return Err(DomainError::invalid("requirement", "请写明督办要求"));
    }
    match (kind, due) {
        (SupervisionKind::Urge, _) => Ok(()),
        (_, Some(d)) if d > today => Ok(()),
        (_, Some(_)) => Err(DomainError::invalid("feedback_due", "反馈期限应晚于今天")),
        (_, None) => Err(DomainError::invalid("feedback_due", "督办须规定反馈期限")),
    }
}

/// May `staff` answer a supervision addressed to `target`?
pub fn check_feedback(
    staff: &Staff,
    target: UnitId,
    status: SupervisionStatus,
    text: &str,
) -> Result<(), DomainError> {
    if staff.unit != target || !staff.has_any(&[Role::Handler, Role::Leader]) {
        return Err(DomainError::Forbidden(
            "须由被督办单位的办理员或领导反馈".into(),
        ));
    }
    if !matches!(status, SupervisionStatus::Open | SupervisionStatus::Overdue) {
        return Err(DomainError::InvalidState {
            status: status.label_zh(),
            action: "反馈",
        });
    }
    if text.trim().is_empty() {
        return Err(DomainError::invalid("feedback", "请填写办理进展和结果"));
    }
    Ok(())
}

/// May `staff` close a supervision created by `creator_unit`?
pub fn check_close(
    staff: &Staff,
    creator_unit: UnitId,
    status: SupervisionStatus,
    org: &OrgTree,
) -> Result<(), DomainError> {
    // 第四十条: the 信访部门 that issued the 督办 closes it — itself, or a
    // 信访部门 above it; never the supervised body nor another body of the area.
    let superior_bureau = org
        .get(staff.unit)
        .map(|u| u.kind == crate::org::UnitKind::PetitionBureau)
        .unwrap_or(false)
        && org.is_superior_body(staff.unit, creator_unit);
    if !staff.has_any(&[Role::Supervisor, Role::Leader])
        || !(staff.unit == creator_unit || superior_bureau)
    {
        return Err(DomainError::Forbidden(
            "须由发出督办的信访部门或其上级信访部门办结（第四十条）".into(),
        ));
    }
    if status != SupervisionStatus::Answered {
        return Err(DomainError::InvalidState {
            status: status.label_zh(),
            action: "办结督办",
        });
    }
    Ok(())
}
