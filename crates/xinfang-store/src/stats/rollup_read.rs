//! Reading the statistics rollup (`stats_rollup.rs`): the overview counts
//! and the per-holder ranking facts, the same numbers as the direct queries
//! in `stats.rs` for the same [`StatsScope`], from a few thousand summed rows.
//!
//! Scope: a group is visible when any of its units lies under the scope's
//! path, unless it is a 检举控告 against one of the hidden units (第三十条).
//! A case belongs to one group, so it is counted once however many of its
//! units the viewer can see.

use crate::error::StoreError;
use crate::stats::{OverviewCounts, StatsScope};
use crate::Store;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// Sums per (group, metric) for one day range.
type Sums = Vec<(i64, String, i64)>;

impl Store {
    /// Visible groups → their holder.
    pub(crate) async fn visible_groups(
        &self,
        scope: &StatsScope,
    ) -> Result<HashMap<i64, i64>, StoreError> {
        let rows = match &scope.path_prefix {
            Some(p) => {
                sqlx::query(
                    "SELECT g.id, g.accused, g.holder FROM stats_groups g WHERE g.id IN \
                     (SELECT gu.group_id FROM stats_group_units gu JOIN units u ON u.id = gu.unit_id WHERE u.path LIKE $1)",
                )
                .bind(format!("{p}%"))
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query("SELECT id, accused, holder FROM stats_groups")
                    .fetch_all(self.reader())
                    .await?
            }
        };
        let hidden: std::collections::HashSet<i64> = scope.hidden_accused.iter().copied().collect();
        let mut out = HashMap::new();
        for r in &rows {
            let accused: i64 = r.try_get("accused")?;
            if !hidden.contains(&accused) {
                out.insert(r.try_get("id")?, r.try_get("holder")?);
            }
        }
        Ok(out)
    }

    async fn rollup_sums(&self, sql: &str, from: &str, to: &str) -> Result<Sums, StoreError> {
        sqlx::query(sql)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("group_id")?,
                    r.try_get("metric")?,
                    r.try_get("n")?,
                ))
            })
            .collect()
    }

    /// [`Store::overview_counts`] from the rollup (fold it first);
    /// remembered per question (`memo.rs`).
    pub async fn overview_counts_rollup(
        &self,
        from: &str,
        to: &str,
        due_to: &str,
        scope: &StatsScope,
    ) -> Result<OverviewCounts, StoreError> {
        let key = format!("overview {from} {to} {due_to} {scope:?}");
        let (from, to, due_to) = (from.to_string(), to.to_string(), due_to.to_string());
        let scope = scope.clone();
        self.remembered(key, move |s| async move {
            s.read_overview_counts(&from, &to, &due_to, &scope).await
        })
        .await
    }

    async fn read_overview_counts(
        &self,
        from: &str,
        to: &str,
        due_to: &str,
        scope: &StatsScope,
    ) -> Result<OverviewCounts, StoreError> {
        let groups = self.visible_groups(scope).await?;
        // One scan: duties count up to `due_to`, everything else up to `to`.
        let sql = "SELECT group_id, metric, CAST(SUM(CASE WHEN day <= $2 THEN n ELSE 0 END) AS BIGINT) AS upto_to, \
                   CAST(SUM(CASE WHEN day <= $3 THEN n ELSE 0 END) AS BIGINT) AS upto_due \
                   FROM stats_rollup WHERE day >= $1 AND day <= $4 AND day2 = '' GROUP BY group_id, metric";
        let rows = sqlx::query(sql)
            .bind(from.to_string())
            .bind(to.to_string())
            .bind(due_to.to_string())
            .bind(to.max(due_to).to_string())
            .fetch_all(self.reader())
            .await?;
        let mut m: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rows {
            if !groups.contains_key(&r.try_get::<i64, _>("group_id")?) {
                continue;
            }
            let metric: String = r.try_get("metric")?;
            let duty = metric.starts_with("accept") || metric.starts_with("handling");
            let n: i64 = r.try_get(if duty { "upto_due" } else { "upto_to" })?;
            *m.entry(metric).or_insert(0) += n;
        }
        let get = |k: &str| m.get(k).copied().unwrap_or(0);
        Ok(OverviewCounts {
            submissions: get("s"),
            repeats: get("s_repeat"),
            online: get("s_online"),
            visits: get("s_visit"),
            visit_persons: get("s_visit_persons"),
            skip_level_visits: get("s_skip"),
            collective_batches: get("s_collective"),
            levels: m
                .iter()
                .filter_map(|(k, n)| Some((k.strip_prefix("s_level:")?.to_string(), *n)))
                .filter(|(_, n)| *n != 0)
                .collect(),
            cases: get("c"),
            accept_due: get("accept_due"),
            accept_in_time: get("accept_in_time"),
            handling_due: get("handling_due"),
            handling_in_time: get("handling_in_time"),
            delivered: get("delivered"),
            evaluated: get("evaluated"),
            satisfied: get("satisfied"),
            basically_satisfied: get("basically_satisfied"),
            first_time: get("first_time"),
        })
    }

    /// [`Store::unit_facts`] from the rollup (fold it first), by holder
    /// ascending; remembered per question (`memo.rs`).
    pub async fn unit_facts_rollup(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<[i64; 9]>, StoreError> {
        let key = format!("unit facts {from} {to} {scope:?}");
        let (from, to, scope) = (from.to_string(), to.to_string(), scope.clone());
        self.remembered(key, move |s| async move {
            s.read_unit_facts(&from, &to, &scope).await
        })
        .await
    }

    async fn read_unit_facts(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<[i64; 9]>, StoreError> {
        const COLS: [&str; 8] = [
            "r_accept_due",
            "r_accept_in_time",
            "r_handling_due",
            "r_handling_in_time",
            "r_delivered",
            "r_evaluated",
            "r_satisfied_or_basically",
            "r_first_time",
        ];
        let groups = self.visible_groups(scope).await?;
        let sql = "SELECT group_id, metric, CAST(SUM(n) AS BIGINT) AS n FROM stats_rollup \
                   WHERE day >= $1 AND day2 <> '' AND day2 <= $2 AND SUBSTR(metric, 1, 2) = 'r_' \
                   GROUP BY group_id, metric";
        let mut per: BTreeMap<i64, (i64, [i64; 9])> = BTreeMap::new();
        for (g, metric, n) in self.rollup_sums(sql, from, to).await? {
            let Some(holder) = groups.get(&g) else {
                continue;
            };
            let (any, row) = per.entry(*holder).or_insert((0, [0; 9]));
            row[0] = *holder;
            if metric == "r_any" {
                *any += n;
            } else if let Some(i) = COLS.iter().position(|c| *c == metric) {
                row[i + 1] += n;
            }
        }
        Ok(per
            .into_values()
            .filter(|(any, _)| *any > 0)
            .map(|(_, row)| row)
            .collect())
    }
}
