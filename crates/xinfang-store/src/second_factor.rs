//! The staff TOTP second factor (issue #20 item 3): the shared secret, the
//! last time step accepted (so a code is never accepted twice — the update
//! is a compare-and-set, safe between concurrent sign-ins and nodes) and
//! the one-time recovery codes, stored as hashes only. The secret is
//! SM4-GCM sealed when keys are loaded (issue #20): a copy of the database
//! must not let anyone generate a staff member's codes.

use crate::error::StoreError;
use crate::Store;
use sqlx::Row;
use xinfang_domain::org::UserId;

/// A user's TOTP secret and whether enrolment was confirmed with a code.
#[derive(Clone, Debug)]
pub struct SecondFactorRow {
    /// Base32 (RFC 4648, no padding).
    pub secret: String,
    pub confirmed: bool,
    pub last_step: i64,
}

impl Store {
    pub async fn second_factor(&self, user: UserId) -> Result<Option<SecondFactorRow>, StoreError> {
        let row = sqlx::query(
            "SELECT secret, confirmed_at, last_step FROM second_factors WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SecondFactorRow {
            // Sealed at rest (issue #20) when keys are loaded.
            secret: crate::pii::open_text(&r.try_get::<String, _>("secret")?)?,
            confirmed: r.try_get::<Option<String>, _>("confirmed_at")?.is_some(),
            last_step: r.try_get("last_step")?,
        }))
    }

    /// Start (or restart) an enrolment with a new secret, not yet confirmed.
    /// A confirmed factor is never replaced here: that takes a reset.
    pub async fn begin_second_factor(
        &self,
        user: UserId,
        secret: &str,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let confirmed: Option<Option<String>> =
            sqlx::query("SELECT confirmed_at FROM second_factors WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("confirmed_at"))
                .transpose()?;
        if matches!(confirmed, Some(Some(_))) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO second_factors (user_id, secret, last_step, updated_at) VALUES ($1, $2, 0, $3)")
            .bind(user.0)
            .bind(crate::pii::seal_opt(Some(secret))?)
            .bind(crate::now_text())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Confirm the enrolment (the first code was right at `step`) and
    /// replace the recovery codes with `code_hashes`, in one transaction.
    pub async fn confirm_second_factor(
        &self,
        user: UserId,
        step: i64,
        code_hashes: &[String],
    ) -> Result<bool, StoreError> {
        let now = crate::now_text();
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE second_factors SET confirmed_at = $1, last_step = $2, updated_at = $1 WHERE user_id = $3 AND confirmed_at IS NULL AND last_step < $2")
            .bind(&now)
            .bind(step)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        for h in code_hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(user.0)
            .bind(h)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Accept the code of time step `step` once: true only if no code of
    /// this step or a later one was accepted before.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE second_factors SET last_step = $1 WHERE user_id = $2 AND confirmed_at IS NOT NULL AND last_step < $1")
            .bind(step)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Use an unused recovery code (by hash): true once, false ever after.
    pub async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(crate::now_text())
            .bind(user.0)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Remove the user's second factor and recovery codes and end their
    /// browser sessions (an administrator's reset, after a lost phone).
    pub async fn reset_second_factor(&self, user: UserId) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tokens WHERE user_id = $1 AND kind <> 'api'")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }
}
