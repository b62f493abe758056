//! The one rule for a period a user asks about (statistics, rankings, the
//! annual report of 第四十一条, reception calendars, sensitive periods).
//!
//! Dates are stored and compared as `YYYY-MM-DD` text, so a year outside
//! four digits (`+11777-01-01`) would compare wrongly and could not be
//! written back as an ISO date; and no petition work predates the
//! People's Republic. Every period therefore passes [`check`] (or
//! [`year`]) before it reaches the store.

use crate::error::AppError;
use chrono::{Datelike, NaiveDate};

/// The first and last year a period may touch.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2199;

/// A period `[from, to]`: both ends within [`YEARS`], `to` not before `from`.
pub fn check(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    for (field, d) in [("from", from), ("to", to)] {
        if !YEARS.contains(&d.year()) {
            return Err(out_of_range(field));
        }
    }
    if to < from {
        return Err(AppError::field("to", "结束日期不能早于开始日期"));
    }
    Ok(())
}

/// The first and last day of a calendar year within [`YEARS`].
pub fn year(year: i32) -> Result<(NaiveDate, NaiveDate), AppError> {
    match (
        YEARS.contains(&year),
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (true, Some(from), Some(to)) => Ok((from, to)),
        _ => Err(out_of_range("year")),
    }
}

fn out_of_range(field: &str) -> AppError {
    AppError::field(
        field,
        format!("年份应在 {} 年至 {} 年之间", YEARS.start(), YEARS.end()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_end_of_a_period_is_a_four_digit_year_in_range() {
        let d = |y| NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
        assert!(check(d(2025), d(2026)).is_ok());
        assert!(check(d(1949), d(2199)).is_ok());
        for (from, to) in [(1948, 2025), (2025, 2200), (11777, 11777), (-5, 2025)] {
            assert!(check(d(from), d(to)).is_err(), "{from}–{to}");
        }
        assert!(check(d(2026), d(2025)).is_err());
        assert!(year(2026).is_ok());
        for y in [1948, 2200, 11777, 0, -1] {
            assert!(year(y).is_err(), "{y}");
        }
    }
}
