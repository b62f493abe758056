//! The daily 零报告 during a sensitive period (重大活动 windows set by
//! administrators): every 信访局 records, once a day, either the warnings it
//! has to report or "零报告" (nothing to report). Supervisors see which
//! bureaus in their area have and have not reported today.

use crate::error::AppError;
use crate::intelligence::SensitivePeriod;
use crate::state::App;
use chrono::NaiveDate;
use serde::Serialize;
use xinfang_domain::{DomainError, Staff, UnitKind};
use xinfang_store::{NewZeroReport, StoreError, ZeroReportRow};

/// A bureau's state for one day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BureauReport {
    pub unit_id: i64,
    pub unit_name: String,
    pub report: Option<ZeroReportRow>,
}

/// Who has and has not reported on a day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ZeroReportStatus {
    pub day: NaiveDate,
    /// The sensitive period covering the day, if any (reports are due only then).
    pub period: Option<SensitivePeriod>,
    pub reported: Vec<BureauReport>,
    pub missing: Vec<BureauReport>,
}

impl App {
    /// Open a new sensitive period (管理员), audited like every change to the list.
    pub async fn add_sensitive_period(
        &self,
        staff: &Staff,
        name: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), AppError> {
        let mut list = self.sensitive_periods();
        list.push(SensitivePeriod {
            name: name.trim().to_string(),
            from,
            to,
        });
        self.set_sensitive(staff, list).await
    }

    /// End the `index`-th sensitive period now: it ends yesterday, or is
    /// withdrawn if it had not begun before today (管理员, audited).
    pub async fn end_sensitive_period(&self, staff: &Staff, index: usize) -> Result<(), AppError> {
        self.require_admin(staff)?;
        let mut list = self.sensitive_periods();
        let today = self.now().date();
        let p = list.get_mut(index).ok_or(AppError::NotFound)?;
        match today.pred_opt() {
            Some(y) if p.from <= y => p.to = p.to.min(y),
            _ => {
                list.remove(index);
            }
        }
        self.set_sensitive(staff, list).await
    }

    /// The sensitive period covering `day`, if any.
    pub fn sensitive_period_on(&self, day: NaiveDate) -> Option<SensitivePeriod> {
        self.sensitive_periods()
            .into_iter()
            .find(|p| p.from <= day && day <= p.to)
    }

    /// Record today's report for the staff member's 信访局: `nothing_to_report`
    /// (零报告) or the warnings in `note`. Once per unit per day.
    pub async fn record_zero_report(
        &self,
        staff: &Staff,
        nothing_to_report: bool,
        note: &str,
    ) -> Result<ZeroReportRow, AppError> {
        let org = self.org();
        let unit = org.get(staff.unit).ok_or(AppError::Forbidden)?;
        if unit.kind != UnitKind::PetitionBureau || !self.unit_active(unit.id) {
            return Err(AppError::Forbidden);
        }
        let today = self.now().date();
        let period = self
            .sensitive_period_on(today)
            .ok_or_else(|| AppError::field("day", "今日不在敏感时期，无需报告"))?;
        let note = note.trim();
        if !nothing_to_report && note.is_empty() {
            return Err(AppError::field(
                "note",
                "非零报告须填写今日预警情况；无情况请选择“零报告”",
            ));
        }
        if note
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(AppError::field("note", "报告内容含有无效字符"));
        }
        if note.chars().count() > 2000 {
            return Err(AppError::field("note", "报告内容不超过2000字"));
        }
        let day = today.to_string();
        let id = self
            .store
            .insert_zero_report(&NewZeroReport {
                unit: unit.id,
                day: &day,
                period: &period.name,
                nothing_to_report,
                note,
                actor: &format!("user:{}", staff.username),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict => AppError::Domain(DomainError::InvalidState {
                    status: "本单位今日已报告",
                    action: "重复报告",
                }),
                other => other.into(),
            })?;
        self.store
            .zero_reports_on(&day)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Which 信访局 in the staff member's area reported on `day`.
    pub async fn zero_report_status(
        &self,
        staff: &Staff,
        day: NaiveDate,
    ) -> Result<ZeroReportStatus, AppError> {
        let org = self.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        let rows = self.store.zero_reports_on(&day.to_string()).await?;
        let mut bureaus: Vec<_> = org
            .subtree(area)
            .into_iter()
            .filter_map(|u| org.get(u))
            .filter(|u| u.kind == UnitKind::PetitionBureau && self.unit_active(u.id))
            .collect();
        bureaus.sort_by_key(|u| u.id);
        let (mut reported, mut missing) = (vec![], vec![]);
        for b in bureaus {
            let report = rows.iter().find(|r| r.unit_id == b.id.0).cloned();
            let entry = BureauReport {
                unit_id: b.id.0,
                unit_name: b.name.clone(),
                report,
            };
            if entry.report.is_some() {
                reported.push(entry);
            } else {
                missing.push(entry);
            }
        }
        Ok(ZeroReportStatus {
            day,
            period: self.sensitive_period_on(day),
            reported,
            missing,
        })
    }
}
