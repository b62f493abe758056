//! The rows a case write consists of, built in Rust as values so that one
//! registration (`cases.rs`) and a whole group-commit batch (`group_batch.rs`)
//! write exactly the same columns — the batch just writes many rows per
//! statement.

use crate::cases::{NewCaseRecord, Projection};
use crate::chain::{link, Append, Cursor};
use crate::error::StoreError;
use crate::fmt_time;
use crate::rows::Val;
use xinfang_domain::case::{Case, CaseEvent, SubmissionRecord};

/// Columns of the projection row, in the order [`case_row`] builds them.
pub(crate) const CASE_COLS: &str = "cases (case_no, query_code_hash, channel, kind, status, stage, region_code, registering_unit, registering_level, current_unit, accused_unit, registered_at, registered_on, persons, skip_level, category, related_case_no, next_due, grade, next_clock, petitioner_names, request, state_json, version, updated_at, \
     accept_due, accept_met, handling_due, handling_met, delivered_on, satisfaction, review_requested, repeats_after_delivery, action_unit, litigation, next_check, area_path)";

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

/// The projection row of a new case (its number already assigned).
pub(crate) fn case_row(rec: &NewCaseRecord, now: &str) -> Result<Vec<Val>, StoreError> {
    let c = &rec.case;
    let p = &rec.projection;
    let f = &p.facts;
    Ok(vec![
        c.case_no.as_str().into(),
        rec.query_code_hash.as_str().into(),
        c.channel.key().into(),
        c.kind.key().into(),
        c.status.key().into(),
        c.stage.key().into(),
        c.region_code.as_str().into(),
        Val::I(c.registering_unit.0),
        rec.registering_level.key().into(),
        Val::I(c.current_unit.0),
        c.accused.as_ref().and_then(|a| a.unit).map(|u| u.0).into(),
        fmt_time(c.registered_at).into(),
        c.registered_on().to_string().into(),
        Val::I(c.persons as i64),
        c.submissions
            .first()
            .map(|s| s.skip_level)
            .unwrap_or(false)
            .into(),
        c.category.clone().into(),
        c.related_case.clone().into(),
        p.next_due.clone().into(),
        p.grade.clone().into(),
        p.next_clock.clone().into(),
        petitioner_names(c).into(),
        c.content
            .request
            .chars()
            .take(200)
            .collect::<String>()
            .into(),
        crate::pii::seal_state(serde_json::to_string(c)?)?.into(),
        Val::I(c.version as i64),
        now.into(),
        day(f.accept_due).into(),
        day(f.accept_met).into(),
        day(f.handling_due).into(),
        day(f.handling_met).into(),
        day(f.delivered_on).into(),
        f.satisfaction.map(|s| s.key().to_string()).into(),
        f.review_requested.into(),
        Val::I(f.repeats_after_delivery as i64),
        p.action_unit.map(|u| u.0).into(),
        rec.litigation.into(),
        p.next_check.clone().into(),
        p.area_path.clone().into(),
    ])
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
    let vals = vec![
        after.status.key().into(),
        after.stage.key().into(),
        Val::I(after.current_unit.0),
        proj.next_due.clone().into(),
        proj.grade.clone().into(),
        proj.next_clock.clone().into(),
        crate::pii::seal_state(serde_json::to_string(after)?)?.into(),
        Val::I(after.version as i64),
        crate::now_text().into(),
        Val::I(after.persons as i64),
        Val::I(case_id),
        Val::I(expected_version as i64),
        day(f.accept_due).into(),
        day(f.accept_met).into(),
        day(f.handling_due).into(),
        day(f.handling_met).into(),
        day(f.delivered_on).into(),
        f.satisfaction.map(|s| s.key().to_string()).into(),
        Val::I(f.review_requested as i64),
        Val::I(f.repeats_after_delivery as i64),
        proj.action_unit.map(|u| u.0).into(),
        after
            .accused
            .as_ref()
            .and_then(|a| a.unit)
            .map(|u| u.0)
            .into(),
        proj.next_check.clone().into(),
        proj.area_path.clone().into(),
    ];
    let changed = tx
        .exec(
            "UPDATE cases SET status = $1, stage = $2, current_unit = $3, next_due = $4, grade = $5, next_clock = $6, state_json = $7, version = $8, updated_at = $9, persons = $10, \
         accept_due = $13, accept_met = $14, handling_due = $15, handling_met = $16, delivered_on = $17, satisfaction = $18, review_requested = $19, repeats_after_delivery = $20, action_unit = $21, accused_unit = $22, next_check = $23, area_path = COALESCE($24, area_path) \
         WHERE id = $11 AND version = $12",
            vals,
        )
        .await?;
    if changed != 1 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}
