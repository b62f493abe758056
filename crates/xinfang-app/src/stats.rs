//! Statistics for leaders: the overview indicators of the stats API contract
//! (issue #6 §7) and the monthly trend, scoped to what the caller may see
//! (the assessment ranking is `rankings.rs`).
//! Both read the rollup (`xinfang_store` `stats_rollup`), folded from the
//! outbox first so a change is counted as soon as it is committed (under
//! heavy intake, as `serve`'s background folder left it a fraction of a
//! second ago: `Store::fold_for_read`); the
//! direct queries (`Store::overview_counts`, `Store::unit_facts`) are the
//! reference it is tested against.

use crate::error::AppError;
use crate::state::App;
use chrono::NaiveDate;
use serde_json::{json, Value};
use xinfang_domain::metrics as m;
use xinfang_domain::{Staff, UnitId, UnitLevel};

impl App {
    /// Path prefix of a unit ("/1/4/") for subtree queries.
    pub fn unit_path(&self, unit: UnitId) -> String {
        let org = self.org();
        let path: String = org
            .ancestors_inclusive(unit)
            .iter()
            .rev()
            .map(|u| format!("{}/", u.0))
            .collect();
        format!("/{path}")
    }

    /// Submissions per month and channel for the caller's units.
    pub async fn monthly_trend(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, i64)>, AppError> {
        let scope = self.stats_scope(staff);
        self.store.fold_for_read().await?;
        Ok(self
            .store
            .breakdowns_rollup(&from.to_string(), &to.to_string(), &scope)
            .await?
            .monthly)
    }

    /// The overview for [from, to], for the caller's units or one unit below them.
    pub async fn stats_overview(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
        unit: Option<UnitId>,
    ) -> Result<Value, AppError> {
        if to < from {
            return Err(AppError::field("to", "结束日期不能早于开始日期"));
        }
        let org = self.org();
        let root = match unit {
            Some(u) if org.get(u).is_none() => return Err(AppError::field("unit", "单位不存在")),
            Some(u) if !org.is_within(u, self.reach_of(staff)) => return Err(AppError::Forbidden),
            Some(u) => u,
            None => self.reach_of(staff),
        };
        let scope = self.stats_scope_at(staff, root);
        let due_to = to.min(self.now().date());
        self.store.fold_for_read().await?;
        let c = self
            .store
            .overview_counts_rollup(
                &from.to_string(),
                &to.to_string(),
                &due_to.to_string(),
                &scope,
            )
            .await?;
        let u = |x: i64| x.max(0) as u64;
        let level = |l: UnitLevel| {
            c.levels
                .iter()
                .find(|(k, _)| k == l.key())
                .map(|(_, n)| *n)
                .unwrap_or(0)
        };
        let mut levels = serde_json::Map::new();
        for l in UnitLevel::ALL {
            levels.insert(l.key().into(), json!(level(l)));
        }
        Ok(json!({
            "from": from.to_string(),
            "to": to.to_string(),
            "unit": root.0,
            "submissions": c.submissions,
            "cases": c.cases,
            "batches": c.visits,
            "persons": c.visit_persons,
            "timely_acceptance_rate": m::timely_acceptance_rate(u(c.accept_in_time), u(c.accept_due)),
            "on_time_completion_rate": m::on_time_completion_rate(u(c.handling_in_time), u(c.handling_due)),
            "participation_rate": m::participation_rate(u(c.evaluated), u(c.delivered)),
            "satisfaction_rate": m::satisfaction_rate(u(c.satisfied), u(c.basically_satisfied), u(c.evaluated)),
            "first_time_resolution_rate": m::first_time_resolution_rate(u(c.first_time), u(c.delivered)),
            "repeat_rate": m::repeat_rate(u(c.repeats), u(c.submissions)),
            "skip_level_rate": m::skip_level_rate(u(c.skip_level_visits), u(c.visits)),
            "online_share": m::online_share(u(c.online), u(c.submissions)),
            "collective_batches": c.collective_batches,
            "level_distribution": Value::Object(levels),
            "county_and_below_share": m::rate(u(level(UnitLevel::County) + level(UnitLevel::Township)), u(c.submissions)),
            "due_to": due_to.to_string(),
            "counts": {
                "accept_due": c.accept_due, "accept_in_time": c.accept_in_time,
                "handling_due": c.handling_due, "handling_in_time": c.handling_in_time,
                "delivered": c.delivered, "evaluated": c.evaluated,
                "satisfied_or_basically": c.satisfied + c.basically_satisfied,
                "first_time": c.first_time, "repeats": c.repeats, "online": c.online,
                "visits": c.visits, "skip_level_visits": c.skip_level_visits,
                "county_and_below": level(UnitLevel::County) + level(UnitLevel::Township),
            },
        }))
    }
}
