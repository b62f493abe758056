//! Risk warnings (预警): raised at registration, worked through 核查 → 处置 →
//! 解除 by supervisors; every step is also an audit entry in the chain.

use crate::chain::{append, entry_from_row, link, Append, Cursor, ENTRY_COLS, EVENT_COLS};
use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::{insert_rows, placeholders, Val};
use crate::scope::push_scope;
use crate::CaseScope;
use crate::Store;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// A warning as listed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WarningRow {
    pub id: i64,
    pub case_no: String,
    pub unit_id: i64,
    pub level: i64,
    pub signals: serde_json::Value,
    pub status: String,
    pub note: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str =
    "w.id, c.case_no, w.unit_id, w.level, w.signals, w.status, w.note, w.created_at, w.updated_at";

/// A row of [`COLS`], read by column name; signals that are not JSON read
/// as none.
fn row(r: &sqlx::any::AnyRow) -> Result<WarningRow, StoreError> {
    let signals: String = r.try_get("signals")?;
    Ok(WarningRow {
        id: r.try_get("id")?,
        case_no: r.try_get("case_no")?,
        unit_id: r.try_get("unit_id")?,
        level: r.try_get("level")?,
        signals: serde_json::from_str(&signals).unwrap_or_default(),
        status: r.try_get("status")?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A warning raised by a registration's risk signals, written in the same
/// transaction as the registration (so an acknowledged case never lacks
/// the warning it triggered, and a crash loses neither).
#[derive(Clone, Debug)]
pub struct NewWarning {
    /// The area (government) whose supervisors must act.
    pub unit_id: i64,
    pub level: i64,
    pub signals: serde_json::Value,
}

/// Columns of a warning row, in the order [`warning_row`] builds them.
pub(crate) const WARNING_COLS: &str =
    "warnings (case_id, unit_id, level, signals, status, note, created_at, updated_at)";

pub(crate) fn warning_row(case_id: i64, w: &NewWarning, now: &str) -> Vec<Val> {
    vec![
        Val::I(case_id),
        Val::I(w.unit_id),
        Val::I(w.level),
        w.signals.to_string().into(),
        "raised".into(),
        "".into(),
        now.into(),
        now.into(),
    ]
}

/// The chain entry recording that warning `id` was raised.
pub(crate) fn warning_event(
    cur: &mut Cursor,
    id: i64,
    case_id: i64,
    w: &NewWarning,
    now: &str,
) -> Result<Vec<Val>, StoreError> {
    let payload = serde_json::json!({ "warning": id, "case_id": case_id, "level": w.level, "signals": w.signals }).to_string();
    link(
        cur,
        &Append {
            stream: "warning",
            case_id: None,
            kind: "warning_raised",
            at: now,
            actor: "system",
            payload: &payload,
        },
    )
}

/// Raise the case's risk level to `level` (never lowers it).
pub(crate) async fn raise_risk_level<D: crate::db::Db>(
    tx: &mut D,
    level: i64,
    case_ids: &[i64],
) -> Result<(), StoreError> {
    if case_ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE cases SET risk_level = $1 WHERE risk_level < $1 AND id IN ({})",
        placeholders(2, case_ids.len())
    );
    let mut vals = vec![Val::I(level)];
    vals.extend(case_ids.iter().map(|id| Val::I(*id)));
    tx.exec(&sql, vals).await?;
    Ok(())
}

/// Write one warning on a case inside the registration's transaction.
pub(crate) async fn insert_warning_tx(
    tx: &mut Transaction<'static, Any>,
    cur: &mut Cursor,
    case_id: i64,
    w: &NewWarning,
) -> Result<i64, StoreError> {
    let now = crate::now_text();
    let id: i64 = insert_rows(
        tx,
        WARNING_COLS,
        vec![warning_row(case_id, w, &now)],
        "RETURNING id",
    )
    .await?
    .first()
    .ok_or_else(|| StoreError::Corrupt("预警未返回编号".into()))?
    .first()
    .ok_or_else(|| StoreError::Corrupt("预警未返回编号".into()))?
    .int()?;
    raise_risk_level(tx, w.level, &[case_id]).await?;
    let event = warning_event(cur, id, case_id, w, &now)?;
    insert_rows(tx, EVENT_COLS, vec![event], "").await?;
    Ok(id)
}

impl Store {
    pub async fn warning(&self, id: i64) -> Result<Option<WarningRow>, StoreError> {
        let r = sqlx::query(&format!(
            "SELECT {COLS} FROM warnings w JOIN cases c ON c.id = w.case_id WHERE w.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(row).transpose()
    }

    /// Move a warning to `status` if it is still at `from` (optimistic), with an audit entry.
    pub async fn advance_warning(
        &self,
        id: i64,
        from: &str,
        status: &str,
        note: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let res = sqlx::query("UPDATE warnings SET status = $1, note = $2, updated_at = $3 WHERE id = $4 AND status = $5")
            .bind(status)
            .bind(note)
            .bind(&now)
            .bind(id)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        if res.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        let payload =
            serde_json::json!({ "warning": id, "from": from, "to": status, "note": note })
                .to_string();
        append(
            &mut tx,
            Append {
                stream: "warning",
                case_id: None,
                kind: "warning_advanced",
                at: &now,
                actor,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The log entries of one warning (raised, 核查, 处置, 解除), oldest first.
    /// The payload match is a prefilter; callers check the parsed `warning` id.
    pub async fn warning_events(&self, id: i64) -> Result<Vec<crate::AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLS} FROM events WHERE stream = 'warning' AND (payload LIKE $1 OR payload LIKE $2) ORDER BY seq",
        ))
        .bind(format!("%\"warning\":{id},%"))
        .bind(format!("%\"warning\":{id}}}%"))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Warnings of units under the path prefix on cases `scope` may see,
    /// open ones first, newest first.
    pub async fn warnings_under(
        &self,
        path_prefix: &str,
        scope: &CaseScope,
        limit: i64,
    ) -> Result<Vec<WarningRow>, StoreError> {
        let mut sql = format!(
            "SELECT {COLS} FROM warnings w JOIN cases c ON c.id = w.case_id JOIN units u ON u.id = w.unit_id WHERE u.path LIKE $1"
        );
        let mut binds = vec![Val::S(format!("{path_prefix}%")), Val::I(limit)];
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(
            " ORDER BY CASE WHEN w.status = 'cleared' THEN 1 ELSE 0 END, w.id DESC LIMIT $2",
        );
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row).collect()
    }

    /// Mark a case 涉法涉诉 (诉访分离, 第二十八条).
    pub async fn set_litigation(&self, case_id: i64) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE cases SET litigation = 1 WHERE id = $1")
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
