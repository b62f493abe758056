//! Case-list filters. The dashboard's drill-down links are case lists, so the
//! filter can express exactly the sets each figure counts: the period may apply
//! to the registration date, to a submission (件次) in it, or to the date an
//! indicator fact fell due; the dimensions of the breakdowns (channel, level,
//! region, kind, category) and the indicator facts (in time / missed, evaluated,
//! satisfied, resolved first time) are conditions here, written once, so the
//! list and the aggregate in `stats.rs` agree by construction.

use crate::cases::CaseListRow;
use crate::error::StoreError;
use crate::rows::{placeholders, Val};
use crate::Store;
use sqlx::Row;

/// Which date the period (`registered_from` … `registered_to`) applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateBasis {
    /// The case's registration date (first 件次).
    #[default]
    Registered,
    /// Any submission (件次) of the case in the period; the submission
    /// conditions of [`SubmissionFilter`] apply to that same submission.
    Submitted,
    /// The first duty (forward / notice, 第二十二、二十三条) fell due in the period.
    AcceptDue,
    /// The handling limit (第三十四条) fell due in the period.
    HandlingDue,
    /// The initial reply was delivered in the period.
    Delivered,
}

impl DateBasis {
    /// The URL key.
    pub fn key(self) -> &'static str {
        match self {
            DateBasis::Registered => "registered",
            DateBasis::Submitted => "submitted",
            DateBasis::AcceptDue => "accept_due",
            DateBasis::HandlingDue => "handling_due",
            DateBasis::Delivered => "delivered",
        }
    }
    /// Parse a URL key.
    pub fn from_key(s: &str) -> Option<DateBasis> {
        [
            DateBasis::Registered,
            DateBasis::Submitted,
            DateBasis::AcceptDue,
            DateBasis::HandlingDue,
            DateBasis::Delivered,
        ]
        .into_iter()
        .find(|b| b.key() == s)
    }
    fn column(self) -> &'static str {
        match self {
            DateBasis::Registered => "c.registered_on",
            DateBasis::Submitted => "s.registered_on",
            DateBasis::AcceptDue => "c.accept_due",
            DateBasis::HandlingDue => "c.handling_due",
            DateBasis::Delivered => "c.delivered_on",
        }
    }
}

/// Conditions on one submission (件次) of the case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubmissionFilter {
    pub channel: Option<String>,
    /// Level of the registering body ("county", …; comma-separated for several): the 倒金字塔.
    pub level: Option<String>,
    pub skip_level: bool,
    pub repeat: bool,
    /// A collective visit (来访, ≥ 5 persons).
    pub collective: bool,
    /// Any visit (来访批次).
    pub visit: bool,
}

impl SubmissionFilter {
    fn is_empty(&self) -> bool {
        *self == SubmissionFilter::default()
    }
}

/// Indicator facts (`xinfang_domain::metrics::CaseFacts`) a case may have.
pub const FACTS: &[(&str, &str)] = &[
    (
        "accept_in_time",
        "c.accept_met IS NOT NULL AND c.accept_met <= c.accept_due",
    ),
    (
        "accept_missed",
        "(c.accept_met IS NULL OR c.accept_met > c.accept_due)",
    ),
    (
        "handling_in_time",
        "c.handling_met IS NOT NULL AND c.handling_met <= c.handling_due",
    ),
    (
        "handling_missed",
        "(c.handling_met IS NULL OR c.handling_met > c.handling_due)",
    ),
    ("evaluated", "c.satisfaction IS NOT NULL"),
    ("not_evaluated", "c.satisfaction IS NULL"),
    (
        "satisfied",
        "c.satisfaction IN ('satisfied', 'basically_satisfied')",
    ),
    (
        "first_time",
        "c.review_requested = 0 AND c.repeats_after_delivery = 0",
    ),
    (
        "not_first_time",
        "(c.review_requested <> 0 OR c.repeats_after_delivery <> 0)",
    ),
];

/// The order of a case list (the list page's sortable headings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseSort {
    /// Latest registered first (the default).
    #[default]
    Newest,
    Oldest,
    /// The nearest time limit first; cases without a running clock last.
    DueFirst,
    DueLast,
}

impl CaseSort {
    fn order_by(self) -> &'static str {
        match self {
            CaseSort::Newest => "c.id DESC",
            CaseSort::Oldest => "c.id ASC",
            CaseSort::DueFirst => "c.next_due IS NULL, c.next_due ASC, c.id DESC",
            CaseSort::DueLast => "c.next_due IS NULL, c.next_due DESC, c.id DESC",
        }
    }
}

/// Which cases to list. `scope` restricts to what one user may see.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    /// What the viewer may see (`CaseScope`, the twin of the domain's
    /// `Viewer`). None = everything (system jobs).
    pub scope: Option<crate::CaseScope>,
    pub statuses: Vec<String>,
    pub current_unit: Option<i64>,
    /// Only cases where this unit must act next.
    pub action_unit: Option<i64>,
    pub grade: Option<String>,
    /// The period, on the date chosen by `basis` (inclusive, 'YYYY-MM-DD').
    pub registered_from: Option<String>,
    pub registered_to: Option<String>,
    pub basis: DateBasis,
    pub submission: SubmissionFilter,
    pub kind: Option<String>,
    /// Exact category; the empty string means "not classified".
    pub category: Option<String>,
    pub region: Option<String>,
    /// A key of [`FACTS`]; unknown keys match nothing.
    pub fact: Option<String>,
    /// Substring of the request (hot terms).
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
    pub sort: CaseSort,
}

impl CaseFilter {
    /// The WHERE conditions (after `WHERE 1 = 1`) on case alias `c`, and their binds from `$1`.
    pub(crate) fn conditions(&self) -> (String, Vec<Val>) {
        self.conditions_on(false)
    }

    /// The conditions with the submission conditions (and the period, on
    /// the 件次's own date) on a joined `submissions s` row: the 件次 list.
    pub(crate) fn submission_conditions(&self) -> (String, Vec<Val>) {
        let mut f = self.clone();
        f.basis = DateBasis::Submitted;
        f.conditions_on(true)
    }

    /// Whether the filter selects submissions (件次) as well as cases.
    pub fn selects_submissions(&self) -> bool {
        self.basis == DateBasis::Submitted || !self.submission.is_empty()
    }

    /// As [`Self::conditions`]; with `joined`, the submission conditions apply
    /// to a joined `submissions s` row instead of an EXISTS (to count 件次).
    fn conditions_on(&self, joined: bool) -> (String, Vec<Val>) {
        let mut sql = String::new();
        let mut binds: Vec<Val> = vec![];
        let push = |b: Val, binds: &mut Vec<Val>| {
            binds.push(b);
            binds.len()
        };
        if let Some(scope) = &self.scope {
            crate::scope::push_scope(&mut sql, &mut binds, scope, "c");
        }
        if !self.statuses.is_empty() {
            let start = binds.len() + 1;
            binds.extend(self.statuses.iter().map(|s| Val::S(s.clone())));
            sql.push_str(&format!(
                " AND c.status IN ({})",
                placeholders(start, self.statuses.len())
            ));
        }
        let eq = |col: &str, v: Val, sql: &mut String, binds: &mut Vec<Val>| {
            let n = push(v, binds);
            sql.push_str(&format!(" AND {col} = ${n}"));
        };
        if let Some(u) = self.current_unit {
            eq("c.current_unit", Val::I(u), &mut sql, &mut binds);
        }
        if let Some(u) = self.action_unit {
            eq("c.action_unit", Val::I(u), &mut sql, &mut binds);
        }
        if let Some(g) = &self.grade {
            eq("c.grade", Val::S(g.clone()), &mut sql, &mut binds);
        }
        if let Some(k) = &self.kind {
            eq("c.kind", Val::S(k.clone()), &mut sql, &mut binds);
        }
        if let Some(r) = &self.region {
            eq("c.region_code", Val::S(r.clone()), &mut sql, &mut binds);
        }
        match self.category.as_deref() {
            Some("") => sql.push_str(" AND (c.category IS NULL OR c.category = '')"),
            Some(cat) => eq("c.category", Val::S(cat.into()), &mut sql, &mut binds),
            None => {}
        }
        if let Some(f) = &self.fact {
            match FACTS.iter().find(|(k, _)| k == f) {
                Some((_, cond)) => sql.push_str(&format!(" AND {cond}")),
                None => sql.push_str(" AND 1 = 0"),
            }
        }
        if let Some(t) = self.text.as_deref().filter(|t| !t.is_empty()) {
            let n = push(Val::S(format!("%{t}%")), &mut binds);
            sql.push_str(&format!(" AND c.request LIKE ${n}"));
        }
        // The period, on its date; submissions conditions in one EXISTS.
        let mut period = String::new();
        let col = self.basis.column();
        if let Some(d) = &self.registered_from {
            let n = push(Val::S(d.clone()), &mut binds);
            period.push_str(&format!(" AND {col} >= ${n}"));
        }
        if let Some(d) = &self.registered_to {
            let n = push(Val::S(d.clone()), &mut binds);
            period.push_str(&format!(" AND {col} <= ${n}"));
        }
        let s = &self.submission;
        if self.selects_submissions() {
            let mut sub = String::new();
            if let Some(ch) = &s.channel {
                let n = push(Val::S(ch.clone()), &mut binds);
                sub.push_str(&format!(" AND s.channel = ${n}"));
            }
            if let Some(l) = &s.level {
                // One level, or several separated by commas (县及以下 = county,township).
                let levels: Vec<&str> = l.split(',').filter(|x| !x.is_empty()).collect();
                let start = binds.len() + 1;
                binds.extend(levels.iter().map(|x| Val::S(x.to_string())));
                sub.push_str(&format!(
                    " AND s.unit_level IN ({})",
                    placeholders(start, levels.len().max(1))
                ));
                if levels.is_empty() {
                    binds.push(Val::S(String::new()));
                }
            }
            if s.skip_level {
                sub.push_str(" AND s.channel = 'visit' AND s.skip_level = 1");
            }
            if s.repeat {
                sub.push_str(" AND s.is_repeat = 1");
            }
            if s.collective {
                sub.push_str(" AND s.channel = 'visit' AND s.persons >= 5");
            }
            if s.visit {
                sub.push_str(" AND s.channel = 'visit'");
            }
            if self.basis == DateBasis::Submitted {
                sub.push_str(&period);
                period.clear();
            }
            if joined {
                sql.push_str(&sub);
            } else {
                sql.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM submissions s WHERE s.case_id = c.id{sub})"
                ));
            }
        }
        sql.push_str(&period);
        (sql, binds)
    }
}

impl Store {
    /// A page of cases matching the filter, newest first.
    pub async fn list_cases(&self, f: &CaseFilter) -> Result<Vec<CaseListRow>, StoreError> {
        let (cond, mut binds) = f.conditions();
        binds.push(Val::I(if f.limit > 0 { f.limit } else { 50 }));
        binds.push(Val::I(f.offset));
        // The page's ids first, from the filter's index where it covers
        // the conditions, then only those rows: sorting the full rows of
        // every match made a status list at 1M cases take ~1 s (#17).
        let sql = format!(
            "SELECT c.case_no, c.channel, c.kind, c.status, c.stage, c.registered_at, c.current_unit, c.next_due, c.grade, c.petitioner_names, c.request, c.persons, c.skip_level FROM cases c \
             WHERE c.id IN (SELECT c.id FROM cases c WHERE 1 = 1{cond} ORDER BY {order} LIMIT ${} OFFSET ${}) ORDER BY {order}",
            binds.len() - 1,
            binds.len(),
            order = f.sort.order_by(),
        );
        let rows = crate::db::bind_all(sqlx::query(&sql), binds)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseListRow {
                    case_no: r.try_get("case_no")?,
                    channel: r.try_get("channel")?,
                    kind: r.try_get("kind")?,
                    status: r.try_get("status")?,
                    stage: r.try_get("stage")?,
                    registered_at: r.try_get("registered_at")?,
                    current_unit: r.try_get("current_unit")?,
                    next_due: r.try_get("next_due")?,
                    grade: r.try_get("grade")?,
                    petitioner_names: r.try_get("petitioner_names")?,
                    request: r.try_get("request")?,
                    persons: r.try_get("persons")?,
                    skip_level: r.try_get::<i64, _>("skip_level")? != 0,
                })
            })
            .collect()
    }

    /// The 件次, 来访批次 and 来访人次 behind a submission filter: the matching
    /// submissions of the matching cases (what a dashboard 件次/批次/人次
    /// figure counts). None when the filter does not select submissions.
    pub async fn count_submissions(
        &self,
        f: &CaseFilter,
    ) -> Result<Option<(i64, i64, i64)>, StoreError> {
        if !f.selects_submissions() {
            return Ok(None);
        }
        let (cond, binds) = f.conditions_on(true);
        self.submission_totals(&cond, binds).await.map(Some)
    }

    /// The 件次 list's totals (`submission_list.rs`): 件次, 来访批次 and
    /// 来访人次 of the filter with its period on the 件次's own date.
    pub async fn count_submission_rows(
        &self,
        f: &CaseFilter,
    ) -> Result<(i64, i64, i64), StoreError> {
        let (cond, binds) = f.submission_conditions();
        self.submission_totals(&cond, binds).await
    }

    async fn submission_totals(
        &self,
        cond: &str,
        binds: Vec<Val>,
    ) -> Result<(i64, i64, i64), StoreError> {
        let sql = format!(
            "SELECT COUNT(*) AS n, \
             CAST(COALESCE(SUM(CASE WHEN s.channel = 'visit' THEN 1 ELSE 0 END), 0) AS BIGINT) AS visits, \
             CAST(COALESCE(SUM(CASE WHEN s.channel = 'visit' THEN s.persons ELSE 0 END), 0) AS BIGINT) AS visit_persons \
             FROM submissions s JOIN cases c ON c.id = s.case_id WHERE 1 = 1{cond}"
        );
        let r = crate::db::bind_all(sqlx::query(&sql), binds)
            .fetch_one(self.reader())
            .await?;
        Ok((
            r.try_get("n")?,
            r.try_get("visits")?,
            r.try_get("visit_persons")?,
        ))
    }

    /// How many cases match the filter (ignoring limit and offset).
    pub async fn count_cases(&self, f: &CaseFilter) -> Result<i64, StoreError> {
        let (cond, binds) = f.conditions();
        self.read_case_count(cond, binds).await
    }

    /// As [`Store::count_cases`], remembered (`stats/memo.rs`): the case
    /// list counts every matching case on every page it shows — at a
    /// million cases tens of milliseconds on SQLite and most of a second on
    /// PostgreSQL — while paging through a list, or reopening it, asks the
    /// same question again. The answer is kept with the latest change
    /// (outbox position) it saw: exact while nothing was committed since;
    /// under busy intake up to a few seconds old, as the statistics are.
    pub async fn count_cases_remembered(&self, f: &CaseFilter) -> Result<i64, StoreError> {
        let (cond, binds) = f.conditions();
        let key = format!("count{cond} {binds:?}");
        let cursor = self.max_outbox_id().await?;
        self.remembered_at(key, cursor, move |s| async move {
            s.read_case_count(cond, binds).await
        })
        .await
    }

    async fn read_case_count(&self, cond: String, binds: Vec<Val>) -> Result<i64, StoreError> {
        let sql = format!("SELECT COUNT(*) AS n FROM cases c WHERE 1 = 1{cond}");
        Ok(crate::db::bind_all(sqlx::query(&sql), binds)
            .fetch_one(self.reader())
            .await?
            .try_get("n")?)
    }
}
