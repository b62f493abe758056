//! The official working-day calendar (国务院办公厅 holiday schedules) as data.
//! A date is a working day when it is Monday–Friday and not a listed rest day,
//! or a listed 调休 make-up working day. The schedule is announced yearly
//! (usually in November for the next year) and cannot be computed, so a date
//! in a year that was not loaded is an explicit error — with one exception:
//! the single year after the last loaded one is *provisional* until its
//! schedule is loaded. Open cases' clocks run into it every autumn, and a
//! clock that cannot be computed helps nobody; so it counts weekends and the
//! fixed-date statutory holidays of 《全国年节及纪念日放假办法》 (元旦, 劳动节,
//! 国庆节) only. Lunar holidays and 调休 are unknown, so a provisional due date
//! can only be earlier than the official one, never later; every explanation
//! says so, and loading the year re-flows every open case.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// How a date is classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayKind {
    Working,
    Weekend,
    /// 法定节假日 rest day, with the holiday's name.
    Holiday(String),
    /// 调休 make-up working day on a weekend, with the holiday's name.
    MakeUpWorkday(String),
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::MakeUpWorkday(_))
    }
    /// 工作日 / 周末 / 春节假期 / 春节调休上班日.
    pub fn label_zh(&self) -> String {
        match self {
            DayKind::Working => "工作日".into(),
            DayKind::Weekend => "周末".into(),
            DayKind::Holiday(n) => format!("{}假期", n.trim_end_matches("假期")),
            DayKind::MakeUpWorkday(n) => format!("{}调休上班日", n.trim_end_matches("调休")),
        }
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum CalendarError {
    #[error("日期 {0} 不在已载入的官方日历范围内（已载入年份：{1}）")]
    OutOfRange(NaiveDate, String),
    #[error("日历文件第 {line} 行：{message}")]
    Parse { line: usize, message: String },
    #[error("{0} 年的官方日历未载入（已载入年份：{1}）")]
    YearNotLoaded(i32, String),
    #[error("期限 {0} 日过长（最多 {1} 日）")]
    PeriodTooLong(u32, u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Rest,
    Work,
}

/// The loaded official calendar.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Calendar {
    years: BTreeSet<i32>,
    marks: BTreeMap<NaiveDate, (Mark, String)>,
}

const SHIPPED: &str = include_str!("../../../data/calendar/cn-official.csv");

fn err(line: usize, message: impl Into<String>) -> CalendarError {
    CalendarError::Parse {
        line,
        message: message.into(),
    }
}

impl Calendar {
    /// The State Council schedules shipped with xinfang (2004–2026).
    pub fn shipped() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| Calendar::parse(SHIPPED).expect("shipped calendar is valid"))
    }

    /// Parse and validate: `year,YYYY` declares a year; `YYYY-MM-DD,rest|work,名称`
    /// lines classify dates of the declared year; a date may appear once; a
    /// `work` day must fall on a weekend.
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::default();
        let mut current: Option<i32> = None;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split(',').map(str::trim).collect();
            if parts[0] == "year" {
                let y: i32 = parts
                    .get(1)
                    .and_then(|y| y.parse().ok())
                    .filter(|y| (1949..=2200).contains(y))
                    .ok_or_else(|| err(n, "年份格式错误（应为 1949–2200 之间的年份）"))?;
                if !cal.years.insert(y) {
                    return Err(err(n, format!("{y} 年重复声明")));
                }
                current = Some(y);
                continue;
            }
            if parts.len() < 3 {
                return Err(err(n, "应为：日期,rest|work,名称"));
            }
            let d = NaiveDate::parse_from_str(parts[0], "%Y-%m-%d")
                .map_err(|_| err(n, format!("日期格式错误：{}", parts[0])))?;
            let Some(y) = current else {
                return Err(err(n, "日期之前须先声明年份（year,YYYY）"));
            };
            if d.year() != y {
                return Err(err(n, format!("{d} 不属于所声明的 {y} 年")));
            }
            let mark = match parts[1] {
                "rest" => Mark::Rest,
                "work" => Mark::Work,
                other => return Err(err(n, format!("类别应为 rest 或 work，而不是 {other}"))),
            };
            if mark == Mark::Work && !is_weekend(d) {
                return Err(err(n, format!("{d} 是工作日，不能标为调休上班日")));
            }
            if cal.marks.insert(d, (mark, parts[2].to_string())).is_some() {
                return Err(err(n, format!("{d} 重复出现")));
            }
        }
        Ok(cal)
    }

    /// Text form; `parse(to_text())` gives the same calendar.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for y in &self.years {
            out.push_str(&format!("year,{y}\n"));
            for (d, (m, name)) in self.marks.range(ymd(*y, 1, 1)..=ymd(*y, 12, 31)) {
                let k = if *m == Mark::Rest { "rest" } else { "work" };
                out.push_str(&format!("{d},{k},{name}\n"));
            }
        }
        out
    }

    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    pub fn covers(&self, d: NaiveDate) -> bool {
        self.years.contains(&d.year())
    }

    fn range_text(&self) -> String {
        match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => "无".into(),
        }
    }

    /// The year after the last loaded one, counted provisionally.
    pub fn provisional_year(&self) -> Option<i32> {
        self.years.last().map(|y| y + 1)
    }

    /// Whether `d` falls in the provisional year (see the module docs).
    pub fn is_provisional(&self, d: NaiveDate) -> bool {
        !self.covers(d) && self.provisional_year() == Some(d.year())
    }

    pub fn day_kind(&self, d: NaiveDate) -> Result<DayKind, CalendarError> {
        if self.is_provisional(d) {
            return Ok(provisional_day_kind(d));
        }
        if !self.covers(d) {
            return Err(CalendarError::OutOfRange(d, self.range_text()));
        }
        Ok(match self.marks.get(&d) {
            Some((Mark::Rest, n)) => DayKind::Holiday(n.clone()),
            Some((Mark::Work, n)) => DayKind::MakeUpWorkday(n.clone()),
            None if is_weekend(d) => DayKind::Weekend,
            None => DayKind::Working,
        })
    }

    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day_kind(d)?.is_working())
    }

    /// Replace (or add) the years present in `other`.
    pub fn merge_years(&mut self, other: &Calendar) {
        for y in &other.years {
            let keys: Vec<NaiveDate> = self
                .marks
                .range(ymd(*y, 1, 1)..=ymd(*y, 12, 31))
                .map(|(d, _)| *d)
                .collect();
            for k in keys {
                self.marks.remove(&k);
            }
            self.years.insert(*y);
        }
        for (d, v) in &other.marks {
            self.marks.insert(*d, v.clone());
        }
    }

    /// Every day of a year with its kind (admin pages).
    pub fn year_overview(&self, year: i32) -> Result<Vec<(NaiveDate, DayKind)>, CalendarError> {
        if !self.years.contains(&year) {
            return Err(CalendarError::YearNotLoaded(year, self.range_text()));
        }
        let mut out = vec![];
        let mut d = ymd(year, 1, 1);
        while d.year() == year {
            out.push((d, self.day_kind(d)?));
            d = d.succ_opt().expect("date in range");
        }
        Ok(out)
    }
}

/// Fixed-date statutory holidays (《全国年节及纪念日放假办法》第二条), used
/// only for the provisional year.
const FIXED_HOLIDAYS: &[(u32, u32, &str)] = &[
    (1, 1, "元旦（预估）"),
    (5, 1, "劳动节（预估）"),
    (5, 2, "劳动节（预估）"),
    (10, 1, "国庆节（预估）"),
    (10, 2, "国庆节（预估）"),
    (10, 3, "国庆节（预估）"),
];

fn provisional_day_kind(d: NaiveDate) -> DayKind {
    match FIXED_HOLIDAYS
        .iter()
        .find(|(m, day, _)| d.month() == *m && d.day() == *day)
    {
        Some((_, _, name)) => DayKind::Holiday((*name).to_string()),
        None if is_weekend(d) => DayKind::Weekend,
        None => DayKind::Working,
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
