//! The warning workflow (预警): raised → 核查中 (verifying) → 已处置 (disposed)
//! → 已解除 (cleared), by supervisors and leaders of the area, each step with a
//! note and an audit entry; and the administrators' sensitive periods.

use crate::error::AppError;
use crate::intelligence::{SensitivePeriod, Signal, SENSITIVE_SETTING};
use crate::state::App;
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::{NewWarning, WarningRow};

/// The next status for an action, from the status it must be in.
fn transition(action: &str) -> Option<(&'static str, &'static str)> {
    match action {
        "verify" => Some(("raised", "verifying")),
        "dispose" => Some(("verifying", "disposed")),
        "clear" => Some(("disposed", "cleared")),
        _ => None,
    }
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "raised" => "待核查",
        "verifying" => "核查中",
        "disposed" => "已处置",
        "cleared" => "已解除",
        _ => "未知",
    }
}

impl App {
    /// The warning `signals` raise on a registration at `unit`: it goes to the
    /// supervisors of the unit's government at the highest signal's level.
    /// `None` when nothing signalled; an error when the signals cannot be
    /// written as JSON (never a warning with its signals lost).
    pub fn warning_for(
        &self,
        unit: UnitId,
        signals: &[Signal],
    ) -> Result<Option<NewWarning>, AppError> {
        let Some(level) = signals.iter().map(|s| s.level).max() else {
            return Ok(None);
        };
        let area = self.org().government_of(unit).unwrap_or(unit);
        Ok(Some(NewWarning {
            unit_id: area.0,
            level: level as i64,
            signals: xinfang_store::json_value(signals)?,
        }))
    }

    /// Warnings in the staff member's area (their government's subtree).
    pub async fn warnings_for(&self, staff: &Staff) -> Result<Vec<WarningRow>, AppError> {
        let org = self.org();
        let root = org.government_of(staff.unit).unwrap_or(staff.unit);
        Ok(self
            .store
            .warnings_under(&self.unit_path(root), &self.scope_of(staff), 200)
            .await?)
    }

    /// 核查 / 处置 / 解除 a warning (督办员 or 领导 of an area containing it).
    pub async fn advance_warning(
        &self,
        staff: &Staff,
        id: i64,
        action: &str,
        note: &str,
    ) -> Result<WarningRow, AppError> {
        if !staff.has_any(&[Role::Supervisor, Role::Leader]) {
            return Err(AppError::Forbidden);
        }
        let w = self.store.warning(id).await?.ok_or(AppError::NotFound)?;
        let org = self.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        if !org.is_within(UnitId(w.unit_id), area) {
            return Err(AppError::NotFound);
        }
        self.visible_case(staff, &w.case_no).await?;
        let (from, to) = transition(action).ok_or_else(|| {
            AppError::field(
                "action",
                "操作应为 verify（核查）、dispose（处置）或 clear（解除）",
            )
        })?;
        if w.status != from {
            return Err(AppError::field(
                "action",
                format!("预警当前为“{}”，不能执行此操作", status_label(&w.status)),
            ));
        }
        if note.trim().is_empty() {
            return Err(AppError::field("note", "请填写核查、处置或解除情况"));
        }
        self.store
            .advance_warning(
                id,
                from,
                to,
                note.trim(),
                &format!("user:{}", staff.username),
            )
            .await?;
        self.store.warning(id).await?.ok_or(AppError::NotFound)
    }

    /// Replace the sensitive periods (管理员), audited.
    pub async fn set_sensitive(
        &self,
        staff: &Staff,
        periods: Vec<SensitivePeriod>,
    ) -> Result<(), AppError> {
        self.require_admin(staff)?;
        if let Some(p) = periods
            .iter()
            .find(|p| crate::period::check(p.from, p.to).is_err() || p.name.trim().is_empty())
        {
            return Err(AppError::field(
                "periods",
                format!("敏感时期“{}”的名称或日期无效", p.name),
            ));
        }
        let json = xinfang_store::json_text(&periods)?;
        self.store.put_setting(SENSITIVE_SETTING, &json).await?;
        self.store
            .audit(
                "settings",
                "sensitive_periods_changed",
                &format!("user:{}", staff.username),
                &xinfang_store::json_value(&periods)?,
            )
            .await?;
        self.set_sensitive_periods(periods);
        Ok(())
    }
}

/// A risk level as 信访 offices name it: 一级 (红色) is the most serious.
/// Stored levels run 1–3 with 3 the highest; this is the one place that
/// turns them into words.
pub fn level_label(level: i64) -> &'static str {
    match level {
        l if l >= 3 => "一级（红色）",
        2 => "二级（橙色）",
        _ => "三级（黄色）",
    }
}
