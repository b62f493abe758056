//! One interface for the statements of a write, over either an sqlx
//! transaction (PostgreSQL, and every SQLite write outside intake) or the
//! intake writer's own rusqlite connection (`lite.rs`).
//!
//! Why two: sqlx's SQLite driver runs each connection on a worker thread, so
//! every statement is a hand-off between threads (a futex wake each way).
//! A group-commit batch is ~10 statements; written through rusqlite it runs
//! start to commit on one thread, which roughly halved the CPU a registration
//! costs. The statements themselves are written once, against [`Db`].

use crate::error::StoreError;
use crate::rows::Val;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Something that runs portable SQL with `$1…$n` placeholders.
pub(crate) trait Db {
    /// Run `sql` with `vals` bound to `$1…$n`; the rows it returns.
    async fn rows(&mut self, sql: &str, vals: Vec<Val>) -> Result<Vec<Vec<Val>>, StoreError>;
    /// Run `sql` with `vals` bound; how many rows it changed.
    async fn exec(&mut self, sql: &str, vals: Vec<Val>) -> Result<u64, StoreError>;
    /// Whether the statements go to PostgreSQL, which can take several
    /// tables' rows in one statement (`rows::insert_tables`).
    fn postgres(&self) -> bool {
        false
    }
}

/// Bind `vals` in order to a query's `$1…$n`.
pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    vals: Vec<Val>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for v in vals {
        q = match v {
            Val::I(i) => q.bind(i),
            Val::S(s) => q.bind(s),
            Val::OptI(i) => q.bind(i),
            Val::OptS(s) => q.bind(s),
        };
    }
    q
}

/// A returned row as values: integers, text, or NULL (as `OptI(None)`).
fn row_vals(r: &AnyRow) -> Vec<Val> {
    (0..r.len())
        .map(|i| {
            if let Ok(v) = r.try_get::<i64, _>(i) {
                Val::I(v)
            } else if let Ok(s) = r.try_get::<String, _>(i) {
                Val::S(s)
            } else {
                Val::OptI(None)
            }
        })
        .collect()
}

impl Db for Transaction<'_, Any> {
    async fn rows(&mut self, sql: &str, vals: Vec<Val>) -> Result<Vec<Vec<Val>>, StoreError> {
        let rows = bind_all(sqlx::query(sql), vals)
            .fetch_all(&mut **self)
            .await?;
        Ok(rows.iter().map(row_vals).collect())
    }

    async fn exec(&mut self, sql: &str, vals: Vec<Val>) -> Result<u64, StoreError> {
        Ok(bind_all(sqlx::query(sql), vals)
            .execute(&mut **self)
            .await?
            .rows_affected())
    }

    fn postgres(&self) -> bool {
        (**self).backend_name() == "PostgreSQL"
    }
}

/// Run a future that never waits (every [`Db`] call of a rusqlite connection
/// completes synchronously) on the current thread.
pub(crate) fn run_ready<F: std::future::Future>(f: F) -> Result<F::Output, StoreError> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => Ok(v),
        std::task::Poll::Pending => Err(StoreError::Corrupt("同步写入不应等待（内部错误）".into())),
    }
}

impl Val {
    /// The integer of a returned column.
    pub(crate) fn int(&self) -> Result<i64, StoreError> {
        match self {
            Val::I(v) | Val::OptI(Some(v)) => Ok(*v),
            other => Err(StoreError::Corrupt(format!("应为整数：{other:?}"))),
        }
    }
    /// The text of a returned column that may be NULL.
    pub(crate) fn opt_text(&self) -> Result<Option<String>, StoreError> {
        match self {
            Val::OptI(None) | Val::OptS(None) => Ok(None),
            other => other.text().map(Some),
        }
    }
    /// The text of a returned column.
    pub(crate) fn text(&self) -> Result<String, StoreError> {
        match self {
            Val::S(s) | Val::OptS(Some(s)) => Ok(s.clone()),
            other => Err(StoreError::Corrupt(format!("应为文本：{other:?}"))),
        }
    }
}

/// Column `i` of a returned row.
pub(crate) fn col(row: &[Val], i: usize) -> Result<&Val, StoreError> {
    row.get(i)
        .ok_or_else(|| StoreError::Corrupt(format!("返回行缺少第 {i} 列")))
}
