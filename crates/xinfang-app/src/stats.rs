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
use serde::Serialize;
use utoipa::ToSchema;
use xinfang_domain::metrics as m;
use xinfang_domain::{Staff, UnitId, UnitLevel};

/// 统计概览：件次、事项、批次、人次和各项比率（接口约定，issue #6 §7）。
/// 比率为 0 到 1 之间的小数，无分母时为 null。
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Overview {
    /// 统计期间第一天
    pub from: NaiveDate,
    /// 统计期间最后一天
    pub to: NaiveDate,
    /// 统计的单位（本人所辖或指定的下级单位）
    pub unit: i64,
    /// 信访件次
    pub submissions: i64,
    /// 信访事项
    pub cases: i64,
    /// 来访批次
    pub batches: i64,
    /// 来访人次
    pub persons: i64,
    /// 及时受理率
    pub timely_acceptance_rate: Option<f64>,
    /// 按期办结率
    pub on_time_completion_rate: Option<f64>,
    /// 参评率
    pub participation_rate: Option<f64>,
    /// 满意率（满意和基本满意）
    pub satisfaction_rate: Option<f64>,
    /// 一次性化解率
    pub first_time_resolution_rate: Option<f64>,
    /// 重复信访率
    pub repeat_rate: Option<f64>,
    /// 越级访占比
    pub skip_level_rate: Option<f64>,
    /// 网信占比
    pub online_share: Option<f64>,
    /// 集体访批次（5 人及以上）
    pub collective_batches: i64,
    /// 各登记层级的件次（倒金字塔）
    pub level_distribution: LevelDistribution,
    /// 县及以下占比
    pub county_and_below_share: Option<f64>,
    /// 到期事项统计到这一天（不晚于今天）
    pub due_to: NaiveDate,
    /// 各比率的分子和分母
    pub counts: OverviewFigures,
}

/// 各登记层级的件次
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LevelDistribution {
    /// 国家级
    pub national: i64,
    /// 省级
    pub provincial: i64,
    /// 市级
    pub municipal: i64,
    /// 县级
    pub county: i64,
    /// 乡镇级
    pub township: i64,
}

impl LevelDistribution {
    /// The submissions registered at `level`.
    pub fn at(&self, level: UnitLevel) -> i64 {
        match level {
            UnitLevel::National => self.national,
            UnitLevel::Provincial => self.provincial,
            UnitLevel::Municipal => self.municipal,
            UnitLevel::County => self.county,
            UnitLevel::Township => self.township,
        }
    }
}

/// 各比率的分子和分母
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OverviewFigures {
    /// 期间内受理期限届满的事项
    pub accept_due: i64,
    /// 其中按时受理的
    pub accept_in_time: i64,
    /// 期间内办理期限届满的事项
    pub handling_due: i64,
    /// 其中按期办结的
    pub handling_in_time: i64,
    /// 期间内送达处理意见的事项
    pub delivered: i64,
    /// 其中已评价的
    pub evaluated: i64,
    /// 评价为满意或基本满意的
    pub satisfied_or_basically: i64,
    /// 一次性化解的
    pub first_time: i64,
    /// 重复件次
    pub repeats: i64,
    /// 网上信访件次
    pub online: i64,
    /// 来访批次
    pub visits: i64,
    /// 越级来访批次
    pub skip_level_visits: i64,
    /// 县及以下登记的件次
    pub county_and_below: i64,
}

impl Overview {
    /// A figure by its key in the answer ("submissions", "repeat_rate", …):
    /// the volumes as numbers, the rates as they are (None: no
    /// denominator, or no such key). The dashboard and the Excel table name
    /// their indicators by these keys.
    pub fn figure(&self, key: &str) -> Option<f64> {
        let n = |x: i64| Some(x as f64);
        match key {
            "submissions" => n(self.submissions),
            "cases" => n(self.cases),
            "batches" => n(self.batches),
            "persons" => n(self.persons),
            "collective_batches" => n(self.collective_batches),
            "timely_acceptance_rate" => self.timely_acceptance_rate,
            "on_time_completion_rate" => self.on_time_completion_rate,
            "participation_rate" => self.participation_rate,
            "satisfaction_rate" => self.satisfaction_rate,
            "first_time_resolution_rate" => self.first_time_resolution_rate,
            "repeat_rate" => self.repeat_rate,
            "skip_level_rate" => self.skip_level_rate,
            "online_share" => self.online_share,
            "county_and_below_share" => self.county_and_below_share,
            _ => None,
        }
    }
}

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
        crate::period::check(from, to)?;
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
    ) -> Result<Overview, AppError> {
        crate::period::check(from, to)?;
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
        let county_and_below = level(UnitLevel::County) + level(UnitLevel::Township);
        Ok(Overview {
            from,
            to,
            unit: root.0,
            submissions: c.submissions,
            cases: c.cases,
            batches: c.visits,
            persons: c.visit_persons,
            timely_acceptance_rate: m::timely_acceptance_rate(u(c.accept_in_time), u(c.accept_due)),
            on_time_completion_rate: m::on_time_completion_rate(
                u(c.handling_in_time),
                u(c.handling_due),
            ),
            participation_rate: m::participation_rate(u(c.evaluated), u(c.delivered)),
            satisfaction_rate: m::satisfaction_rate(
                u(c.satisfied),
                u(c.basically_satisfied),
                u(c.evaluated),
            ),
            first_time_resolution_rate: m::first_time_resolution_rate(
                u(c.first_time),
                u(c.delivered),
            ),
            repeat_rate: m::repeat_rate(u(c.repeats), u(c.submissions)),
            skip_level_rate: m::skip_level_rate(u(c.skip_level_visits), u(c.visits)),
            online_share: m::online_share(u(c.online), u(c.submissions)),
            collective_batches: c.collective_batches,
            level_distribution: LevelDistribution {
                national: level(UnitLevel::National),
                provincial: level(UnitLevel::Provincial),
                municipal: level(UnitLevel::Municipal),
                county: level(UnitLevel::County),
                township: level(UnitLevel::Township),
            },
            county_and_below_share: m::rate(u(county_and_below), u(c.submissions)),
            due_to,
            counts: OverviewFigures {
                accept_due: c.accept_due,
                accept_in_time: c.accept_in_time,
                handling_due: c.handling_due,
                handling_in_time: c.handling_in_time,
                delivered: c.delivered,
                evaluated: c.evaluated,
                satisfied_or_basically: c.satisfied + c.basically_satisfied,
                first_time: c.first_time,
                repeats: c.repeats,
                online: c.online,
                visits: c.visits,
                skip_level_visits: c.skip_level_visits,
                county_and_below,
            },
        })
    }
}
