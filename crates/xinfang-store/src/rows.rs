//! Small helpers shared by the query modules: placeholders, and multi-row
//! inserts of rows built in Rust (one round trip per batch, not per row).

use crate::db::Db;
use crate::error::StoreError;

/// `$start, $start+1, …` placeholders for an IN list of `n` values.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One bound value of a row built in Rust and written by [`insert_rows`].
#[derive(Clone, Debug)]
pub(crate) enum Val {
    I(i64),
    S(String),
    OptI(Option<i64>),
    OptS(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::I(v as i64)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::S(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::S(v.to_string())
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::OptI(v)
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptS(v)
    }
}

/// Most bound parameters in one statement (SQLite allows 32,766,
/// PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;

/// Write `rows` into `table_cols` ("cases (a, b, c)") with multi-row
/// `INSERT … VALUES (…), (…) <tail>` statements — one statement for up to
/// [`MAX_BINDS`] values, so a batch costs one round trip to the database
/// instead of one per row. `tail` may hold `ON CONFLICT …` and `RETURNING …`;
/// the returned rows come back in no promised order.
pub(crate) async fn insert_rows<D: Db>(
    tx: &mut D,
    table_cols: &str,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> Result<Vec<Vec<Val>>, StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(vec![]);
    };
    let per = (MAX_BINDS / width.max(1)).max(1);
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let groups = (0..chunk.len())
            .map(|r| format!("({})", placeholders(r * width + 1, width)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {table_cols} VALUES {groups} {tail}");
        let mut vals = Vec::with_capacity(chunk.len() * width);
        for row in chunk {
            debug_assert_eq!(row.len(), width);
            vals.extend(row);
        }
        out.extend(tx.rows(&sql, vals).await?);
    }
    Ok(out)
}
