//! The work ledgers (台账) as one list: supervisions, 包案, campaign items,
//! the 矛盾纠纷排查台账, 约谈/通报 records and risk warnings (exported by
//! `ledger_export`); their Chinese labels; and the scoped single-record reads
//! the pages need (a supervision, a campaign, a case's 包案, a warning with
//! its history).

use crate::error::AppError;
use crate::state::App;
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::{AuditEntry, CampaignRow, OwnershipRow, SupervisionRow, WarningRow};

/// One exportable ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ledger {
    Supervisions,
    Ownerships,
    CampaignItems,
    Disputes,
    Accountability,
    Warnings,
}

impl Ledger {
    pub const ALL: [Ledger; 6] = [
        Self::Supervisions,
        Self::Ownerships,
        Self::CampaignItems,
        Self::Disputes,
        Self::Accountability,
        Self::Warnings,
    ];
    /// The file stem used in URLs (`/api/v1/export/{key}.xlsx`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Supervisions => "supervisions",
            Self::Ownerships => "ownerships",
            Self::CampaignItems => "campaign-items",
            Self::Disputes => "disputes",
            Self::Accountability => "accountability",
            Self::Warnings => "warnings",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == s)
    }
    /// The sheet name and the ledger's Chinese title.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Supervisions => "督办台账",
            Self::Ownerships => "领导包案台账",
            Self::CampaignItems => "专项攻坚台账",
            Self::Disputes => "矛盾纠纷排查台账",
            Self::Accountability => "约谈通报台账",
            Self::Warnings => "风险预警台账",
        }
    }
}

/// Chinese label of an ownership status.
pub fn ownership_status_label(s: &str) -> &'static str {
    match s {
        "active" => "化解中",
        "resolved" => "已化解",
        _ => "未知",
    }
}

pub(crate) fn team_names(o: &OwnershipRow) -> String {
    o.team
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    format!(
                        "{}（{}）",
                        m["name"].as_str().unwrap_or(""),
                        m["unit"].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default()
}

/// The 专班 of an ownership as one line of text.
pub fn ownership_team(o: &OwnershipRow) -> String {
    team_names(o)
}

/// Signal labels of a warning joined for display.
pub fn warning_signals(w: &WarningRow) -> String {
    w.signals
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["label"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
                .join("；")
        })
        .unwrap_or_default()
}

impl App {
    /// One supervision the staff member may see (sent or received in their area).
    pub async fn supervision_for(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<SupervisionRow, AppError> {
        self.supervisions_for(staff)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(AppError::NotFound)
    }

    /// One campaign of the staff member's area.
    pub async fn campaign_for(&self, staff: &Staff, id: i64) -> Result<CampaignRow, AppError> {
        self.campaigns_for(staff)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)
    }

    /// The area's 包案 ledger (leaders and supervisors); others see their own board.
    pub async fn ownerships_ledger(&self, staff: &Staff) -> Result<Vec<OwnershipRow>, AppError> {
        if !staff.has_any(&[Role::Leader, Role::Supervisor]) {
            return self.ownership_board(staff).await;
        }
        let area = self.org().government_of(staff.unit).unwrap_or(staff.unit);
        Ok(self
            .store
            .ownerships_led_under(&self.unit_path(area), &self.scope_of(staff))
            .await?)
    }

    /// The 包案 of a case the staff member can see (newest first).
    pub async fn ownerships_of_case(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<Vec<OwnershipRow>, AppError> {
        let (case_id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        if !xinfang_domain::scope::can_see(staff, &case, &self.org()) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.ownerships_of_case(case_id).await?)
    }

    /// A warning of the staff member's area with its 核查/处置/解除 history (from the chained log).
    pub async fn warning_history(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<(WarningRow, Vec<AuditEntry>), AppError> {
        let w = self.store.warning(id).await?.ok_or(AppError::NotFound)?;
        let org = self.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        if !org.is_within(UnitId(w.unit_id), area) {
            return Err(AppError::NotFound);
        }
        self.visible_case(staff, &w.case_no).await?;
        let entries: Vec<AuditEntry> = self
            .store
            .warning_events(id)
            .await?
            .into_iter()
            .filter(|e| {
                serde_json::from_str::<serde_json::Value>(&e.payload)
                    .map(|p| p["warning"].as_i64() == Some(id))
                    .unwrap_or(false)
            })
            .collect();
        Ok((w, entries))
    }
}
