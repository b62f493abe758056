//! Campaigns (积案化解, 三张清单) with 动态销号, and the 矛盾纠纷排查台账 with
//! 三调联动 and conversion into a petition case when mediation fails.

use crate::error::AppError;
use crate::intake::{IntakeRequest, PetitionerInput};
use crate::state::App;
use chrono::NaiveDate;
use xinfang_domain::campaign::{
    check_dispute_move, check_item_move, check_period, progress, LIST_KINDS, TRACKS,
};
use xinfang_domain::case::{Channel, Kind};
use xinfang_domain::scope::can_see;
use xinfang_domain::{Actor, Role, Staff, UnitId};
use xinfang_store::{CampaignRow, CaseFilter, DisputeChange, DisputeRow};

fn actor(staff: &Staff) -> String {
    format!("user:{}", staff.username)
}

impl App {
    /// Create a campaign or list owned by the staff member's government, over
    /// `starts_on` (default today; may be earlier for a campaign already under
    /// way) … `deadline`.
    pub async fn create_campaign(
        &self,
        staff: &Staff,
        name: &str,
        list_kind: &str,
        starts_on: Option<NaiveDate>,
        deadline: NaiveDate,
    ) -> Result<CampaignRow, AppError> {
        if !staff.has_any(&[Role::Leader, Role::Supervisor]) {
            return Err(AppError::Forbidden);
        }
        if name.trim().is_empty() {
            return Err(AppError::field("name", "请填写名称"));
        }
        if !LIST_KINDS.iter().any(|(k, _)| *k == list_kind) {
            return Err(AppError::field(
                "list_kind",
                "清单类别应为 backlog、increment、stock 或 variable",
            ));
        }
        if deadline <= self.now().date() {
            return Err(AppError::field("deadline", "期限应晚于今天"));
        }
        let starts_on = starts_on.unwrap_or(self.now().date());
        check_period(starts_on, deadline)?;
        let owner = self.org().government_of(staff.unit).unwrap_or(staff.unit);
        let id = self
            .store
            .insert_campaign(
                name.trim(),
                list_kind,
                owner.0,
                (&starts_on.to_string(), &deadline.to_string()),
                &actor(staff),
            )
            .await?;
        let c = self
            .store
            .campaign(id, Some(&self.scope_of(staff)))
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(self.with_progress(c))
    }

    /// The campaign with its progress over its period as of today.
    pub fn with_progress(&self, mut c: CampaignRow) -> CampaignRow {
        let day = |s: &str| s.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
        let today = self.now().date();
        if let (Some(start), Some(end)) = (day(&c.starts_on), day(&c.deadline)) {
            c.progress = Some(progress(
                start,
                end,
                today,
                c.items.iter().map(|i| {
                    (
                        i.status.as_str(),
                        i.case_grade.as_deref()
                            == Some(xinfang_domain::clock::Grade::Overdue.key()),
                        day(&i.updated_at),
                    )
                }),
            ));
        }
        c
    }

    fn owns(&self, staff: &Staff, c: &CampaignRow) -> bool {
        let org = self.org();
        org.is_within(staff.unit, UnitId(c.owner_unit))
            || org.is_within(
                UnitId(c.owner_unit),
                org.government_of(staff.unit).unwrap_or(staff.unit),
            )
    }

    /// Add cases by number, or every case matching `filter`, that the staff member can see.
    pub async fn add_to_campaign(
        &self,
        staff: &Staff,
        id: i64,
        case_nos: &[String],
        filter: Option<CaseFilter>,
    ) -> Result<usize, AppError> {
        let c = self
            .store
            .campaign(id, Some(&self.scope_of(staff)))
            .await?
            .ok_or(AppError::NotFound)?;
        if !self.owns(staff, &c) || !staff.has_any(&[Role::Leader, Role::Supervisor]) {
            return Err(AppError::Forbidden);
        }
        let org = self.org();
        let mut ids = vec![];
        for no in case_nos {
            let (cid, case) = self
                .store
                .load_case(no.trim())
                .await?
                .ok_or_else(|| AppError::field("case_nos", format!("信访事项不存在：{no}")))?;
            if !can_see(staff, &case, &org) {
                return Err(AppError::field("case_nos", format!("信访事项不存在：{no}")));
            }
            ids.push(cid);
        }
        if let Some(mut f) = filter {
            f.limit = f.limit.clamp(1, 5_000);
            for row in self.list_for(staff, f).await? {
                if let Some(cid) = self.store.case_id_of(&row.case_no).await? {
                    ids.push(cid);
                }
            }
        }
        Ok(self
            .store
            .add_campaign_items(id, &ids, &actor(staff))
            .await?)
    }

    /// 化解 / 稳控 by the holding unit; 销号 (sign-off) only by the campaign's owners.
    pub async fn move_item(
        &self,
        staff: &Staff,
        item: i64,
        to: &str,
        evidence: &str,
    ) -> Result<CampaignRow, AppError> {
        let (campaign, from, holder, case_no) = self
            .store
            .campaign_item(item)
            .await?
            .ok_or(AppError::NotFound)?;
        // An item on a case the staff member may not see does not exist for them (第三十条).
        self.visible_case(staff, &case_no).await?;
        let c = self
            .store
            .campaign(campaign, Some(&self.scope_of(staff)))
            .await?
            .ok_or(AppError::NotFound)?;
        let allowed = if to == "struck" {
            self.owns(staff, &c) && staff.has_any(&[Role::Leader, Role::Supervisor])
        } else {
            staff.unit.0 == holder || self.owns(staff, &c)
        };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        check_item_move(&from, to, evidence)?;
        self.store
            .move_campaign_item(item, &from, to, evidence.trim(), &actor(staff))
            .await?;
        let c = self
            .store
            .campaign(campaign, Some(&self.scope_of(staff)))
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(self.with_progress(c))
    }

    pub async fn campaigns_for(&self, staff: &Staff) -> Result<Vec<CampaignRow>, AppError> {
        let area = self.org().government_of(staff.unit).unwrap_or(staff.unit);
        let scope = self.scope_of(staff);
        let mut out = vec![];
        for id in self.store.campaigns_under(&self.unit_path(area)).await? {
            if let Some(c) = self.store.campaign(id, Some(&scope)).await? {
                out.push(self.with_progress(c));
            }
        }
        Ok(out)
    }

    /// Register a dispute found in 排查 at the staff member's unit.
    pub async fn register_dispute(
        &self,
        staff: &Staff,
        region_code: &str,
        parties: &str,
        summary: &str,
        risk_level: i64,
    ) -> Result<DisputeRow, AppError> {
        if parties.trim().is_empty() || summary.trim().is_empty() {
            return Err(AppError::field("summary", "请填写当事人和纠纷情况"));
        }
        if self.org().units_by_region(region_code).is_empty() {
            return Err(AppError::field(
                "region_code",
                format!("未知的行政区划代码：{region_code}"),
            ));
        }
        let found_on = self.now().date().to_string();
        let d = xinfang_store::NewDispute {
            unit_id: staff.unit.0,
            region_code,
            parties: parties.trim(),
            summary: summary.trim(),
            found_on: &found_on,
            risk_level: risk_level.clamp(1, 3),
        };
        let id = self.store.insert_dispute(&d, &actor(staff)).await?;
        self.store.dispute(id).await?.ok_or(AppError::NotFound)
    }

    /// Start mediation on a track, record its outcome, or convert into a case.
    pub async fn move_dispute(
        &self,
        staff: &Staff,
        id: i64,
        to: &str,
        track: Option<&str>,
        outcome: Option<&str>,
    ) -> Result<DisputeRow, AppError> {
        let d = self.store.dispute(id).await?.ok_or(AppError::NotFound)?;
        let org = self.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        if !org.is_within(UnitId(d.unit_id), area) {
            return Err(AppError::NotFound);
        }
        if let Some(no) = d.case_no.as_deref().filter(|n| !n.is_empty()) {
            self.visible_case(staff, no).await?;
        }
        check_dispute_move(&d.status, to)?;
        if to == "mediating"
            && !track
                .map(|t| TRACKS.iter().any(|(k, _)| *k == t))
                .unwrap_or(false)
        {
            return Err(AppError::field("track", "调解类别应为 people（人民调解）、administrative（行政调解）或 judicial（司法调解）"));
        }
        let mut case_no = None;
        if to == "converted" {
            let req = IntakeRequest {
                channel: Channel::Visit,
                kind: Some(Kind::Claim),
                petitioners: vec![PetitionerInput {
                    name: d.parties.chars().take(50).collect(),
                    address: d.region_code.clone(),
                    email: None,
                    ..Default::default()
                }],
                persons: None,
                request: d.summary.chars().take(2000).collect(),
                facts: format!(
                    "由矛盾纠纷排查台账第 {} 号转入；调解情况：{}",
                    d.id, d.outcome
                ),
                reasons: String::new(),
                region_code: d.region_code.clone(),
                accused: None,
                category: None,
                registering_unit: Some(staff.unit),
                new_matter_reason: None,
            };
            case_no = Some(
                self.intake(&Actor::Staff(staff.clone()), req)
                    .await?
                    .case_no,
            );
        }
        let change = DisputeChange {
            track,
            outcome,
            case_no: case_no.as_deref(),
        };
        self.store
            .move_dispute(id, &d.status, to, &change, &actor(staff))
            .await?;
        self.store.dispute(id).await?.ok_or(AppError::NotFound)
    }

    pub async fn disputes_for(&self, staff: &Staff) -> Result<Vec<DisputeRow>, AppError> {
        let area = self.org().government_of(staff.unit).unwrap_or(staff.unit);
        Ok(self
            .store
            .disputes_under(&self.unit_path(area), &self.scope_of(staff))
            .await?)
    }
}
