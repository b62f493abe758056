//! The rows a case write consists of, built in Rust as values so that one
//! registration (`cases.rs`) and a whole group-commit batch (`group_batch.rs`)
//! write exactly the same columns — the batch just writes many rows per
//! statement.

use crate::cases::{NewCaseRecord, Projection};
use crate::chain::{link, Append, Cursor};
use crate::error::StoreError;
use crate::fmt_time;
use crate::rows::{named_row, NamedRow, Val};
use xinfang_domain::case::{Case, CaseEvent, SubmissionRecord};

/// Columns of a 件次 row, in the order [`submission_row`] builds them.
pub(crate) const SUBMISSION_COLS: &str = "submissions (case_id, channel, unit_id, unit_level, registered_at, registered_on, persons, skip_level, is_repeat, multi_body)";

pub(crate) const CASE_UNIT_COLS: &str = "case_units (case_id, unit_id)";
pub(crate) const PETITIONER_COLS: &str = "petitioner_index (case_id, pkey)";
pub(crate) const OUTBOX_COLS: &str = "outbox (case_id, created_at)";

/// The counter a region's case numbers of one year are drawn from.
pub(crate) fn counter_name(region_code: &str, year: &str) -> String {
    format!("case:{region_code}:{year}")
}

/// `XF` + year + region code + six-digit serial.
pub(crate) fn format_case_no(year: &str, region_code: &str, n: i64) -> String {
    format!("XF{year}{region_code}{n:06}")
}

/// Year of registration, the case-number counter's period.
pub(crate) fn case_year(case: &Case) -> String {
    case.registered_at.format("%Y").to_string()
}

pub(crate) fn day(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn petitioner_names(case: &Case) -> String {
    case.petitioners
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// The projection row of a new case (its number already assigned): the
/// `cases` columns with their values.
pub(crate) fn case_row(rec: &NewCaseRecord, now: &str) -> Result<NamedRow, StoreError> {
    let c = &rec.case;
    let p = &rec.projection;
    let f = &p.facts;
    Ok(named_row! {
        case_no: c.case_no.as_str(),
        query_code_hash: rec.query_code_hash.as_str(),
        channel: c.channel.key(),
        kind: c.kind.key(),
        status: c.status.key(),
        stage: c.stage.key(),
        region_code: c.region_code.as_str(),
        registering_unit: c.registering_unit.0,
        registering_level: rec.registering_level.key(),
        current_unit: c.current_unit.0,
        accused_unit: c.accused.as_ref().and_then(|a| a.unit).map(|u| u.0),
        registered_at: fmt_time(c.registered_at),
        registered_on: c.registered_on().to_string(),
        persons: c.persons as i64,
        skip_level: c.submissions.first().map(|s| s.skip_level).unwrap_or(false),
        category: c.category.clone(),
        related_case_no: c.related_case.clone(),
        next_due: p.next_due.clone(),
        grade: p.grade.clone(),
        next_clock: p.next_clock.clone(),
        petitioner_names: petitioner_names(c),
        request: c.content.request.chars().take(200).collect::<String>(),
        state_json: crate::pii::seal_state(serde_json::to_string(c)?)?,
        version: c.version as i64,
        updated_at: now,
        accept_due: day(f.accept_due),
        accept_met: day(f.accept_met),
        handling_due: day(f.handling_due),
        handling_met: day(f.handling_met),
        delivered_on: day(f.delivered_on),
        satisfaction: f.satisfaction.map(|s| s.key().to_string()),
        review_requested: f.review_requested,
        repeats_after_delivery: f.repeats_after_delivery as i64,
        action_unit: p.action_unit.map(|u| u.0),
        litigation: rec.litigation,
        next_check: p.next_check.clone(),
        area_path: p.area_path.clone(),
    })
}

/// One 件次 row.
pub(crate) fn submission_row(case_id: i64, s: &SubmissionRecord, level: &str) -> Vec<Val> {
    vec![
        Val::I(case_id),
        s.channel.key().into(),
        Val::I(s.unit.0),
        level.into(),
        fmt_time(s.at).into(),
        s.at.date().to_string().into(),
        Val::I(s.persons as i64),
        s.skip_level.into(),
        s.repeat.into(),
        s.multi_body.into(),
    ]
}

/// The chained event row of a case event (advancing `cur`) and its outbox row.
pub(crate) fn event_rows(
    cur: &mut Cursor,
    case_id: i64,
    case_no: &str,
    ev: &CaseEvent,
) -> Result<(Vec<Val>, Vec<Val>), StoreError> {
    let actor = serde_json::to_string(&ev.actor)?;
    let payload = serde_json::to_string(&ev.body)?;
    let at = fmt_time(ev.at);
    let event = link(
        cur,
        &Append {
            stream: case_no,
            case_id: Some(case_id),
            kind: ev.body.type_key(),
            at: &at,
            actor: &actor,
            payload: &payload,
        },
    )?;
    Ok((event, vec![Val::I(case_id), Val::S(at)]))
}

/// Move a case's projection row from `expected_version` to `after`
/// (`Conflict` if another write got there first).
pub(crate) async fn update_case_row<D: crate::db::Db>(
    tx: &mut D,
    case_id: i64,
    expected_version: u64,
    after: &Case,
    proj: &Projection,
) -> Result<(), StoreError> {
    let f = &proj.facts;
    let set = named_row! {
        status: after.status.key(),
        stage: after.stage.key(),
        current_unit: after.current_unit.0,
        next_due: proj.next_due.clone(),
        grade: proj.grade.clone(),
        next_clock: proj.next_clock.clone(),
        state_json: crate::pii::seal_state(serde_json::to_string(after)?)?,
        version: after.version as i64,
        updated_at: crate::now_text(),
        persons: after.persons as i64,
        accept_due: day(f.accept_due),
        accept_met: day(f.accept_met),
        handling_due: day(f.handling_due),
        handling_met: day(f.handling_met),
        delivered_on: day(f.delivered_on),
        satisfaction: f.satisfaction.map(|s| s.key().to_string()),
        review_requested: f.review_requested,
        repeats_after_delivery: f.repeats_after_delivery as i64,
        action_unit: proj.action_unit.map(|u| u.0),
        accused_unit: after.accused.as_ref().and_then(|a| a.unit).map(|u| u.0),
        next_check: proj.next_check.clone(),
    };
    let n = set.vals.len();
    // The area path stays as it is when the projection has none.
    let sql = format!(
        "UPDATE cases SET {}, area_path = COALESCE(${}, area_path) WHERE id = ${} AND version = ${}",
        set.assignments(1),
        n + 1,
        n + 2,
        n + 3
    );
    let mut vals = set.vals;
    vals.push(proj.area_path.clone().into());
    vals.push(Val::I(case_id));
    vals.push(Val::I(expected_version as i64));
    let changed = tx.exec(&sql, vals).await?;
    if changed != 1 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}
