//! Risk warnings (预警): raised at registration, worked through 核查 → 处置 →
//! 解除 by supervisors; every step is also an audit entry in the chain.

use crate::chain::{append, Append};
use crate::error::StoreError;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// A warning as listed.
#[derive(Clone, Debug, Serialize)]
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

fn row(r: &sqlx::any::AnyRow) -> WarningRow {
    let signals: String = r.get(4);
    WarningRow {
        id: r.get(0),
        case_no: r.get(1),
        unit_id: r.get(2),
        level: r.get(3),
        signals: serde_json::from_str(&signals).unwrap_or_default(),
        status: r.get(5),
        note: r.get(6),
        created_at: r.get(7),
        updated_at: r.get(8),
    }
}

impl Store {
    /// Raise a warning on a case (and set the case's risk level) with an audit entry.
    pub async fn raise_warning(
        &self,
        case_id: i64,
        unit_id: i64,
        level: i64,
        signals: &serde_json::Value,
        actor: &str,
    ) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO warnings (case_id, unit_id, level, signals, status, note, created_at, updated_at) VALUES ($1, $2, $3, $4, 'raised', '', $5, $5) RETURNING id",
        )
        .bind(case_id)
        .bind(unit_id)
        .bind(level)
        .bind(signals.to_string())
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        sqlx::query("UPDATE cases SET risk_level = $1 WHERE id = $2 AND risk_level < $1")
            .bind(level)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        let payload = serde_json::json!({ "warning": id, "case_id": case_id, "level": level, "signals": signals }).to_string();
        append(
            &mut tx,
            Append {
                stream: "warning",
                case_id: None,
                kind: "warning_raised",
                at: &now,
                actor,
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn warning(&self, id: i64) -> Result<Option<WarningRow>, StoreError> {
        let r = sqlx::query(&format!(
            "SELECT {COLS} FROM warnings w JOIN cases c ON c.id = w.case_id WHERE w.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.as_ref().map(row))
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
        let rows = sqlx::query(
            "SELECT seq, stream, kind, at, actor, payload FROM events WHERE stream = 'warning' AND (payload LIKE $1 OR payload LIKE $2) ORDER BY seq",
        )
        .bind(format!("%\"warning\":{id},%"))
        .bind(format!("%\"warning\":{id}}}%"))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| crate::AuditEntry {
                seq: r.get(0),
                stream: r.get(1),
                kind: r.get(2),
                at: r.get(3),
                actor: r.get(4),
                payload: r.get(5),
            })
            .collect())
    }

    /// Warnings of units under the path prefix, open ones first, newest first.
    pub async fn warnings_under(
        &self,
        path_prefix: &str,
        limit: i64,
    ) -> Result<Vec<WarningRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM warnings w JOIN cases c ON c.id = w.case_id JOIN units u ON u.id = w.unit_id WHERE u.path LIKE $1 \
             ORDER BY CASE WHEN w.status = 'cleared' THEN 1 ELSE 0 END, w.id DESC LIMIT $2"
        ))
        .bind(format!("{path_prefix}%"))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row).collect())
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
