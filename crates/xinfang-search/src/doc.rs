//! One indexed case: the plain data the index needs, built from a domain
//! [`Case`] and the unit tree (or synthesised directly by the benchmark).

use chrono::{Datelike, NaiveDate};
use xinfang_domain::case::{Case, Kind};
use xinfang_domain::org::{OrgTree, UnitId};
use xinfang_text::RiskLexicon;

/// A flag a search can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// 越级 (第十八条 and 第三十一条 context): any submission skipped a level.
    SkipLevel,
    /// 集体访: five or more persons.
    Collective,
    /// 重复: more than one submission, or linked to an earlier case.
    Repeat,
    /// The content matches the risk lexicon (threats, extreme statements).
    Risk,
}

impl Flag {
    /// Stable key used in the index and the API.
    pub fn key(self) -> &'static str {
        match self {
            Flag::SkipLevel => "skip_level",
            Flag::Collective => "collective",
            Flag::Repeat => "repeat",
            Flag::Risk => "risk",
        }
    }
    /// Parse an API key.
    pub fn from_key(s: &str) -> Option<Flag> {
        [Flag::SkipLevel, Flag::Collective, Flag::Repeat, Flag::Risk]
            .into_iter()
            .find(|f| f.key() == s)
    }
    /// Chinese label for pages.
    pub fn label_zh(self) -> &'static str {
        match self {
            Flag::SkipLevel => "越级",
            Flag::Collective => "集体访",
            Flag::Repeat => "重复",
            Flag::Risk => "风险",
        }
    }
}

/// Everything the index stores about one case.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexDoc {
    pub case_no: String,
    /// 请求、事实、理由, joined by newlines.
    pub content: String,
    /// Petitioner names joined by "、".
    pub names: String,
    pub region_code: String,
    /// The case's own units (registering, current, transfers, stages).
    pub units: Vec<u64>,
    /// Those units with all their ancestors.
    pub scope_units: Vec<u64>,
    /// The accused unit, only for a 检举控告 (第三十条).
    pub accused_unit: Option<u64>,
    pub current_unit: u64,
    pub channel: String,
    pub kind: String,
    pub category: Option<String>,
    pub status: String,
    pub registered_on: NaiveDate,
    pub flags: Vec<Flag>,
}

impl IndexDoc {
    /// The document of `case` under the unit tree `org`.
    pub fn from_case(case: &Case, org: &OrgTree) -> IndexDoc {
        let units: Vec<UnitId> = case.involved_units();
        let content = case.content.full_text();
        let mut flags = vec![];
        if case.submissions.iter().any(|s| s.skip_level) {
            flags.push(Flag::SkipLevel);
        }
        if case.is_collective() {
            flags.push(Flag::Collective);
        }
        if case.submissions.len() > 1
            || case.submissions.iter().any(|s| s.repeat)
            || case.related_case.is_some()
        {
            flags.push(Flag::Repeat);
        }
        if !RiskLexicon::global().scan(&content).is_empty() {
            flags.push(Flag::Risk);
        }
        IndexDoc {
            case_no: case.case_no.clone(),
            content,
            names: case
                .petitioners
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            region_code: case.region_code.clone(),
            scope_units: scope_units(&units, org),
            units: units.iter().map(|u| u.0 as u64).collect(),
            accused_unit: match case.kind {
                Kind::Accusation => Some(
                    case.accused
                        .as_ref()
                        .and_then(|a| a.unit)
                        .map(|u| u.0 as u64)
                        .unwrap_or(crate::query::UNRESOLVED_ACCUSED),
                ),
                _ => None,
            },
            current_unit: case.current_unit.0 as u64,
            channel: case.channel.key().to_string(),
            kind: case.kind.key().to_string(),
            category: case.category.clone(),
            status: case.status.key().to_string(),
            registered_on: case.registered_on(),
            flags,
        }
    }
}

/// Every ancestor-or-self of `units`, deduplicated.
pub fn scope_units(units: &[UnitId], org: &OrgTree) -> Vec<u64> {
    let mut v: Vec<u64> = units
        .iter()
        .flat_map(|u| org.ancestors_inclusive(*u).into_iter().chain([*u]))
        .map(|u| u.0 as u64)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A date as the integer the index stores (20260302).
pub fn day_number(d: NaiveDate) -> i64 {
    d.year() as i64 * 10_000 + d.month() as i64 * 100 + d.day() as i64
}

/// The inverse of [`day_number`].
pub fn from_day_number(n: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        (n / 10_000) as i32,
        (n / 100 % 100) as u32,
        (n % 100) as u32,
    )
}
