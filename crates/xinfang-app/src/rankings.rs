//! 单位考核排名 (第三十九条: yearly assessment; monthly in practice): every
//! unit of the caller's area with its four rates and the weighted score.
//!
//! Why a module of its own: the score is where a ranking goes wrong. A unit
//! with nothing due in the period has no rate, so it gets no score ("—"),
//! never points, and is listed after every unit that was assessed — it is
//! still listed, so a leader sees who had nothing rather than wondering who
//! is missing. Units with equal scores are ordered by how much was assessed
//! (the sum of the four denominators), so one case met in time does not
//! outrank forty.

use crate::error::AppError;
use crate::state::App;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use xinfang_domain::metrics as m;
use xinfang_domain::{Staff, UnitId};

/// 单位考核排名：所辖每个单位；本期无考核数据的单位 rank、score 为 null，排在最后
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Rankings {
    /// 统计期间第一天
    pub from: NaiveDate,
    /// 统计期间最后一天
    pub to: NaiveDate,
    /// 计算得分所用的权重
    pub weights: m::RankingWeights,
    /// 按得分排列的单位
    pub units: Vec<UnitRanking>,
}

/// 一个单位的考核结果（比率为 0 到 1 之间的小数，无分母时为 null）
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UnitRanking {
    /// 单位编号
    pub unit_id: i64,
    /// 单位名称
    pub unit: String,
    /// 名次（从 1 起；无考核数据的单位为 null）
    pub rank: Option<usize>,
    /// 及时受理率
    pub timely_acceptance_rate: Option<f64>,
    /// 按期办结率
    pub on_time_completion_rate: Option<f64>,
    /// 满意率
    pub satisfaction_rate: Option<f64>,
    /// 一次性化解率
    pub first_time_resolution_rate: Option<f64>,
    /// 加权得分（0–100；无考核数据时为 null）
    pub score: Option<f64>,
    /// 考核基数：四项比率的分母之和
    pub base: i64,
}

impl UnitRanking {
    /// The four rates in the order the tables show them: 及时受理率,
    /// 按期办结率, 满意率, 一次性化解率.
    pub fn rates(&self) -> [Option<f64>; 4] {
        [
            self.timely_acceptance_rate,
            self.on_time_completion_rate,
            self.satisfaction_rate,
            self.first_time_resolution_rate,
        ]
    }
}

/// Settings key of the assessment weights.
pub const WEIGHTS_SETTING: &str = "ranking_weights";

/// One unit's place in the ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub unit: i64,
    /// 及时受理率, 按期办结率, 满意率, 一次性化解率 (None: nothing to rate).
    pub rates: [Option<f64>; 4],
    /// The weighted score, None when no rate applies.
    pub score: Option<f64>,
    /// 1-based place among scored units; None for a unit without data.
    pub rank: Option<usize>,
    /// How much was assessed: the sum of the four denominators.
    pub base: i64,
}

/// Rank units from their facts (`Store::unit_facts` rows: unit, accept due,
/// accept in time, handling due, handling in time, delivered, evaluated,
/// satisfied or basically, resolved first time). Pure, so it is tested here.
pub fn rank(weights: &m::RankingWeights, rows: &[[i64; 9]]) -> Vec<Ranked> {
    let u = |x: i64| x.max(0) as u64;
    let mut out: Vec<Ranked> = rows
        .iter()
        .map(|r| {
            let rates = [
                m::rate(u(r[2]), u(r[1])),
                m::rate(u(r[4]), u(r[3])),
                m::rate(u(r[7]), u(r[6])),
                m::rate(u(r[8]), u(r[5])),
            ];
            Ranked {
                unit: r[0],
                rates,
                score: m::assessment_score(weights, rates),
                rank: None,
                base: [r[1], r[3], r[6], r[5]].iter().map(|x| x.max(&0)).sum(),
            }
        })
        .collect();
    out.sort_by(|a, b| match (a.score, b.score) {
        (Some(x), Some(y)) => y
            .partial_cmp(&x)
            .unwrap_or(Ordering::Equal)
            .then(b.base.cmp(&a.base))
            .then(a.unit.cmp(&b.unit)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.unit.cmp(&b.unit),
    });
    for (i, r) in out.iter_mut().enumerate() {
        if r.score.is_some() {
            r.rank = Some(i + 1);
        }
    }
    out
}

impl App {
    /// The assessment weights in force (an administrator's setting).
    pub async fn ranking_weights(&self) -> Result<m::RankingWeights, AppError> {
        Ok(match self.store.get_setting(WEIGHTS_SETTING).await? {
            Some(j) => serde_json::from_str(&j).unwrap_or_default(),
            None => m::RankingWeights::default(),
        })
    }

    /// Every unit of the caller's area (and any other unit holding a case
    /// in it) ranked by the weighted assessment score for [from, to].
    pub async fn unit_rankings(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Rankings, AppError> {
        crate::period::check(from, to)?;
        let weights = self.ranking_weights().await?;
        let scope = self.stats_scope(staff);
        let due_to = to.min(self.now().date());
        self.store.fold_for_read().await?;
        let mut rows: BTreeMap<i64, [i64; 9]> = self
            .store
            .unit_facts_rollup(&from.to_string(), &due_to.to_string(), &scope)
            .await?
            .into_iter()
            .map(|r| (r[0], r))
            .collect();
        for unit in self.org().subtree(self.reach_of(staff)) {
            rows.entry(unit.0).or_insert_with(|| {
                let mut r = [0; 9];
                r[0] = unit.0;
                r
            });
        }
        let rows: Vec<[i64; 9]> = rows.into_values().collect();
        let units = rank(&weights, &rows)
            .into_iter()
            .map(|r| UnitRanking {
                unit_id: r.unit,
                unit: self.unit_name(UnitId(r.unit)),
                rank: r.rank,
                timely_acceptance_rate: r.rates[0],
                on_time_completion_rate: r.rates[1],
                satisfaction_rate: r.rates[2],
                first_time_resolution_rate: r.rates[3],
                score: r.score,
                base: r.base,
            })
            .collect();
        Ok(Rankings {
            from,
            to,
            weights,
            units,
        })
    }

    /// Set the assessment weights (管理员), audited.
    pub async fn set_ranking_weights(
        &self,
        staff: &Staff,
        w: m::RankingWeights,
    ) -> Result<(), AppError> {
        self.require_admin(staff)?;
        let all = [
            w.timely_acceptance,
            w.on_time_completion,
            w.satisfaction,
            w.first_time_resolution,
        ];
        if all.iter().any(|x| !(0.0..=1.0).contains(x)) || all.iter().sum::<f64>() <= 0.0 {
            return Err(AppError::field(
                "weights",
                "权重应在 0 到 1 之间，且不全为 0",
            ));
        }
        let j = xinfang_store::json_text(&w)?;
        self.store.put_setting(WEIGHTS_SETTING, &j).await?;
        self.store
            .audit(
                "settings",
                "ranking_weights_changed",
                &format!("user:{}", staff.username),
                &xinfang_store::json_value(&w)?,
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// unit, accept due/in time, handling due/in time, delivered, evaluated, satisfied, first time.
    fn row(unit: i64, f: [i64; 8]) -> [i64; 9] {
        let mut r = [unit; 9];
        r[1..].copy_from_slice(&f);
        r
    }

    #[test]
    fn a_unit_without_data_gets_no_score_and_comes_last() {
        let w = m::RankingWeights::default();
        let rows = [
            row(1, [0; 8]),
            row(2, [4, 2, 2, 1, 3, 2, 1, 2]),
            row(3, [1, 1, 0, 0, 0, 0, 0, 0]),
            row(4, [0; 8]),
        ];
        let r = rank(&w, &rows);
        let order: Vec<i64> = r.iter().map(|x| x.unit).collect();
        assert_eq!(order, [3, 2, 1, 4], "scored units first, by score");
        for nodata in &r[2..] {
            assert_eq!(nodata.score, None, "no points without data");
            assert_eq!(nodata.rank, None, "no place without data");
            assert_eq!(nodata.rates, [None; 4]);
        }
        assert_eq!((r[0].rank, r[1].rank), (Some(1), Some(2)));
        assert!(r[1].score.unwrap() < 100.0);
    }

    #[test]
    fn equal_scores_rank_the_larger_base_first() {
        let w = m::RankingWeights::default();
        // Both perfect: one duty met in time against forty cases done right.
        let rows = [
            row(7, [1, 1, 0, 0, 0, 0, 0, 0]),
            row(8, [10, 10, 10, 10, 10, 10, 10, 10]),
        ];
        let r = rank(&w, &rows);
        assert_eq!(r[0].unit, 8);
        assert_eq!((r[0].base, r[1].base), (40, 1));
        assert_eq!(r[0].score, r[1].score);
        assert_eq!((r[0].rank, r[1].rank), (Some(1), Some(2)));
    }

    #[test]
    fn negative_counts_are_not_data() {
        // A rollup never goes below zero, but if it did it is no evidence.
        let r = rank(&m::RankingWeights::default(), &[row(5, [-1; 8])]);
        assert_eq!((r[0].score, r[0].rank, r[0].base), (None, None, 0));
    }
}
