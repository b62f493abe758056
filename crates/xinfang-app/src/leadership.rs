//! 领导包案 and 批示 services: take charge of a case with a 专班, plan and
//! deadline; record progress; resolve; the leader's (and team member's)
//! board; leaders' written instructions on cases.

use crate::error::AppError;
use crate::state::App;
use chrono::NaiveDate;
use serde_json::json;
use xinfang_domain::ownership::{check_instruction, check_take_charge, ChargePlan};
use xinfang_domain::scope::can_see;
use xinfang_domain::Staff;
use xinfang_store::{InstructionRow, OwnershipRow};

impl App {
    /// 包案: `staff` (a leader) takes charge of `case_no` with a team of usernames.
    pub async fn take_charge(
        &self,
        staff: &Staff,
        case_no: &str,
        team: &[String],
        plan: &str,
        deadline: NaiveDate,
    ) -> Result<OwnershipRow, AppError> {
        let (case_id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org();
        if !can_see(staff, &case, &org) {
            return Err(AppError::NotFound);
        }
        let mut members = vec![];
        for name in team {
            let u = self
                .store
                .user_by_name(name.trim())
                .await?
                .ok_or_else(|| AppError::field("team", format!("用户不存在：{name}")))?;
            members.push(u);
        }
        let units: Vec<_> = members.iter().map(|u| u.unit).collect();
        let owned = self.store.active_ownership_of(case_id).await?.is_some();
        check_take_charge(
            staff,
            &case,
            &org,
            &ChargePlan {
                team_units: &units,
                plan,
                deadline,
            },
            self.now().date(),
            owned,
        )?;
        let team_json = json!(members.iter().map(|u| json!({ "id": u.id.0, "username": u.username, "name": u.display_name, "unit": self.unit_name(u.unit) })).collect::<Vec<_>>());
        let id = self
            .store
            .insert_ownership(
                case_id,
                staff.user.0,
                &team_json,
                plan.trim(),
                &deadline.to_string(),
                &format!("user:{}", staff.username),
            )
            .await?;
        self.store.ownership(id).await?.ok_or(AppError::NotFound)
    }

    fn on_team(o: &OwnershipRow, staff: &Staff) -> bool {
        o.leader_id == staff.user.0
            || o.team
                .as_array()
                .map(|a| a.iter().any(|m| m["id"].as_i64() == Some(staff.user.0)))
                .unwrap_or(false)
    }

    /// A progress entry by the leader or a team member.
    pub async fn ownership_progress(
        &self,
        staff: &Staff,
        id: i64,
        text: &str,
    ) -> Result<OwnershipRow, AppError> {
        let o = self.store.ownership(id).await?.ok_or(AppError::NotFound)?;
        self.visible_case(staff, &o.case_no).await?;
        if !Self::on_team(&o, staff) {
            return Err(AppError::Forbidden);
        }
        if o.status != "active" {
            return Err(AppError::field("status", "该包案已化解"));
        }
        if text.trim().is_empty() {
            return Err(AppError::field("text", "请填写进展情况"));
        }
        self.store
            .add_progress(
                id,
                staff.user.0,
                text.trim(),
                &format!("user:{}", staff.username),
            )
            .await?;
        self.store.ownership(id).await?.ok_or(AppError::NotFound)
    }

    /// The leader marks the case resolved (化解).
    pub async fn resolve_ownership(
        &self,
        staff: &Staff,
        id: i64,
    ) -> Result<OwnershipRow, AppError> {
        let o = self.store.ownership(id).await?.ok_or(AppError::NotFound)?;
        self.visible_case(staff, &o.case_no).await?;
        if o.leader_id != staff.user.0 {
            return Err(AppError::Forbidden);
        }
        self.store
            .resolve_ownership(id, &format!("user:{}", staff.username))
            .await?;
        self.store.ownership(id).await?.ok_or(AppError::NotFound)
    }

    /// The leader's board: cases they own or whose team they are on.
    pub async fn ownership_board(&self, staff: &Staff) -> Result<Vec<OwnershipRow>, AppError> {
        let rows = self.store.ownerships_of_user(staff.user.0).await?;
        self.retain_visible(staff, rows, |o| Some(o.case_no.as_str()))
            .await
    }

    /// 批示 on a case.
    pub async fn instruct(
        &self,
        staff: &Staff,
        case_no: &str,
        text: &str,
    ) -> Result<Vec<InstructionRow>, AppError> {
        let (case_id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        if !can_see(staff, &case, &self.org()) {
            return Err(AppError::NotFound);
        }
        check_instruction(staff, text)?;
        self.store
            .insert_instruction(
                case_id,
                staff.user.0,
                text.trim(),
                &format!("user:{}", staff.username),
            )
            .await?;
        Ok(self.store.instructions_of(case_id).await?)
    }

    pub async fn instructions(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<Vec<InstructionRow>, AppError> {
        let (case_id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        if !can_see(staff, &case, &self.org()) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.instructions_of(case_id).await?)
    }
}
