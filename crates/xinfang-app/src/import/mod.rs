//! Import of historical cases from .xlsx (calamine). A dry run validates every
//! row — the pure checks of [`row::parse_row`] (dates, channel, kind, ID
//! checksum, phone), then the organisation (known region, known registering
//! unit) and the registration rules of the domain (第十九、二十条) — and reports
//! each rejected row with its number and the reasons in Chinese. The real run
//! writes all rows in one transaction, or nothing when any row is bad. Each
//! imported case is registered as intake registers one (`domain::case::register`
//! as of its historical date: numbered, chained event, clocks), marked in
//! `case_imports`, so statistics cannot tell it from a case typed in. Its
//! 办理状态 (see [`history`]) is then replayed through the domain ([`replay`]):
//! 转送, 签收, 受理, 答复, 送达 and 评价 as events with their historical dates,
//! in the same transaction, so clocks, facts and statistics are those of the
//! real history; the dry run replays them too, so a refused step rejects the row.

pub mod history;
pub mod replay;
pub mod row;

use crate::auth::random_query_code;
use crate::error::AppError;
use crate::intake::{hash_code, petitioner_keys};
use crate::state::App;
use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;
use std::io::Cursor;
use xinfang_domain::case::{
    register, Accused, Content, Ctx, EventBody, Kind, Register, Registration,
};
use xinfang_domain::{Actor, UnitId};
use xinfang_store::{ImportedCase, NewCaseRecord};

/// Largest number of data rows in one file.
pub const MAX_ROWS: usize = 20_000;

/// One rejected row.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Rejection {
    /// Row number as Excel shows it (the header is row 1).
    pub row: usize,
    pub reasons: Vec<String>,
}

/// What an import did (or, on a dry run, would do).
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    pub accepted: usize,
    pub rejected: Vec<Rejection>,
    /// Case numbers written (empty on a dry run or when anything was rejected).
    pub case_nos: Vec<String>,
}

/// A cell as text; Excel dates become 'YYYY-MM-DD', whole numbers lose ".0".
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| {
                    (0.0..2_958_466.0)
                        .contains(&serial)
                        .then(|| base + chrono::Duration::days(serial.floor() as i64))
                })
                .map(|d| d.to_string())
                .unwrap_or_default()
        }
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// The first worksheet as rows of text.
pub fn read_sheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    let bad = |e: String| AppError::field("file", format!("无法读取 Excel 文件：{e}"));
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad("没有工作表".into()))?
        .map_err(|e| bad(e.to_string()))?;
    Ok(range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect())
}

impl App {
    /// Validate (and unless `dry_run`, import) the historical cases in `bytes`.
    /// `actor` names who imports, for the audit log. When any row is rejected
    /// nothing is written and the report lists every rejected row.
    pub async fn import_cases(
        &self,
        bytes: &[u8],
        dry_run: bool,
        actor: &str,
        batch: &str,
    ) -> Result<ImportReport, AppError> {
        let rows = read_sheet(bytes)?;
        let Some((header, data)) = rows.split_first() else {
            return Err(AppError::field("file", "工作表为空"));
        };
        let layout = row::layout(header).map_err(|e| AppError::field("file", e))?;
        if data.len() > MAX_ROWS {
            return Err(AppError::field(
                "file",
                format!("一次最多导入 {MAX_ROWS} 行，本文件 {} 行", data.len()),
            ));
        }
        let org = self.org();
        let (cal, rules) = (self.calendar(), self.rules());
        let today = self.now().date();
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
        let mut report = ImportReport {
            dry_run,
            rows: 0,
            accepted: 0,
            rejected: vec![],
            case_nos: vec![],
        };
        let mut ready = vec![];
        for (i, cells) in data.iter().enumerate() {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            report.rows += 1;
            let row_no = i + 2;
            let parsed = match row::parse_row(&layout, cells, today) {
                Ok(p) => p,
                Err(reasons) => {
                    report.rejected.push(Rejection {
                        row: row_no,
                        reasons,
                    });
                    continue;
                }
            };
            let mut reasons = vec![];
            if org.units_by_region(&parsed.region_code).is_empty() {
                reasons.push(format!("未知的地区代码：{}", parsed.region_code));
            }
            let unit = org
                .units()
                .find(|u| u.name == parsed.unit_name)
                .map(|u| (u.id, u.level));
            if unit.is_none() {
                reasons.push(format!("未知的登记单位：{}", parsed.unit_name));
            }
            let handler = match &parsed.history.handler_unit {
                None => None,
                Some(name) => {
                    let h = org.units().find(|u| &u.name == name).map(|u| u.id);
                    if h.is_none() {
                        reasons.push(format!("未知的办理单位：{name}"));
                    }
                    h
                }
            };
            // 第三十条: the accused of a 检举控告 is kept, as a unit of the tree.
            let accused = if parsed.kind == Kind::Accusation
                && !(parsed.accused_unit.is_empty() && parsed.accused_person.is_empty())
            {
                let unit = (!parsed.accused_unit.is_empty())
                    .then(|| org.match_unit_name(&parsed.accused_unit, &parsed.region_code))
                    .flatten();
                if unit.is_none() && !parsed.accused_unit.is_empty() {
                    reasons.push(format!("未知的被反映单位：{}", parsed.accused_unit));
                }
                Some(Accused {
                    person: (!parsed.accused_person.is_empty())
                        .then(|| parsed.accused_person.clone()),
                    unit,
                    unit_name: (!parsed.accused_unit.is_empty())
                        .then(|| parsed.accused_unit.clone()),
                })
            } else {
                None
            };
            let (Some((unit, level)), true) = (unit, reasons.is_empty()) else {
                report.rejected.push(Rejection {
                    row: row_no,
                    reasons,
                });
                continue;
            };
            let cmd = Register {
                channel: parsed.channel,
                kind: parsed.kind,
                persons: parsed.persons,
                petitioners: parsed.petitioners,
                content: Content {
                    request: parsed.request,
                    facts: parsed.facts,
                    reasons: String::new(),
                },
                region_code: parsed.region_code,
                accused,
                category: parsed.category,
                registering_unit: UnitId(unit.0),
                // History replays its own route; the flag goes to the store column.
                litigation_cues: vec![],
                new_matter_reason: None,
            };
            let ctx = Ctx {
                org: &org,
                calendar: &cal,
                rules: &rules,
                now: parsed.date.and_time(nine),
            };
            let event = match register(&cmd, String::new(), None, &Actor::System, &ctx) {
                Ok(Registration::NewCase(ev)) => ev,
                Ok(Registration::Repeat { .. }) => {
                    report.rejected.push(Rejection {
                        row: row_no,
                        reasons: vec!["登记结果异常".into()],
                    });
                    continue;
                }
                Err(e) => {
                    report.rejected.push(Rejection {
                        row: row_no,
                        reasons: vec![e.to_string()],
                    });
                    continue;
                }
            };
            let EventBody::Registered(c) = &event.body else {
                continue;
            };
            let mut case = (**c).clone();
            case.apply(&event);
            let projection = self.project(&case);
            let project = |c: &xinfang_domain::case::Case| self.project(c);
            let steps = match replay::replay(
                &case,
                &parsed.history,
                handler,
                &org,
                &cal,
                &rules,
                &project,
                &parsed.source_status,
            ) {
                Ok(s) => s,
                Err(reason) => {
                    report.rejected.push(Rejection {
                        row: row_no,
                        reasons: vec![reason],
                    });
                    continue;
                }
            };
            let keys = petitioner_keys(&case.petitioners);
            let litigation = !self
                .analyze(&case.content.full_text())
                .litigation_cues
                .is_empty();
            ready.push(ImportedCase {
                record: NewCaseRecord {
                    case,
                    event,
                    registering_level: level,
                    query_code_hash: hash_code(&random_query_code()),
                    petitioner_keys: keys,
                    projection,
                    litigation,
                    // History: its risks were handled then.
                    warning: None,
                    idempotency: None,
                },
                row_no: row_no as i64,
                source_status: parsed.source_status,
                steps,
            });
        }
        report.accepted = ready.len();
        if dry_run || !report.rejected.is_empty() || ready.is_empty() {
            return Ok(report);
        }
        report.case_nos = self.store.import_cases(batch, actor, ready).await?;
        Ok(report)
    }
}
