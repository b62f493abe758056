//! Dashboard analytics beyond the overview: breakdowns of 件次/批次/人次 by
//! channel, region, registering level, kind and category, and hot issues
//! (categories and terms rising week over week, `xinfang_domain::hot`), all
//! scoped to what the caller may see, with Chinese labels for display.

use crate::error::AppError;
use crate::state::App;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;
use xinfang_domain::case::{Channel, Kind};
use xinfang_domain::hot;
use xinfang_domain::{Staff, UnitKind, UnitLevel};
use xinfang_store::BreakdownRow;

/// Words every petition uses ("要求 …", "反映 …"): not stop words of the
/// language, but they say nothing about what is hot.
pub const GENERIC_TERMS: &[&str] = &[
    "要求", "请求", "反映", "希望", "问题", "解决", "处理", "情况", "相关", "有关", "部门", "信访",
    "本人", "我们",
];

/// How long the dashboard shows hot issues before counting them again.
/// They compare two whole weeks, so a minute changes little; counting them
/// is the dashboard's dearest part (≈0.3 s at a million cases), and a
/// leader's page reloading every few seconds under intake load kept a core
/// busy with it (issue #17). The API (`/api/v1/stats/hot`) always counts.
pub const HOT_MEMO_SECS: u64 = 60;

/// (scope, week) → (when counted, the hot issues with `counted_at`).
pub type HotMemo = std::sync::Arc<
    std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, HotIssues)>>,
>;

/// 热点问题：本周较上周上升最多的内容分类与诉求词语
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HotIssues {
    /// 本周第一天（周一）
    pub week_from: NaiveDate,
    /// 本周最后一天（周日）
    pub week_to: NaiveDate,
    /// 上周第一天
    pub last_week_from: NaiveDate,
    /// 上周最后一天
    pub last_week_to: NaiveDate,
    /// 本周至少这么多件才算热点
    pub min_support: u64,
    /// 上升的内容分类（key 为分类代码，label 为名称）
    pub categories: Vec<HotIssue>,
    /// 上升的诉求词语
    pub terms: Vec<HotIssue>,
    /// 统计时刻（北京时间 HH:MM；仅统计分析页，接口每次现算，不带此项）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counted_at: Option<String>,
}

/// 一个上升的热点
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HotIssue {
    /// 分类代码或诉求词语
    pub key: String,
    /// 本周件数
    pub this_week: u64,
    /// 上周件数
    pub last_week: u64,
    /// 本周减上周（大于 0）
    pub rise: i64,
    /// 分类的名称（仅内容分类）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl HotIssue {
    fn of(item: hot::HotItem, label: Option<String>) -> Self {
        HotIssue {
            key: item.key,
            this_week: item.this_week,
            last_week: item.last_week,
            rise: item.rise,
            label,
        }
    }

    /// The label, or the key where there is none (a term).
    pub fn label_or_key(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.key)
    }
}

/// Per dimension, its rows (largest 件次 first).
pub type Breakdowns = Vec<(&'static str, Vec<BreakdownRow>)>;

/// The dimensions of the breakdowns, with their Chinese titles.
pub const DIMENSIONS: &[(&str, &str)] = &[
    ("channel", "按渠道"),
    ("region", "按地区（区县）"),
    ("level", "按登记层级"),
    ("kind", "按类型"),
    ("category", "按内容分类（前 10）"),
];

impl App {
    /// The display label of a dimension value: a name, never a stored code.
    pub fn dimension_label(&self, dim: &str, key: &str) -> String {
        let label = match dim {
            "channel" => Channel::from_key(key).map(|c| c.label_zh().to_string()),
            "level" => UnitLevel::from_key(key).map(|l| l.label_zh().to_string()),
            "kind" => Kind::from_key(key).map(|k| k.label_zh().to_string()),
            "region" => {
                let org = self.org();
                let units = org.units_by_region(key);
                units
                    .iter()
                    .find(|u| u.kind == UnitKind::Government)
                    .or(units.first())
                    .map(|u| u.name.trim_end_matches("人民政府").to_string())
            }
            "category" if key.is_empty() => Some("未分类".to_string()),
            // Stored as taxonomy codes ("020101"); a leader reads names.
            "category" => Some(self.category_label(key)),
            _ => None,
        };
        label.unwrap_or_else(|| key.to_string())
    }

    /// Breakdowns of the period by every dimension (category: top 10).
    pub async fn breakdowns(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Breakdowns, AppError> {
        Ok(self.breakdowns_and_trend(staff, from, to).await?.0)
    }

    /// The breakdowns and the monthly trend by channel (`monthly_trend`)
    /// from one read of the rollup: the dashboard shows both, and each read
    /// sums the period's rows of every visible group.
    pub async fn breakdowns_and_trend(
        &self,
        staff: &Staff,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(Breakdowns, Vec<(String, String, i64)>), AppError> {
        if to < from {
            return Err(AppError::field("to", "结束日期不能早于开始日期"));
        }
        let scope = self.stats_scope(staff);
        // From the rollup (one index scan for every dimension); the direct
        // `Store::breakdown` is the reference the tests compare it with.
        self.store.fold_for_read().await?;
        let all = self
            .store
            .breakdowns_rollup(&from.to_string(), &to.to_string(), &scope)
            .await?;
        let mut out = vec![];
        for (dim, _) in DIMENSIONS {
            let mut rows = all.rows(dim);
            if *dim == "category" {
                rows.truncate(10);
            }
            out.push((*dim, rows));
        }
        Ok((out, all.monthly))
    }

    /// [`App::hot_issues`] for the dashboard: counted at most once a
    /// [`HOT_MEMO_SECS`] per scope and week, with `counted_at` (Asia/Shanghai,
    /// "HH:MM") saying when.
    pub async fn hot_issues_for_dashboard(
        &self,
        staff: &Staff,
        day: NaiveDate,
    ) -> Result<HotIssues, AppError> {
        let scope = self.stats_scope(staff);
        let key = format!(
            "{:?}|{:?}|{}",
            scope.path_prefix,
            scope.hidden_accused,
            hot::weeks_of(day).0 .0
        );
        let fresh = std::time::Duration::from_secs(HOT_MEMO_SECS);
        if let Some((at, v)) = self.hot_memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
            if at.elapsed() < fresh {
                return Ok(v);
            }
        }
        let mut v = self.hot_issues(staff, day).await?;
        v.counted_at = Some(self.now().format("%H:%M").to_string());
        if let Ok(mut m) = self.hot_memo.lock() {
            // Scopes and weeks asked for are few; forget the stale ones.
            m.retain(|_, (at, _)| at.elapsed() < fresh);
            m.insert(key, (std::time::Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// Hot issues of the week containing `day`: categories and request terms
    /// (jieba tokens, stop words removed) whose number of cases rose most over
    /// the week before, with at least `hot::MIN_SUPPORT` cases this week.
    pub async fn hot_issues(&self, staff: &Staff, day: NaiveDate) -> Result<HotIssues, AppError> {
        if !(1900..=2200).contains(&day.year()) {
            return Err(AppError::field("week", "日期应在 1900 年至 2200 年之间"));
        }
        let ((this_from, this_to), (last_from, last_to)) = hot::weeks_of(day);
        let rows = self
            .store
            .case_texts(
                &last_from.to_string(),
                &this_to.to_string(),
                &self.stats_scope(staff),
            )
            .await?;
        let this_start = this_from.to_string();
        let (this, last): (Vec<_>, Vec<_>) = rows.iter().partition(|(d, _, _)| *d >= this_start);
        let cats = |v: &[&(String, String, String)]| {
            hot::document_counts(v.iter().map(|(_, c, _)| vec![c.clone()]))
        };
        let terms = |v: &[&(String, String, String)]| {
            hot::document_counts(
                v.iter()
                    .map(|(_, _, r)| crate::hot_terms::terms_of(r).to_vec()),
            )
        };
        let categories = hot::rising(&cats(&this), &cats(&last), hot::MIN_SUPPORT, hot::TOP);
        let terms = hot::rising(&terms(&this), &terms(&last), hot::MIN_SUPPORT, hot::TOP);
        // Categories are stored as taxonomy codes; say what they are.
        let categories = categories
            .into_iter()
            .map(|c| {
                let label = self.category_label(&c.key);
                HotIssue::of(c, Some(label))
            })
            .collect();
        Ok(HotIssues {
            week_from: this_from,
            week_to: this_to,
            last_week_from: last_from,
            last_week_to: last_to,
            min_support: hot::MIN_SUPPORT,
            categories,
            terms: terms.into_iter().map(|t| HotIssue::of(t, None)).collect(),
            counted_at: None,
        })
    }
}

impl App {
    /// Segment the requests of the last two weeks into the hot-issue memo
    /// (`hot_terms`), so the first dashboard of the day does not wait for
    /// it. Returns how many requests were read.
    pub async fn warm_hot_terms(&self) -> Result<usize, AppError> {
        let ((_, to), (from, _)) = hot::weeks_of(self.now().date());
        let rows = self
            .store
            .case_texts(
                &from.to_string(),
                &to.to_string(),
                &xinfang_store::StatsScope::default(),
            )
            .await?;
        let n = rows.len();
        // CPU work (jieba): off the async workers.
        let done = tokio::task::spawn_blocking(move || {
            for (_, _, r) in &rows {
                crate::hot_terms::terms_of(r);
            }
        })
        .await;
        if let Err(e) = done {
            tracing::warn!("hot-issue warm-up stopped: {e}");
        }
        Ok(n)
    }
}

impl App {
    /// How many cases `staff` may see match `filter` (the drill-down count).
    pub async fn count_for(
        &self,
        staff: &Staff,
        mut filter: xinfang_store::CaseFilter,
    ) -> Result<i64, AppError> {
        filter.scope = Some(self.scope_of(staff));
        Ok(self.store.count_cases_remembered(&filter).await?)
    }

    /// 件次, 来访批次, 来访人次 behind a submission filter, within what `staff` may see.
    pub async fn submission_counts_for(
        &self,
        staff: &Staff,
        mut filter: xinfang_store::CaseFilter,
    ) -> Result<Option<(i64, i64, i64)>, AppError> {
        filter.scope = Some(self.scope_of(staff));
        Ok(self.store.count_submissions(&filter).await?)
    }

    /// The 件次 list (来信来访登记簿) within what `staff` may see: one page
    /// and the totals (件次, 来访批次, 来访人次), the period on each 件次's date.
    pub async fn submissions_for(
        &self,
        staff: &Staff,
        mut filter: xinfang_store::CaseFilter,
        oldest: bool,
    ) -> Result<(Vec<xinfang_store::SubmissionListRow>, (i64, i64, i64)), AppError> {
        filter.scope = Some(self.scope_of(staff));
        let totals = self.store.count_submission_rows(&filter).await?;
        let rows = self.store.list_submissions(&filter, oldest).await?;
        Ok((rows, totals))
    }
}
