//! The period a dashboard shows, and the one it is compared with.
//!
//! The period is the URL (`from`, `to`), so a view can be bookmarked and
//! sent; the quick choices are links to the usual periods a leader asks for
//! (本月, 本季度, 本年 — each up to today — and 上月). The previous period
//! is the same number of days immediately before, so 1–31 March compares
//! with 29 January – 28 February and a year to date with the days before it.

use chrono::{Datelike, Duration, Months, NaiveDate};
use std::collections::HashMap;

/// An inclusive range of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A quick choice of the period bar.
pub struct Choice {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

impl Period {
    /// `from`/`to` of the query; by default this year up to today. A date
    /// outside 1900–2200 is no date (and no overflow further on).
    pub fn of_query(q: &HashMap<String, String>, today: NaiveDate) -> Period {
        let default_from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let date = |k: &str| {
            q.get(k)
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .filter(|d| (1900..=2200).contains(&d.year()))
        };
        Period {
            from: date("from").unwrap_or(default_from),
            to: date("to").unwrap_or(today),
        }
    }

    /// Number of days, both ends counted.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The same number of days immediately before.
    pub fn previous(&self) -> Period {
        let to = self.from - Duration::days(1);
        Period {
            from: to - Duration::days(self.days().max(1) - 1),
            to,
        }
    }

    /// The query string of the period ("from=…&to=…").
    pub fn query(&self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }
}

/// 本月, 本季度, 本年 (up to today) and 上月, the one shown marked.
pub fn choices(today: NaiveDate, shown: Period) -> Vec<Choice> {
    let month = today.with_day(1).unwrap_or(today);
    let quarter =
        NaiveDate::from_ymd_opt(today.year(), today.month0() / 3 * 3 + 1, 1).unwrap_or(month);
    let year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month);
    let last_month = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    [
        ("本月", month, today),
        ("本季度", quarter, today),
        ("本年", year, today),
        ("上月", last_month, month - Duration::days(1)),
    ]
    .into_iter()
    .map(|(label, from, to)| {
        let p = Period { from, to };
        Choice {
            label,
            href: format!("/work/dashboard?{}", p.query()),
            current: p == shown,
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_previous_period_is_as_long_and_just_before() {
        let march = Period {
            from: d("2026-03-01"),
            to: d("2026-03-31"),
        };
        assert_eq!(
            march.previous(),
            Period {
                from: d("2026-01-29"),
                to: d("2026-02-28")
            }
        );
        let day = Period {
            from: d("2026-03-05"),
            to: d("2026-03-05"),
        };
        assert_eq!(day.previous().from, d("2026-03-04"));
        assert_eq!(day.previous().to, d("2026-03-04"));
    }

    #[test]
    fn quick_choices_end_today_and_last_month_is_whole() {
        let today = d("2026-05-20");
        let shown = Period {
            from: d("2026-04-01"),
            to: d("2026-05-20"),
        };
        let c = choices(today, shown);
        let labels: Vec<&str> = c.iter().map(|c| c.label).collect();
        assert_eq!(labels, ["本月", "本季度", "本年", "上月"]);
        assert_eq!(c[0].href, "/work/dashboard?from=2026-05-01&to=2026-05-20");
        assert_eq!(c[1].href, "/work/dashboard?from=2026-04-01&to=2026-05-20");
        assert!(c[1].current && !c[0].current);
        assert_eq!(c[3].href, "/work/dashboard?from=2026-04-01&to=2026-04-30");
        for bad in ["bad", "+262143-12-31", "0001-01-01"] {
            let q = HashMap::from([("from".to_string(), bad.to_string())]);
            assert_eq!(Period::of_query(&q, today).from, d("2026-01-01"), "{bad}");
        }
    }
}
