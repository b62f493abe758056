//! Cursors over the event log for the pumps that carry events out (the
//! webhook fan-out, the AMQP publisher), each with a lease so that one
//! `serve` process runs a pump at a time when several share a database.
//! A pump's cursor starts where its first subscriber starts, or at the
//! head of the log when the pump first runs: history is never re-announced.

use crate::error::StoreError;
use crate::Store;
use sqlx::Row;

/// One case event as the pumps read it: with its chain hash, from which
/// the event's id (the idempotency key receivers de-duplicate on) comes.
#[derive(Clone, Debug)]
pub struct LogEvent {
    pub seq: i64,
    pub case_id: i64,
    pub kind: String,
    pub at: String,
    pub actor: String,
    pub payload: String,
    pub hash: String,
}

impl Store {
    /// Take pump `name` until `until` (wall clock) unless another process
    /// holds it; its row is made on first use with the cursor at `start`,
    /// or at the head of the log.
    pub async fn lease_pump(
        &self,
        name: &str,
        start: Option<i64>,
        node: &str,
        now: &str,
        until: &str,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let exists = sqlx::query("SELECT 1 FROM event_pumps WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            let cursor: i64 = match start {
                Some(s) => s,
                None => {
                    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
                        .fetch_one(&mut *tx)
                        .await?
                }
            };
            sqlx::query(
                "INSERT INTO event_pumps (name, cursor) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(name)
            .bind(cursor)
            .execute(&mut *tx)
            .await?;
        }
        let n = sqlx::query("UPDATE event_pumps SET lease_by = $1, lease_until = $2 WHERE name = $3 AND (lease_by IS NULL OR lease_by = $1 OR lease_until < $4)")
            .bind(node)
            .bind(until)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Where pump `name` stands (0 before its first lease).
    pub async fn pump_cursor(&self, name: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT cursor FROM event_pumps WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }

    /// Move pump `name` to `seq`.
    pub async fn set_pump_cursor(&self, name: &str, seq: i64) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE event_pumps SET cursor = $1 WHERE name = $2")
            .bind(seq)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Case events with seq > `after`, oldest first, at most `limit` (the
    /// event pumps and the petitioner notifier read the log through this).
    pub async fn log_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<LogEvent>, StoreError> {
        let sql = format!("SELECT {LOG_COLS} FROM events WHERE seq > $1 AND case_id IS NOT NULL ORDER BY seq LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(log_event).collect()
    }

    /// The case events of these kinds among the next `limit` events after
    /// `after`, and the seq the window reached (None: no event after
    /// `after`). The notifier wants a handful of kinds; reading, opening
    /// and parsing every registration's payload to skip it cost more than
    /// the notices (issue #17).
    pub async fn log_events_of_kinds_after(
        &self,
        after: i64,
        limit: i64,
        kinds: &[&str],
    ) -> Result<(Vec<LogEvent>, Option<i64>), StoreError> {
        let reached: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(seq) FROM (SELECT seq FROM events WHERE seq > $1 ORDER BY seq LIMIT $2) w",
        )
        .bind(after)
        .bind(limit)
        .fetch_one(&self.pool)
        .await?;
        let Some(reached) = reached else {
            return Ok((vec![], None));
        };
        if kinds.is_empty() {
            return Ok((vec![], Some(reached)));
        }
        let sql = format!(
            "SELECT {LOG_COLS} FROM events WHERE seq > $1 AND seq <= $2 AND case_id IS NOT NULL AND kind IN ({}) ORDER BY seq",
            crate::rows::placeholders(3, kinds.len())
        );
        let mut q = sqlx::query(&sql).bind(after).bind(reached);
        for k in kinds {
            q = q.bind(*k);
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok((
            rows.iter().map(log_event).collect::<Result<_, _>>()?,
            Some(reached),
        ))
    }
}

const LOG_COLS: &str = "seq, case_id, kind, at, actor, payload, hash, pii";

/// A row of [`LOG_COLS`], its payload as the application wrote it.
fn log_event(r: &sqlx::any::AnyRow) -> Result<LogEvent, StoreError> {
    Ok(LogEvent {
        seq: r.try_get("seq")?,
        case_id: r.try_get("case_id")?,
        kind: r.try_get("kind")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        payload: crate::pii::event_payload(
            r.try_get("payload")?,
            r.try_get::<Option<String>, _>("pii")?.as_deref(),
            r.try_get("seq")?,
        )?,
        hash: r.try_get("hash")?,
    })
}
