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
//! are the same (`group_batch.rs` over `db::Db`). If the
//! one-statement-per-table write fails, the batch is written again through
//! the pool, one registration per savepoint, so only the failing
//! registration fails.

use crate::cases::{append_event_tx, insert_case_tx, NewCaseRecord, Projection};
use crate::chain::{lock_head, store_head, Cursor};
use crate::connect::Dialect;
use crate::db::Db;
use crate::error::StoreError;
use crate::warnings::{insert_warning_tx, NewWarning};
use crate::Store;
use sqlx::{Any, AnyPool, Transaction};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
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

/// Where a registration's outcome is sent once it is durable (or failed).
pub(crate) type Ack = oneshot::Sender<Result<IntakeWritten, StoreError>>;

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
}

impl Writer {
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
        };
        if let Some(lite) = crate::lite::open(self.url()) {
            match crate::group_sqlite::spawn(writer(), lite) {
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

async fn run(w: Writer, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        w.count(batch.len());
        commit_batch(&w, batch).await;
    }
}

fn batch_failed(e: &StoreError) -> StoreError {
    StoreError::Corrupt(format!("批量提交失败：{e}"))
}

async fn savepoint(tx: &mut Transaction<'static, Any>, sql: &str) -> Result<(), StoreError> {
    sqlx::query(sql).execute(&mut **tx).await?;
    Ok(())
}

async fn write_one(
    tx: &mut Transaction<'static, Any>,
    cur: &mut Cursor,
    write: &mut IntakeWrite,
) -> Result<IntakeWritten, StoreError> {
    match write {
        IntakeWrite::NewCase(rec) => {
            let (id, case_no, _) = insert_case_tx(tx, cur, rec, true).await?;
            let warning = match &rec.warning {
                Some(w) => Some(insert_warning_tx(tx, cur, id, w).await?),
                None => None,
            };
            Ok(IntakeWritten::NewCase {
                id,
                case_no,
                warning,
            })
        }
        IntakeWrite::Append {
            case_id,
            expected_version,
            after,
            event,
            projection,
            level,
            litigation,
            warning,
        } => {
            let seq = append_event_tx(
                tx,
                Some(cur),
                *case_id,
                *expected_version,
                after,
                event,
                projection,
                Some(*level),
            )
            .await?;
            if *litigation {
                sqlx::query("UPDATE cases SET litigation = 1 WHERE id = $1")
                    .bind(*case_id)
                    .execute(&mut **tx)
                    .await?;
            }
            let warning = match warning {
                Some(w) => Some(insert_warning_tx(tx, cur, *case_id, w).await?),
                None => None,
            };
            Ok(IntakeWritten::Appended { seq, warning })
        }
    }
}

/// Lock the chain head, write every registration with one statement per
/// table (`group_batch`), store the head: the batch's whole fast path.
pub(crate) async fn write_batch<D: Db>(
    db: &mut D,
    writes: &mut [IntakeWrite],
) -> Result<Vec<IntakeWritten>, StoreError> {
    let mut cur = lock_head(db).await?;
    let mut refs: Vec<&mut IntakeWrite> = writes.iter_mut().collect();
    let done = crate::group_batch::write_all(db, &mut cur, &mut refs).await?;
    store_head(db, &cur).await?;
    Ok(done)
}

/// Write the batch in one transaction through the pool, then acknowledge
/// each job.
async fn commit_batch(w: &Writer, batch: Vec<Job>) {
    let _guard = match w.dialect {
        Dialect::Sqlite => Some(w.write_lock.clone().lock_owned().await),
        Dialect::Postgres => None,
    };
    let (mut writes, acks): (Vec<IntakeWrite>, Vec<_>) =
        batch.into_iter().map(|j| (j.write, j.ack)).unzip();
    let multi = writes.len() > 1;
    let results = if multi {
        match fast_on_pool(w, &mut writes).await {
            Ok(done) => done.into_iter().map(Ok).collect(),
            Err(e) => {
                tracing::debug!("batch fast path failed ({e}); writing one by one");
                w.stats.fallbacks.fetch_add(1, Ordering::Relaxed);
                one_by_one(w, &mut writes, multi).await
            }
        }
    } else {
        one_by_one(w, &mut writes, multi).await
    };
    acknowledge(acks, results);
}

/// Send each caller its own outcome, in batch order.
pub(crate) fn acknowledge(acks: Vec<Ack>, results: Vec<Result<IntakeWritten, StoreError>>) {
    let mut results = results.into_iter();
    for ack in acks {
        let r = results
            .next()
            .unwrap_or_else(|| Err(StoreError::Corrupt("批量提交结果缺失".into())));
        let _ = ack.send(r);
    }
}

/// The fast path through the pool (PostgreSQL, or SQLite without a file).
async fn fast_on_pool(
    w: &Writer,
    writes: &mut [IntakeWrite],
) -> Result<Vec<IntakeWritten>, StoreError> {
    let mut tx = w.pool.begin().await?;
    match write_batch(&mut tx, writes).await {
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

/// The fallback: each registration under its own savepoint, so only the
/// failing ones fail.
pub(crate) async fn one_by_one(
    w: &Writer,
    writes: &mut [IntakeWrite],
    multi: bool,
) -> Vec<Result<IntakeWritten, StoreError>> {
    let mut results: Vec<Result<IntakeWritten, StoreError>> = Vec::with_capacity(writes.len());
    let outcome: Result<(), StoreError> = async {
        let mut tx = w.pool.begin().await?;
        let mut cur = lock_head(&mut tx).await?;
        for write in writes.iter_mut() {
            let saved = cur.clone();
            if multi {
                savepoint(&mut tx, "SAVEPOINT intake_one").await?;
            }
            match write_one(&mut tx, &mut cur, write).await {
                Ok(v) => {
                    if multi {
                        savepoint(&mut tx, "RELEASE SAVEPOINT intake_one").await?;
                    }
                    results.push(Ok(v));
                }
                Err(e) if multi => {
                    savepoint(&mut tx, "ROLLBACK TO SAVEPOINT intake_one").await?;
                    savepoint(&mut tx, "RELEASE SAVEPOINT intake_one").await?;
                    cur = saved;
                    results.push(Err(e));
                }
                Err(e) => {
                    // Alone in its batch: nothing else to keep.
                    results.push(Err(e));
                    tx.rollback().await?;
                    return Ok(());
                }
            }
        }
        if results.iter().any(|r| r.is_ok()) {
            store_head(&mut tx, &cur).await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = outcome {
        tracing::warn!("group commit of {} registrations failed: {e}", writes.len());
        // Nothing of the batch is durable: every caller learns it failed.
        return writes.iter().map(|_| Err(batch_failed(&e))).collect();
    }
    results
}
