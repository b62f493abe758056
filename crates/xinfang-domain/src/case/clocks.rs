//! The clocks of one case, derived from its events and the calendar — never
//! stored as the only truth, so a calendar change re-flows every open case
//! (see DESIGN.md §4 for the table of limits and articles).

use super::model::*;
use super::state::Case;
use crate::calendar::{Calendar, CalendarError};
use crate::clock::{compute_due, fixed_date_due, grade, ClockKind, DueDate, Grade, RuleTable};
use crate::org::{OrgTree, UnitId, UnitKind};
use chrono::NaiveDate;

/// One statutory (or assigned) time limit of a case.
#[derive(Clone, Debug)]
pub struct CaseClock {
    pub kind: ClockKind,
    pub stage: Stage,
    /// The body that must act (for request windows: the petitioner's window at that body).
    pub unit: UnitId,
    pub start: NaiveDate,
    pub due: DueDate,
    /// When the duty was met; `None` while open.
    pub met_on: Option<NaiveDate>,
    /// A duty of a body (counts for 超期). Request windows are the petitioner's, not duties.
    pub duty: bool,
    pub approaching_days: u32,
}

impl CaseClock {
    pub fn is_open(&self) -> bool {
        self.met_on.is_none()
    }
    /// 正常 / 临期 / 超期 as of `today` (a met clock is graded by when it was met).
    pub fn grade(&self, today: NaiveDate) -> Grade {
        grade(
            self.due.due,
            self.met_on.unwrap_or(today),
            self.approaching_days,
        )
    }
    pub fn met_in_time(&self) -> Option<bool> {
        self.met_on.map(|d| d <= self.due.due)
    }
}

/// The first-instance answer clock of a matter of this kind: the 60-day
/// limit of 第三十四条 binds 第三十一条第（六）项 matters (申诉求决类); the
/// 条例 sets none for suggestions (第二十九条) or accusations (第三十条),
/// which follow a local rule named with its source.
pub fn handling_clock(kind: Kind) -> ClockKind {
    match kind {
        Kind::Claim => ClockKind::Handling,
        Kind::Suggestion => ClockKind::SuggestionReply,
        Kind::Accusation => ClockKind::AccusationReply,
    }
}

/// Every clock of the case, in the order they started.
pub fn case_clocks(
    case: &Case,
    org: &OrgTree,
    cal: &Calendar,
    rules: &RuleTable,
) -> Result<Vec<CaseClock>, CalendarError> {
    let mut out = Vec::new();
    let initial = &case.stages[0];
    let born_refused = case.status == Status::NotAccepted
        && case.related_case.is_some()
        && initial.notified_on.is_none();
    if born_refused {
        return Ok(out);
    }
    let mut push = |kind: ClockKind,
                    stage: Stage,
                    unit: UnitId,
                    start: NaiveDate,
                    due: DueDate,
                    met_on: Option<NaiveDate>,
                    duty: bool| {
        out.push(CaseClock {
            kind,
            stage,
            unit,
            start,
            due,
            met_on,
            duty,
            approaching_days: rules.get(kind).approaching_days,
        });
    };
    let spec = |k: ClockKind| rules.get(k).spec.clone();

    // 1. The registering body: forward within 15 days (bureau) or notify (other body).
    let reg = case.registering_unit;
    let first_out = case.transfers.iter().find(|t| t.from == reg).map(|t| t.on);
    let notified_at_reg = if case.transfers.is_empty() {
        initial.notified_on
    } else {
        None
    };
    let bureau = org
        .get(reg)
        .map(|u| u.kind == UnitKind::PetitionBureau)
        .unwrap_or(false);
    let kind = if bureau {
        ClockKind::Forward
    } else {
        ClockKind::DirectNotice
    };
    let start = case.registered_on();
    let due = compute_due(cal, start, &spec(kind), &[], &[])?;
    push(
        kind,
        Stage::Initial,
        reg,
        start,
        due,
        first_out.or(notified_at_reg),
        true,
    );

    // 2. Each transfer: objection window while unsigned, notice after signing, report date of 交办.
    for (i, t) in case.transfers.iter().enumerate() {
        let next_out = case.transfers.get(i + 1).map(|n| n.on);
        if t.signed_on.is_none() {
            let met = t.objection.as_ref().map(|o| o.on).or(next_out);
            let due = compute_due(cal, t.on, &spec(ClockKind::Objection), &[], &[])?;
            push(
                ClockKind::Objection,
                Stage::Initial,
                t.to,
                t.on,
                due,
                met,
                false,
            );
        }
        if let Some(signed) = t.signed_on {
            let met = if i + 1 == case.transfers.len() {
                initial.notified_on
            } else {
                next_out
            };
            let due = compute_due(cal, signed, &spec(ClockKind::ReceiptNotice), &[], &[])?;
            push(
                ClockKind::ReceiptNotice,
                Stage::Initial,
                t.to,
                signed,
                due,
                met,
                true,
            );
        }
        if let Some(report) = t.report_due {
            let due = fixed_date_due(cal, report)?;
            let met = initial.reply.as_ref().map(|r| r.on);
            push(
                ClockKind::AssignedReport,
                Stage::Initial,
                t.to,
                t.on,
                due,
                met,
                true,
            );
        }
    }

    // 3. Each stage: handling / answer limit, then the petitioner's request window.
    for st in &case.stages {
        let (answer, window) = match st.stage {
            Stage::Initial => (handling_clock(case.kind), Some(ClockKind::ReviewRequest)),
            Stage::Review => (ClockKind::ReviewAnswer, Some(ClockKind::ReReviewRequest)),
            Stage::ReReview => (ClockKind::ReReviewAnswer, None),
        };
        if let Some(accepted) = st.accepted_on {
            let due = compute_due(cal, accepted, &spec(answer), &st.pauses, &st.extensions)?;
            push(
                answer,
                st.stage,
                st.unit,
                accepted,
                due,
                st.reply.as_ref().map(|r| r.on),
                true,
            );
        }
        // 第三十五条: the request window opens only on a 信访处理意见 of a
        // 申诉求决类 matter (not on the reply to a suggestion nor on an
        // accusation concluded by 纪检监察).
        let reviewable = case.kind == Kind::Claim;
        if let (Some(window), Some(delivered), true) = (window, st.delivered_on, reviewable) {
            let next_started = case
                .stages
                .iter()
                .find(|s| s.stage > st.stage)
                .map(|s| s.started_on);
            let due = compute_due(cal, delivered, &spec(window), &[], &[])?;
            push(
                window,
                st.stage,
                st.unit,
                delivered,
                due,
                next_started,
                false,
            );
        }
    }
    Ok(out)
}

/// When the clock scanner must next look at this case: the first day after
/// `today` on which an open duty turns 临期 (its approaching window opens)
/// or 超期 (the day after it falls due); `None` when no open duty has a
/// change of grade ahead. Outside the scanner (`alerted == false`: an event
/// or a calendar re-flow rewrote the projection) a duty already 临期 or 超期
/// makes it `today`, so the scanner raises that alert once. The scanner's
/// cost then follows the cases falling due, not every case that ever did.
pub fn next_check(clocks: &[CaseClock], today: NaiveDate, alerted: bool) -> Option<NaiveDate> {
    let open = || clocks.iter().filter(|c| c.duty && c.is_open());
    if !alerted && open().any(|c| c.grade(today) != Grade::Normal) {
        return Some(today);
    }
    open()
        .flat_map(|c| {
            [
                c.due.due - chrono::Duration::days(i64::from(c.approaching_days)),
                c.due.due + chrono::Duration::days(1),
            ]
        })
        .filter(|d| *d > today)
        .min()
}

/// The nearest open duty and its grade, for inbox queries and the projection.
pub fn next_duty(clocks: &[CaseClock], today: NaiveDate) -> Option<(NaiveDate, Grade, ClockKind)> {
    clocks
        .iter()
        .filter(|c| c.duty && c.is_open())
        .min_by_key(|c| c.due.due)
        .map(|c| (c.due.due, c.grade(today), c.kind))
}
