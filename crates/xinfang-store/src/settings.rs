//! Small key/value settings: the loaded calendar, clock-rule overrides.
//! Changes are audited by the caller through the chain.

use crate::error::StoreError;
use crate::Store;

impl Store {
    pub async fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(value)
            .bind(crate::now_text())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
