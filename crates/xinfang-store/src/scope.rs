//! The SQL twin of `xinfang_domain::scope::Viewer`: one condition on a case
//! row that every query listing something tied to a case appends (cases,
//! warnings, alerts, supervisions, ownerships, campaign items, disputes,
//! appointments, documents, report rows). A query that joins `cases` and
//! takes a [`CaseScope`] cannot forget 第三十条; the application builds the
//! scope from the domain's `Viewer`, and a test checks both agree.

use crate::rows::{placeholders, Val};

/// What one viewer may see, in SQL terms.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseScope {
    /// Path prefix ("/1/4/") of the root of the viewer's area (`Viewer::reach`).
    pub reach_prefix: String,
    /// The viewer's unit and its ancestors: a 检举控告 against any of them is hidden.
    pub chain: Vec<i64>,
    /// Path prefix of the viewer's own unit: a 检举控告 against a unit under
    /// it (the viewer is above the accused) is hidden.
    pub unit_prefix: String,
    /// 信访部门 / 纪检监察: may see a 检举控告 whose accused is unresolved.
    pub sees_unresolved: bool,
}

impl CaseScope {
    /// The condition (to follow `WHERE …`, starting with ` AND`) on the case
    /// alias `c`, its binds numbered from `$first`: rule 1 (the area), then
    /// rules 2 and 3 (第三十条).
    pub(crate) fn sql(&self, c: &str, first: usize) -> (String, Vec<Val>) {
        // Rule 1 by the case's area (`area.rs`): under the viewer's area →
        // seen; strictly above it (or not filled yet) → probe the units.
        let reach = &self.reach_prefix;
        let above = crate::area::strict_ancestors(reach);
        let mut binds = vec![
            Val::S(reach.clone()),
            Val::S(crate::area::upper_bound(reach)),
            Val::S(format!("{reach}%")),
        ];
        binds.extend(above.iter().map(|p| Val::S(p.clone())));
        // Flat OR terms, each on `area_path` alone, so the planner can read
        // each from the area index (a nested OR made it scan every case).
        let probe = |cond: String| {
            format!(
                "({cond} AND EXISTS (SELECT 1 FROM case_units cu JOIN units u ON u.id = cu.unit_id \
                 WHERE cu.case_id = {c}.id AND u.path LIKE ${like}))",
                like = first + 2
            )
        };
        let mut above_sql = probe(format!("{c}.area_path IS NULL"));
        if !above.is_empty() {
            above_sql.push_str(" OR ");
            above_sql.push_str(&probe(format!(
                "{c}.area_path IN ({})",
                placeholders(first + 3, above.len())
            )));
        }
        let next = first + binds.len();
        let chain: Vec<i64> = if self.chain.is_empty() {
            vec![i64::MIN] // no unit: matches nothing
        } else {
            self.chain.clone()
        };
        binds.extend(chain.iter().map(|i| Val::I(*i)));
        let under = next + chain.len();
        binds.push(Val::S(format!("{}%", self.unit_prefix)));
        let unresolved = if self.sees_unresolved {
            String::new()
        } else {
            format!(" OR {c}.accused_unit IS NULL")
        };
        let sql = format!(
            " AND (({c}.area_path >= ${first} AND {c}.area_path < ${bound}) OR {above_sql}) \
             AND NOT ({c}.kind = 'accusation' AND ({c}.accused_unit IN ({chain}) \
             OR {c}.accused_unit IN (SELECT au.id FROM units au WHERE au.path LIKE ${under}){unresolved}))",
            bound = first + 1,
            chain = placeholders(next, chain.len()),
        );
        (sql, binds)
    }
}

/// Append `scope`'s condition on case alias `c` to `sql` whose binds so far
/// are `binds`.
pub(crate) fn push_scope(sql: &mut String, binds: &mut Vec<Val>, scope: &CaseScope, c: &str) {
    let (cond, b) = scope.sql(c, binds.len() + 1);
    sql.push_str(&cond);
    binds.extend(b);
}

impl crate::Store {
    /// Which of `case_nos` `scope` may see (one query; for rows that carry
    /// a case number: boards, appointments, converted disputes).
    pub async fn visible_case_nos(
        &self,
        scope: &CaseScope,
        case_nos: &[String],
    ) -> Result<std::collections::HashSet<String>, crate::StoreError> {
        let mut out = std::collections::HashSet::new();
        for chunk in case_nos.chunks(500) {
            let mut binds: Vec<Val> = chunk.iter().map(|n| Val::S(n.clone())).collect();
            let mut sql = format!(
                "SELECT c.case_no FROM cases c WHERE c.case_no IN ({})",
                placeholders(1, chunk.len())
            );
            push_scope(&mut sql, &mut binds, scope, "c");
            let rows = crate::db::bind_all(sqlx::query(&sql), binds)
                .fetch_all(self.pool())
                .await?;
            out.extend(rows.iter().map(|r| sqlx::Row::get::<String, _>(r, 0)));
        }
        Ok(out)
    }
}
