//! The fast path of group commit: a whole batch of registrations written
//! with one statement per table (case numbers, projection rows, units, 件次,
//! petitioner keys, chained events, outbox) instead of one statement per
//! row. On SQLite every statement is a hand-off to the connection's thread,
//! so this — not the fsync — bounded intake at ~1,100/s.
//!
//! The batch is all-or-nothing here: if anything fails (a repeat's case moved
//! on to another version, a constraint), the caller rolls the transaction
//! back and writes the batch again one registration per savepoint
//! (`group.rs`), so each caller still gets exactly its own outcome.

use crate::case_rows::{
    case_row, case_year, counter_name, event_rows, format_case_no, submission_row, update_case_row,
    CASE_UNIT_COLS, OUTBOX_COLS, PETITIONER_COLS, SUBMISSION_COLS,
};
use crate::chain::{Cursor, EVENT_COLS};
use crate::db::{col, Db};
use crate::error::StoreError;
use crate::idempotency::{idempotency_row, IDEMPOTENCY_COLS};
use crate::intake::group::{IntakeWrite, IntakeWritten};
use crate::rows::{insert_rows, insert_tables, placeholders, NamedRow, TableRows, Val};
use crate::warnings::{raise_risk_level, warning_event, warning_row, NewWarning, WARNING_COLS};
use std::collections::HashMap;
use xinfang_domain::case::EventBody;

/// Rows gathered over the batch, written table by table.
#[derive(Default)]
struct Rows {
    units: Vec<Vec<Val>>,
    submissions: Vec<Vec<Val>>,
    petitioners: Vec<Vec<Val>>,
    events: Vec<Vec<Val>>,
    outbox: Vec<Vec<Val>>,
    litigation: Vec<i64>,
    idempotency: Vec<Vec<Val>>,
}

/// Write every registration of the batch inside `tx`, chaining events after
/// `cur` in batch order, and store the head they end at. Returns each registration's result in order: a
/// 件次 whose case moved on to another version (another 件次 of the same
/// case earlier in the batch, say) is that caller's `Conflict` and writes
/// nothing; any other failure fails the whole call.
pub(crate) async fn write_all<D: Db>(
    tx: &mut D,
    cur: &mut Cursor,
    writes: &mut [&mut IntakeWrite],
) -> Result<Vec<Result<IntakeWritten, StoreError>>, StoreError> {
    assign_case_numbers(tx, writes).await?;
    let ids = insert_cases(tx, writes).await?;
    let mut case_ids = Vec::with_capacity(writes.len());
    let mut outcomes: Vec<Result<(), StoreError>> = Vec::with_capacity(writes.len());
    for w in writes.iter() {
        match &**w {
            IntakeWrite::NewCase(rec) => {
                let id = ids.get(&rec.case.case_no).copied().ok_or_else(|| {
                    StoreError::Corrupt(format!("登记未返回 {} 的编号", rec.case.case_no))
                })?;
                case_ids.push(id);
                outcomes.push(Ok(()));
            }
            IntakeWrite::Append {
                case_id,
                expected_version,
                after,
                projection,
                ..
            } => {
                case_ids.push(*case_id);
                match update_case_row(tx, *case_id, *expected_version, after, projection).await {
                    Ok(()) => outcomes.push(Ok(())),
                    Err(StoreError::Conflict) => outcomes.push(Err(StoreError::Conflict)),
                    Err(e) => return Err(e),
                }
            }
        }
    }
    let now = crate::now_text();
    let written: Vec<bool> = outcomes.iter().map(|o| o.is_ok()).collect();
    let warnings = insert_warnings(tx, writes, &written, &case_ids, &now).await?;
    let mut rows = Rows::default();
    let mut results = Vec::with_capacity(writes.len());
    for (((w, &id), warning), outcome) in writes.iter().zip(&case_ids).zip(warnings).zip(outcomes) {
        if let Err(e) = outcome {
            results.push(Err(e));
            continue;
        }
        let key = match &**w {
            IntakeWrite::NewCase(rec) => rec.idempotency.as_ref(),
            IntakeWrite::Append { idempotency, .. } => idempotency.as_ref(),
        };
        let (case_no, event, units) = match &**w {
            IntakeWrite::NewCase(rec) => {
                let level = rec.registering_level.key();
                rows.submissions.extend(
                    rec.case
                        .submissions
                        .iter()
                        .map(|s| submission_row(id, s, level)),
                );
                rows.petitioners.extend(
                    crate::pii::index_keys(&rec.petitioner_keys)
                        .into_iter()
                        .map(|k| vec![Val::I(id), k.into()]),
                );
                (&rec.case.case_no, &rec.event, &rec.projection.units)
            }
            IntakeWrite::Append {
                after,
                event,
                projection,
                level,
                litigation,
                ..
            } => {
                if let EventBody::RepeatSubmitted { submission } = &event.body {
                    rows.submissions
                        .push(submission_row(id, submission, level.key()));
                }
                if *litigation {
                    rows.litigation.push(id);
                }
                (&after.case_no, event, &projection.units)
            }
        };
        rows.units
            .extend(units.iter().map(|u| vec![Val::I(id), Val::I(u.0)]));
        if let Some(k) = key {
            rows.idempotency.push(idempotency_row(k, case_no, &now)?);
        }
        let (ev, outbox) = event_rows(cur, id, case_no, event)?;
        rows.events.push(ev);
        rows.outbox.push(outbox);
        let seq = cur.seq;
        if let Some((wid, nw)) = &warning {
            rows.events.push(warning_event(cur, *wid, id, nw, &now)?);
        }
        let warning = warning.map(|(wid, _)| wid);
        results.push(Ok(match &**w {
            IntakeWrite::NewCase(_) => IntakeWritten::NewCase {
                id,
                case_no: case_no.clone(),
                warning,
            },
            IntakeWrite::Append { .. } => IntakeWritten::Appended { seq, warning },
        }));
    }
    write_rows(tx, rows, cur).await?;
    Ok(results)
}

fn warning_of(w: &IntakeWrite) -> Option<&NewWarning> {
    match w {
        IntakeWrite::NewCase(rec) => rec.warning.as_ref(),
        IntakeWrite::Append { warning, .. } => warning.as_ref(),
    }
}

/// Insert the warnings of the registrations being `written` with one
/// statement and raise the cases' risk levels; each registration's warning
/// id (and warning) in batch order.
/// Ids are taken in ascending order as the rows were listed, and each is
/// checked against its case, so a database that numbered them otherwise
/// fails the fast path instead of mixing warnings up.
async fn insert_warnings<'a, D: Db>(
    tx: &mut D,
    writes: &'a [&mut IntakeWrite],
    written: &[bool],
    case_ids: &[i64],
    now: &str,
) -> Result<Vec<Option<(i64, &'a NewWarning)>>, StoreError> {
    let mut wanted = vec![];
    for (i, w) in writes.iter().enumerate() {
        if let (Some(nw), true) = (warning_of(w), written[i]) {
            wanted.push((i, case_ids[i], nw));
        }
    }
    let mut out: Vec<Option<(i64, &NewWarning)>> = vec![None; writes.len()];
    if wanted.is_empty() {
        return Ok(out);
    }
    let rows = wanted
        .iter()
        .map(|(_, case_id, nw)| warning_row(*case_id, nw, now))
        .collect();
    let mut returned = insert_rows(tx, WARNING_COLS, rows, "RETURNING id, case_id")
        .await?
        .iter()
        .map(|r| Ok((col(r, 0)?.int()?, col(r, 1)?.int()?)))
        .collect::<Result<Vec<(i64, i64)>, StoreError>>()?;
    returned.sort_unstable();
    if returned.len() != wanted.len() {
        return Err(StoreError::Corrupt("预警写入数目不符".into()));
    }
    for ((i, case_id, nw), (wid, got_case)) in wanted.iter().zip(returned) {
        if got_case != *case_id {
            return Err(StoreError::Corrupt("预警编号顺序不符".into()));
        }
        out[*i] = Some((wid, *nw));
    }
    let mut by_level: Vec<(i64, Vec<i64>)> = vec![];
    for (_, case_id, nw) in &wanted {
        match by_level.iter_mut().find(|(l, _)| *l == nw.level) {
            Some((_, ids)) => ids.push(*case_id),
            None => by_level.push((nw.level, vec![*case_id])),
        }
    }
    for (level, ids) in by_level {
        raise_risk_level(tx, level, &ids).await?;
    }
    Ok(out)
}

/// Draw every new case's number: one upsert adds each counter's share of the
/// batch and returns its new value; numbers are handed out in batch order,
/// gap-free (a rolled-back batch rolls its counters back).
async fn assign_case_numbers<D: Db>(
    tx: &mut D,
    writes: &mut [&mut IntakeWrite],
) -> Result<(), StoreError> {
    let mut wanted: Vec<(String, i64)> = vec![];
    for w in writes.iter() {
        if let IntakeWrite::NewCase(rec) = &**w {
            let name = counter_name(&rec.case.region_code, &case_year(&rec.case));
            match wanted.iter_mut().find(|(n, _)| *n == name) {
                Some((_, k)) => *k += 1,
                None => wanted.push((name, 1)),
            }
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let rows = wanted
        .iter()
        .map(|(n, k)| vec![n.as_str().into(), Val::I(*k)])
        .collect();
    let ends = insert_rows(
        tx,
        "counters (name, value)",
        rows,
        "ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING name, value",
    )
    .await?;
    let mut next: HashMap<String, i64> = HashMap::new();
    for r in ends {
        let (name, end) = (col(&r, 0)?.text()?, col(&r, 1)?.int()?);
        let k = wanted.iter().find(|(n, _)| *n == name).map_or(0, |w| w.1);
        next.insert(name, end - k + 1);
    }
    for w in writes.iter_mut() {
        if let IntakeWrite::NewCase(rec) = &mut **w {
            let year = case_year(&rec.case);
            let name = counter_name(&rec.case.region_code, &year);
            let n = next
                .get_mut(&name)
                .ok_or_else(|| StoreError::Corrupt(format!("计数器 {name} 未返回")))?;
            let case_no = format_case_no(&year, &rec.case.region_code, *n);
            *n += 1;
            rec.set_case_no(&case_no);
        }
    }
    Ok(())
}

/// Insert the new cases' projection rows; their ids by case number.
async fn insert_cases<D: Db>(
    tx: &mut D,
    writes: &[&mut IntakeWrite],
) -> Result<HashMap<String, i64>, StoreError> {
    let now = crate::now_text();
    let mut cols: &[&str] = &[];
    let mut rows = vec![];
    for w in writes {
        if let IntakeWrite::NewCase(rec) = &**w {
            let row = case_row(rec, &now)?;
            cols = row.cols;
            rows.push(row.vals);
        }
    }
    let table_cols = NamedRow::table_cols(cols, "cases");
    let returned = insert_rows(tx, &table_cols, rows, "RETURNING id, case_no").await?;
    returned
        .iter()
        .map(|r| Ok((col(r, 1)?.text()?, col(r, 0)?.int()?)))
        .collect()
}

/// The batch's rows, and the chain head after them (in the same statement on
/// PostgreSQL).
async fn write_rows<D: Db>(tx: &mut D, rows: Rows, cur: &Cursor) -> Result<(), StoreError> {
    let table = |table_cols, rows, tail| TableRows {
        table_cols,
        rows,
        tail,
    };
    const SKIP_SAME: &str = "ON CONFLICT DO NOTHING";
    // A key already stored fails the batch (unique), which is then written
    // one by one: only the repeated submission fails, and its caller answers
    // from the stored key.
    insert_tables(
        tx,
        vec![
            table(CASE_UNIT_COLS, rows.units, SKIP_SAME),
            table(SUBMISSION_COLS, rows.submissions, ""),
            table(PETITIONER_COLS, rows.petitioners, SKIP_SAME),
            table(EVENT_COLS, rows.events, ""),
            table(OUTBOX_COLS, rows.outbox, ""),
            table(IDEMPOTENCY_COLS, rows.idempotency, ""),
        ],
        Some(crate::chain::head_update(cur)),
    )
    .await?;
    if !rows.litigation.is_empty() {
        let sql = format!(
            "UPDATE cases SET litigation = 1 WHERE id IN ({})",
            placeholders(1, rows.litigation.len())
        );
        let ids = rows.litigation.into_iter().map(Val::I).collect();
        tx.exec(&sql, ids).await?;
    }
    Ok(())
}
