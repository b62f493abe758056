//! The SQLite intake writer: two threads, so that writing the next batch
//! overlaps making the last one durable.
//!
//! - The **writer thread** owns the rusqlite connection (`lite.rs`). It takes
//!   every registration waiting at that moment, writes them from BEGIN to
//!   COMMIT (`group_batch.rs`) and hands the batch's results to the syncer.
//!   Its connection runs `synchronous=NORMAL`: COMMIT appends the batch's
//!   frames to the WAL file without waiting for the disk.
//! - The **syncer thread** `fdatasync`s the WAL file, then acknowledges every
//!   batch committed before that sync. One sync covers all batches that
//!   were committed while the previous sync ran.
//!
//! Why this is as durable as `synchronous=FULL`: the WAL is append-only
//! between checkpoints, and a sync of the file makes every frame written
//! before it durable, so no caller hears "registered" before its commit
//! frame is on disk. With NORMAL, SQLite itself still syncs the WAL before
//! each checkpoint and the WAL header when the file is reused, so the
//! database stays consistent whatever happens in between. The one
//! difference: another connection may *read* a batch (say, the search feed)
//! in the fraction of a millisecond between its COMMIT and the sync; after a
//! power loss in that window the batch is gone and nobody was told it was
//! registered (the search index is rebuilt by `xinfang reindex`).
//!
//! Why: with FULL, the writer waited for every fsync (≈0.6 ms of a 1.2 ms
//! batch on this disk), and every registration arriving meanwhile waited
//! for it too.

use crate::error::StoreError;
use crate::intake::group::{batch_failed, write_batch, Job, Mode, Writer};
use crate::sqlite::file_sync::WalSyncer;
use crate::sqlite::write::WriterConn;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Instant;

/// A committed batch waiting for its sync.
struct Committed {
    acks: Vec<crate::intake::group::Ack>,
    results: Vec<crate::intake::group::AckResult>,
}

/// Start the two threads; registrations are sent to the returned queue.
pub(crate) fn spawn(w: Writer, lite: WriterConn) -> std::io::Result<mpsc::Sender<Job>> {
    let WriterConn { conn, sync_wal_of } = lite;
    let (tx, rx) = mpsc::channel::<Job>();
    let (done_tx, done_rx) = mpsc::channel::<Committed>();
    std::thread::Builder::new()
        .name("xf-intake-sync".into())
        .spawn(move || syncer(done_rx, sync_wal_of.map(WalSyncer::new)))?;
    std::thread::Builder::new()
        .name("xf-intake-write".into())
        .spawn(move || writer(w, conn, rx, done_tx))?;
    Ok(tx)
}

fn writer(
    w: Writer,
    conn: rusqlite::Connection,
    rx: mpsc::Receiver<Job>,
    done: mpsc::Sender<Committed>,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < crate::MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        w.count(batch.len());
        let (mut writes, acks): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|j| (j.write, j.ack)).unzip();
        // Serialised with every other SQLite write (`Store::write_tx`).
        let guard = w.write_lock.blocking_lock();
        let mut write = |mode| {
            crate::sqlite::write::in_transaction(&conn, |c| {
                crate::db::run_ready(write_batch(
                    &mut crate::sqlite::write::Lite(c),
                    &mut writes,
                    mode,
                ))?
            })
        };
        let results = match write(Mode::Together) {
            Err(e) if acks.len() > 1 => {
                tracing::debug!("batch fast path failed ({e}); writing one by one");
                w.stats.fallbacks.fetch_add(1, Ordering::Relaxed);
                write(Mode::Each)
            }
            r => r,
        };
        drop(guard);
        let results = results.unwrap_or_else(|e| {
            tracing::warn!("group commit of {} registrations failed: {e}", acks.len());
            acks.iter().map(|_| Err(batch_failed(&e))).collect()
        });
        if done.send(Committed { acks, results }).is_err() {
            return;
        }
    }
}

/// `wal` is None when COMMIT already synced (FULL outside WAL mode) or the
/// operator chose `XINFANG_SQLITE_SYNC=normal` (acknowledged after COMMIT,
/// like every other write on that setting). A failed sync fails the batches
/// that waited on it; the next batch syncs afresh (`WalSyncer`).
fn syncer(rx: mpsc::Receiver<Committed>, mut wal: Option<WalSyncer>) {
    while let Ok(first) = rx.recv() {
        let mut ready = vec![first];
        while let Ok(more) = rx.try_recv() {
            ready.push(more);
        }
        let synced = wal.as_mut().map_or(Ok(()), sync);
        for c in ready {
            let results = match &synced {
                Ok(()) => c.results,
                Err(e) => c
                    .results
                    .iter()
                    .map(|_| Err(StoreError::Corrupt(format!("登记未能写入磁盘：{e}"))))
                    .collect(),
            };
            crate::intake::group::acknowledge(c.acks, results);
        }
    }
}

/// Make every frame written to the WAL so far durable.
fn sync(wal: &mut WalSyncer) -> Result<(), String> {
    let t = Instant::now();
    let r = wal.sync();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if ms > 50.0 {
        tracing::warn!("WAL sync took {ms:.0} ms");
    }
    if let Err(e) = &r {
        tracing::error!("WAL sync failed ({e}); the batches waiting on it are refused");
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(
        n: usize,
    ) -> (
        Committed,
        Vec<tokio::sync::oneshot::Receiver<crate::intake::group::AckResult>>,
    ) {
        let (acks, rxs): (Vec<_>, Vec<_>) = (0..n).map(|_| tokio::sync::oneshot::channel()).unzip();
        let results = (0..n)
            .map(|i| {
                Ok(crate::IntakeWritten::Appended {
                    seq: i as i64,
                    warning: None,
                })
            })
            .collect();
        (Committed { acks, results }, rxs)
    }

    /// Nobody hears "registered" unless the WAL sync succeeded: a sync that
    /// fails turns every waiting batch's outcome into an error, and the
    /// batches after it are synced afresh.
    #[test]
    fn acknowledged_only_after_the_wal_is_synced() {
        let dir = std::env::temp_dir().join(format!("xinfang-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("t.db");
        let (tx, rx) = mpsc::channel();
        let wal = WalSyncer::new(path.display().to_string());
        let thread = std::thread::spawn(move || syncer(rx, Some(wal)));
        let answers = |tx: &mpsc::Sender<Committed>| {
            let (a, ra) = committed(2);
            let (b, rb) = committed(1);
            tx.send(a).unwrap();
            tx.send(b).unwrap();
            ra.into_iter()
                .chain(rb)
                .map(|r| r.blocking_recv().expect("every caller is answered"))
                .collect::<Vec<_>>()
        };
        // No database there yet: nothing can be made durable.
        for got in answers(&tx) {
            let e = got.expect_err("no sync, no acknowledgement");
            assert!(e.to_string().contains("未能写入磁盘"), "{e}");
        }
        std::fs::create_dir_all(&dir).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        for got in answers(&tx) {
            assert!(got.is_ok(), "the syncer recovered: {got:?}");
        }
        drop(tx);
        thread.join().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
