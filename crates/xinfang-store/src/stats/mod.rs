//! Aggregates behind the indicators: counts over `submissions` (件次, 批次,
//! 人次, channels, levels) and over the per-case facts columns of `cases`.
//! One scan per group, indexed by date; scope is the same path rule as lists.

pub(crate) mod breakdown;
pub(crate) mod freshness;
pub(crate) mod hot;
pub(crate) mod memo;
pub(crate) mod rollup;
pub(crate) mod rollup_breakdown;
pub(crate) mod rollup_read;

use crate::error::StoreError;
use crate::rows::{placeholders, Val};
use crate::Store;
use sqlx::Row;

/// Whose cases to count: units under `path_prefix` ("/1/4/"), hiding 检举控告
/// whose accused is in `hidden_accused` (第三十条: the viewer's unit, its
/// ancestors and the units below it; -1 stands for "not resolved to a unit").
/// The application builds it from the domain's `Viewer`. `None` = all.
#[derive(Clone, Debug, Default)]
pub struct StatsScope {
    pub path_prefix: Option<String>,
    pub hidden_accused: Vec<i64>,
}

/// Raw counts for the overview.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverviewCounts {
    pub submissions: i64,
    pub repeats: i64,
    pub online: i64,
    pub visits: i64,
    pub visit_persons: i64,
    pub skip_level_visits: i64,
    pub collective_batches: i64,
    pub levels: Vec<(String, i64)>,
    pub cases: i64,
    pub accept_due: i64,
    pub accept_in_time: i64,
    pub handling_due: i64,
    pub handling_in_time: i64,
    pub delivered: i64,
    pub evaluated: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub first_time: i64,
}

fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// [`sum`] named `alias`, to be read by that name.
fn sum_as(expr: &str, alias: &str) -> String {
    format!("{} AS {alias}", sum(expr))
}

/// How the subtree condition is written, chosen by the subtree's share of
/// all units: a whole-tree scope needs no condition; for a small subtree the
/// involved cases are gathered once by an uncorrelated `IN` (through the
/// `case_units_unit` index); for a large one the holder test settles most
/// rows and a per-row `EXISTS` probe the few others.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ScopeShape {
    Everything,
    FewCases,
    ManyCases,
}

impl StatsScope {
    /// SQL condition on case alias `c`, with binds starting at `$start`.
    fn clause(&self, start: usize, shape: ScopeShape) -> (String, Vec<Val>) {
        let mut sql = String::new();
        let mut binds = vec![];
        if let (Some(p), false) = (&self.path_prefix, shape == ScopeShape::Everything) {
            binds.push(Val::S(format!("{p}%")));
            // The holder decides most cases at once; only the rest need the
            // involved-units test (sent from, answered a review, …).
            let holder =
                format!("c.current_unit IN (SELECT id FROM units WHERE path LIKE ${start})");
            sql.push_str(&if shape == ScopeShape::FewCases {
                format!(" AND ({holder} OR c.id IN (SELECT cu.case_id FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE u.path LIKE ${start}))")
            } else {
                format!(" AND ({holder} OR EXISTS (SELECT 1 FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.case_id = c.id AND u.path LIKE ${start}))")
            });
        }
        if !self.hidden_accused.is_empty() {
            let s = start + binds.len();
            binds.extend(self.hidden_accused.iter().map(|i| Val::I(*i)));
            sql.push_str(&format!(
                " AND NOT (c.kind = 'accusation' AND COALESCE(c.accused_unit, -1) IN ({}))",
                placeholders(s, self.hidden_accused.len())
            ));
        }
        (sql, binds)
    }
}

/// What a statistics statement is built from besides its own text (the
/// statement is a function of these, never a template edited afterwards):
/// `$1` and `$2` are the period's dates, the scope's binds follow.
pub(crate) struct CountParts {
    /// The cases table to join as `c` (`JOIN {cases_join} ON …`), as the
    /// dialect reads it best ([`crate::Dialect::stats_cases_join`]).
    pub cases_join: &'static str,
    /// The viewer's scope: empty or ` AND (…)` on `c`, binds from `$3`.
    pub scope: String,
}

impl Store {
    /// Which [`ScopeShape`] suits `scope` (one count over the small units table).
    async fn scope_shape(&self, scope: &StatsScope) -> Result<ScopeShape, StoreError> {
        let Some(p) = &scope.path_prefix else {
            return Ok(ScopeShape::Everything);
        };
        let r = sqlx::query(&format!(
            "SELECT COUNT(*) AS n, {} FROM units",
            sum_as("CASE WHEN path LIKE $1 THEN 1 ELSE 0 END", "inside")
        ))
        .bind(format!("{p}%"))
        .fetch_one(self.reader())
        .await?;
        let (all, inside): (i64, i64) = (r.try_get("n")?, r.try_get("inside")?);
        Ok(if inside >= all {
            ScopeShape::Everything
        } else if inside * 3 < all {
            ScopeShape::FewCases
        } else {
            ScopeShape::ManyCases
        })
    }

    pub(crate) async fn fetch_counts(
        &self,
        sql: impl Fn(&CountParts) -> String,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let shape = self.scope_shape(scope).await?;
        self.fetch_counts_shaped(sql, from, to, scope, shape).await
    }

    /// [`Store::fetch_counts`] for a window of a few days (the hot issues'
    /// two weeks): each case in it is probed for the subtree, instead of
    /// first gathering every case the subtree was ever involved in — at a
    /// million cases that gathering was most of the cost.
    pub(crate) async fn fetch_window_rows(
        &self,
        sql: impl Fn(&CountParts) -> String,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let shape = match self.scope_shape(scope).await? {
            ScopeShape::FewCases => ScopeShape::ManyCases,
            other => other,
        };
        self.fetch_counts_shaped(sql, from, to, scope, shape).await
    }

    async fn fetch_counts_shaped(
        &self,
        sql: impl Fn(&CountParts) -> String,
        from: &str,
        to: &str,
        scope: &StatsScope,
        shape: ScopeShape,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let (scope, binds) = scope.clause(3, shape);
        let sql = sql(&CountParts {
            cases_join: self.dialect.stats_cases_join(),
            scope,
        });
        let q = sqlx::query(&sql)
            .bind(from.to_string())
            .bind(to.to_string());
        Ok(crate::db::bind_all(q, binds)
            .fetch_all(self.reader())
            .await?)
    }

    /// Counts for submissions registered, cases registered, duties due (up
    /// to `due_to`) and replies delivered in [from, to] (dates 'YYYY-MM-DD').
    pub async fn overview_counts(
        &self,
        from: &str,
        to: &str,
        due_to: &str,
        scope: &StatsScope,
    ) -> Result<OverviewCounts, StoreError> {
        let mut o = OverviewCounts::default();
        let sums = [
            sum_as("s.is_repeat", "repeats"),
            sum_as("CASE WHEN s.channel = 'online' THEN 1 ELSE 0 END", "online"),
            sum_as("CASE WHEN s.channel = 'visit' THEN 1 ELSE 0 END", "visits"),
            sum_as(
                "CASE WHEN s.channel = 'visit' THEN s.persons ELSE 0 END",
                "visit_persons",
            ),
            sum_as(
                "CASE WHEN s.channel = 'visit' AND s.skip_level = 1 THEN 1 ELSE 0 END",
                "skip_level",
            ),
            sum_as(
                "CASE WHEN s.channel = 'visit' AND s.persons >= 5 THEN 1 ELSE 0 END",
                "collective",
            ),
        ]
        .join(", ");
        let subs = |p: &CountParts| {
            format!(
                "SELECT COUNT(*) AS n, {sums} FROM submissions s JOIN {} ON c.id = s.case_id WHERE s.registered_on >= $1 AND s.registered_on <= $2{}",
                p.cases_join, p.scope
            )
        };
        let r = &self.fetch_counts(subs, from, to, scope).await?[0];
        (
            o.submissions,
            o.repeats,
            o.online,
            o.visits,
            o.visit_persons,
            o.skip_level_visits,
            o.collective_batches,
        ) = (
            r.try_get("n")?,
            r.try_get("repeats")?,
            r.try_get("online")?,
            r.try_get("visits")?,
            r.try_get("visit_persons")?,
            r.try_get("skip_level")?,
            r.try_get("collective")?,
        );
        let levels = |p: &CountParts| {
            format!(
                "SELECT s.unit_level, COUNT(*) AS n FROM submissions s JOIN {} ON c.id = s.case_id WHERE s.registered_on >= $1 AND s.registered_on <= $2{} GROUP BY s.unit_level",
                p.cases_join, p.scope
            )
        };
        o.levels = self
            .fetch_counts(levels, from, to, scope)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("unit_level")?, r.try_get("n")?)))
            .collect::<Result<_, StoreError>>()?;
        let cases = |p: &CountParts| {
            format!(
                "SELECT COUNT(*) AS n FROM cases c WHERE c.registered_on >= $1 AND c.registered_on <= $2{}",
                p.scope
            )
        };
        o.cases = self.fetch_counts(cases, from, to, scope).await?[0].try_get("n")?;
        let in_time = sum_as(
            "CASE WHEN c.accept_met IS NOT NULL AND c.accept_met <= c.accept_due THEN 1 ELSE 0 END",
            "in_time",
        );
        let accept = |p: &CountParts| {
            format!(
                "SELECT COUNT(*) AS n, {in_time} FROM cases c WHERE c.accept_due >= $1 AND c.accept_due <= $2{}",
                p.scope
            )
        };
        let r = &self.fetch_counts(accept, from, due_to, scope).await?[0];
        (o.accept_due, o.accept_in_time) = (r.try_get("n")?, r.try_get("in_time")?);
        let in_time = sum_as(
            "CASE WHEN c.handling_met IS NOT NULL AND c.handling_met <= c.handling_due THEN 1 ELSE 0 END",
            "in_time",
        );
        let handling = |p: &CountParts| {
            format!(
                "SELECT COUNT(*) AS n, {in_time} FROM cases c WHERE c.handling_due >= $1 AND c.handling_due <= $2{}",
                p.scope
            )
        };
        let r = &self.fetch_counts(handling, from, due_to, scope).await?[0];
        (o.handling_due, o.handling_in_time) = (r.try_get("n")?, r.try_get("in_time")?);
        let sums = [
            sum_as("CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END", "evaluated"),
            sum_as("CASE WHEN c.satisfaction = 'satisfied' THEN 1 ELSE 0 END", "satisfied"),
            sum_as("CASE WHEN c.satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END", "basically"),
            sum_as("CASE WHEN c.review_requested = 0 AND c.repeats_after_delivery = 0 THEN 1 ELSE 0 END", "first_time"),
        ]
        .join(", ");
        let delivered = |p: &CountParts| {
            format!(
                "SELECT COUNT(*) AS n, {sums} FROM cases c WHERE c.delivered_on >= $1 AND c.delivered_on <= $2{}",
                p.scope
            )
        };
        let r = &self.fetch_counts(delivered, from, to, scope).await?[0];
        (
            o.delivered,
            o.evaluated,
            o.satisfied,
            o.basically_satisfied,
            o.first_time,
        ) = (
            r.try_get("n")?,
            r.try_get("evaluated")?,
            r.try_get("satisfied")?,
            r.try_get("basically")?,
            r.try_get("first_time")?,
        );
        Ok(o)
    }

    /// Per holding unit: (unit, accept due, accept in time, handling due, handling in time,
    /// delivered, evaluated, satisfied + basically satisfied, resolved first time), for rankings.
    pub async fn unit_facts(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<[i64; 9]>, StoreError> {
        let sums = [
            sum_as("CASE WHEN c.accept_due >= $1 AND c.accept_due <= $2 THEN 1 ELSE 0 END", "f1"),
            sum_as("CASE WHEN c.accept_due >= $1 AND c.accept_due <= $2 AND c.accept_met IS NOT NULL AND c.accept_met <= c.accept_due THEN 1 ELSE 0 END", "f2"),
            sum_as("CASE WHEN c.handling_due >= $1 AND c.handling_due <= $2 THEN 1 ELSE 0 END", "f3"),
            sum_as("CASE WHEN c.handling_due >= $1 AND c.handling_due <= $2 AND c.handling_met IS NOT NULL AND c.handling_met <= c.handling_due THEN 1 ELSE 0 END", "f4"),
            sum_as("CASE WHEN c.delivered_on >= $1 AND c.delivered_on <= $2 THEN 1 ELSE 0 END", "f5"),
            sum_as("CASE WHEN c.delivered_on >= $1 AND c.delivered_on <= $2 AND c.satisfaction IS NOT NULL THEN 1 ELSE 0 END", "f6"),
            sum_as("CASE WHEN c.delivered_on >= $1 AND c.delivered_on <= $2 AND c.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END", "f7"),
            sum_as("CASE WHEN c.delivered_on >= $1 AND c.delivered_on <= $2 AND c.review_requested = 0 AND c.repeats_after_delivery = 0 THEN 1 ELSE 0 END", "f8"),
        ]
        .join(", ");
        let sql = |p: &CountParts| {
            format!(
                "SELECT c.current_unit AS f0, {sums} FROM cases c WHERE c.registered_on <= $2 AND (c.registered_on >= $1 OR c.delivered_on >= $1){} GROUP BY c.current_unit",
                p.scope
            )
        };
        self.fetch_counts(sql, from, to, scope)
            .await?
            .iter()
            .map(|r| {
                let mut row = [0i64; 9];
                for (i, v) in row.iter_mut().enumerate() {
                    // f0 … f8, in the order the doc comment above lists them.
                    *v = r.try_get(format!("f{i}").as_str())?;
                }
                Ok(row)
            })
            .collect()
    }

    /// Submissions per month ('YYYY-MM') and channel in [from, to].
    pub async fn monthly_by_channel(
        &self,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let sql = |p: &CountParts| {
            format!(
                "SELECT SUBSTR(s.registered_on, 1, 7) AS ym, s.channel, COUNT(*) AS n FROM submissions s JOIN {} ON c.id = s.case_id \
                 WHERE s.registered_on >= $1 AND s.registered_on <= $2{} GROUP BY SUBSTR(s.registered_on, 1, 7), s.channel ORDER BY 1",
                p.cases_join, p.scope
            )
        };
        self.fetch_counts(sql, from, to, scope)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("ym")?, r.try_get("channel")?, r.try_get("n")?)))
            .collect()
    }
}
