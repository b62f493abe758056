//! 约谈/通报 records and the counts behind the annual report (第四十一条):
//! most-petitioned bodies, 转送/交办/督办 counts, adopted suggestions.

use crate::chain::{append, Append};
use crate::error::StoreError;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

#[derive(Clone, Debug, Serialize)]
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
            .get(0);
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

    pub async fn accountability_under(
        &self,
        path_prefix: &str,
    ) -> Result<Vec<AccountabilityRow>, StoreError> {
        let rows = sqlx::query("SELECT a.id, a.kind, a.unit_id, a.case_no, a.reason, a.created_by, a.at FROM accountability a JOIN units u ON u.id = a.unit_id WHERE u.path LIKE $1 ORDER BY a.id DESC")
            .bind(format!("{path_prefix}%"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| AccountabilityRow {
                id: r.get(0),
                kind: r.get(1),
                unit_id: r.get(2),
                case_no: r.get(3),
                reason: r.get(4),
                created_by: r.get(5),
                at: r.get(6),
            })
            .collect())
    }

    /// The annual report's counts for cases involving units under `path_prefix`, dates in [from, to].
    pub async fn annual_counts(
        &self,
        path_prefix: &str,
        from: &str,
        to: &str,
    ) -> Result<AnnualCounts, StoreError> {
        let like = format!("{path_prefix}%");
        let (from_t, to_t) = (format!("{from} 00:00:00"), format!("{to} 23:59:59"));
        let scope = "EXISTS (SELECT 1 FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.case_id = c.id AND u.path LIKE $1)";
        let top = sqlx::query(&format!(
            "SELECT c.current_unit, COUNT(*) FROM cases c WHERE {scope} AND c.registered_on >= $2 AND c.registered_on <= $3 GROUP BY c.current_unit ORDER BY COUNT(*) DESC, c.current_unit LIMIT 10"
        ))
        .bind(&like)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
        let count_events = |kind: &'static str, needle: &'static str| {
            let sql = format!("SELECT COUNT(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE e.kind = '{kind}' AND e.payload LIKE '{needle}' AND e.at >= $2 AND e.at <= $3 AND {scope}");
            let (like, from_t, to_t) = (like.clone(), from_t.clone(), to_t.clone());
            async move {
                sqlx::query(&sql)
                    .bind(like)
                    .bind(from_t)
                    .bind(to_t)
                    .fetch_one(&self.pool)
                    .await
                    .map(|r| r.get::<i64, _>(0))
            }
        };
        let forwarded = count_events("transferred", "%\"mode\":\"forward\"%").await?;
        let assigned = count_events("transferred", "%\"mode\":\"assign\"%").await?;
        let adopted_full = count_events("replied", "%\"outcome\":\"adopted\"%").await?;
        let adopted_part = count_events("replied", "%\"outcome\":\"partly_adopted\"%").await?;
        let supervised: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM supervisions s JOIN cases c ON c.id = s.case_id WHERE s.created_at >= $2 AND s.created_at <= $3 AND {scope}"))
            .bind(&like)
            .bind(&from_t)
            .bind(&to_t)
            .fetch_one(&self.pool)
            .await?
            .get(0);
        let accountability: i64 = sqlx::query("SELECT COUNT(*) FROM accountability a JOIN units u ON u.id = a.unit_id WHERE u.path LIKE $1 AND a.at >= $2 AND a.at <= $3")
            .bind(&like)
            .bind(&from_t)
            .bind(&to_t)
            .fetch_one(&self.pool)
            .await?
            .get(0);
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
