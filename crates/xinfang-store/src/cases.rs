//! Cases: the projection row (for lists, inboxes and statistics), the
//! submissions (件次), the petitioner index (repeat look-up without scanning
//! history) and the event log — always written together in one transaction.

use crate::case_rows::{
    case_row, case_year, counter_name, day, event_rows, format_case_no, submission_row,
    update_case_row, CASE_UNIT_COLS, OUTBOX_COLS, PETITIONER_COLS, SUBMISSION_COLS,
};
use crate::chain::{lock_head, Cursor, EVENT_COLS};
use crate::error::StoreError;
use crate::rows::{insert_rows, insert_tables, placeholders, NamedRow, TableRows, Val};
use crate::{fmt_time, Store};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use xinfang_domain::case::{Case, CaseEvent, EventBody};
use xinfang_domain::metrics::CaseFacts;
use xinfang_domain::org::{UnitId, UnitLevel};

/// Derived columns the caller computes with the domain (clocks need the calendar).
#[derive(Clone, Debug, Default)]
pub struct Projection {
    pub next_due: Option<String>,
    /// When the clock scanner must next look at the case (see
    /// `xinfang_domain::case::next_check`).
    pub next_check: Option<String>,
    pub grade: Option<String>,
    pub next_clock: Option<String>,
    pub units: Vec<UnitId>,
    /// Indicator facts (see `xinfang_domain::metrics`).
    pub facts: CaseFacts,
    /// The unit that must act next (inboxes).
    pub action_unit: Option<UnitId>,
    /// The path of the lowest unit at or above every unit in `units`
    /// (`area.rs`); None leaves the column to the back-fill.
    pub area_path: Option<String>,
}

/// A case about to be registered.
pub struct NewCaseRecord {
    pub case: Case,
    pub event: CaseEvent,
    pub registering_level: UnitLevel,
    pub query_code_hash: String,
    pub petitioner_keys: Vec<String>,
    pub projection: Projection,
    /// 涉法涉诉 cues were found (flag set in the same transaction).
    pub litigation: bool,
    /// The risk warning the registration raises, written with it.
    pub warning: Option<crate::warnings::NewWarning>,
    /// The online submission's idempotency key, written with the case.
    pub idempotency: Option<crate::Idempotency>,
}

/// An event as stored.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub seq: i64,
    pub event: CaseEvent,
}

/// 信访事项列表的一行
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseListRow {
    /// 信访编号
    pub case_no: String,
    /// 渠道：online、letter、visit、phone、fax
    pub channel: String,
    /// 类型：suggestion、accusation、claim
    pub kind: String,
    /// 状态（机器可读）
    pub status: String,
    /// 环节（机器可读）
    pub stage: String,
    /// 登记时间
    pub registered_at: String,
    /// 当前办理单位编号
    pub current_unit: i64,
    /// 最近的到期日
    pub next_due: Option<String>,
    /// 预警等级
    pub grade: Option<String>,
    /// 信访人姓名（无权查看时已遮蔽）
    pub petitioner_names: String,
    /// 信访请求（摘要）
    pub request: String,
    /// 人数
    pub persons: i64,
    /// 是否越级
    pub skip_level: bool,
}

async fn write_facts(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
    p: &Projection,
) -> Result<(), StoreError> {
    let f = &p.facts;
    sqlx::query(
        "UPDATE cases SET next_due = $1, grade = $2, next_clock = $3, accept_due = $4, accept_met = $5, handling_due = $6, handling_met = $7, \
         delivered_on = $8, satisfaction = $9, review_requested = $10, repeats_after_delivery = $11, action_unit = $12, next_check = $14 WHERE id = $13",
    )
    .bind(p.next_due.clone())
    .bind(p.grade.clone())
    .bind(p.next_clock.clone())
    .bind(day(f.accept_due))
    .bind(day(f.accept_met))
    .bind(day(f.handling_due))
    .bind(day(f.handling_met))
    .bind(day(f.delivered_on))
    .bind(f.satisfaction.map(|s| s.key().to_string()))
    .bind(f.review_requested as i64)
    .bind(f.repeats_after_delivery as i64)
    .bind(p.action_unit.map(|u| u.0))
    .bind(case_id)
    .bind(p.next_check.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_case_units(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
    units: &[UnitId],
) -> Result<(), StoreError> {
    let rows = units
        .iter()
        .map(|u| vec![Val::I(case_id), Val::I(u.0)])
        .collect();
    insert_rows(tx, CASE_UNIT_COLS, rows, "ON CONFLICT DO NOTHING").await?;
    Ok(())
}

async fn append_case_event(
    tx: &mut Transaction<'static, Any>,
    cur: Option<&mut Cursor>,
    case_id: i64,
    case_no: &str,
    ev: &CaseEvent,
) -> Result<i64, StoreError> {
    // Alone (no batch cursor): take the head for this one event.
    let mut own = None;
    let cur = match cur {
        Some(c) => c,
        None => own.insert(lock_head(tx).await?),
    };
    let (event, outbox) = event_rows(cur, case_id, case_no, ev)?;
    let seq = cur.seq;
    let table = |table_cols, row| TableRows {
        table_cols,
        rows: vec![row],
        tail: "",
    };
    // One statement on PostgreSQL: the event, its outbox row and (alone)
    // the head.
    insert_tables(
        tx,
        vec![table(EVENT_COLS, event), table(OUTBOX_COLS, outbox)],
        own.as_ref().map(crate::chain::head_update),
    )
    .await?;
    Ok(seq)
}

/// Allocate the next case number of the region and year: one upsert that
/// returns the new value (gapless: a rolled-back registration rolls it back too).
async fn next_case_no(
    tx: &mut Transaction<'static, Any>,
    region_code: &str,
    year: &str,
) -> Result<String, StoreError> {
    let n: i64 = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(counter_name(region_code, year))
    .fetch_one(&mut **tx)
    .await?
    .try_get("value")?;
    Ok(format_case_no(year, region_code, n))
}

/// Write a new case inside the caller's transaction, one statement per
/// table (a group-commit batch uses `group_batch::write_all` instead).
pub(crate) async fn insert_case_tx(
    tx: &mut Transaction<'static, Any>,
    cur: &mut Cursor,
    rec: &mut NewCaseRecord,
    insert_submissions: bool,
) -> Result<(i64, String, i64), StoreError> {
    let year = case_year(&rec.case);
    let case_no = next_case_no(tx, &rec.case.region_code, &year).await?;
    rec.set_case_no(&case_no);
    let row = case_row(rec, &crate::now_text())?;
    let returned = insert_rows(
        tx,
        &NamedRow::table_cols(row.cols, "cases"),
        vec![row.vals],
        "RETURNING id",
    )
    .await?;
    let id = crate::db::col(
        returned
            .first()
            .ok_or_else(|| StoreError::Corrupt("登记未返回编号".into()))?,
        0,
    )?
    .int()?;
    insert_case_units(tx, id, &rec.projection.units).await?;
    if insert_submissions {
        let level = rec.registering_level.key();
        let rows = rec
            .case
            .submissions
            .iter()
            .map(|s| submission_row(id, s, level))
            .collect();
        insert_rows(tx, SUBMISSION_COLS, rows, "").await?;
    }
    let keys = crate::pii::index_keys(&rec.petitioner_keys)
        .into_iter()
        .map(|k| vec![Val::I(id), k.into()])
        .collect();
    insert_rows(tx, PETITIONER_COLS, keys, "ON CONFLICT DO NOTHING").await?;
    let seq = append_case_event(tx, Some(cur), id, &case_no, &rec.event).await?;
    Ok((id, case_no, seq))
}

/// Append an event to a case at `expected_version` inside the caller's
/// transaction: projection and facts in one UPDATE, units, the 件次 of a
/// repeat, the chained event and the outbox row.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn append_event_tx(
    tx: &mut Transaction<'static, Any>,
    cur: Option<&mut Cursor>,
    case_id: i64,
    expected_version: u64,
    after: &Case,
    ev: &CaseEvent,
    proj: &Projection,
    submission_level: Option<UnitLevel>,
) -> Result<i64, StoreError> {
    update_case_row(tx, case_id, expected_version, after, proj).await?;
    insert_case_units(tx, case_id, &proj.units).await?;
    if let (EventBody::RepeatSubmitted { submission }, Some(level)) = (&ev.body, submission_level) {
        let row = submission_row(case_id, submission, level.key());
        insert_rows(tx, SUBMISSION_COLS, vec![row], "").await?;
    }
    append_case_event(tx, cur, case_id, &after.case_no, ev).await
}

impl NewCaseRecord {
    /// Give the case (and its registration event) its number.
    pub(crate) fn set_case_no(&mut self, case_no: &str) {
        self.case.case_no = case_no.to_string();
        if let EventBody::Registered(c) = &mut self.event.body {
            c.case_no = case_no.to_string();
        }
    }
}

impl Store {
    /// Register a new case (through the group committer, see `group.rs`):
    /// allocate its number, write projection, 件次, petitioner keys, the
    /// chained event and the outbox row in one transaction. Returns id and number.
    /// Returns id, number and the id of the warning raised with it.
    pub async fn insert_case(
        &self,
        rec: NewCaseRecord,
    ) -> Result<(i64, String, Option<i64>), StoreError> {
        match self.commit_intake(crate::IntakeWrite::NewCase(rec)).await? {
            crate::IntakeWritten::NewCase {
                id,
                case_no,
                warning,
            } => Ok((id, case_no, warning)),
            crate::IntakeWritten::Appended { .. } => {
                Err(StoreError::Corrupt("unexpected write result".into()))
            }
        }
    }

    /// `insert_case`, plus the documents the registration requires (a case
    /// born 不予受理), drafted once the case number is known and numbered in
    /// the same transaction. Rare, so it takes its own transaction rather
    /// than the group committer's.
    pub async fn insert_case_with_documents(
        &self,
        mut rec: NewCaseRecord,
        documents: impl FnOnce(&str) -> Vec<crate::documents::NewDocument>,
    ) -> Result<(i64, String, Option<i64>), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let mut cur = crate::chain::lock_head(&mut tx).await?;
        let (id, case_no, seq) = insert_case_tx(&mut tx, &mut cur, &mut rec, true).await?;
        let warning = match &rec.warning {
            Some(w) => Some(crate::warnings::insert_warning_tx(&mut tx, &mut cur, id, w).await?),
            None => None,
        };
        crate::chain::store_head(&mut tx, &cur).await?;
        crate::documents::insert_documents(&mut tx, id, seq, &documents(&case_no)).await?;
        if let Some(i) = &rec.idempotency {
            let row = crate::idempotency::idempotency_row(i, &case_no, &crate::now_text())?;
            crate::rows::insert_rows(&mut tx, crate::idempotency::IDEMPOTENCY_COLS, vec![row], "")
                .await?;
        }
        tx.commit().await?;
        Ok((id, case_no, warning))
    }

    /// Append one event to an existing case and update its projection, if the
    /// case is still at `expected_version` (else `Conflict`).
    pub async fn append_event(
        &self,
        case_id: i64,
        expected_version: u64,
        after: &Case,
        ev: &CaseEvent,
        proj: &Projection,
        submission_level: Option<UnitLevel>,
    ) -> Result<i64, StoreError> {
        self.append_event_with_documents(
            case_id,
            expected_version,
            after,
            ev,
            proj,
            submission_level,
            &[],
        )
        .await
        .map(|(seq, _)| seq)
    }

    /// `append_event`, plus the formal documents the event requires, numbered
    /// (文号) in the same transaction so a number exists exactly when its event does.
    /// Returns the event's sequence and the documents' ids.
    #[allow(clippy::too_many_arguments)]
    pub async fn append_event_with_documents(
        &self,
        case_id: i64,
        expected_version: u64,
        after: &Case,
        ev: &CaseEvent,
        proj: &Projection,
        submission_level: Option<UnitLevel>,
        docs: &[crate::documents::NewDocument],
    ) -> Result<(i64, Vec<i64>), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let seq = append_event_tx(
            &mut tx,
            None,
            case_id,
            expected_version,
            after,
            ev,
            proj,
            submission_level,
        )
        .await?;
        let ids = crate::documents::insert_documents(&mut tx, case_id, seq, docs).await?;
        tx.commit().await?;
        Ok((seq, ids))
    }

    /// Split repeat 件次 `k` of case `case_id` off into the new case `new`, in
    /// one transaction: the new case gets its number, projection, petitioner
    /// keys and `Registered` event; the 件次's row moves to it (nothing is
    /// deleted); the old case records `RepeatSplit` naming the new number.
    /// Returns the old case after the split and the new case number.
    pub async fn split_repeat(
        &self,
        case_id: i64,
        before: &Case,
        mut event: CaseEvent,
        proj: &Projection,
        mut new: NewCaseRecord,
    ) -> Result<(Case, String), StoreError> {
        let EventBody::RepeatSplit { submission, .. } = event.body else {
            return Err(StoreError::Corrupt(
                "split_repeat needs a RepeatSplit event".into(),
            ));
        };
        let sub = before
            .submissions
            .get(submission)
            .ok_or(StoreError::NotFound)?;
        let (mut tx, _g) = self.write_tx().await?;
        let mut cur = crate::chain::lock_head(&mut tx).await?;
        let (new_id, new_no, _) = insert_case_tx(&mut tx, &mut cur, &mut new, false).await?;
        let moved = sqlx::query(
            "UPDATE submissions SET case_id = $1, is_repeat = 0 WHERE id = (SELECT id FROM submissions WHERE case_id = $2 AND registered_at = $3 AND unit_id = $4 AND is_repeat = 1 ORDER BY id LIMIT 1)",
        )
        .bind(new_id)
        .bind(case_id)
        .bind(fmt_time(sub.at))
        .bind(sub.unit.0)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            return Err(StoreError::Corrupt("件次记录缺失".into()));
        }
        event.body = EventBody::RepeatSplit {
            submission,
            new_case: new_no.clone(),
        };
        let mut after = before.clone();
        after.apply(&event);
        append_event_tx(
            &mut tx,
            Some(&mut cur),
            case_id,
            before.version,
            &after,
            &event,
            proj,
            None,
        )
        .await?;
        crate::chain::store_head(&mut tx, &cur).await?;
        tx.commit().await?;
        Ok((after, new_no))
    }

    /// Refresh many projections in one transaction (the clock scanner's
    /// batch: one commit instead of one per case).
    pub async fn update_projections(&self, items: &[(i64, Projection)]) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let (mut tx, _g) = self.write_tx().await?;
        for (case_id, proj) in items {
            crate::stats::rollup::outbox_if_facts_change(&mut tx, *case_id, &proj.facts).await?;
            write_facts(&mut tx, *case_id, proj).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Rewrite only the derived clock columns (calendar re-flow, scanner).
    pub async fn update_projection(
        &self,
        case_id: i64,
        proj: &Projection,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        crate::stats::rollup::outbox_if_facts_change(&mut tx, case_id, &proj.facts).await?;
        write_facts(&mut tx, case_id, proj).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The case (id and state) by number.
    pub async fn load_case(&self, case_no: &str) -> Result<Option<(i64, Case)>, StoreError> {
        let row = sqlx::query("SELECT id, state_json FROM cases WHERE case_no = $1")
            .bind(case_no)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => {
                let json: String = r.try_get("state_json")?;
                Ok(Some((r.try_get("id")?, crate::pii::parse_state(&json)?)))
            }
            None => Ok(None),
        }
    }

    /// The stored hash of the petitioner's query code.
    pub async fn query_code_hash(&self, case_no: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT query_code_hash FROM cases WHERE case_no = $1")
                .bind(case_no)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The case's events in order.
    pub async fn case_events(&self, case_id: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, payload, pii FROM events WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let at: String = r.try_get("at")?;
            let actor: String = r.try_get("actor")?;
            let payload = crate::pii::event_payload(
                r.try_get("payload")?,
                r.try_get::<Option<String>, _>("pii")?.as_deref(),
                r.try_get("seq")?,
            )?;
            let at = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S")
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.push(StoredEvent {
                seq: r.try_get("seq")?,
                event: CaseEvent {
                    at,
                    actor: serde_json::from_str(&actor)?,
                    body: serde_json::from_str(&payload)?,
                },
            });
        }
        Ok(out)
    }

    /// Cases already registered for any of these petitioner keys, newest first.
    pub async fn cases_by_petitioner(
        &self,
        keys: &[String],
        limit: i64,
    ) -> Result<Vec<(i64, Case)>, StoreError> {
        if keys.is_empty() {
            return Ok(vec![]);
        }
        let keys = &crate::pii::lookup_keys(keys)[..];
        // The newest matching ids first, from the petitioner index alone,
        // then their cases: written as `c.id IN (…) ORDER BY c.id DESC`,
        // PostgreSQL walked every case newest first and probed the index for
        // each (≈2,300 index scans per registration at 20k cases, growing).
        let sql = format!(
            "SELECT c.id, c.state_json FROM (SELECT DISTINCT case_id FROM petitioner_index WHERE pkey IN ({}) ORDER BY case_id DESC LIMIT ${}) p JOIN cases c ON c.id = p.case_id ORDER BY c.id DESC",
            placeholders(1, keys.len()),
            keys.len() + 1
        );
        let mut out = vec![];
        let mut vals: Vec<Val> = keys.iter().map(|k| k.as_str().into()).collect();
        vals.push(Val::I(limit));
        if let Some(rows) = self.readers.as_ref().and_then(|r| r.rows(&sql, vals)) {
            for r in rows? {
                let json = crate::db::col(&r, 1)?.text()?;
                out.push((
                    crate::db::col(&r, 0)?.int()?,
                    crate::pii::parse_state(&json)?,
                ));
            }
            return Ok(out);
        }
        let mut q = sqlx::query(&sql);
        for k in keys {
            q = q.bind(k);
        }
        for r in q.bind(limit).fetch_all(&self.pool).await? {
            let json: String = r.try_get("state_json")?;
            out.push((r.try_get("id")?, crate::pii::parse_state(&json)?));
        }
        Ok(out)
    }

    /// Ids of cases to be checked on or before `until` (the clock scanner's
    /// work list), through the `cases_next_check` index.
    pub async fn due_case_ids(&self, until: &str) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query(
            "SELECT id FROM cases WHERE next_check IS NOT NULL AND next_check <= $1 ORDER BY id",
        )
        .bind(until)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?)
    }

    /// Ids of cases that are not closed, for calendar re-flow and the scanner.
    pub async fn open_case_ids(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Case)>, StoreError> {
        let rows = sqlx::query("SELECT id, state_json FROM cases WHERE id > $1 AND status NOT IN ('final', 'diverted', 'not_accepted') ORDER BY id LIMIT $2")
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let json: String = r.try_get("state_json")?;
            out.push((r.try_get("id")?, crate::pii::parse_state(&json)?));
        }
        Ok(out)
    }
}
