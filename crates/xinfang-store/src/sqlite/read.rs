//! Reads on the intake's hot path, on a SQLite file, straight from the
//! calling thread: a few rusqlite connections kept ready, no worker thread.
//!
//! Why: sqlx's SQLite driver runs every connection on a thread of its own,
//! so one small query is several hand-offs between threads (a futex wake
//! each way) — on two cores under intake load the repeat check's petitioner
//! look-up spent more time waiting to be scheduled than reading. The
//! look-up touches a handful of index pages; it runs in tens of
//! microseconds on the caller's thread.

use crate::db::Db;
use crate::error::StoreError;
use crate::rows::Val;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Most connections opened (the rest of a burst reads through sqlx).
const KEEP: usize = 8;

/// Read connections to one SQLite file.
pub(crate) struct Readers {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
    opened: AtomicUsize,
}

impl Readers {
    /// Readers for the file behind a `sqlite:` URL (None: no file to share).
    pub(crate) fn for_url(url: &str) -> Option<Readers> {
        Some(Readers {
            path: crate::sqlite::write::file_of(url)?,
            idle: Mutex::new(vec![]),
            opened: AtomicUsize::new(0),
        })
    }

    /// Read-write open with `query_only`: a read-only open of a WAL database
    /// fails (SQLITE_CANTOPEN) while another connection is setting up the
    /// shared-memory index.
    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // No memory map: while intake writes, SQLite drops a connection's
        // map at the start of each read after another connection's commit,
        // and each unmap is a TLB shoot-down across the server's threads
        // (with the re-faulting after it, ≈9 % of the server's CPU in the
        // issue #17 profile). These look-ups read a handful of pages; `pread`
        // from the OS cache costs less.
        c.execute_batch(
            "PRAGMA query_only=1; PRAGMA busy_timeout=10000; PRAGMA cache_size=-16384; \
             PRAGMA mmap_size=0;",
        )?;
        c.set_prepared_statement_cache_capacity(64);
        Ok(c)
    }

    /// An idle connection, or a new one while fewer than [`KEEP`] exist.
    fn take(&self) -> Option<rusqlite::Connection> {
        if let Some(c) = self.idle.lock().ok().and_then(|mut v| v.pop()) {
            return Some(c);
        }
        if self.opened.fetch_add(1, Ordering::SeqCst) >= KEEP {
            self.opened.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        match self.open() {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::debug!("reader connection not opened ({e}); reading through the pool");
                self.opened.fetch_sub(1, Ordering::SeqCst);
                None
            }
        }
    }

    /// The rows of one query (portable SQL with `$n` placeholders), or None
    /// when no connection is free: the caller reads through the pool.
    pub(crate) fn rows(
        &self,
        sql: &str,
        vals: Vec<Val>,
    ) -> Option<Result<Vec<Vec<Val>>, StoreError>> {
        let conn = self.take()?;
        let r =
            crate::db::run_ready(crate::sqlite::write::Lite(&conn).rows(sql, vals)).and_then(|r| r);
        match self.idle.lock() {
            Ok(mut idle) => idle.push(conn),
            Err(_) => {
                self.opened.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Some(r)
    }
}
