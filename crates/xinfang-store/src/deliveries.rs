//! The webhook outbox and delivery log (issue #19): the rows the fan-out
//! writes together with its cursor (one transaction: an event is queued
//! exactly once per endpoint), what the sender records per attempt (a
//! suspension is a chained audit entry), the per-endpoint lease between
//! `serve` processes, and the log administrators read — scoped like every
//! list of case material (第三十条).

use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::{insert_rows, Val};
use crate::scope::push_scope;
use crate::{CaseScope, Store};
use serde::Serialize;
use sqlx::Row;

/// A delivery to queue.
pub struct NewDelivery {
    pub webhook_id: i64,
    pub event_seq: i64,
    pub case_id: i64,
    pub event_id: String,
    pub kind: String,
    pub body: String,
}

/// A delivery as stored (the log and the sender's queue).
#[derive(Clone, Debug, Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub case_id: i64,
    pub case_no: String,
    pub event_id: String,
    pub kind: String,
    #[serde(skip)]
    pub body: String,
    /// `pending`, `delivered` or `withheld`.
    pub status: String,
    pub attempts: i64,
    pub last_code: Option<i64>,
    pub last_error: String,
    pub created_at: String,
    pub done_at: Option<String>,
}

const DELIVERY_COLS: &str = "d.id, d.webhook_id, d.case_id, c.case_no, d.event_id, d.kind, d.body, d.status, d.attempts, d.last_code, d.last_error, d.created_at, d.done_at";

/// A row of [`DELIVERY_COLS`], read by column name.
fn delivery(r: &sqlx::any::AnyRow) -> Result<DeliveryRow, StoreError> {
    Ok(DeliveryRow {
        id: r.try_get("id")?,
        webhook_id: r.try_get("webhook_id")?,
        case_id: r.try_get("case_id")?,
        case_no: r.try_get("case_no")?,
        event_id: r.try_get("event_id")?,
        kind: r.try_get("kind")?,
        body: r.try_get("body")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        last_code: r.try_get("last_code")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        done_at: r.try_get("done_at")?,
    })
}

/// How an attempt ended, for [`Store::record_delivery`].
pub enum Attempt<'a> {
    /// 2xx.
    Delivered { code: i64 },
    /// The case is no longer the endpoint's to see: not sent, never will be.
    Withheld,
    /// Refused or unreachable: the endpoint waits until `next_at`; after
    /// persistent failure it is `suspend`ed.
    Failed {
        code: Option<i64>,
        error: &'a str,
        next_at: &'a str,
        suspend: bool,
    },
}

impl Store {
    /// Queue `rows` (an event already queued for an endpoint is skipped)
    /// and move the pump `cursor` to `seq`, in one transaction.
    pub async fn queue_deliveries(
        &self,
        rows: Vec<NewDelivery>,
        cursor: &str,
        seq: i64,
        now: &str,
    ) -> Result<usize, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = rows.len();
        let vals: Vec<Vec<Val>> = rows
            .into_iter()
            .map(|d| {
                vec![
                    d.webhook_id.into(),
                    d.event_seq.into(),
                    d.case_id.into(),
                    d.event_id.into(),
                    d.kind.into(),
                    d.body.into(),
                    "pending".into(),
                    0i64.into(),
                    "".into(),
                    now.into(),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "webhook_deliveries (webhook_id, event_seq, case_id, event_id, kind, body, status, attempts, last_error, created_at)",
            vals,
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        sqlx::query("UPDATE event_pumps SET cursor = $1 WHERE name = $2")
            .bind(seq)
            .bind(cursor)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Take the endpoint for sending until `until` (wall clock) unless
    /// another process holds it; false when it does.
    pub async fn lease_webhook(
        &self,
        id: i64,
        node: &str,
        now: &str,
        until: &str,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE webhooks SET lease_by = $1, lease_until = $2 WHERE id = $3 AND (lease_by IS NULL OR lease_by = $1 OR lease_until < $4)")
            .bind(node)
            .bind(until)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The endpoint's waiting deliveries in event order.
    pub async fn pending_deliveries(
        &self,
        webhook_id: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLS} FROM webhook_deliveries d JOIN cases c ON c.id = d.case_id WHERE d.webhook_id = $1 AND d.status = 'pending' ORDER BY d.id LIMIT $2"
        ))
        .bind(webhook_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery).collect()
    }

    /// Record one attempt on delivery `id` of endpoint `webhook_id`, and
    /// the endpoint's state after it (a success ends its back-off; a
    /// suspension is a chained audit entry).
    pub async fn record_delivery(
        &self,
        webhook_id: i64,
        id: i64,
        attempt: Attempt<'_>,
        now: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        match attempt {
            Attempt::Delivered { code } => {
                sqlx::query("UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_code = $1, last_error = '', done_at = $2 WHERE id = $3")
                    .bind(code)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE webhooks SET failures = 0, last_error = '' WHERE id = $1 AND failures > 0")
                    .bind(webhook_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Attempt::Withheld => {
                sqlx::query(
                    "UPDATE webhook_deliveries SET status = 'withheld', done_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Attempt::Failed {
                code,
                error,
                next_at,
                suspend,
            } => {
                sqlx::query("UPDATE webhook_deliveries SET attempts = attempts + 1, last_code = $1, last_error = $2 WHERE id = $3")
                    .bind(code)
                    .bind(error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE webhooks SET failures = failures + 1, next_at = $1, last_error = $2, status = CASE WHEN $3 = 1 AND status = 'active' THEN 'suspended' ELSE status END, suspended_at = CASE WHEN $3 = 1 AND status = 'active' THEN $4 ELSE suspended_at END WHERE id = $5")
                    .bind(next_at)
                    .bind(error)
                    .bind(suspend as i64)
                    .bind(now)
                    .bind(webhook_id)
                    .execute(&mut *tx)
                    .await?;
                if suspend {
                    let entry = serde_json::json!({ "webhook": webhook_id, "error": error });
                    crate::chain::log(&mut tx, "webhook", "webhook_suspended", "system", entry)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The endpoint's latest deliveries of cases `scope` may see (the
    /// administrator's own view: 第三十条 applies to the log too).
    pub async fn webhook_log(
        &self,
        webhook_id: i64,
        scope: &CaseScope,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let mut binds = vec![Val::I(webhook_id)];
        let mut sql = format!(
            "SELECT {DELIVERY_COLS} FROM webhook_deliveries d JOIN cases c ON c.id = d.case_id WHERE d.webhook_id = $1"
        );
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(&format!(
            " ORDER BY d.event_seq DESC LIMIT ${}",
            binds.len() + 1
        ));
        binds.push(Val::I(limit));
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(delivery).collect()
    }

    /// Deliveries of the endpoint by status, counting only cases `scope` may see.
    pub async fn webhook_counts(
        &self,
        webhook_id: i64,
        scope: &CaseScope,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut binds = vec![Val::I(webhook_id)];
        let mut sql = "SELECT d.status, COUNT(*) AS n FROM webhook_deliveries d JOIN cases c ON c.id = d.case_id WHERE d.webhook_id = $1".to_string();
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(" GROUP BY d.status ORDER BY d.status");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }
}
