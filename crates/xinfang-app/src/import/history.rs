//! 办理状态 of an imported case: which historical steps it went through, and
//! on which dates. Pure (no IO, no org), like the row parser. The state names
//! the last step reached; each step needs its date column, dates must follow
//! each other (信访日期 ≤ 转送日期 ≤ 受理日期 ≤ 办结日期 ≤ 送达日期 ≤ 今天), and a
//! date for a step the state has not reached contradicts it. The steps are
//! then replayed through the domain (`super::replay`), so the rules of the
//! 条例 (e.g. 检举控告 only to 纪检监察, 第三十条; outcome fits the kind,
//! 第三十二条) apply exactly as to a case handled in the system.
//!
//! | 办理状态 | 步骤 | 需要的列 |
//! |---|---|---|
//! | （空）/ 已登记 | 登记 | — |
//! | 已转送 | 登记 → 转送（第二十二条） | 办理单位、转送日期 |
//! | 已受理 / 办理中 | …（办理单位不同于登记单位时：转送、签收）→ 书面告知受理 | 受理日期 |
//! | 已办结 / 已答复 | … → 出具书面意见（第三十二条） | 办结日期、处理意见 |
//! | 已送达 | … → 送达；有“评价”列时记入评价（回访） | 送达日期 |
//!
//! 已终结 (after 复查 and 复核, 第三十六条) is refused: the review steps have
//! no columns; import the initial handling and record the reviews in the system.

use chrono::NaiveDate;
use xinfang_domain::case::{Kind, Outcome, Satisfaction};

/// Optional columns of the history, in `row::COLUMNS` after the first 14.
pub const HISTORY_COLUMNS: &[&str] = &[
    "办理单位",
    "转送日期",
    "受理日期",
    "办结日期",
    "处理意见",
    "法律依据",
    "送达日期",
    "评价",
];

/// How far the case got, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reached {
    Registered,
    Forwarded,
    Accepted,
    Replied,
    Delivered,
}

impl Reached {
    /// The 办理状态 values each step accepts.
    pub fn parse(s: &str) -> Result<Reached, String> {
        Ok(match s {
            "" | "已登记" | "待处理" => Reached::Registered,
            "已转送" => Reached::Forwarded,
            "已受理" | "办理中" => Reached::Accepted,
            "已办结" | "已答复" => Reached::Replied,
            "已送达" => Reached::Delivered,
            "已终结" => return Err("办理状态“已终结”须经复查、复核（第三十六条），导入表没有复查、复核的列：请导入初次办理的状态（如“已送达”），复查、复核在系统中办理".into()),
            other => return Err(format!(
                "办理状态“{other}”应为 已登记/已转送/已受理/办理中/已办结/已答复/已送达"
            )),
        })
    }
}

/// The historical steps of one row, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub reached: Reached,
    /// Unit that handled the case when not the registering body (by full name).
    pub handler_unit: Option<String>,
    pub forwarded_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub basis: String,
    pub delivered_on: Option<NaiveDate>,
    pub satisfaction: Option<Satisfaction>,
}

fn outcome_of(s: &str) -> Option<Outcome> {
    use Outcome::*;
    [
        Support,
        Explain,
        NotSupport,
        Adopted,
        PartlyAdopted,
        NotAdopted,
        AccusationConcluded,
        Mediated,
        Settled,
    ]
    .into_iter()
    .find(|o| o.label_zh() == s || o.label_zh().trim_start_matches("予以") == s)
}

fn satisfaction_of(s: &str) -> Option<Satisfaction> {
    [
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
    ]
    .into_iter()
    .find(|x| x.label_zh() == s)
}

/// Check the history columns (`cells[i]` = value of `HISTORY_COLUMNS[i]`, trimmed)
/// of a row registered on `date` with `kind` and `unit_name`, as of `today`.
pub fn parse_history(
    status: &str,
    cells: &[&str],
    date: NaiveDate,
    kind: Kind,
    unit_name: &str,
    today: NaiveDate,
) -> Result<History, Vec<String>> {
    let cell = |i: usize| cells.get(i).copied().unwrap_or("");
    let mut errs = vec![];
    let reached = match Reached::parse(status) {
        Ok(r) => r,
        Err(e) => return Err(vec![e]),
    };
    let handler_unit = Some(cell(0))
        .filter(|u| !u.is_empty() && *u != unit_name)
        .map(str::to_string);
    // (column, the step it records, the date)
    let mut dates: Vec<(&str, Reached, Option<NaiveDate>)> = vec![];
    for (i, step) in [
        (1, Reached::Forwarded),
        (2, Reached::Accepted),
        (3, Reached::Replied),
        (6, Reached::Delivered),
    ] {
        let name = HISTORY_COLUMNS[i];
        let d = match cell(i) {
            "" => None,
            raw => match super::row::parse_date(raw) {
                Some(d) => Some(d),
                None => {
                    errs.push(format!("{name}“{raw}”无法识别"));
                    continue;
                }
            },
        };
        // 转送 is a step only when another unit handled the case.
        let needed = step <= reached && (step != Reached::Forwarded || handler_unit.is_some());
        match (needed, d) {
            (true, None) => errs.push(format!("办理状态为“{status}”，须填写{name}")),
            (false, Some(_)) if step > reached => errs.push(format!(
                "办理状态为“{}”，不应有{name}（与办理状态矛盾）",
                if status.is_empty() {
                    "已登记"
                } else {
                    status
                }
            )),
            (false, Some(_)) => errs.push(format!("{name}只用于转送至其他办理单位的事项")),
            _ => {}
        }
        dates.push((name, step, d));
    }
    if reached == Reached::Forwarded && handler_unit.is_none() {
        errs.push("办理状态为“已转送”，须填写办理单位（不同于登记单位）".into());
    }
    // Dates follow each other.
    let mut last = ("信访日期", date);
    for (name, _, d) in &dates {
        if let Some(d) = d {
            if *d < last.1 {
                errs.push(format!("{name} {d} 早于{} {}", last.0, last.1));
            }
            if *d > today {
                errs.push(format!("{name} {d} 晚于今天"));
            }
            last = (*name, *d);
        }
    }
    let outcome = match (cell(4), reached >= Reached::Replied) {
        ("", true) => {
            errs.push(format!("办理状态为“{status}”，须填写处理意见（如 支持/解释说明/不予支持/采纳/已办理并反馈）"));
            None
        }
        ("", false) => None,
        (_, false) => {
            errs.push(format!(
                "办理状态为“{status}”，不应有处理意见（与办理状态矛盾）"
            ));
            None
        }
        (raw, true) => match outcome_of(raw) {
            Some(o) if o.fits(kind) => Some(o),
            Some(o) => {
                errs.push(format!(
                    "处理意见“{}”不适用于{}",
                    o.label_zh(),
                    kind.label_zh()
                ));
                None
            }
            None => {
                errs.push(format!("处理意见“{raw}”无法识别"));
                None
            }
        },
    };
    let satisfaction = match (cell(7), reached >= Reached::Delivered) {
        ("", _) => None,
        (_, false) => {
            errs.push("评价只能在送达后作出（与办理状态矛盾）".into());
            None
        }
        (raw, true) => {
            let s = satisfaction_of(raw);
            if s.is_none() {
                errs.push(format!("评价“{raw}”应为 满意/基本满意/不满意"));
            }
            s
        }
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    let get = |step: Reached| dates.iter().find(|(_, s, _)| *s == step).and_then(|x| x.2);
    Ok(History {
        reached,
        handler_unit,
        forwarded_on: get(Reached::Forwarded),
        accepted_on: get(Reached::Accepted),
        replied_on: get(Reached::Replied),
        outcome,
        basis: cell(5).to_string(),
        delivered_on: get(Reached::Delivered),
        satisfaction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn each_state_needs_its_dates_in_order() {
        let today = d("2026-03-01");
        let base = d("2025-03-01");
        let ok = parse_history(
            "已送达",
            &[
                "某局",
                "2025-03-02",
                "2025-03-05",
                "2025-04-01",
                "支持",
                "",
                "2025-04-02",
                "满意",
            ],
            base,
            Kind::Claim,
            "某信访局",
            today,
        )
        .unwrap();
        assert_eq!(ok.reached, Reached::Delivered);
        assert_eq!(ok.outcome, Some(Outcome::Support));
        assert_eq!(ok.handler_unit.as_deref(), Some("某局"));
        let e = parse_history(
            "已办结",
            &["", "", "2025-03-05"],
            base,
            Kind::Claim,
            "x",
            today,
        )
        .unwrap_err()
        .join("；");
        assert!(e.contains("办结日期") && e.contains("处理意见"), "{e}");
        let e = parse_history(
            "办理中",
            &["", "", "2025-02-05", "2025-04-01"],
            base,
            Kind::Claim,
            "x",
            today,
        )
        .unwrap_err()
        .join("；");
        assert!(e.contains("早于信访日期") && e.contains("矛盾"), "{e}");
        let e = parse_history("已归档", &[], base, Kind::Claim, "x", today).unwrap_err();
        assert!(e[0].contains("已归档"));
        let e = parse_history("已终结", &[], base, Kind::Claim, "x", today).unwrap_err();
        assert!(e[0].contains("复核"));
        let e = parse_history(
            "已办结",
            &["", "", "2025-03-05", "2025-04-01", "采纳"],
            base,
            Kind::Claim,
            "x",
            today,
        )
        .unwrap_err();
        assert!(e[0].contains("不适用"), "{e:?}");
    }
}
