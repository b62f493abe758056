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
use std::sync::Mutex;

/// Most idle connections kept.
const KEEP: usize = 8;

/// Read connections to one SQLite file.
pub(crate) struct Readers {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl Readers {
    /// Readers for the file behind a `sqlite:` URL (None: no file to share).
    pub(crate) fn for_url(url: &str) -> Option<Readers> {
        Some(Readers {
            path: crate::lite::file_of(url)?,
            idle: Mutex::new(vec![]),
        })
    }

    fn open(&self) -> Result<rusqlite::Connection, StoreError> {
        let c = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Corrupt(format!("SQLite：{e}")))?;
        c.execute_batch(
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-16384; PRAGMA mmap_size=1073741824;",
        )
        .map_err(|e| StoreError::Corrupt(format!("SQLite：{e}")))?;
        c.set_prepared_statement_cache_capacity(64);
        Ok(c)
    }

    /// The rows of one query (portable SQL with `$n` placeholders).
    pub(crate) fn rows(&self, sql: &str, vals: Vec<Val>) -> Result<Vec<Vec<Val>>, StoreError> {
        let conn = match self.idle.lock().ok().and_then(|mut v| v.pop()) {
            Some(c) => c,
            None => self.open()?,
        };
        let r = crate::db::run_ready(crate::lite::Lite(&conn).rows(sql, vals))?;
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < KEEP {
                idle.push(conn);
            }
        }
        r
    }
}
