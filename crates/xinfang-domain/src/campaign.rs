//! Campaigns and ledgers: 积案化解 with 动态销号 (an item is struck off only
//! when truly resolved, with evidence and sign-off by the campaign's owners),
//! the 三张清单 as project lists of the same shape, and the 矛盾纠纷排查台账
//! with the 三调联动 mediation track (人民/行政/司法调解, 第三十七条).

use crate::error::DomainError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which list a campaign is.
pub const LIST_KINDS: [(&str, &str); 4] = [
    ("backlog", "积案化解"),
    ("increment", "控制增量"),
    ("stock", "消减存量"),
    ("variable", "防范变量"),
];

/// Item states: 待化解 → 已化解 / 稳控 → 销号.
pub const ITEM_STATES: [(&str, &str); 4] = [
    ("pending", "待化解"),
    ("resolved", "已化解"),
    ("stabilized", "稳控"),
    ("struck", "已销号"),
];

pub fn label(table: &[(&str, &'static str)], key: &str) -> &'static str {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

/// Allowed item moves; 销号 only from 已化解 (not from 稳控: stabilised is not resolved).
pub fn check_item_move(from: &str, to: &str, evidence: &str) -> Result<(), DomainError> {
    let ok = matches!(
        (from, to),
        ("pending", "resolved")
            | ("pending", "stabilized")
            | ("stabilized", "resolved")
            | ("resolved", "struck")
            | ("stabilized", "pending")
            | ("resolved", "pending")
    );
    if !ok {
        return Err(DomainError::invalid(
            "status",
            format!(
                "不能从“{}”改为“{}”（销号须先化解）",
                label(&ITEM_STATES, from),
                label(&ITEM_STATES, to)
            ),
        ));
    }
    if evidence.trim().chars().count() < 4 {
        return Err(DomainError::invalid(
            "evidence",
            "请写明化解、稳控或销号的依据",
        ));
    }
    Ok(())
}

/// A campaign's period must be a real one: start on or before its end.
pub fn check_period(starts_on: NaiveDate, deadline: NaiveDate) -> Result<(), DomainError> {
    if starts_on > deadline {
        return Err(DomainError::invalid(
            "starts_on",
            format!("起始日期 {starts_on} 晚于截止日期 {deadline}"),
        ));
    }
    Ok(())
}

/// Where a campaign stands over its period, as of `today`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Progress {
    /// Days of the period (start and end included) and how many have passed.
    pub days_total: i64,
    pub days_elapsed: i64,
    pub pending: usize,
    pub resolved: usize,
    pub stabilized: usize,
    pub struck: usize,
    /// Items struck off within the period (by the date of their last change).
    pub struck_in_period: usize,
    /// Items not yet resolved that are overdue (see [`item_overdue`]).
    pub overdue: usize,
}

/// An item is overdue when it is neither 已化解 nor 已销号 and either the
/// campaign's end has passed or its case's own clock is 超期.
pub fn item_overdue(
    status: &str,
    case_overdue: bool,
    deadline: NaiveDate,
    today: NaiveDate,
) -> bool {
    !matches!(status, "resolved" | "struck") && (today > deadline || case_overdue)
}

/// Progress of the items `(status, case clock overdue, last change date)`.
pub fn progress<'a>(
    starts_on: NaiveDate,
    deadline: NaiveDate,
    today: NaiveDate,
    items: impl IntoIterator<Item = (&'a str, bool, Option<NaiveDate>)>,
) -> Progress {
    let days_total = (deadline - starts_on).num_days() + 1;
    let mut p = Progress {
        days_total,
        days_elapsed: ((today - starts_on).num_days() + 1).clamp(0, days_total.max(0)),
        pending: 0,
        resolved: 0,
        stabilized: 0,
        struck: 0,
        struck_in_period: 0,
        overdue: 0,
    };
    for (status, case_overdue, changed) in items {
        match status {
            "pending" => p.pending += 1,
            "resolved" => p.resolved += 1,
            "stabilized" => p.stabilized += 1,
            "struck" => {
                p.struck += 1;
                if changed.is_some_and(|d| d >= starts_on && d <= deadline) {
                    p.struck_in_period += 1;
                }
            }
            _ => {}
        }
        if item_overdue(status, case_overdue, deadline, today) {
            p.overdue += 1;
        }
    }
    p
}

/// 三调联动 tracks.
pub const TRACKS: [(&str, &str); 3] = [
    ("people", "人民调解"),
    ("administrative", "行政调解"),
    ("judicial", "司法调解"),
];

/// Dispute states: 排查登记 → 调解中 → 调解成功 / 调解不成 (→ 转为信访事项).
pub fn check_dispute_move(from: &str, to: &str) -> Result<(), DomainError> {
    let ok = matches!(
        (from, to),
        ("found", "mediating")
            | ("mediating", "succeeded")
            | ("mediating", "failed")
            | ("failed", "converted")
            | ("found", "converted")
    );
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid("status", "台账状态不能这样变更"))
    }
}

/// Dispute ledger states with their Chinese labels.
pub const DISPUTE_STATES: [(&str, &str); 5] = [
    ("found", "排查登记"),
    ("mediating", "调解中"),
    ("succeeded", "调解成功"),
    ("failed", "调解不成"),
    ("converted", "已转为信访事项"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn period_and_progress() {
        assert!(check_period(d("2026-01-01"), d("2025-12-31")).is_err());
        assert!(check_period(d("2026-01-01"), d("2026-01-01")).is_ok());
        let items = [
            ("pending", false, None),
            ("stabilized", true, None),
            ("resolved", true, None),
            ("struck", false, Some(d("2026-02-01"))),
            ("struck", false, Some(d("2027-02-01"))),
        ];
        let p = progress(d("2026-01-01"), d("2026-12-31"), d("2026-01-10"), items);
        assert_eq!((p.days_total, p.days_elapsed), (365, 10));
        assert_eq!(
            (p.pending, p.stabilized, p.resolved, p.struck),
            (1, 1, 1, 2)
        );
        assert_eq!((p.struck_in_period, p.overdue), (1, 1));
        // After the end every unresolved item is overdue; elapsed stops at the end.
        let p = progress(d("2026-01-01"), d("2026-12-31"), d("2027-03-01"), items);
        assert_eq!((p.days_elapsed, p.overdue), (365, 2));
        let p = progress(d("2026-01-01"), d("2026-12-31"), d("2025-12-01"), items);
        assert_eq!(p.days_elapsed, 0);
    }
}
