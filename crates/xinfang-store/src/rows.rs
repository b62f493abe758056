//! Small helpers shared by the query modules: placeholders, and multi-row
//! inserts of rows built in Rust (one round trip per batch, not per row).
//!
//! Rows read back are read by column name, never by position: each row
//! type has one column list (`const …COLS`) and one `from_row` reading it
//! with `Row::try_get("name")?`, so the list can change without the reads
//! going out of step, and a missing column or a value of the wrong type is
//! an error ([`StoreError::Db`]), not a panic. An expression in a select
//! list gets a lower-case alias (`COUNT(*) AS n`): PostgreSQL folds unquoted
//! names to lower case and calls an unaliased `COUNT(*)` `count`, SQLite
//! calls it `COUNT(*)`.

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

/// A row built in Rust with each value written beside its column's name by
/// [`named_row!`], so the column list and the values come from one
/// definition and are never matched up by position.
#[derive(Clone, Debug)]
pub(crate) struct NamedRow {
    pub cols: &'static [&'static str],
    pub vals: Vec<Val>,
}

/// `named_row! { col: value, … }`: a [`NamedRow`]; each value is anything
/// [`Val`] converts from.
macro_rules! named_row {
    ($($col:ident: $val:expr),+ $(,)?) => {
        $crate::rows::NamedRow {
            cols: &[$(stringify!($col)),+],
            vals: vec![$($crate::rows::Val::from($val)),+],
        }
    };
}
pub(crate) use named_row;

impl NamedRow {
    /// `table (a, b, c)`, as [`insert_rows`] takes it.
    pub(crate) fn table_cols(cols: &[&str], table: &str) -> String {
        format!("{table} ({})", cols.join(", "))
    }

    /// `a = $first, b = $first+1, …` for an `UPDATE … SET`.
    pub(crate) fn assignments(&self, first: usize) -> String {
        self.cols
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", first + i))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Most bound parameters in one statement (SQLite allows 32,766,
/// PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;
/// Most rows in one statement.
const MAX_ROWS: usize = 64;

/// Rows in the next statement when `left` remain: the largest power of two
/// that fits. A batch of any size is then written with statements of only
/// seven shapes (1, 2, 4 … 64 rows), which stay in the prepared-statement
/// caches; one shape per batch size thrashed them and re-parsed statements
/// of thousands of parameters.
fn chunk_rows(left: usize, per: usize) -> usize {
    let cap = left.min(per).clamp(1, MAX_ROWS);
    1 << (usize::BITS - 1 - cap.leading_zeros())
}

/// Write `rows` into `table_cols` ("cases (a, b, c)") with multi-row
/// `INSERT … VALUES (…), (…) <tail>` statements of at most [`MAX_ROWS`]
/// rows and [`MAX_BINDS`] values, so a batch costs a few round trips to the
/// database instead of one per row. `tail` may hold `ON CONFLICT …` and
/// `RETURNING …`; the returned rows come back in no promised order. On
/// PostgreSQL the rows go as one JSON parameter of one statement instead
/// (`pg_insert`): one round trip, one prepared statement, any number of rows.
pub(crate) async fn insert_rows<D: Db>(
    tx: &mut D,
    table_cols: &str,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> Result<Vec<Vec<Val>>, StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(vec![]);
    };
    check_width(table_cols, width, &rows)?;
    if tx.postgres() {
        // One statement whatever the number of rows (see `insert_tables`).
        let (sql, json) = pg_insert(table_cols, 1, rows, tail)?;
        return tx.rows(&sql, vec![json]).await;
    }
    let per = (MAX_BINDS / width.max(1)).max(1);
    let mut out = Vec::new();
    let mut left = rows.len();
    let mut rows = rows.into_iter();
    while left > 0 {
        let take = chunk_rows(left, per);
        left -= take;
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(take).collect();
        let groups = (0..chunk.len())
            .map(|r| format!("({})", placeholders(r * width + 1, width)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {table_cols} VALUES {groups} {tail}");
        let mut vals = Vec::with_capacity(chunk.len() * width);
        for row in chunk {
            vals.extend(row);
        }
        out.extend(tx.rows(&sql, vals).await?);
    }
    Ok(out)
}

/// Every row as wide as the first: a short row would shift its values into
/// the next row's columns (SQLite) or leave columns unset (PostgreSQL's
/// JSON), so it fails the write instead, naming the table.
fn check_width(table_cols: &str, width: usize, rows: &[Vec<Val>]) -> Result<(), StoreError> {
    match rows.iter().position(|r| r.len() != width) {
        None => Ok(()),
        Some(i) => Err(StoreError::Corrupt(format!(
            "写入 {table_cols} 的第 {} 行有 {} 个值，应为 {width} 个",
            i + 1,
            rows[i].len()
        ))),
    }
}

/// One table's rows for [`insert_tables`]: `table (a, b)` as
/// [`insert_rows`] takes it, the rows, and what follows the insert
/// (`ON CONFLICT DO NOTHING`, or nothing).
pub(crate) struct TableRows<'a> {
    pub table_cols: &'a str,
    pub rows: Vec<Vec<Val>>,
    pub tail: &'a str,
}

/// A statement that follows a batch's inserts (the chain head's `UPDATE`),
/// its text made for parameters numbered from the one it is given, so that
/// on PostgreSQL it joins the inserts' statement instead of costing a round
/// trip of its own.
pub(crate) struct Then {
    pub sql: fn(first: usize) -> String,
    pub vals: Vec<Val>,
}

/// Insert several tables' rows (no table reading another's), then run
/// `then`.
///
/// On PostgreSQL in ONE statement whose text does not depend on how many
/// rows there are: each table's rows travel as one JSON array bound to one
/// parameter and are unpacked by `json_populate_recordset` into the table's
/// own row type (each value takes its column's type); each table is one
/// data-modifying `WITH` part, its rows inserted in array order (serial ids
/// are drawn in batch order), and `then` is the last part. A group-commit
/// batch is then one round trip for all its tables and its chain head
/// instead of one per table and per power-of-two chunk — round trips, not
/// PostgreSQL's work, bounded intake there. SQLite has no data-modifying
/// `WITH` (and no round trips): one [`insert_rows`] per table, then `then`.
pub(crate) async fn insert_tables<D: Db>(
    tx: &mut D,
    tables: Vec<TableRows<'_>>,
    then: Option<Then>,
) -> Result<(), StoreError> {
    if !tx.postgres() {
        for t in tables {
            insert_rows(tx, t.table_cols, t.rows, t.tail).await?;
        }
        if let Some(then) = then {
            tx.exec(&(then.sql)(1), then.vals).await?;
        }
        return Ok(());
    }
    let mut parts = Vec::with_capacity(tables.len());
    let mut vals = Vec::with_capacity(tables.len());
    for (i, t) in tables.into_iter().enumerate() {
        if t.rows.is_empty() {
            continue;
        }
        let (sql, json) = pg_insert(t.table_cols, vals.len() + 1, t.rows, t.tail)?;
        parts.push(format!("t{i} AS ({sql})"));
        vals.push(json);
    }
    if let Some(then) = then {
        parts.push(format!("then_part AS ({})", (then.sql)(vals.len() + 1)));
        vals.extend(then.vals);
    }
    if parts.is_empty() {
        return Ok(());
    }
    tx.rows(&format!("WITH {} SELECT 1", parts.join(", ")), vals)
        .await?;
    Ok(())
}

/// PostgreSQL: the insert of `rows` into `table_cols` ("table (a, b)") as
/// one statement of fixed text, its rows the JSON array bound to `$param`
/// (returned beside it), unpacked into the table's row type and inserted in
/// array order.
fn pg_insert(
    table_cols: &str,
    param: usize,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> Result<(String, Val), StoreError> {
    let (table, cols) = table_cols
        .split_once(' ')
        .map(|(t, c)| (t, c.trim().trim_start_matches('(').trim_end_matches(')')))
        .ok_or_else(|| StoreError::Corrupt(format!("列清单有误：{table_cols}")))?;
    let sql = format!(
        "INSERT INTO {table} ({cols}) SELECT {cols} FROM json_populate_recordset(NULL::{table}, ${param}::json) WITH ORDINALITY ORDER BY ordinality {tail}"
    );
    Ok((sql, Val::S(json_rows(cols, rows)?)))
}

/// Rows as a JSON array of objects keyed by the column names `cols`
/// ("a, b, c"); a row of another width than the names is an error.
fn json_rows(cols: &str, rows: Vec<Vec<Val>>) -> Result<String, StoreError> {
    let names: Vec<&str> = cols.split(',').map(str::trim).collect();
    check_width(cols, names.len(), &rows)?;
    let array: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|row| {
            names
                .iter()
                .zip(row)
                .map(|(n, v)| {
                    let v = match v {
                        Val::I(i) | Val::OptI(Some(i)) => serde_json::Value::from(i),
                        Val::S(s) | Val::OptS(Some(s)) => serde_json::Value::from(s),
                        Val::OptI(None) | Val::OptS(None) => serde_json::Value::Null,
                    };
                    (n.to_string(), v)
                })
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect();
    serde_json::to_string(&array).map_err(|e| StoreError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::{chunk_rows, json_rows, Val};

    #[test]
    fn json_rows_key_values_by_column_and_refuse_a_row_of_another_width() {
        let rows = vec![
            vec![Val::I(7), Val::S("甲".into()), Val::OptS(None)],
            vec![Val::OptI(None), Val::OptS(Some("乙".into())), Val::I(0)],
        ];
        let json = json_rows("a, b, c", rows.clone()).unwrap();
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back,
            serde_json::json!([
                {"a": 7, "b": "甲", "c": null},
                {"a": null, "b": "乙", "c": 0}
            ])
        );
        for bad in [vec![Val::I(1), Val::I(2)], vec![Val::I(1); 4]] {
            let mut rows = rows.clone();
            rows.push(bad);
            let e = json_rows("a, b, c", rows).unwrap_err().to_string();
            assert!(e.contains("第 3 行") && e.contains("应为 3 个"), "{e}");
        }
    }

    #[test]
    fn batches_are_written_in_power_of_two_statements() {
        let split = |mut n: usize, per: usize| {
            let mut sizes = vec![];
            while n > 0 {
                let k = chunk_rows(n, per);
                sizes.push(k);
                n -= k;
            }
            sizes
        };
        assert_eq!(split(1, 100), vec![1]);
        assert_eq!(split(141, 1000), vec![64, 64, 8, 4, 1]);
        assert_eq!(split(7, 1000), vec![4, 2, 1]);
        // A row as wide as the bind limit allows only so many per statement.
        assert_eq!(split(10, 3), vec![2, 2, 2, 2, 2]);
    }
}
