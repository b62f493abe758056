//! Webhook endpoints and their outbox (issue #19, 第二十一条): the endpoints
//! administrators register, the deliveries the fan-out writes (together with
//! its cursor, in one transaction, so an event is queued exactly once per
//! endpoint), and what the sender records per attempt. Every change to an
//! endpoint is a chained audit entry in the same transaction; the secret
//! itself never enters the log.

use crate::db::bind_all;
use crate::error::StoreError;
use crate::rows::{insert_rows, Val};
use crate::scope::push_scope;
use crate::{CaseScope, Store};
use serde::Serialize;
use sqlx::Row;

/// An endpoint as stored.
#[derive(Clone, Debug, Serialize)]
pub struct WebhookRow {
    pub id: i64,
    pub name: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    /// Event kinds, comma-separated.
    pub kinds: String,
    pub scope_unit: i64,
    /// `active`, `suspended` (after persistent failure) or `disabled`.
    pub status: String,
    pub from_seq: i64,
    /// Failed attempts in a row.
    pub failures: i64,
    pub next_at: String,
    pub last_error: String,
    pub suspended_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const HOOK_COLS: &str = "id, name, url, secret, kinds, scope_unit, status, from_seq, failures, next_at, last_error, suspended_at, created_by, created_at, updated_at";

fn hook(r: &sqlx::any::AnyRow) -> WebhookRow {
    WebhookRow {
        id: r.get(0),
        name: r.get(1),
        url: r.get(2),
        secret: r.get(3),
        kinds: r.get(4),
        scope_unit: r.get(5),
        status: r.get(6),
        from_seq: r.get(7),
        failures: r.get(8),
        next_at: r.get(9),
        last_error: r.get(10),
        suspended_at: r.get(11),
        created_by: r.get(12),
        created_at: r.get(13),
        updated_at: r.get(14),
    }
}

/// What an administrator sets on an endpoint.
pub struct WebhookFields<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub kinds: &'a str,
    pub scope_unit: i64,
}

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

fn delivery(r: &sqlx::any::AnyRow) -> DeliveryRow {
    DeliveryRow {
        id: r.get(0),
        webhook_id: r.get(1),
        case_id: r.get(2),
        case_no: r.get(3),
        event_id: r.get(4),
        kind: r.get(5),
        body: r.get(6),
        status: r.get(7),
        attempts: r.get(8),
        last_code: r.get(9),
        last_error: r.get(10),
        created_at: r.get(11),
        done_at: r.get(12),
    }
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
    /// Register an endpoint (its events start after `from_seq`).
    pub async fn insert_webhook(
        &self,
        f: &WebhookFields<'_>,
        secret: &str,
        from_seq: i64,
        now: &str,
        by: &str,
    ) -> Result<i64, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let id: i64 = sqlx::query("INSERT INTO webhooks (name, url, secret, kinds, scope_unit, status, from_seq, failures, next_at, last_error, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'active', $6, 0, $7, '', $8, $7, $7) RETURNING id")
            .bind(f.name)
            .bind(f.url)
            .bind(secret)
            .bind(f.kinds)
            .bind(f.scope_unit)
            .bind(from_seq)
            .bind(now)
            .bind(by)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        let entry = serde_json::json!({ "webhook": id, "name": f.name, "url": f.url, "kinds": f.kinds, "scope_unit": f.scope_unit });
        crate::chain::log(&mut tx, "webhook", "webhook_created", by, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Change an endpoint's name, URL, kinds and scope.
    pub async fn update_webhook(
        &self,
        id: i64,
        f: &WebhookFields<'_>,
        now: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE webhooks SET name = $1, url = $2, kinds = $3, scope_unit = $4, updated_at = $5 WHERE id = $6")
            .bind(f.name)
            .bind(f.url)
            .bind(f.kinds)
            .bind(f.scope_unit)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = serde_json::json!({ "webhook": id, "name": f.name, "url": f.url, "kinds": f.kinds, "scope_unit": f.scope_unit });
        crate::chain::log(&mut tx, "webhook", "webhook_changed", by, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new secret (the log records that it changed, not what it is).
    pub async fn set_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        now: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE webhooks SET secret = $1, updated_at = $2 WHERE id = $3")
            .bind(secret)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = serde_json::json!({ "webhook": id });
        crate::chain::log(&mut tx, "webhook", "webhook_secret_changed", by, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An administrator enables (`active`, failures forgotten, events from
    /// `from_seq` on when it was disabled) or disables an endpoint.
    pub async fn set_webhook_status(
        &self,
        id: i64,
        status: &str,
        head_seq: i64,
        now: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE webhooks SET from_seq = CASE WHEN status = 'disabled' THEN $1 ELSE from_seq END, status = $2, failures = 0, next_at = $3, suspended_at = NULL, updated_at = $3 WHERE id = $4")
            .bind(head_seq)
            .bind(status)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let kind = if status == "disabled" {
            "webhook_disabled"
        } else {
            "webhook_enabled"
        };
        let entry = serde_json::json!({ "webhook": id });
        crate::chain::log(&mut tx, "webhook", kind, by, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every endpoint, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {HOOK_COLS} FROM webhooks ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(hook).collect())
    }

    pub async fn webhook(&self, id: i64) -> Result<Option<WebhookRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {HOOK_COLS} FROM webhooks WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(hook))
    }

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
        Ok(rows.iter().map(delivery).collect())
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
        Ok(rows.iter().map(delivery).collect())
    }

    /// Deliveries of the endpoint by status, counting only cases `scope` may see.
    pub async fn webhook_counts(
        &self,
        webhook_id: i64,
        scope: &CaseScope,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut binds = vec![Val::I(webhook_id)];
        let mut sql = "SELECT d.status, COUNT(*) FROM webhook_deliveries d JOIN cases c ON c.id = d.case_id WHERE d.webhook_id = $1".to_string();
        push_scope(&mut sql, &mut binds, scope, "c");
        sql.push_str(" GROUP BY d.status ORDER BY d.status");
        let rows = bind_all(sqlx::query(&sql), binds)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}
