//! A case's *area*: the path of the lowest unit at or above every unit the
//! case involves (its holder and every unit it passed through). Stored on
//! the case row (`cases.area_path`, migration 0046) so the scope's first
//! rule — "some unit of the case lies in the viewer's area" — is a range on
//! an indexed column instead of a probe of `case_units` for every case:
//! at a million cases that probe made a filtered list's count take ~1 s
//! (issue #17).
//!
//! Why it is exact (see `scope.rs`): every unit of the case lies under its
//! area. So when the area lies under the viewer's area, the rule holds; when
//! the two are disjoint, it fails; only when the case's area is strictly
//! above the viewer's (a case spanning several districts, seen by one of
//! them) does it need the unit-by-unit probe.

use crate::error::StoreError;
use crate::Store;
use sqlx::Row;
use std::collections::HashMap;

/// The lowest common ancestor of unit paths ("/1/4/9/", "/1/4/12/" →
/// "/1/4/"); None for no paths.
pub fn common_area<S: AsRef<str>>(paths: &[S]) -> Option<String> {
    let mut it = paths.iter();
    let first: Vec<&str> = segments(it.next()?.as_ref());
    let mut keep = first.len();
    for p in it {
        let s = segments(p.as_ref());
        keep = keep.min(first.iter().zip(&s).take_while(|(a, b)| a == b).count());
    }
    Some(format!(
        "/{}",
        first[..keep]
            .iter()
            .map(|s| format!("{s}/"))
            .collect::<String>()
    ))
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// The strict ancestors of an area path ("/1/4/9/" → ["/1/", "/1/4/"]).
pub(crate) fn strict_ancestors(path: &str) -> Vec<String> {
    let s = segments(path);
    (1..s.len())
        .map(|n| {
            format!(
                "/{}",
                s[..n].iter().map(|x| format!("{x}/")).collect::<String>()
            )
        })
        .collect()
}

/// The exclusive upper bound of the paths under `prefix` ("/1/4/" →
/// "/1/40"): '0' is the byte after '/', so [prefix, bound) holds exactly
/// the paths that start with `prefix` (the column compares bytewise:
/// BINARY on SQLite, COLLATE "C" on PostgreSQL).
pub(crate) fn upper_bound(prefix: &str) -> String {
    match prefix.strip_suffix('/') {
        Some(head) => format!("{head}0"),
        None => format!("{prefix}\u{10FFFF}"),
    }
}

/// Cases whose area is filled per transaction while back-filling.
const BACKFILL_BATCH: i64 = 5000;

impl Store {
    /// Fill `cases.area_path` where it is empty (a store from before
    /// migration 0046), from `case_units` and the units' paths. Runs from
    /// `migrate`; the scope treats an empty area like an old row (probe).
    pub(crate) async fn backfill_area_paths(&self) -> Result<i64, StoreError> {
        let paths: HashMap<i64, String> = sqlx::query("SELECT id, path FROM units")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("path")?)))
            .collect::<Result<_, StoreError>>()?;
        let mut done = 0i64;
        loop {
            let mut tx = self.pool.begin().await?;
            let rows = sqlx::query(
                "SELECT c.id, cu.unit_id FROM (SELECT id FROM cases WHERE area_path IS NULL ORDER BY id LIMIT $1) c \
                 LEFT JOIN case_units cu ON cu.case_id = c.id ORDER BY c.id",
            )
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                tx.commit().await?;
                return Ok(done);
            }
            let mut units: Vec<(i64, Vec<&str>)> = vec![];
            for r in &rows {
                let (case_id, unit): (i64, Option<i64>) = (r.try_get("id")?, r.try_get("unit_id")?);
                let path = unit.and_then(|u| paths.get(&u)).map(String::as_str);
                match units.last_mut() {
                    Some((c, v)) if *c == case_id => v.extend(path),
                    _ => units.push((case_id, path.into_iter().collect())),
                }
            }
            for (case_id, ps) in &units {
                // No unit at all: "/" lies under no viewer's area, as the
                // probe over no rows found nothing.
                sqlx::query("UPDATE cases SET area_path = $1 WHERE id = $2")
                    .bind(common_area(ps).unwrap_or_else(|| "/".into()))
                    .bind(*case_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            done += units.len() as i64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_is_the_lowest_common_unit() {
        assert_eq!(
            common_area(&["/1/4/9/", "/1/4/12/"]).as_deref(),
            Some("/1/4/")
        );
        assert_eq!(
            common_area(&["/1/4/9/", "/1/4/9/"]).as_deref(),
            Some("/1/4/9/")
        );
        assert_eq!(common_area(&["/1/4/9/", "/1/4/"]).as_deref(), Some("/1/4/"));
        // "/1/4/" and "/1/40/" share "/1/" only, not a textual prefix "/1/4".
        assert_eq!(common_area(&["/1/4/", "/1/40/"]).as_deref(), Some("/1/"));
        assert_eq!(common_area::<&str>(&[]), None);
    }

    #[test]
    fn range_bounds_hold_exactly_the_paths_under_a_prefix() {
        let b = upper_bound("/1/4/");
        for (p, inside) in [
            ("/1/4/", true),
            ("/1/4/9/", true),
            ("/1/4/99999/", true),
            ("/1/40/", false),
            ("/1/5/", false),
            ("/1/", false),
            ("/1/3/9/", false),
        ] {
            assert_eq!(p >= "/1/4/" && p < b.as_str(), inside, "{p}");
        }
        assert_eq!(strict_ancestors("/1/4/9/"), vec!["/1/", "/1/4/"]);
        assert!(strict_ancestors("/1/").is_empty());
    }
}
