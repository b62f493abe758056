//! Administration of the statutory machinery: clock-rule overrides (a
//! deployment may only tighten limits) and the calendar, both stored in
//! settings, audited, and followed by a re-flow of open cases.

pub mod calendar;
pub mod lexicon;
pub mod org;
pub mod taxonomy;

use crate::error::AppError;
use crate::state::App;
use xinfang_domain::clock::{ClockRule, RuleTable};
use xinfang_domain::{Role, Staff};

pub const RULES_SETTING: &str = "clock_rules";

/// The rule table with the stored overrides applied.
pub fn rules_from_setting(text: Option<&str>) -> Result<RuleTable, AppError> {
    let mut table = RuleTable::statutory();
    if let Some(t) = text {
        let overrides: Vec<ClockRule> = serde_json::from_str(t)
            .map_err(|e| AppError::field("clock_rules", format!("时限规则配置无法解析：{e}")))?;
        for r in overrides {
            table = table
                .with_override(r)
                .map_err(|e| AppError::field("clock_rules", e.to_string()))?;
        }
    }
    Ok(table)
}

impl App {
    /// Refuse unless the staff member is an administrator.
    pub fn require_admin(&self, staff: &Staff) -> Result<(), AppError> {
        if staff.has(Role::Admin) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Tighten one clock rule; stored, audited, open cases re-flowed.
    pub async fn override_rule(
        &self,
        staff: &Staff,
        rule: ClockRule,
    ) -> Result<RuleTable, AppError> {
        self.require_admin(staff)?;
        let table = (*self.rules())
            .clone()
            .with_override(rule.clone())
            .map_err(|e| AppError::field("rule", e.to_string()))?;
        let stat = RuleTable::statutory();
        let overrides: Vec<&ClockRule> = table
            .rules
            .iter()
            .filter(|r| stat.get(r.kind) != *r)
            .collect();
        self.store
            .put_setting(RULES_SETTING, &xinfang_store::json_text(&overrides)?)
            .await?;
        self.store
            .audit(
                "settings",
                "clock_rule_changed",
                &format!("user:{}", staff.username),
                &xinfang_store::json_value(&rule)?,
            )
            .await?;
        self.set_rules(table.clone());
        self.reflow().await?;
        Ok(table)
    }
}
