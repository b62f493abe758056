//! Read replicas (issue #21): the heavy reads — dashboard and statistics,
//! case lists and their exports, the search feed — may go to PostgreSQL
//! standbys (`--read-database-url`, several allowed) so they do not compete
//! with registration for the primary.
//!
//! Bounded staleness: a monitor compares, every second, each replica's
//! `pg_last_wal_replay_lsn()` with the primary's `pg_current_wal_lsn()` of
//! the tick before; a replica that has not replayed that far (more than
//! about `2 × TICK` behind) or does not answer gets no reads until it has.
//! Reads that must see the user's own writes run inside [`on_primary`]: the
//! web layer uses it for every writing request and for any request of a
//! client that wrote within `OWN_WRITES_WINDOW` (longer than the bound), so
//! a registrar who just registered a case finds it in the list.

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often replication lag is measured.
const TICK: Duration = Duration::from_secs(1);
/// A client's reads go to the primary for this long after its last write.
pub const OWN_WRITES_WINDOW: Duration = Duration::from_secs(5);

tokio::task_local! {
    static PRIMARY_ONLY: bool;
}

/// Run `f` with every read on the primary (read-your-writes).
pub async fn on_primary<F: std::future::Future>(f: F) -> F::Output {
    PRIMARY_ONLY.scope(true, f).await
}

/// Whether reads run on the primary here (inside [`on_primary`]).
pub fn on_primary_now() -> bool {
    primary_only()
}

fn primary_only() -> bool {
    PRIMARY_ONLY.try_with(|b| *b).unwrap_or(false)
}

struct Replica {
    pool: AnyPool,
    fresh: AtomicBool,
}

/// The replicas of a store and which of them are fresh enough now.
#[derive(Default)]
pub(crate) struct Replicas {
    list: Vec<Replica>,
    next: AtomicUsize,
}

impl Replicas {
    /// A fresh replica's pool (round robin), if any and if allowed here.
    pub(crate) fn pick(&self) -> Option<&AnyPool> {
        if self.list.is_empty() || primary_only() {
            return None;
        }
        let n = self.list.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|k| &self.list[(start + k) % n])
            .find(|r| r.fresh.load(Ordering::Relaxed))
            .map(|r| &r.pool)
    }

    /// How many replicas are fresh now.
    pub(crate) fn fresh(&self) -> usize {
        self.list
            .iter()
            .filter(|r| r.fresh.load(Ordering::Relaxed))
            .count()
    }
}

impl crate::Store {
    /// Add read replicas (PostgreSQL standbys of this store's primary).
    /// Each starts as not fresh until the monitor has measured it.
    pub async fn with_read_replicas(mut self, urls: &[String]) -> Result<Self, crate::StoreError> {
        if urls.is_empty() {
            return Ok(self);
        }
        if self.dialect != crate::Dialect::Postgres {
            return Err(crate::StoreError::Url(
                "只读副本只用于 PostgreSQL（--read-database-url）".into(),
            ));
        }
        let mut list = vec![];
        for url in urls {
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .connect_lazy(url)?;
            list.push(Replica {
                pool,
                fresh: AtomicBool::new(false),
            });
        }
        let replicas = Arc::new(Replicas {
            list,
            next: AtomicUsize::new(0),
        });
        tokio::spawn(monitor(Arc::downgrade(&replicas), self.pool.clone()));
        self.replicas = replicas;
        Ok(self)
    }

    /// The pool for a heavy read: a fresh replica, else the primary.
    pub(crate) fn reader(&self) -> &AnyPool {
        self.replicas.pick().unwrap_or(&self.pool)
    }

    /// Whether a heavy read made here would run on a standby (for health
    /// checks and tests): asks the server the read goes to.
    pub async fn reads_from_standby(&self) -> Result<bool, crate::StoreError> {
        if self.dialect != crate::Dialect::Postgres {
            return Ok(false);
        }
        let row = sqlx::query("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END")
            .fetch_one(self.reader())
            .await?;
        Ok(row.try_get::<i32, _>(0)? == 1)
    }

    /// Read replicas configured, and how many are fresh now.
    pub fn replica_status(&self) -> (usize, usize) {
        (self.replicas.list.len(), self.replicas.fresh())
    }
}

async fn current_lsn(primary: &AnyPool) -> Option<String> {
    sqlx::query("SELECT CAST(pg_current_wal_lsn() AS TEXT)")
        .fetch_one(primary)
        .await
        .ok()?
        .try_get(0)
        .ok()
}

/// Whether `pool` has replayed up to `lsn`.
async fn replayed(pool: &AnyPool, lsn: &str) -> bool {
    let q = sqlx::query(
        "SELECT CASE WHEN pg_last_wal_replay_lsn() >= CAST($1 AS pg_lsn) THEN 1 ELSE 0 END",
    )
    .bind(lsn);
    let run = async { q.fetch_one(pool).await.ok()?.try_get::<i32, _>(0).ok() };
    matches!(tokio::time::timeout(TICK, run).await, Ok(Some(1)))
}

async fn monitor(weak: Weak<Replicas>, primary: AnyPool) {
    let mut previous: Option<String> = None;
    loop {
        let Some(r) = weak.upgrade() else { return };
        let now = current_lsn(&primary).await;
        for replica in &r.list {
            let fresh = match &previous {
                Some(lsn) => replayed(&replica.pool, lsn).await,
                None => false,
            };
            replica.fresh.store(fresh, Ordering::Relaxed);
        }
        drop(r);
        previous = now;
        tokio::time::sleep(TICK).await;
    }
}
