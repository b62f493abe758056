//! Accountability (约谈 / 通报, 第三十九条) and the annual report with the
//! contents 第四十一条 names: statistics, the most-petitioned bodies, 转送 /
//! 交办 / 督办 counts, adopted suggestions — for the caller's area.

use crate::error::AppError;
use crate::state::App;
use serde::Serialize;
use utoipa::ToSchema;
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::AccountabilityRow;

/// 年度信访工作情况（第四十一条），本人所在地区
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AnnualReport {
    /// 年份
    pub year: i32,
    /// 报告单位
    pub unit: String,
    /// 全年统计概览
    pub statistics: crate::stats::Overview,
    /// 信访事项最多的机关（前列）
    pub most_petitioned_bodies: Vec<PetitionedBody>,
    /// 转送件数
    pub forwarded: i64,
    /// 交办件数
    pub assigned: i64,
    /// 督办件数
    pub supervised: i64,
    /// 采纳的建议
    pub suggestions_adopted: i64,
    /// 约谈、通报记录
    pub accountability_records: i64,
}

/// 一个信访事项较多的机关
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PetitionedBody {
    /// 单位编号
    pub unit_id: i64,
    /// 单位名称
    pub unit: String,
    /// 信访事项数
    pub cases: i64,
}

impl App {
    /// Record a 约谈 or 通报 of a unit in the staff member's area.
    pub async fn record_accountability(
        &self,
        staff: &Staff,
        kind: &str,
        unit: UnitId,
        case_no: Option<&str>,
        reason: &str,
    ) -> Result<AccountabilityRow, AppError> {
        if !staff.has_any(&[Role::Leader, Role::Supervisor]) {
            return Err(AppError::Forbidden);
        }
        if !matches!(kind, "talk" | "circular") {
            return Err(AppError::field(
                "kind",
                "应为 talk（约谈）或 circular（通报）",
            ));
        }
        let org = self.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        if org.get(unit).is_none() || !org.is_within(unit, area) {
            return Err(AppError::field("unit_id", "只能约谈、通报本辖区单位"));
        }
        if let Some(no) = case_no {
            // Only a case the recorder may see (第三十条: an accusation stays hidden from the accused).
            let visible = match self.store.load_case(no).await? {
                Some((_, case)) => xinfang_domain::scope::can_see(staff, &case, &org),
                None => false,
            };
            if !visible {
                return Err(AppError::field("case_no", format!("信访事项不存在：{no}")));
            }
        }
        if reason.trim().chars().count() < 4 {
            return Err(AppError::field(
                "reason",
                "请写明约谈、通报的事由（第三十九条）",
            ));
        }
        let id = self
            .store
            .insert_accountability(
                kind,
                unit.0,
                case_no,
                reason.trim(),
                &format!("user:{}", staff.username),
            )
            .await?;
        let path = self.unit_path(area);
        self.store
            .accountability_under(&path, &self.scope_of(staff))
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(AppError::NotFound)
    }

    pub async fn accountability_for(
        &self,
        staff: &Staff,
    ) -> Result<Vec<AccountabilityRow>, AppError> {
        let area = self.org().government_of(staff.unit).unwrap_or(staff.unit);
        Ok(self
            .store
            .accountability_under(&self.unit_path(area), &self.scope_of(staff))
            .await?)
    }

    /// The annual report for `year` (第四十一条).
    pub async fn annual_report(&self, staff: &Staff, year: i32) -> Result<AnnualReport, AppError> {
        let (from, to) = crate::period::year(year)?;
        let overview = self.stats_overview(staff, from, to, None).await?;
        let c = self
            .store
            .annual_counts(&self.scope_of(staff), &from.to_string(), &to.to_string())
            .await?;
        let most_petitioned_bodies = c
            .top_units
            .iter()
            .map(|(u, n)| PetitionedBody {
                unit_id: *u,
                unit: self.unit_name(UnitId(*u)),
                cases: *n,
            })
            .collect();
        Ok(AnnualReport {
            year,
            unit: self.unit_name(staff.unit),
            statistics: overview,
            most_petitioned_bodies,
            forwarded: c.forwarded,
            assigned: c.assigned,
            supervised: c.supervised,
            suggestions_adopted: c.suggestions_adopted,
            accountability_records: c.accountability,
        })
    }
}
