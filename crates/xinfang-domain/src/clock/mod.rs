//! Statutory clocks: the period engine (`period`), warning grades and the
//! rule table of DESIGN.md §4 — each limit as data with its article, so a
//! deployment may tighten it and every due date can be explained.

mod period;
mod rules;

pub use period::{compute_due, explain_simple, fixed_date_due, DueDate, Explanation};
pub use rules::{ClockKind, ClockRule, RuleError, RuleTable};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a period is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    CalendarDays,
    WorkingDays,
}

/// A period: N calendar or working days after the start day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodSpec {
    pub amount: u32,
    pub counting: Counting,
    /// A calendar-day period ending on a rest day ends on the next working day
    /// (民法典第二百零三条, 民事诉讼法第八十五条).
    pub rollover: bool,
}

/// Time not counted (听证 第三十六条, 补充材料). `until` is the day counting
/// resumes; `None` while still paused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub reason: String,
}

/// An approved extension (第三十四条: ≤30 days, head's approval, reasons told).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u32,
    pub reason: String,
    pub approved_on: NaiveDate,
}

/// 正常 / 临期 / 超期.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Normal,
    Approaching,
    Overdue,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Normal, Grade::Approaching, Grade::Overdue];

    /// The stored and serialised name (`cases.grade`, the API).
    pub fn key(self) -> &'static str {
        match self {
            Grade::Normal => "normal",
            Grade::Approaching => "approaching",
            Grade::Overdue => "overdue",
        }
    }

    pub fn from_key(s: &str) -> Option<Grade> {
        Self::ALL.into_iter().find(|g| g.key() == s)
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            Grade::Normal => "正常",
            Grade::Approaching => "临期",
            Grade::Overdue => "超期",
        }
    }
}

/// Overdue when `today` is after `due`; approaching when at most
/// `approaching_days` calendar days remain.
pub fn grade(due: NaiveDate, today: NaiveDate, approaching_days: u32) -> Grade {
    if today > due {
        Grade::Overdue
    } else if (due - today).num_days() <= approaching_days as i64 {
        Grade::Approaching
    } else {
        Grade::Normal
    }
}
