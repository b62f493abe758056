//! Copying the SQLite WAL into the database file, on a thread of its own.
//!
//! Left to itself SQLite checkpoints inside the commit that crosses 1,000
//! WAL pages: every few hundred registrations one commit also copied pages
//! into the database file and fsynced it, and every writer queued behind
//! that commit waited (the intake benchmark's p99). So every connection's
//! automatic checkpoint is only a backstop (`lite::AUTOCHECKPOINT_PRAGMA`)
//! and this thread does the work, in three steps per round:
//!
//! 1. a PASSIVE checkpoint, which waits for nobody, copies the frames no
//!    reader still needs;
//! 2. an fsync of the database file, so the copied pages never pile up for
//!    whoever syncs next (SQLite syncs the file only when a checkpoint
//!    reaches the end of the WAL, and under steady writes that was the
//!    backstop inside a commit: 11–14 ms measured);
//! 3. once the WAL holds [`RESTART_AT`] pages, one more PASSIVE checkpoint
//!    while holding the store's write lock: with no commit racing it, it
//!    reaches the end of the WAL, and the next transaction starts the WAL
//!    file over instead of letting it grow. Steps 1–2 left it only the
//!    frames of the last round to copy, so writers wait for about that.
//!
//! The fsync of step 2 goes through SQLite's own file handle (`file_sync.rs`
//! says why a descriptor of our own would lose commits).

use std::sync::{Arc, Weak};
use tokio::sync::Mutex;

/// How often a round runs.
const EVERY: std::time::Duration = std::time::Duration::from_millis(50);
/// WAL pages (4 KiB each) after which a round lets the WAL start over.
const RESTART_AT: i64 = 8_000;

/// Checkpoint the WAL of the SQLite database at `url` while `alive` can be
/// upgraded; `write_lock` is the store's (every SQLite write takes it).
pub(crate) fn spawn(url: &str, alive: Weak<()>, write_lock: Arc<Mutex<()>>) {
    let Some(path) = crate::sqlite::write::file_of(url) else {
        return;
    };
    let started = std::thread::Builder::new()
        .name("xinfang-checkpoint".into())
        .spawn(move || {
            let Ok(c) = rusqlite::Connection::open(&path) else {
                return;
            };
            let _ = c.execute_batch("PRAGMA busy_timeout=1000;");
            while alive.strong_count() > 0 {
                std::thread::sleep(EVERY);
                if let Err(e) = round(&c, &write_lock) {
                    tracing::debug!("checkpoint skipped: {e}");
                }
            }
        });
    if let Err(e) = started {
        tracing::warn!("checkpoint thread not started ({e}); SQLite checkpoints in commits");
    }
}

/// Pages in the WAL and pages copied, after a PASSIVE checkpoint.
fn passive(c: &rusqlite::Connection) -> rusqlite::Result<(i64, i64)> {
    c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })
}

fn round(
    c: &rusqlite::Connection,
    write_lock: &Mutex<()>,
) -> Result<(), Box<dyn std::error::Error>> {
    let (log, copied) = passive(c)?;
    if copied > 0 {
        crate::sqlite::file_sync::fsync(c, crate::sqlite::file_sync::File::Database)?;
    }
    if log >= RESTART_AT {
        let _writers_wait = write_lock.blocking_lock();
        passive(c)?;
    }
    Ok(())
}
