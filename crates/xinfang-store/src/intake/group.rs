//! Group commit for intake. Registrations arriving together are written by a
//! single writer task in ONE transaction (one fsync on SQLite, one commit
//! round trip on PostgreSQL) and each caller is acknowledged only after that
//! commit succeeded — durability is unchanged, the fsync is shared.
//!
//! Every registration still gets its own case number, its own event in the
//! hash chain and its own outbox row. Each runs inside its own SAVEPOINT, so
//! one failing registration (a version conflict, a constraint) is rolled back
//! alone and reported to its caller while the rest of the batch commits. The
//! chain head is locked and read once per batch and written once at its end.
//!
//! On a SQLite file the batch is written by a writer thread on its own
//! rusqlite connection, BEGIN to COMMIT, while a second thread makes the
//! previous batch durable (`group_sqlite.rs`); on PostgreSQL (or an
//! in-memory SQLite) by a task through the pool. Either way the statements
//! are the same (`group_batch.rs` over `db::Db`). A 件次 whose case moved
//! on meanwhile fails alone (`Conflict`: the caller decides again). If the
//! one-statement-per-table write fails otherwise, the batch is written
//! again one registration per savepoint, so only the failing registration
//! fails.

use crate::cases::{NewCaseRecord, Projection};
use crate::chain::lock_head;
use crate::connect::Dialect;
use crate::db::Db;
use crate::error::StoreError;
use crate::warnings::NewWarning;
use crate::Store;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, Mutex};
use xinfang_domain::case::{Case, CaseEvent};
use xinfang_domain::org::UnitLevel;

/// Most registrations committed together (bounds a batch's latency).
pub const MAX_BATCH: usize = 256;

/// One registration to write (moved once into the writer's queue, so the
/// variants' size difference does not matter).
#[allow(clippy::large_enum_variant)]
pub enum IntakeWrite {
    /// A new case.
    NewCase(NewCaseRecord),
    /// Another 件次 (or any intake-time event) appended to an existing case
    /// still at `expected_version`.
    Append {
        case_id: i64,
        expected_version: u64,
        after: Case,
        event: CaseEvent,
        projection: Projection,
        level: UnitLevel,
        litigation: bool,
        warning: Option<NewWarning>,
        /// The online submission's idempotency key, written with the 件次.
        idempotency: Option<crate::Idempotency>,
    },
}

/// What was written.
#[derive(Clone, Debug)]
pub enum IntakeWritten {
    NewCase {
        id: i64,
        case_no: String,
        warning: Option<i64>,
    },
    Appended {
        seq: i64,
        warning: Option<i64>,
    },
}

/// A registration's outcome.
pub(crate) type AckResult = Result<IntakeWritten, StoreError>;
/// Where a registration's outcome is sent once it is durable (or failed).
pub(crate) type Ack = oneshot::Sender<AckResult>;

pub(crate) struct Job {
    pub(crate) write: IntakeWrite,
    pub(crate) ack: Ack,
}

/// The writer's own handles (not a `Store`, so the writer ends when the last
/// `Store` clone — and with it the sender — is dropped).
pub(crate) struct Writer {
    pub(crate) stats: Arc<Stats>,
    pool: AnyPool,
    dialect: Dialect,
    pub(crate) write_lock: Arc<Mutex<()>>,
    /// PostgreSQL: the connection kept between batches, and when it was
    /// taken (see [`Writer::connection`]).
    held: Option<(PoolConnection<Any>, Instant)>,
    /// Says when the primary changed (a multi-host URL), held weakly.
    follower: Option<Weak<crate::failover::Follower>>,
}

/// How long the PostgreSQL writer keeps one connection before handing it
/// back and taking one again (which checks it, see `connect.rs`).
const HOLD: Duration = Duration::from_secs(1);

impl Writer {
    /// The connection a batch is written on. On PostgreSQL the writer keeps
    /// it from one batch to the next while registrations keep coming: sqlx
    /// pings a connection each time it goes back to the pool — one round
    /// trip per batch for nothing. It is given up when no registration is
    /// waiting, after [`HOLD`], after any failed batch, and as soon as the
    /// primary changed after it was taken. On SQLite (an in-memory pool of few connections)
    /// it goes back after every batch.
    async fn connection(&mut self) -> Result<&mut PoolConnection<Any>, StoreError> {
        let moved = |taken: &Instant| {
            self.follower
                .as_ref()
                .and_then(Weak::upgrade)
                .is_some_and(|f| f.is_stale(taken.elapsed()))
        };
        if self
            .held
            .as_ref()
            .is_some_and(|(_, taken)| taken.elapsed() > HOLD || moved(taken))
            || self.dialect == Dialect::Sqlite
        {
            self.held = None;
        }
        if self.held.is_none() {
            self.held = Some((self.pool.acquire().await?, Instant::now()));
        }
        match &mut self.held {
            Some((conn, _)) => Ok(conn),
            None => Err(StoreError::Corrupt("登记写入连接缺失".into())),
        }
    }

    /// Count a batch of `n` registrations.
    pub(crate) fn count(&self, n: usize) {
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        self.stats.jobs.fetch_add(n as u64, Ordering::Relaxed);
        self.stats.largest.fetch_max(n as u64, Ordering::Relaxed);
    }
}

/// The writer's queue: a task's (PostgreSQL, in-memory SQLite) or the
/// SQLite writer thread's.
enum Queue {
    Task(mpsc::UnboundedSender<Job>),
    Thread(std::sync::mpsc::Sender<Job>),
}

impl Queue {
    fn send(&self, job: Job) -> bool {
        match self {
            Queue::Task(s) => s.send(job).is_ok(),
            Queue::Thread(s) => s.send(job).is_ok(),
        }
    }
}

/// Sender to the writer (started on first use inside the caller's runtime)
/// and its counters.
#[derive(Clone, Default)]
pub(crate) struct Committer {
    sender: Arc<std::sync::OnceLock<Queue>>,
    stats: Arc<Stats>,
}

#[derive(Default)]
pub(crate) struct Stats {
    batches: AtomicU64,
    jobs: AtomicU64,
    largest: AtomicU64,
    pub(crate) fallbacks: AtomicU64,
}

/// How the group committer has batched so far.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct GroupStats {
    pub batches: u64,
    pub registrations: u64,
    pub largest_batch: u64,
    /// Batches whose one-statement-per-table write failed and were written
    /// again one registration per savepoint.
    pub fallbacks: u64,
}

impl Store {
    /// Queue one registration for the next group commit and wait until the
    /// transaction holding it is durably committed (or it failed alone).
    pub async fn commit_intake(&self, write: IntakeWrite) -> Result<IntakeWritten, StoreError> {
        let sender = self.committer.sender.get_or_init(|| self.start_writer());
        let (ack, done) = oneshot::channel();
        if !sender.send(Job { write, ack }) {
            return Err(StoreError::Corrupt("登记写入任务已停止".into()));
        }
        done.await
            .map_err(|_| StoreError::Corrupt("登记写入任务已停止".into()))?
    }
}

impl Store {
    /// The SQLite writer threads for a database file, else a task on the pool.
    fn start_writer(&self) -> Queue {
        let writer = || Writer {
            stats: self.committer.stats.clone(),
            pool: self.pool.clone(),
            dialect: self.dialect,
            write_lock: self.write_lock.clone(),
            held: None,
            follower: self.follower.as_ref().map(Arc::downgrade),
        };
        if let Some(lite) = crate::sqlite::write::open(self.url()) {
            match crate::sqlite::group::spawn(writer(), lite) {
                Ok(tx) => return Queue::Thread(tx),
                Err(e) => tracing::warn!("intake writer thread not started ({e}); using the pool"),
            }
        }
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(writer(), rx));
        Queue::Task(tx)
    }

    /// Batches committed so far by this store's group committer.
    pub fn group_stats(&self) -> GroupStats {
        let s = &self.committer.stats;
        GroupStats {
            batches: s.batches.load(Ordering::Relaxed),
            registrations: s.jobs.load(Ordering::Relaxed),
            largest_batch: s.largest.load(Ordering::Relaxed),
            fallbacks: s.fallbacks.load(Ordering::Relaxed),
        }
    }
}

async fn run(mut w: Writer, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        w.count(batch.len());
        commit_batch(&mut w, batch).await;
        if rx.is_empty() {
            // Nothing waiting: the connection goes back (a quiet writer
            // holds none, so closing the pool never waits on it).
            w.held = None;
        }
    }
}

/// What each caller of a failed batch hears. The database being away (a
/// failover) stays retryable: nothing of the batch is acknowledged, and a
/// client that retries with its idempotency key gets its case exactly once.
pub(crate) fn batch_failed(e: &StoreError) -> StoreError {
    if e.is_unavailable() {
        StoreError::Unavailable(format!("批量提交未完成：{e}"))
    } else {
        StoreError::Corrupt(format!("批量提交失败：{e}"))
    }
}

/// How a batch is written: all registrations together, one statement per
/// table, or — after that failed — each under its own savepoint, so only
/// the failing ones fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Together,
    Each,
}

/// Lock the chain head, write the registrations (`batch::write_all`, which
/// stores the head with its rows) as `mode` says. Each registration's own outcome, in order.
pub(crate) async fn write_batch<D: Db>(
    db: &mut D,
    writes: &mut [IntakeWrite],
    mode: Mode,
) -> Result<Vec<AckResult>, StoreError> {
    let mut cur = lock_head(db).await?;
    let done = match mode {
        Mode::Together => {
            let mut refs: Vec<&mut IntakeWrite> = writes.iter_mut().collect();
            crate::intake::batch::write_all(db, &mut cur, &mut refs).await?
        }
        Mode::Each => {
            let mut out = Vec::with_capacity(writes.len());
            for w in writes.iter_mut() {
                let saved = cur.clone();
                db.exec("SAVEPOINT intake_one", vec![]).await?;
                match crate::intake::batch::write_all(db, &mut cur, &mut [w]).await {
                    Ok(mut one) => {
                        db.exec("RELEASE SAVEPOINT intake_one", vec![]).await?;
                        out.push(one.pop().unwrap_or_else(|| {
                            Err(StoreError::Corrupt("批量提交结果缺失".into()))
                        }));
                    }
                    Err(e) => {
                        db.exec("ROLLBACK TO SAVEPOINT intake_one", vec![]).await?;
                        db.exec("RELEASE SAVEPOINT intake_one", vec![]).await?;
                        cur = saved;
                        out.push(Err(e));
                    }
                }
            }
            out
        }
    };
    // Each `write_all` stored the head it ended at (with its rows).
    Ok(done)
}

/// Write the batch through the pool (PostgreSQL, SQLite without a file),
/// then acknowledge each job.
async fn commit_batch(w: &mut Writer, batch: Vec<Job>) {
    let _guard = match w.dialect {
        Dialect::Sqlite => Some(w.write_lock.clone().lock_owned().await),
        Dialect::Postgres => None,
    };
    let (mut writes, acks): (Vec<IntakeWrite>, Vec<_>) =
        batch.into_iter().map(|j| (j.write, j.ack)).unzip();
    let mut results = on_pool(w, &mut writes, Mode::Together).await;
    // A lost connection leaves the batch's commit in doubt (it may have
    // reached the standby that is now primary): never write it again here.
    if let (Err(e), true) = (
        &results,
        writes.len() > 1 && !results.as_ref().is_err_and(StoreError::is_unavailable),
    ) {
        tracing::debug!("batch fast path failed ({e}); writing one by one");
        w.stats.fallbacks.fetch_add(1, Ordering::Relaxed);
        results = on_pool(w, &mut writes, Mode::Each).await;
    }
    let results = results.unwrap_or_else(|e| {
        tracing::warn!("group commit of {} registrations failed: {e}", writes.len());
        writes.iter().map(|_| Err(batch_failed(&e))).collect()
    });
    acknowledge(acks, results);
}

/// Send each caller its own outcome, in batch order.
pub(crate) fn acknowledge(acks: Vec<Ack>, results: Vec<AckResult>) {
    let mut results = results.into_iter();
    for ack in acks {
        let r = results
            .next()
            .unwrap_or_else(|| Err(StoreError::Corrupt("批量提交结果缺失".into())));
        let _ = ack.send(r);
    }
}

/// One transaction on the pool: committed when the batch was written
/// (whatever its registrations' own outcomes), rolled back otherwise.
async fn on_pool(
    w: &mut Writer,
    writes: &mut [IntakeWrite],
    mode: Mode,
) -> Result<Vec<AckResult>, StoreError> {
    let done = async {
        let mut tx = sqlx::Connection::begin(&mut **w.connection().await?).await?;
        match write_batch(&mut tx, writes, mode).await {
            Ok(done) => {
                tx.commit().await?;
                Ok(done)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }
    .await;
    if done.is_err() {
        // Whatever failed, the next batch starts on a connection taken anew.
        w.held = None;
    }
    done
}
