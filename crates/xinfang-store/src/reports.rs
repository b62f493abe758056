//! 约谈/通报 records and the counts behind the annual report (第四十一条):
//! most-petitioned bodies, 转送/交办/督办 counts, adopted suggestions.

use crate::chain::{append, Append};
use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::Val;
use crate::scope::push_scope;
use crate::CaseScope;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AccountabilityRow {
    pub id: i64,
    pub kind: String,
    pub unit_id: i64,
    pub case_no: Option<String>,
    pub reason: String,
    pub created_by: String,
    pub at: String,
}

/// Counts for one year within a unit subtree.
#[derive(Clone, Debug, Serialize, Default)]
pub struct AnnualCounts {
    pub top_units: Vec<(i64, i64)>,
    pub forwarded: i64,
    pub assigned: i64,
    pub supervised: i64,
    pub suggestions_adopted: i64,
    pub accountability: i64,
}

impl Store {
    pub async fn insert_accountability(
        &self,
        kind: &str,
        unit_id: i64,
        case_no: Option<&str>,
        reason: &str,
        actor: &str,
    ) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let id: i64 = sqlx::query("INSERT INTO accountability (kind, unit_id, case_no, reason, created_by, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(kind)
            .bind(unit_id)
            .bind(case_no.map(str::to_string))
            .bind(reason)
            .bind(actor)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        let p = serde_json::json!({ "record": id, "kind": kind, "unit_id": unit_id, "case_no": case_no }).to_string();
        append(
            &mut tx,
            Append {
                stream: "accountability",
                case_id: None,
                kind: "accountability_recorded",
                at: &now,
                actor,
                payload: &p,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// 约谈/通报 of units under the path prefix; one that names a case only
    /// when `scope` may see that case.
    pub async fn accountability_under(
        &self,
        path_prefix: &str,
        scope: &CaseScope,
    ) -> Result<Vec<AccountabilityRow>, StoreError> {
        let mut sql = String::from("SELECT a.id, a.kind, a.unit_id, a.case_no, a.reason, a.created_by, a.at FROM accountability a JOIN units u ON u.id = a.unit_id LEFT JOIN cases c ON c.case_no = a.case_no WHERE u.path LIKE $1 AND (c.id IS NULL OR (1 = 1");
        let mut binds = vec![Val::S(format!("{path_prefix}%"))];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(")) ORDER BY a.id DESC");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AccountabilityRow {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    unit_id: r.try_get("unit_id")?,
                    case_no: r.try_get("case_no")?,
                    reason: r.try_get("reason")?,
                    created_by: r.try_get("created_by")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The annual report's counts for cases `scope` may see, dates in [from, to].
    pub async fn annual_counts(
        &self,
        scope: &CaseScope,
        from: &str,
        to: &str,
    ) -> Result<AnnualCounts, StoreError> {
        let (from_t, to_t) = (format!("{from} 00:00:00"), format!("{to} 23:59:59"));
        // $1, $2: the period; the case scope's binds follow.
        let (cond, scope_binds) = scope.sql("c", 3);
        let run = |sql: String, a: &str, b: &str| {
            let mut binds = vec![Val::S(a.to_string()), Val::S(b.to_string())];
            binds.extend(scope_binds.clone());
            async move {
                bind_all(sqlx::query(&sql), binds)
                    .fetch_all(&self.pool)
                    .await
            }
        };
        // The `n` of a `SELECT COUNT(*) AS n`.
        let count = |rows: Vec<sqlx::any::AnyRow>| -> Result<i64, StoreError> {
            Ok(match rows.first() {
                Some(r) => r.try_get("n")?,
                None => 0,
            })
        };
        let top = run(
            // 被投诉较多的机关或者单位 (第四十一条): the bodies petitions name as
            // 被反映/被检举控告, not the bodies that handled them.
            format!("SELECT c.accused_unit, COUNT(*) AS n FROM cases c WHERE c.accused_unit IS NOT NULL AND c.registered_on >= $1 AND c.registered_on <= $2{cond} GROUP BY c.accused_unit ORDER BY COUNT(*) DESC, c.accused_unit LIMIT 10"),
            from,
            to,
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get("accused_unit")?, r.try_get("n")?)))
        .collect::<Result<_, StoreError>>()?;
        let events = |kind: &str, needle: &str| {
            format!("SELECT COUNT(*) AS n FROM events e JOIN cases c ON c.id = e.case_id WHERE e.kind = '{kind}' AND e.payload LIKE '{needle}' AND e.at >= $1 AND e.at <= $2{cond}")
        };
        let forwarded = count(
            run(
                events("transferred", "%\"mode\":\"forward\"%"),
                &from_t,
                &to_t,
            )
            .await?,
        )?;
        let assigned = count(
            run(
                events("transferred", "%\"mode\":\"assign\"%"),
                &from_t,
                &to_t,
            )
            .await?,
        )?;
        let adopted_full = count(
            run(
                events("replied", "%\"outcome\":\"adopted\"%"),
                &from_t,
                &to_t,
            )
            .await?,
        )?;
        let adopted_part = count(
            run(
                events("replied", "%\"outcome\":\"partly_adopted\"%"),
                &from_t,
                &to_t,
            )
            .await?,
        )?;
        let supervised = count(
            run(
                format!("SELECT COUNT(*) AS n FROM supervisions s JOIN cases c ON c.id = s.case_id WHERE s.created_at >= $1 AND s.created_at <= $2{cond}"),
                &from_t,
                &to_t,
            )
            .await?,
        )?;
        // 约谈/通报 of units in the area; one naming a case only if that case is visible.
        let mut sql = String::from("SELECT COUNT(*) AS n FROM accountability a JOIN units u ON u.id = a.unit_id LEFT JOIN cases c ON c.case_no = a.case_no WHERE a.at >= $1 AND a.at <= $2 AND u.path LIKE $3 AND (c.id IS NULL OR (1 = 1");
        let mut binds = vec![
            Val::S(from_t.clone()),
            Val::S(to_t.clone()),
            Val::S(format!("{}%", scope.reach_prefix)),
        ];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str("))");
        let accountability = count(
            bind_all(sqlx::query(&sql), binds)
                .fetch_all(&self.pool)
                .await?,
        )?;
        Ok(AnnualCounts {
            top_units: top,
            forwarded,
            assigned,
            supervised,
            suggestions_adopted: adopted_full + adopted_part,
            accountability,
        })
    }
}
