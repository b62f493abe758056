//! The period engine: count N calendar or working days after a start day on
//! the official calendar, skipping paused days, adding extensions and rolling
//! a rest-day end over — and say, in Chinese, why the answer is what it is.

use super::{Counting, Extension, Pause, PeriodSpec};
use crate::calendar::{Calendar, CalendarError, DayKind};
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A computed due date with its explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct DueDate {
    pub due: NaiveDate,
    pub explanation: Explanation,
    /// An open pause: the due date is provisional.
    pub paused: bool,
}

/// One step per line, 简体中文.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Explanation {
    pub lines: Vec<String>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.lines.join("\n"))
    }
}

fn next(d: NaiveDate) -> NaiveDate {
    d.succ_opt().expect("date in range")
}

/// Closed pauses cover [from, until); an open pause is recorded but not yet counted.
fn is_paused(d: NaiveDate, pauses: &[Pause]) -> bool {
    pauses
        .iter()
        .any(|p| matches!(p.until, Some(u) if d >= p.from && d < u))
}

/// Groups consecutive non-working days with the same label into ranges.
struct Skipped {
    runs: Vec<(NaiveDate, NaiveDate, String)>,
    weekend_days: u32,
}

impl Skipped {
    fn push(&mut self, d: NaiveDate, kind: &DayKind) {
        if let DayKind::Weekend = kind {
            self.weekend_days += 1;
            return;
        }
        let label = kind.label_zh();
        match self.runs.last_mut() {
            Some((_, end, l)) if *l == label && next(*end) >= d && (d - *end).num_days() <= 3 => {
                *end = d
            }
            _ => self.runs.push((d, d, label)),
        }
    }
}

fn range_text(a: NaiveDate, b: NaiveDate) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a} 至 {b}")
    }
}

/// The longest period the engine computes (ten years); statutory limits are far shorter.
pub const MAX_PERIOD_DAYS: u32 = 3_660;

/// Compute the due date of `spec` starting on `start` (the start day itself is not counted).
pub fn compute_due(
    cal: &Calendar,
    start: NaiveDate,
    spec: &PeriodSpec,
    pauses: &[Pause],
    extensions: &[Extension],
) -> Result<DueDate, CalendarError> {
    let mut lines = vec![format!(
        "起算日：{start}，当日不计入（民法典第二百零一条），自次日 {} 起计算。",
        next(start)
    )];
    let ext: u32 = extensions
        .iter()
        .map(|e| e.days)
        .fold(0, u32::saturating_add);
    let total = spec.amount.saturating_add(ext);
    if total > MAX_PERIOD_DAYS {
        return Err(CalendarError::PeriodTooLong(total, MAX_PERIOD_DAYS));
    }
    match spec.counting {
        Counting::CalendarDays => lines.push(format!("期限：{} 日（按自然日计算）。", spec.amount)),
        Counting::WorkingDays => lines.push(format!(
            "期限：{} 个工作日（按国务院公布的节假日安排，法定节假日和周末不计，调休上班日计入）。",
            spec.amount
        )),
    }
    for e in extensions {
        lines.push(format!(
            "延期 {} 日：{}（{} 经负责人批准，第三十四条）。",
            e.days, e.reason, e.approved_on
        ));
    }
    if ext > 0 {
        lines.push(format!("合计 {total} 日。"));
    }
    let mut paused_days = 0u32;
    let open = pauses.iter().find(|p| p.until.is_none());
    let mut d = start;
    let mut counted = 0u32;
    let mut skipped = Skipped {
        runs: vec![],
        weekend_days: 0,
    };
    let mut makeups = vec![];
    while counted < total {
        d = next(d);
        if is_paused(d, pauses) {
            paused_days += 1;
            continue;
        }
        match spec.counting {
            Counting::CalendarDays => counted += 1,
            Counting::WorkingDays => {
                let kind = cal.day_kind(d)?;
                if kind.is_working() {
                    counted += 1;
                    if let DayKind::MakeUpWorkday(_) = kind {
                        makeups.push((d, kind.label_zh()));
                    }
                } else {
                    skipped.push(d, &kind);
                }
            }
        }
    }
    for p in pauses.iter().filter(|p| p.until.is_some()) {
        let until = p.until.expect("closed pause");
        lines.push(format!(
            "中止计时：{} 至 {}（{}），中止期间不计入期限。",
            p.from,
            until.pred_opt().unwrap_or(until),
            p.reason
        ));
    }
    if paused_days > 0 {
        lines.push(format!("共中止 {paused_days} 日，期限相应顺延。"));
    }
    if spec.counting == Counting::WorkingDays {
        for (a, b, label) in &skipped.runs {
            lines.push(format!(
                "{} 为{}，不计入工作日。",
                range_text(*a, *b),
                label
            ));
        }
        if skipped.weekend_days > 0 {
            lines.push(format!(
                "期间内周末 {} 日不计入工作日。",
                skipped.weekend_days
            ));
        }
        for (m, label) in &makeups {
            lines.push(format!("{m} 为{label}，计入工作日。"));
        }
        lines.push(format!("第 {total} 个工作日为 {d}。"));
    } else {
        lines.push(format!("期间最后一日为 {d}。"));
        if spec.rollover {
            let last = d;
            let mut kind = cal.day_kind(d)?;
            while !kind.is_working() {
                d = next(d);
                kind = cal.day_kind(d)?;
            }
            if d != last {
                let first_kind = cal.day_kind(last)?;
                lines.push(format!("{last} 为{}，期间届满日顺延至其后第一个工作日 {d}（民法典第二百零三条、民事诉讼法第八十五条）。", first_kind.label_zh()));
            }
        }
    }
    if let Some(p) = open {
        lines.push(format!(
            "自 {} 起中止计时（{}），尚未恢复；恢复后到期日相应顺延，下列到期日为暂定。",
            p.from, p.reason
        ));
    }
    if cal.is_provisional(d) {
        lines.push(format!(
            "{} 年国务院节假日安排尚未载入：暂按周末及元旦、劳动节、国庆节推算，春节等农历节日和调休未计入，到期日只可能偏早；载入官方安排后自动重算。",
            d.year()
        ));
    }
    lines.push(format!("到期日：{d}"));
    Ok(DueDate {
        due: d,
        explanation: Explanation { lines },
        paused: open.is_some(),
    })
}

/// A date set by the assigning body (第二十二条第（三）项), checked against the calendar.
pub fn fixed_date_due(cal: &Calendar, date: NaiveDate) -> Result<DueDate, CalendarError> {
    cal.day_kind(date)?;
    Ok(DueDate {
        due: date,
        explanation: Explanation {
            lines: vec![
                format!("交办机关指定办结报告期限：{date}（第二十二条第（三）项）。"),
                format!("到期日：{date}"),
            ],
        },
        paused: false,
    })
}

/// The `xinfang deadline` computation: N calendar (or working) days after `from`.
pub fn explain_simple(
    cal: &Calendar,
    from: NaiveDate,
    days: u32,
    working: bool,
    rollover: bool,
) -> Result<DueDate, CalendarError> {
    let counting = if working {
        Counting::WorkingDays
    } else {
        Counting::CalendarDays
    };
    cal.day_kind(from)?;
    compute_due(
        cal,
        from,
        &PeriodSpec {
            amount: days,
            counting,
            rollover,
        },
        &[],
        &[],
    )
}
