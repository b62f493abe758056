//! Webhook endpoints (issue #19, 第二十一条): what administrators register
//! and change. Every change is a chained audit entry in the same
//! transaction; the secret itself never enters the log. Their deliveries
//! are in `deliveries.rs`. The signing secret is SM4-GCM sealed when keys
//! are loaded (issue #20).

use crate::error::StoreError;
use crate::Store;
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

/// A row of [`HOOK_COLS`], read by column name.
fn hook(r: &sqlx::any::AnyRow) -> Result<WebhookRow, StoreError> {
    Ok(WebhookRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        url: r.try_get("url")?,
        // Sealed at rest (issue #20) when keys are loaded.
        secret: crate::pii::reveal_text(r.try_get("secret")?),
        kinds: r.try_get("kinds")?,
        scope_unit: r.try_get("scope_unit")?,
        status: r.try_get("status")?,
        from_seq: r.try_get("from_seq")?,
        failures: r.try_get("failures")?,
        next_at: r.try_get("next_at")?,
        last_error: r.try_get("last_error")?,
        suspended_at: r.try_get("suspended_at")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// What an administrator sets on an endpoint.
pub struct WebhookFields<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub kinds: &'a str,
    pub scope_unit: i64,
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
            .bind(crate::pii::seal_opt(Some(secret))?)
            .bind(f.kinds)
            .bind(f.scope_unit)
            .bind(from_seq)
            .bind(now)
            .bind(by)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
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
            .bind(crate::pii::seal_opt(Some(secret))?)
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
        rows.iter().map(hook).collect()
    }

    pub async fn webhook(&self, id: i64) -> Result<Option<WebhookRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {HOOK_COLS} FROM webhooks WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(hook).transpose()
    }
}
