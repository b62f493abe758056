//! Table upkeep on PostgreSQL when its autovacuum is off.
//!
//! PostgreSQL's planner chooses plans from statistics that `ANALYZE`
//! gathers, and answers counts from the index alone only on pages `VACUUM`
//! marked all-visible. Both normally come from autovacuum. With autovacuum
//! off (as found on the benchmark machine of issue #17), a store filled with
//! a million cases had never been analysed: the planner took 91,868
//! delivered cases of a district for 79 and sorted them all for a page of
//! twenty (2.5 s), and every count read the heap. Dead rows of the outbox
//! and the rollup would also pile up, and transaction ids wrap around.
//!
//! So `serve` does what autovacuum would, for this database's tables, while
//! autovacuum is off: each round ([`Store::upkeep_round`]) analyses a table
//! whose changes since its last analysis pass [`ANALYZE_SHARE`] of its rows,
//! and vacuums one whose dead or newly inserted rows pass [`VACUUM_SHARE`]
//! or [`INSERT_SHARE`] — the thresholds `deploy/postgresql-xinfang.conf`
//! recommends for autovacuum itself — throttled like autovacuum
//! (`vacuum_cost_delay`), so intake keeps its share of the disk. With
//! autovacuum on, a round does nothing. SQLite needs none of this (its
//! statistics are `sqlite/analyze.rs`, its pages need no vacuuming).

use crate::error::StoreError;
use crate::{Dialect, Store};
use sqlx::Row;

/// Analyse a table when this share of its rows changed since the last time.
pub const ANALYZE_SHARE: f64 = 0.02;
/// Vacuum a table when this share of its rows is dead.
pub const VACUUM_SHARE: f64 = 0.05;
/// Vacuum a table when this share of its rows was inserted since its last
/// vacuum (marks the new pages all-visible for index-only counts).
pub const INSERT_SHARE: f64 = 0.2;

/// What one round did, table by table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Upkeep {
    /// Tables analysed (and not vacuumed).
    pub analysed: Vec<String>,
    /// Tables vacuumed (and analysed with it).
    pub vacuumed: Vec<String>,
}

impl Store {
    /// Whether this store is PostgreSQL with autovacuum off (then `serve`
    /// runs [`Store::upkeep_round`] itself).
    pub async fn autovacuum_off(&self) -> Result<bool, StoreError> {
        if self.dialect != Dialect::Postgres {
            return Ok(false);
        }
        let on: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
            .fetch_one(&self.pool)
            .await?;
        Ok(on != "on")
    }

    /// One round of upkeep (see the module doc): nothing on SQLite or when
    /// autovacuum is on.
    pub async fn upkeep_round(&self) -> Result<Upkeep, StoreError> {
        let mut done = Upkeep::default();
        if !self.autovacuum_off().await? {
            return Ok(done);
        }
        // `n_ins_since_vacuum` (PostgreSQL 13+) read through JSON, so an
        // older server answers 0 instead of failing.
        let rows = sqlx::query(
            "SELECT CAST(relname AS TEXT) AS relname, \
             CAST(n_live_tup AS BIGINT) AS live, \
             CAST(n_dead_tup AS BIGINT) AS dead, \
             CAST(n_mod_since_analyze AS BIGINT) AS changed, \
             CAST(COALESCE(to_jsonb(s) ->> 'n_ins_since_vacuum', '0') AS BIGINT) AS inserted \
             FROM pg_stat_user_tables s WHERE schemaname = current_schema() ORDER BY relname",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let table: String = r.try_get("relname")?;
            let live = r.try_get::<i64, _>("live")? as f64;
            let share = |n: i64, of: f64, floor: f64| n as f64 > floor + of * live;
            let vacuum = share(r.try_get("dead")?, VACUUM_SHARE, 50.0)
                || share(r.try_get("inserted")?, INSERT_SHARE, 1000.0);
            let analyse = share(r.try_get("changed")?, ANALYZE_SHARE, 50.0);
            if vacuum {
                self.vacuum_table(&table).await?;
                done.vacuumed.push(table);
            } else if analyse {
                sqlx::query(&format!("ANALYZE {}", quoted(&table)))
                    .execute(&self.pool)
                    .await?;
                done.analysed.push(table);
            }
        }
        if !done.vacuumed.is_empty() || !done.analysed.is_empty() {
            tracing::info!(
                "数据库维护（autovacuum 已关闭，由本服务代为执行）：清理 {:?}，统计 {:?}",
                done.vacuumed,
                done.analysed
            );
        }
        Ok(done)
    }

    /// `VACUUM (ANALYZE)` one table, throttled as autovacuum would be.
    async fn vacuum_table(&self, table: &str) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("SET vacuum_cost_delay = '2ms'")
            .execute(&mut *conn)
            .await?;
        let vacuumed = sqlx::query(&format!("VACUUM (ANALYZE) {}", quoted(table)))
            .execute(&mut *conn)
            .await;
        // The pool hands the connection to others: put the setting back.
        sqlx::query("RESET vacuum_cost_delay")
            .execute(&mut *conn)
            .await?;
        vacuumed?;
        Ok(())
    }
}

/// A table name from the catalogue as an SQL identifier.
fn quoted(table: &str) -> String {
    format!("\"{}\"", table.replace('"', "\"\""))
}
