//! Planner statistics without re-preparing every statement.
//!
//! The bundled SQLite is built with `SQLITE_ENABLE_STAT4`, so `ANALYZE`
//! also stores value samples per index (`sqlite_stat4`). With samples
//! present, a statement whose `WHERE` compares an indexed column with a
//! bound parameter is marked as depending on that parameter's value, and
//! binding a new value expires it: every execution parsed and planned the
//! statement again. Under intake load that was ≈6 % of the server's CPU
//! (issue #17 profile), on the cheapest look-ups of all. Every query here is
//! parameterised, so the samples bought nothing: the per-index averages of
//! `sqlite_stat1` are kept and the samples dropped. Dropping a statistics
//! table is a schema change, so every open connection reloads the
//! statistics without them.

use crate::error::StoreError;
use crate::{Dialect, Store};

impl Store {
    /// `ANALYZE` after a bulk change (a fill, a rebuild), then on SQLite the
    /// samples dropped. PostgreSQL's autovacuum would analyse later, if it
    /// is on at all (`upkeep.rs`); until then the planner would plan for
    /// the tables as they were.
    pub(crate) async fn analyze(&self) -> Result<(), StoreError> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        if self.dialect != Dialect::Sqlite {
            return Ok(());
        }
        self.drop_index_samples().await
    }

    /// Drop `sqlite_stat4` if an `ANALYZE` (this version's or an older
    /// one's) left it. `ANALYZE` creates it again when next run.
    pub(crate) async fn drop_index_samples(&self) -> Result<(), StoreError> {
        if self.dialect != Dialect::Sqlite {
            return Ok(());
        }
        let present = sqlx::query(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'",
        )
        .fetch_optional(&self.pool)
        .await?
        .is_some();
        if present {
            // Not under `write_lock`: a rebuild calls this while holding it.
            // One autocommit statement waits for the intake writer through
            // SQLite's busy timeout. A store opened read-only keeps the
            // samples: slower, not wrong.
            if let Err(e) = sqlx::query("DROP TABLE IF EXISTS sqlite_stat4")
                .execute(&self.pool)
                .await
            {
                tracing::warn!("索引统计样本未能删除：{e}");
            }
        }
        Ok(())
    }
}
