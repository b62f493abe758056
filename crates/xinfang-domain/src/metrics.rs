//! Indicator definitions (DESIGN.md §5), one function each. Per-case facts
//! (`CaseFacts`) are derived from a case and its clocks and stored with the
//! projection, so statistics over a million cases are aggregates, not replays;
//! the rates below turn those aggregates into the published indicators.

use crate::case::{handling_clock, Case, CaseClock, Satisfaction, Stage, Status};
use crate::clock::ClockKind;
use chrono::{Duration, NaiveDate};

/// Days after delivery within which a repeat submission means the matter was
/// not resolved the first time (一次性化解率).
pub const FIRST_TIME_WINDOW_DAYS: i64 = 90;

/// The facts about one case that indicators are computed from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFacts {
    /// Due date and fulfilment of the first duty: forward (第二十二条) or notice (第二十三条).
    pub accept_due: Option<NaiveDate>,
    pub accept_met: Option<NaiveDate>,
    /// Due date and fulfilment of the initial handling limit (第三十四条).
    pub handling_due: Option<NaiveDate>,
    pub handling_met: Option<NaiveDate>,
    /// Delivery of the initial written reply (办结).
    pub delivered_on: Option<NaiveDate>,
    /// Evaluation of the initial reply.
    pub satisfaction: Option<Satisfaction>,
    /// A 复查 was requested.
    pub review_requested: bool,
    /// Repeat submissions within `FIRST_TIME_WINDOW_DAYS` after delivery.
    pub repeats_after_delivery: u32,
}

impl CaseFacts {
    pub fn of(case: &Case, clocks: &[CaseClock]) -> CaseFacts {
        let first = clocks
            .iter()
            .find(|c| matches!(c.kind, ClockKind::Forward | ClockKind::DirectNotice));
        let handling = clocks
            .iter()
            .find(|c| c.kind == handling_clock(case.kind) && c.stage == Stage::Initial);
        let initial = &case.stages[0];
        let delivered_on = initial.delivered_on;
        let repeats_after_delivery = match delivered_on {
            Some(d) => case
                .submissions
                .iter()
                .filter(|s| {
                    s.repeat
                        && s.at.date() > d
                        && s.at.date() <= d + Duration::days(FIRST_TIME_WINDOW_DAYS)
                })
                .count() as u32,
            None => 0,
        };
        CaseFacts {
            accept_due: first.map(|c| c.due.due),
            accept_met: first.and_then(|c| c.met_on),
            handling_due: handling.map(|c| c.due.due),
            handling_met: handling.and_then(|c| c.met_on),
            delivered_on,
            satisfaction: initial.evaluation.as_ref().map(|e| e.satisfaction),
            review_requested: case.stages.len() > 1,
            repeats_after_delivery,
        }
    }

    /// 一次性化解: concluded with no 复查 and no repeat within the window.
    pub fn resolved_first_time(&self) -> bool {
        self.delivered_on.is_some() && !self.review_requested && self.repeats_after_delivery == 0
    }
}

/// True when the case is an initial case concluded in the petition system.
pub fn concluded(case: &Case) -> bool {
    case.stages[0].delivered_on.is_some() || matches!(case.status, Status::Diverted | Status::Final)
}

/// numerator ÷ denominator, or None when nothing was due (never a fake 0 or 100%).
pub fn rate(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// 及时受理率: duties (forward / notice) due in the period and met by their due date.
pub fn timely_acceptance_rate(met_in_time: u64, due_in_period: u64) -> Option<f64> {
    rate(met_in_time, due_in_period)
}

/// 按期办结率: handling limits due in the period and met by their due date.
pub fn on_time_completion_rate(met_in_time: u64, due_in_period: u64) -> Option<f64> {
    rate(met_in_time, due_in_period)
}

/// 参评率: evaluated ÷ replies delivered.
pub fn participation_rate(evaluated: u64, delivered: u64) -> Option<f64> {
    rate(evaluated, delivered)
}

/// 满意率: (满意 + 基本满意) ÷ evaluated.
pub fn satisfaction_rate(satisfied: u64, basically: u64, evaluated: u64) -> Option<f64> {
    rate(satisfied + basically, evaluated)
}

/// 一次性化解率: concluded with no 复查 and no repeat in the window ÷ concluded.
pub fn first_time_resolution_rate(resolved_first_time: u64, concluded: u64) -> Option<f64> {
    rate(resolved_first_time, concluded)
}

/// 重复信访率: repeat submissions ÷ submissions.
pub fn repeat_rate(repeats: u64, submissions: u64) -> Option<f64> {
    rate(repeats, submissions)
}

/// 越级访占比: skip-level visits ÷ visits.
pub fn skip_level_rate(skip_level_visits: u64, visits: u64) -> Option<f64> {
    rate(skip_level_visits, visits)
}

/// 网信占比: online submissions ÷ submissions.
pub fn online_share(online: u64, submissions: u64) -> Option<f64> {
    rate(online, submissions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_none_without_denominator_and_bounded() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(satisfaction_rate(3, 1, 5), Some(0.8));
        assert_eq!(first_time_resolution_rate(0, 4), Some(0.0));
        assert_eq!(online_share(7, 7), Some(1.0));
        assert_eq!(skip_level_rate(1, 0), None);
    }

    #[test]
    fn first_time_needs_delivery_no_review_no_repeat() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1);
        let base = CaseFacts {
            delivered_on: d,
            ..Default::default()
        };
        assert!(base.resolved_first_time());
        assert!(!CaseFacts {
            review_requested: true,
            ..base.clone()
        }
        .resolved_first_time());
        assert!(!CaseFacts {
            repeats_after_delivery: 1,
            ..base.clone()
        }
        .resolved_first_time());
        assert!(!CaseFacts::default().resolved_first_time());
    }
}

/// Weights of the monthly assessment score (configurable per deployment).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RankingWeights {
    pub timely_acceptance: f64,
    pub on_time_completion: f64,
    pub satisfaction: f64,
    pub first_time_resolution: f64,
}

impl Default for RankingWeights {
    fn default() -> Self {
        RankingWeights {
            timely_acceptance: 0.25,
            on_time_completion: 0.25,
            satisfaction: 0.3,
            first_time_resolution: 0.2,
        }
    }
}

/// Weighted score in [0, 100] over the rates that have a denominator; the
/// weights of missing rates are redistributed (a unit is not punished for
/// having nothing due). None when no rate applies.
pub fn assessment_score(w: &RankingWeights, rates: [Option<f64>; 4]) -> Option<f64> {
    let weights = [
        w.timely_acceptance,
        w.on_time_completion,
        w.satisfaction,
        w.first_time_resolution,
    ];
    let (sum, total) = rates
        .iter()
        .zip(weights)
        .filter_map(|(r, w)| r.map(|r| (r * w, w)))
        .fold((0.0, 0.0), |(s, t), (a, b)| (s + a, t + b));
    (total > 0.0).then(|| sum / total * 100.0)
}

#[cfg(test)]
mod ranking_tests {
    use super::*;

    #[test]
    fn score_redistributes_missing_rates() {
        let w = RankingWeights::default();
        assert_eq!(assessment_score(&w, [None; 4]), None);
        assert_eq!(
            assessment_score(&w, [Some(1.0), Some(1.0), Some(1.0), Some(1.0)]),
            Some(100.0)
        );
        // Only satisfaction known: the score is that rate.
        let s = assessment_score(&w, [None, None, Some(0.8), None]).unwrap();
        assert!((s - 80.0).abs() < 1e-9);
        let mixed = assessment_score(&w, [Some(1.0), Some(0.0), None, None]).unwrap();
        assert!((mixed - 50.0).abs() < 1e-9);
    }
}
