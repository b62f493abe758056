//! Hot issues (热点问题, issue #6): the categories and terms whose count this
//! week rises most over last week. Counts are per case (a term counts once per
//! case however often it is repeated), and an item needs a minimum support this
//! week so one or two cases do not make a "trend".

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Minimum count this week for an item to be hot.
pub const MIN_SUPPORT: u64 = 3;

/// How many items each list shows.
pub const TOP: usize = 10;

/// One rising item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HotItem {
    pub key: String,
    pub this_week: u64,
    pub last_week: u64,
    /// this_week − last_week (> 0).
    pub rise: i64,
}

/// The Monday-to-Sunday week containing `day`, and the week before it:
/// ((this_from, this_to), (last_from, last_to)).
pub fn weeks_of(day: NaiveDate) -> ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)) {
    let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
    (
        (monday, monday + Duration::days(6)),
        (monday - Duration::days(7), monday - Duration::days(1)),
    )
}

/// Items counted at least `min_support` times this week whose count rose over
/// last week, the largest rise first (ties: larger count, then key), at most `top`.
pub fn rising(
    this_week: &HashMap<String, u64>,
    last_week: &HashMap<String, u64>,
    min_support: u64,
    top: usize,
) -> Vec<HotItem> {
    let mut out: Vec<HotItem> = this_week
        .iter()
        .filter(|(k, n)| **n >= min_support && !k.is_empty())
        .map(|(k, n)| {
            let last = last_week.get(k).copied().unwrap_or(0);
            HotItem {
                key: k.clone(),
                this_week: *n,
                last_week: last,
                rise: *n as i64 - last as i64,
            }
        })
        .filter(|h| h.rise > 0)
        .collect();
    out.sort_by(|a, b| {
        b.rise
            .cmp(&a.rise)
            .then(b.this_week.cmp(&a.this_week))
            .then(a.key.cmp(&b.key))
    });
    out.truncate(top);
    out
}

/// Count each distinct item of each document once.
pub fn document_counts<I, D>(docs: D) -> HashMap<String, u64>
where
    D: IntoIterator<Item = I>,
    I: IntoIterator<Item = String>,
{
    let mut counts = HashMap::new();
    for doc in docs {
        let distinct: BTreeSet<String> = doc.into_iter().collect();
        for t in distinct {
            *counts.entry(t).or_insert(0) += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(items: &[(&str, u64)]) -> HashMap<String, u64> {
        items.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    #[test]
    fn largest_rise_first_with_support() {
        let this = m(&[
            ("欠薪", 9),
            ("交房", 5),
            ("噪音", 2),
            ("物业", 4),
            ("拆迁", 6),
        ]);
        let last = m(&[
            ("欠薪", 2),
            ("交房", 5),
            ("噪音", 0),
            ("物业", 1),
            ("拆迁", 8),
        ]);
        let hot = rising(&this, &last, 3, 10);
        let keys: Vec<_> = hot.iter().map(|h| h.key.as_str()).collect();
        // 交房 did not rise, 拆迁 fell, 噪音 lacks support.
        assert_eq!(keys, ["欠薪", "物业"]);
        assert_eq!((hot[0].this_week, hot[0].last_week, hot[0].rise), (9, 2, 7));
        assert_eq!(rising(&this, &last, 3, 1).len(), 1);
    }

    #[test]
    fn ties_break_on_count_then_key() {
        let this = m(&[("乙", 5), ("甲", 5), ("丙", 8)]);
        let last = m(&[("丙", 3)]);
        let keys: Vec<_> = rising(&this, &last, 1, 10)
            .into_iter()
            .map(|h| h.key)
            .collect();
        assert_eq!(keys, ["丙", "乙", "甲"]);
    }

    #[test]
    fn a_term_counts_once_per_case() {
        let c = document_counts(vec![
            vec!["欠薪".to_string(), "欠薪".to_string(), "工地".to_string()],
            vec!["欠薪".to_string()],
        ]);
        assert_eq!(c["欠薪"], 2);
        assert_eq!(c["工地"], 1);
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // 2026-03-04 is a Wednesday.
        let ((a, b), (c, e)) = weeks_of(d("2026-03-04"));
        assert_eq!(
            (a, b, c, e),
            (
                d("2026-03-02"),
                d("2026-03-08"),
                d("2026-02-23"),
                d("2026-03-01")
            )
        );
        assert_eq!(weeks_of(d("2026-03-02")).0 .0, d("2026-03-02"));
        assert_eq!(weeks_of(d("2026-03-08")).0 .0, d("2026-03-02"));
    }
}
