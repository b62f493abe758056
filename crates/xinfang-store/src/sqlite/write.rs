//! The SQLite intake writer's own connection (rusqlite, the same bundled
//! libsqlite3 as sqlx). A group-commit batch is written on it from BEGIN to
//! COMMIT on one blocking thread: one hand-off per batch instead of one per
//! statement (see `db.rs`). Same pragmas as the pool's connections, so a
//! commit is just as durable (`synchronous=FULL` unless opted out).

use crate::db::Db;
use crate::error::StoreError;
use crate::rows::Val;
use rusqlite::types::ValueRef;

/// The file behind a `sqlite:` URL, or None when there is none to share
/// (in-memory or read-only databases keep to the sqlx path).
pub(crate) fn file_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = path.is_empty() || path.contains(":memory:");
    if in_memory || query.contains("mode=ro") || query.contains("mode=memory") {
        return None;
    }
    Some(path.to_string())
}

/// The operator opted out of syncing every commit (`XINFANG_SQLITE_SYNC=normal`).
pub(crate) fn sync_is_normal() -> bool {
    std::env::var("XINFANG_SQLITE_SYNC").as_deref() == Ok("normal")
}

/// The pragma the pool uses for durability (FULL unless `XINFANG_SQLITE_SYNC=normal`).
pub(crate) fn sync_pragma() -> &'static str {
    if sync_is_normal() {
        "PRAGMA synchronous=NORMAL"
    } else {
        "PRAGMA synchronous=FULL"
    }
}

/// The intake writer's connection and the database whose WAL its syncer
/// must sync before a batch is acknowledged (None: COMMIT itself was enough).
pub(crate) struct WriterConn {
    pub conn: rusqlite::Connection,
    pub sync_wal_of: Option<String>,
}

/// Open the writer connection for a SQLite store (None: use sqlx).
/// In WAL mode it commits with `synchronous=NORMAL` and the syncer thread
/// syncs the WAL instead (`group_sqlite.rs`); otherwise it keeps the pool's
/// pragma and COMMIT syncs as usual.
pub(crate) fn open(url: &str) -> Option<WriterConn> {
    let path = file_of(url)?;
    let open = || -> rusqlite::Result<(rusqlite::Connection, bool)> {
        let c = rusqlite::Connection::open(&path)?;
        let mode: String = c.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        let wal = mode.eq_ignore_ascii_case("wal");
        let sync = if wal {
            "PRAGMA synchronous=NORMAL"
        } else {
            sync_pragma()
        };
        c.execute_batch(&format!(
            "{sync}; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; \
             PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ))?;
        c.set_prepared_statement_cache_capacity(512);
        c.execute_batch(AUTOCHECKPOINT_PRAGMA)?;
        Ok((c, wal))
    };
    match open() {
        Ok((conn, wal_mode)) => {
            let sync_wal_of = (wal_mode && !sync_is_normal()).then_some(path);
            Some(WriterConn { conn, sync_wal_of })
        }
        Err(e) => {
            tracing::warn!("intake writer connection not opened ({e}); using the pool");
            None
        }
    }
}

/// Checkpoints run beside the writers (`checkpoint.rs`), not inside their
/// commits; a commit checkpoints only as the backstop, should that thread
/// fall behind (20,000 pages of WAL, 80 MB).
pub(crate) const AUTOCHECKPOINT_PRAGMA: &str = "PRAGMA wal_autocheckpoint=20000";

/// A rusqlite connection inside a transaction the caller began.
pub(crate) struct Lite<'a>(pub &'a rusqlite::Connection);

fn lite_err(e: rusqlite::Error) -> StoreError {
    StoreError::Corrupt(format!("SQLite：{e}"))
}

/// The portable SQL's `$n` placeholders as SQLite's numbered `?n`. SQLite
/// treats `$n` as a *named* parameter and looks each name up in a list
/// while parsing, so a 64-row insert of 2,000 parameters cost ~2 million
/// string comparisons to prepare; `?n` goes straight to slot n.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '$' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('?');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Bind `vals` to the statement's `?n` parameters: slot n gets `vals[n-1]`.
fn bind(st: &mut rusqlite::Statement<'_>, vals: &[Val]) -> Result<(), StoreError> {
    for i in 1..=st.parameter_count() {
        let v = vals
            .get(i - 1)
            .ok_or_else(|| StoreError::Corrupt(format!("参数 ${i} 未提供")))?;
        let r = match v {
            Val::I(x) => st.raw_bind_parameter(i, x),
            Val::S(s) => st.raw_bind_parameter(i, s.as_str()),
            Val::OptI(x) => st.raw_bind_parameter(i, x),
            Val::OptS(s) => st.raw_bind_parameter(i, s.as_deref()),
        };
        r.map_err(lite_err)?;
    }
    Ok(())
}

fn val_of(v: ValueRef<'_>) -> Result<Val, StoreError> {
    Ok(match v {
        ValueRef::Integer(i) => Val::I(i),
        ValueRef::Text(t) => Val::S(
            std::str::from_utf8(t)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?
                .to_string(),
        ),
        ValueRef::Null => Val::OptI(None),
        other => return Err(StoreError::Corrupt(format!("意外的列类型 {other:?}"))),
    })
}

impl Db for Lite<'_> {
    async fn rows(&mut self, sql: &str, vals: Vec<Val>) -> Result<Vec<Vec<Val>>, StoreError> {
        let mut st = self.0.prepare_cached(&numbered(sql)).map_err(lite_err)?;
        bind(&mut st, &vals)?;
        let width = st.column_count();
        let mut rows = st.raw_query();
        let mut out = vec![];
        while let Some(r) = rows.next().map_err(lite_err)? {
            let mut row = Vec::with_capacity(width);
            for i in 0..width {
                row.push(val_of(r.get_ref(i).map_err(lite_err)?)?);
            }
            out.push(row);
        }
        Ok(out)
    }

    async fn exec(&mut self, sql: &str, vals: Vec<Val>) -> Result<u64, StoreError> {
        let mut st = self.0.prepare_cached(&numbered(sql)).map_err(lite_err)?;
        bind(&mut st, &vals)?;
        Ok(st.raw_execute().map_err(lite_err)? as u64)
    }
}

/// Run `f` inside `BEGIN IMMEDIATE … COMMIT` on `conn`; rolled back on error.
pub(crate) fn in_transaction<T>(
    conn: &rusqlite::Connection,
    f: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(lite_err)?;
    match f(conn) {
        Ok(v) => {
            if let Err(e) = conn.execute_batch("COMMIT") {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(lite_err(e));
            }
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_get_a_writer_connection() {
        assert_eq!(file_of("sqlite://data/x.db").as_deref(), Some("data/x.db"));
        assert_eq!(
            file_of("sqlite:///tmp/x.db?mode=rwc").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(file_of("sqlite::memory:"), None);
        assert_eq!(file_of("sqlite://x.db?mode=ro"), None);
        assert_eq!(file_of("postgres://u@h/db"), None);
    }

    #[test]
    fn parameters_bind_by_number_not_position() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)")
            .unwrap();
        let mut db = Lite(&c);
        // $3 appears first: it must still get the third value.
        let n = crate::db::run_ready(db.exec(
            "INSERT INTO t (c, a, b) VALUES ($3, $1, $2)",
            vec![Val::I(1), Val::S("二".into()), Val::OptI(None)],
        ))
        .unwrap()
        .unwrap();
        assert_eq!(n, 1);
        let rows = crate::db::run_ready(db.rows("SELECT a, b, c FROM t", vec![]))
            .unwrap()
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0].int().unwrap(), 1);
        assert_eq!(rows[0][1].text().unwrap(), "二");
        assert!(rows[0][2].int().is_err(), "NULL is not an integer");
    }

    #[test]
    fn placeholders_become_numbered_outside_quotes() {
        assert_eq!(
            numbered("UPDATE t SET a = $1, b = '$2 is text' WHERE c = $12 AND d = '$'"),
            "UPDATE t SET a = ?1, b = '$2 is text' WHERE c = ?12 AND d = '$'"
        );
    }
}
