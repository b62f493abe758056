//! Breakdowns of the period's volume (件次 / 来访批次 / 人次 / 事项) by one
//! dimension: channel, registering level, region, kind, category. Counted over
//! `submissions` registered in the period, so a case appears under every value
//! its 件次 had; the "事项" column counts distinct cases and equals the
//! drill-down list (`DateBasis::Submitted` with the same value).

use crate::error::StoreError;
use crate::stats::{CountParts, StatsScope};
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// One value of a dimension and its counts.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BreakdownRow {
    /// The stored key ("online", "county", "330102", "claim", a category, "" = none).
    pub key: String,
    /// 件次.
    pub submissions: i64,
    /// 来访批次.
    pub batches: i64,
    /// 来访人次.
    pub persons: i64,
    /// 信访事项 (distinct cases).
    pub cases: i64,
}

/// SQL expression of a dimension, by name; None for an unknown name.
pub fn dimension_expr(dim: &str) -> Option<&'static str> {
    Some(match dim {
        "channel" => "s.channel",
        "level" => "s.unit_level",
        "region" => "c.region_code",
        "kind" => "c.kind",
        "category" => "COALESCE(c.category, '')",
        _ => return None,
    })
}

impl Store {
    /// Counts per value of `dim` (see [`dimension_expr`]) for submissions in [from, to],
    /// largest first.
    pub async fn breakdown(
        &self,
        dim: &str,
        from: &str,
        to: &str,
        scope: &StatsScope,
    ) -> Result<Vec<BreakdownRow>, StoreError> {
        let Some(expr) = dimension_expr(dim) else {
            return Ok(vec![]);
        };
        let sql = |p: &CountParts| {
            format!(
                "SELECT {expr} AS dim_key, COUNT(*) AS submissions, \
                 CAST(COALESCE(SUM(CASE WHEN s.channel = 'visit' THEN 1 ELSE 0 END), 0) AS BIGINT) AS batches, \
                 CAST(COALESCE(SUM(CASE WHEN s.channel = 'visit' THEN s.persons ELSE 0 END), 0) AS BIGINT) AS visit_persons, \
                 COUNT(DISTINCT c.id) AS cases \
                 FROM submissions s JOIN {} ON c.id = s.case_id \
                 WHERE s.registered_on >= $1 AND s.registered_on <= $2{} GROUP BY {expr} ORDER BY 2 DESC, 1",
                p.cases_join, p.scope
            )
        };
        self.fetch_counts(sql, from, to, scope)
            .await?
            .iter()
            .map(|r| {
                Ok(BreakdownRow {
                    key: r.try_get("dim_key")?,
                    submissions: r.try_get("submissions")?,
                    batches: r.try_get("batches")?,
                    persons: r.try_get("visit_persons")?,
                    cases: r.try_get("cases")?,
                })
            })
            .collect()
    }
}
