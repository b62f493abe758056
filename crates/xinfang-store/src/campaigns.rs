//! Campaign lists and items, and the dispute ledger. Changes are chained
//! audit entries like everything else.

use crate::chain::log;
use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::Val;
use crate::scope::push_scope;
use crate::CaseScope;
use crate::Store;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub list_kind: String,
    pub owner_unit: i64,
    /// The period: `starts_on` … `deadline` ('YYYY-MM-DD').
    pub starts_on: String,
    pub deadline: String,
    pub created_by: String,
    pub items: Vec<CampaignItemRow>,
    /// Progress over the period as of today (filled in by the app).
    pub progress: Option<xinfang_domain::campaign::Progress>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignItemRow {
    pub id: i64,
    pub case_no: String,
    pub current_unit: i64,
    pub status: String,
    pub evidence: String,
    pub updated_by: String,
    pub updated_at: String,
    /// The case's clock grade now ("overdue" = 超期).
    pub case_grade: Option<String>,
}

/// A dispute found in 排查.
pub struct NewDispute<'a> {
    pub unit_id: i64,
    pub region_code: &'a str,
    pub parties: &'a str,
    pub summary: &'a str,
    pub found_on: &'a str,
    pub risk_level: i64,
}

/// Fields a dispute move may set.
#[derive(Default)]
pub struct DisputeChange<'a> {
    pub track: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub case_no: Option<&'a str>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DisputeRow {
    pub id: i64,
    pub unit_id: i64,
    pub region_code: String,
    pub parties: String,
    pub summary: String,
    pub found_on: String,
    pub risk_level: i64,
    pub track: Option<String>,
    pub status: String,
    pub outcome: String,
    pub case_no: Option<String>,
}

/// The campaign columns [`campaign_from_row`] reads (no items, no progress).
const CAMPAIGN_COLS: &str = "id, name, list_kind, owner_unit, deadline, created_by, COALESCE(starts_on, substr(created_at, 1, 10)) AS starts_on";

fn campaign_from_row(r: &AnyRow) -> Result<CampaignRow, StoreError> {
    Ok(CampaignRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        list_kind: r.try_get("list_kind")?,
        owner_unit: r.try_get("owner_unit")?,
        deadline: r.try_get("deadline")?,
        created_by: r.try_get("created_by")?,
        starts_on: r.try_get("starts_on")?,
        items: vec![],
        progress: None,
    })
}

/// Item columns (`i` = campaign_items, `c` = its case) [`item_from_row`] reads.
const ITEM_COLS: &str =
    "i.id, c.case_no, c.current_unit, i.status, i.evidence, i.updated_by, i.updated_at, c.grade";

fn item_from_row(r: &AnyRow) -> Result<CampaignItemRow, StoreError> {
    Ok(CampaignItemRow {
        id: r.try_get("id")?,
        case_no: r.try_get("case_no")?,
        current_unit: r.try_get("current_unit")?,
        status: r.try_get("status")?,
        evidence: r.try_get("evidence")?,
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
        case_grade: r.try_get("grade")?,
    })
}

/// Dispute columns (`d` = disputes) [`dispute_from_row`] reads.
const DISPUTE_COLS: &str = "d.id, d.unit_id, d.region_code, d.parties, d.summary, d.found_on, d.risk_level, d.track, d.status, d.outcome, d.case_no";

fn dispute_from_row(r: &AnyRow) -> Result<DisputeRow, StoreError> {
    Ok(DisputeRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        region_code: r.try_get("region_code")?,
        parties: r.try_get("parties")?,
        summary: r.try_get("summary")?,
        found_on: r.try_get("found_on")?,
        risk_level: r.try_get("risk_level")?,
        track: r.try_get("track")?,
        status: r.try_get("status")?,
        outcome: r.try_get("outcome")?,
        case_no: r.try_get("case_no")?,
    })
}

impl Store {
    pub async fn insert_campaign(
        &self,
        name: &str,
        list_kind: &str,
        owner_unit: i64,
        (starts_on, deadline): (&str, &str),
        actor: &str,
    ) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let id: i64 = sqlx::query("INSERT INTO campaigns (name, list_kind, owner_unit, deadline, created_by, created_at, starts_on) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(name)
            .bind(list_kind)
            .bind(owner_unit)
            .bind(deadline)
            .bind(actor)
            .bind(crate::now_text())
            .bind(starts_on)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        log(
            &mut tx,
            "campaign",
            "campaign_created",
            actor,
            serde_json::json!({ "campaign": id, "name": name, "starts_on": starts_on, "deadline": deadline }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Add cases (by id); ones already on the list are skipped. Returns how many were added.
    pub async fn add_campaign_items(
        &self,
        campaign: i64,
        case_ids: &[i64],
        actor: &str,
    ) -> Result<usize, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let mut n = 0;
        for c in case_ids {
            let r = sqlx::query("INSERT INTO campaign_items (campaign_id, case_id, status, evidence, updated_by, updated_at) VALUES ($1, $2, 'pending', '', $3, $4) ON CONFLICT DO NOTHING")
                .bind(campaign)
                .bind(*c)
                .bind(actor)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            n += r.rows_affected() as usize;
        }
        log(
            &mut tx,
            "campaign",
            "campaign_items_added",
            actor,
            serde_json::json!({ "campaign": campaign, "added": n }),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    pub async fn move_campaign_item(
        &self,
        item: i64,
        from: &str,
        to: &str,
        evidence: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let r = sqlx::query("UPDATE campaign_items SET status = $1, evidence = $2, updated_by = $3, updated_at = $4 WHERE id = $5 AND status = $6")
            .bind(to)
            .bind(evidence)
            .bind(actor)
            .bind(crate::now_text())
            .bind(item)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        log(
            &mut tx,
            "campaign",
            "campaign_item_moved",
            actor,
            serde_json::json!({ "item": item, "from": from, "to": to, "evidence": evidence }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A campaign with the items on cases `scope` may see (all with `None`:
    /// system jobs), so its counts and progress never include a case the
    /// viewer must not learn of.
    pub async fn campaign(
        &self,
        id: i64,
        scope: Option<&CaseScope>,
    ) -> Result<Option<CampaignRow>, StoreError> {
        let Some(r) = sqlx::query(&format!(
            "SELECT {CAMPAIGN_COLS} FROM campaigns WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let mut sql = format!(
            "SELECT {ITEM_COLS} FROM campaign_items i JOIN cases c ON c.id = i.case_id WHERE i.campaign_id = $1"
        );
        let mut binds = vec![Val::I(id)];
        if let Some(scope) = scope {
            push_scope(&mut sql, &mut binds, scope, "c");
        }
        sql.push_str(" ORDER BY i.id");
        let items = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(item_from_row)
            .collect::<Result<_, _>>()?;
        Ok(Some(CampaignRow {
            items,
            ..campaign_from_row(&r)?
        }))
    }

    /// (campaign, status, holder, case number) of a campaign item.
    pub async fn campaign_item(
        &self,
        item: i64,
    ) -> Result<Option<(i64, String, i64, String)>, StoreError> {
        let Some(r) = sqlx::query("SELECT i.campaign_id, i.status, c.current_unit, c.case_no FROM campaign_items i JOIN cases c ON c.id = i.case_id WHERE i.id = $1").bind(item).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        Ok(Some((
            r.try_get("campaign_id")?,
            r.try_get("status")?,
            r.try_get("current_unit")?,
            r.try_get("case_no")?,
        )))
    }

    /// Campaign ids owned by units under the path prefix.
    pub async fn campaigns_under(&self, path_prefix: &str) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT c.id FROM campaigns c JOIN units u ON u.id = c.owner_unit WHERE u.path LIKE $1 ORDER BY c.id DESC").bind(format!("{path_prefix}%")).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?)
    }

    pub async fn insert_dispute(&self, d: &NewDispute<'_>, actor: &str) -> Result<i64, StoreError> {
        let (unit_id, region_code, parties, summary, found_on, risk_level) = (
            d.unit_id,
            d.region_code,
            d.parties,
            d.summary,
            d.found_on,
            d.risk_level,
        );
        let (mut tx, _g) = self.write_tx().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO disputes (unit_id, region_code, parties, summary, found_on, risk_level, track, status, outcome, case_no, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, 'found', '', NULL, $7, $8) RETURNING id",
        )
        .bind(unit_id)
        .bind(region_code)
        .bind(parties)
        .bind(summary)
        .bind(found_on)
        .bind(risk_level)
        .bind(actor)
        .bind(crate::now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log(
            &mut tx,
            "campaign",
            "dispute_found",
            actor,
            serde_json::json!({ "dispute": id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Move a dispute from `from` to `to`, setting the track / outcome / case number when given.
    pub async fn move_dispute(
        &self,
        id: i64,
        from: &str,
        to: &str,
        change: &DisputeChange<'_>,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (track, outcome, case_no) = (change.track, change.outcome, change.case_no);
        let (mut tx, _g) = self.write_tx().await?;
        let r = sqlx::query(
            "UPDATE disputes SET status = $1, track = COALESCE($2, track), outcome = COALESCE($3, outcome), case_no = COALESCE($4, case_no), updated_at = $5 WHERE id = $6 AND status = $7",
        )
        .bind(to)
        .bind(track.map(str::to_string))
        .bind(outcome.map(str::to_string))
        .bind(case_no.map(str::to_string))
        .bind(crate::now_text())
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        log(&mut tx, "campaign", "dispute_moved", actor, serde_json::json!({ "dispute": id, "from": from, "to": to, "track": track, "case_no": case_no })).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disputes of units under the path prefix; one converted into a case
    /// only while `scope` may see that case.
    pub async fn disputes_under(
        &self,
        path_prefix: &str,
        scope: &CaseScope,
    ) -> Result<Vec<DisputeRow>, StoreError> {
        let mut sql = format!(
            "SELECT {DISPUTE_COLS} FROM disputes d JOIN units u ON u.id = d.unit_id LEFT JOIN cases c ON c.case_no = d.case_no WHERE u.path LIKE $1 AND (c.id IS NULL OR (1 = 1",
        );
        let mut binds = vec![Val::S(format!("{path_prefix}%"))];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(")) ORDER BY d.id DESC");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(dispute_from_row).collect()
    }

    pub async fn dispute(&self, id: i64) -> Result<Option<DisputeRow>, StoreError> {
        let r = sqlx::query(&format!(
            "SELECT {DISPUTE_COLS} FROM disputes d WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(dispute_from_row).transpose()
    }

    pub async fn case_id_of(&self, case_no: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.case_ids_of(&[case_no]).await?.remove(case_no))
    }

    /// The ids of these case numbers (those that exist), in one query per
    /// 500 numbers.
    pub async fn case_ids_of(
        &self,
        case_nos: &[&str],
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in case_nos.chunks(500) {
            let sql = format!(
                "SELECT case_no, id FROM cases WHERE case_no IN ({})",
                crate::rows::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for no in chunk {
                q = q.bind(no.to_string());
            }
            for r in q.fetch_all(&self.pool).await? {
                out.insert(r.try_get("case_no")?, r.try_get("id")?);
            }
        }
        Ok(out)
    }
}
