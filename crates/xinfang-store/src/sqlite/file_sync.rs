//! fsync of a SQLite database's files through SQLite's own handles.
//!
//! Never through a descriptor this process opens and closes itself: closing
//! *any* descriptor of the database file drops every POSIX lock the process
//! holds on it, SQLite's included (a known SQLite hazard). Another process
//! (an operator's `xinfang audit verify` beside `serve`) then took itself for
//! the last connection, checkpointed and deleted the WAL when it exited, and
//! the server's later commits went to an unlinked file. Syncing the WAL by
//! its name failed from then on ("No such file or directory") for every
//! registration. Through the handle, the file synced is always the one
//! SQLite writes, whatever its name.

use rusqlite::ffi;

/// Which of the database's files.
#[derive(Clone, Copy, Debug)]
pub(crate) enum File {
    /// The main database file.
    Database,
    /// The write-ahead log (the connection must be in WAL mode).
    Wal,
}

/// `fdatasync` the file through the connection's `sqlite3_file`.
pub(crate) fn fsync(c: &rusqlite::Connection, which: File) -> Result<(), String> {
    let op = match which {
        File::Database => ffi::SQLITE_FCNTL_FILE_POINTER,
        File::Wal => ffi::SQLITE_FCNTL_JOURNAL_POINTER,
    };
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: `c` is an open connection borrowed for the whole call, so it is
    // used by this thread only meanwhile. The file-control opcode writes a
    // pointer to a `sqlite3_file` the connection owns (valid while it is
    // open) into `file`; its `xSync` is that file's own method, called with
    // a documented flag.
    #[allow(unsafe_code)] // the workspace denies it; this is the one exception
    let rc = unsafe {
        let rc = ffi::sqlite3_file_control(
            c.handle(),
            c"main".as_ptr(),
            op,
            (&mut file as *mut *mut ffi::sqlite3_file).cast(),
        );
        if rc != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            return Err(format!("{which:?} file is not open (code {rc})"));
        }
        match (*(*file).pMethods).xSync {
            Some(sync) => sync(file, ffi::SQLITE_SYNC_NORMAL),
            None => return Err("the VFS cannot sync".into()),
        }
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(format!("fsync of the {which:?} file failed (code {rc})"))
    }
}

/// A connection kept only to sync the WAL of one database. Opened lazily,
/// and dropped after a failure so the next sync starts afresh: one bad sync
/// fails the batches waiting on it, never the ones after.
pub(crate) struct WalSyncer {
    path: String,
    conn: Option<rusqlite::Connection>,
}

impl WalSyncer {
    pub(crate) fn new(path: String) -> Self {
        WalSyncer { path, conn: None }
    }

    /// Make every frame written to the WAL so far durable.
    pub(crate) fn sync(&mut self) -> Result<(), String> {
        let r = self.try_sync();
        if r.is_err() {
            self.conn = None;
        }
        r
    }

    fn try_sync(&mut self) -> Result<(), String> {
        if self.conn.is_none() {
            let c = rusqlite::Connection::open_with_flags(
                &self.path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| e.to_string())?;
            // A first read opens the WAL (and its handle) for this connection.
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| e.to_string())?;
            self.conn = Some(c);
        }
        fsync(self.conn.as_ref().expect("opened above"), File::Wal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syncs_both_files_of_a_wal_database_and_recovers_after_a_failure() {
        let dir = std::env::temp_dir().join(format!("xinfang-fsync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("t.db").display().to_string();
        let mut syncer = WalSyncer::new(path.clone());
        assert!(syncer.sync().is_err(), "no directory, no database");
        std::fs::create_dir_all(&dir).unwrap();
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        assert_eq!(syncer.sync(), Ok(()), "the next sync recovers");
        assert_eq!(fsync(&c, File::Database), Ok(()));
        assert_eq!(fsync(&c, File::Wal), Ok(()));
        drop((c, syncer));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
