//! The dashboard's breakdowns (件次 / 来访批次 / 人次 / 事项 by channel,
//! registering level, region, kind and category) and its monthly trend,
//! read from the statistics rollup instead of a `submissions ⋈ cases` scan:
//! at a million cases each breakdown scan took 0.5–1 s (issue #17), the
//! rollup answers in a few thousand summed rows.
//!
//! The hard column is 事项, the number of *distinct* cases with at least one
//! 件次 of a value in the window — a sum of per-day counts would count a case
//! once per day. So each case adds, per value, one entry on every distinct
//! day it had a 件次 of that value, with `day2` = the previous such day
//! ([`NONE_BEFORE`] for the first). In [from, to] exactly one of a case's
//! entries has `day ≥ from` and `day2 < from`: its first day in the window.
//! The sums (件次, 批次, 人次) carry `day2 = NONE_BEFORE`, so one condition,
//! `day2 < from`, reads both. `breakdown.rs` keeps the direct query, which the
//! tests compare with this one.

use crate::error::StoreError;
use crate::stats::breakdown::BreakdownRow;
use crate::stats::rollup::{add, Entries, SubRow};
use crate::stats::StatsScope;
use crate::Store;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// `day2` of an entry with no earlier day: sorts before every date.
const NONE_BEFORE: &str = "0";

/// The dimensions kept in the rollup, as named by `breakdown::dimension_expr`.
pub const DIMENSIONS: [&str; 5] = ["channel", "level", "region", "kind", "category"];

fn metric(dim: &str, value: &str, col: char) -> String {
    format!("b:{dim}:{value}:{col}")
}

/// One case's breakdown entries (see the module doc). `kind`, `region` and
/// `category` are the case's; channel and level are each 件次's own.
pub(crate) fn add_breakdowns(
    e: &mut Entries,
    kind: &str,
    region: &str,
    category: &str,
    subs: &[SubRow],
) {
    for dim in DIMENSIONS {
        let mut days: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for s in subs {
            let value = match dim {
                "channel" => s.channel.as_str(),
                "level" => s.unit_level.as_str(),
                "region" => region,
                "kind" => kind,
                _ => category,
            };
            let d = s.registered_on.as_str();
            let visit = s.channel == "visit";
            add(e, &metric(dim, value, 's'), d, NONE_BEFORE, 1);
            add(e, &metric(dim, value, 'b'), d, NONE_BEFORE, visit as i64);
            add(
                e,
                &metric(dim, value, 'p'),
                d,
                NONE_BEFORE,
                if visit { s.persons } else { 0 },
            );
            days.entry(value).or_default().insert(d);
        }
        for (value, ds) in days {
            let mut before = NONE_BEFORE;
            for d in ds {
                add(e, &metric(dim, value, 'c'), d, before, 1);
                before = d;
            }
        }
    }
}

/// Every dimension's rows and the monthly 件次 by channel, for one window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RollupBreakdowns {
    /// Dimension → rows, largest 件次 first (ties by key), as `Store::breakdown`.
    pub by_dim: BTreeMap<String, Vec<BreakdownRow>>,
    /// ('YYYY-MM', channel, 件次), as `Store::monthly_by_channel`.
    pub monthly: Vec<(String, String, i64)>,
}

impl RollupBreakdowns {
    /// The rows of one dimension (empty when it had none).
    pub fn rows(&self, dim: &str) -> Vec<BreakdownRow> {
        self.by_dim.get(dim).cloned().unwrap_or_default()
    }
}

impl Store {
    /// Breakdowns and the monthly trend of [from, to] from the rollup (fold
    /// it first): the same numbers as [`Store::breakdown`] and
    /// [`Store::monthly_by_channel`] for the same scope, in one index scan;
    /// remembered per question (`memo.rs`).
    pub async fn breakdowns_rollup(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<RollupBreakdowns, StoreError> {
        let key = format!("breakdowns {from} {to} {scope:?}");
        let (from, to, scope) = (from.to_string(), to.to_string(), scope.clone());
        self.remembered(key, move |s| async move {
            s.read_breakdowns(&from, &to, &scope).await
        })
        .await
    }

    async fn read_breakdowns(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<RollupBreakdowns, StoreError> {
        let groups = self.visible_groups(scope).await?;
        let rows = sqlx::query(
            "SELECT group_id, metric, SUBSTR(day, 1, 7) AS ym, CAST(SUM(n) AS BIGINT) AS n FROM stats_rollup \
             WHERE day >= $1 AND day <= $2 AND day2 < $1 AND metric >= 'b:' AND metric < 'b;' \
             GROUP BY group_id, metric, SUBSTR(day, 1, 7)",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.reader())
        .await?;
        // (dim, value) → [件次, 批次, 人次, 事项]; (month, channel) → 件次.
        let mut sums: BTreeMap<(String, String), [i64; 4]> = BTreeMap::new();
        let mut monthly: BTreeMap<(String, String), i64> = BTreeMap::new();
        for r in &rows {
            if !groups.contains_key(&r.try_get::<i64, _>("group_id")?) {
                continue;
            }
            let m: String = r.try_get("metric")?;
            let n: i64 = r.try_get("n")?;
            // "b:<dim>:<value>:<col>"; a value never holds ':'.
            let mut parts = m.splitn(4, ':').skip(1);
            let (Some(dim), Some(value), Some(col)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(StoreError::Corrupt(format!("stats metric {m:?}")));
            };
            let i = match col {
                "s" => 0,
                "b" => 1,
                "p" => 2,
                "c" => 3,
                _ => return Err(StoreError::Corrupt(format!("stats metric {m:?}"))),
            };
            sums.entry((dim.to_string(), value.to_string()))
                .or_insert([0; 4])[i] += n;
            if dim == "channel" && i == 0 {
                *monthly
                    .entry((r.try_get::<String, _>("ym")?, value.to_string()))
                    .or_insert(0) += n;
            }
        }
        let mut out = RollupBreakdowns::default();
        for ((dim, key), [submissions, batches, persons, cases]) in sums {
            if submissions == 0 {
                continue;
            }
            out.by_dim.entry(dim).or_default().push(BreakdownRow {
                key,
                submissions,
                batches,
                persons,
                cases,
            });
        }
        for rows in out.by_dim.values_mut() {
            rows.sort_by(|a, b| b.submissions.cmp(&a.submissions).then(a.key.cmp(&b.key)));
        }
        out.monthly = monthly
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((m, ch), n)| (m, ch, n))
            .collect();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(day: &str, channel: &str, persons: i64) -> SubRow {
        SubRow {
            registered_on: day.into(),
            channel: channel.into(),
            persons,
            skip_level: 0,
            is_repeat: 0,
            unit_level: "county".into(),
        }
    }

    /// A window counts a case once per value: exactly one of its `c` entries
    /// has day in the window and day2 before it, whatever the window.
    #[test]
    fn distinct_cases_count_once_in_any_window() {
        let subs = [
            sub("2026-03-01", "visit", 3),
            sub("2026-03-01", "letter", 1),
            sub("2026-03-05", "visit", 6),
            sub("2026-04-02", "visit", 1),
        ];
        let mut e = Entries::new();
        add_breakdowns(&mut e, "claim", "330102", "", &subs);
        let days = [
            "2026-02-28",
            "2026-03-01",
            "2026-03-03",
            "2026-03-05",
            "2026-04-02",
            "2026-04-09",
        ];
        for (i, from) in days.iter().enumerate() {
            for to in &days[i..] {
                let count = |m: &str| -> i64 {
                    e.iter()
                        .filter(|((mm, d, d2), _)| {
                            mm == m
                                && d.as_str() >= *from
                                && d.as_str() <= *to
                                && d2.as_str() < *from
                        })
                        .map(|(_, n)| *n)
                        .sum()
                };
                let in_window = |ch: Option<&str>| {
                    subs.iter().any(|s| {
                        s.registered_on.as_str() >= *from
                            && s.registered_on.as_str() <= *to
                            && ch.is_none_or(|c| s.channel == c)
                    }) as i64
                };
                assert_eq!(count("b:kind:claim:c"), in_window(None), "{from}..{to}");
                assert_eq!(
                    count("b:channel:visit:c"),
                    in_window(Some("visit")),
                    "{from}..{to}"
                );
                assert_eq!(
                    count("b:channel:letter:c"),
                    in_window(Some("letter")),
                    "{from}..{to}"
                );
            }
        }
        // Sums: 件次, 批次 and 人次 of visits on their own days.
        let get = |m: &str, d: &str| {
            e.get(&(m.to_string(), d.to_string(), NONE_BEFORE.to_string()))
                .copied()
        };
        assert_eq!(get("b:channel:visit:s", "2026-03-01"), Some(1));
        assert_eq!(get("b:region:330102:s", "2026-03-01"), Some(2));
        assert_eq!(get("b:region:330102:b", "2026-03-01"), Some(1));
        assert_eq!(get("b:region:330102:p", "2026-03-05"), Some(6));
        assert_eq!(get("b:category::s", "2026-04-02"), Some(1));
    }
}
