//! The statistics rollup: per-day sums of every indicator, kept per
//! *visibility group* so a million-case overview sums a few thousand rows
//! instead of scanning every case in the window.
//!
//! Why a group and not a unit: a case is visible to a viewer when its holder
//! or any involved unit lies in the viewer's subtree, and a 检举控告 is hidden
//! from its accused body and that body's ancestors (第三十条). Expanding each
//! case to all its ancestors would count a case twice when several involved
//! units share an ancestor. Instead a case belongs to exactly one group —
//! (exact set of its units, accused unit, holder) — and there are few groups;
//! a reader picks the visible groups and sums them, so a case counts once.
//!
//! The rollup is derived, never written by intake: it is folded from the
//! outbox (written in the same transaction as every case change), like the
//! search index. Each case's last contribution is kept in
//! `stats_case_contrib`; a fold subtracts it and adds the new one, and moves
//! the cursor in the same transaction. `rebuild_stats` recomputes everything
//! from `cases`, `case_units` and `submissions`. The direct queries in
//! `stats.rs` remain the reference the rollup is tested against.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::{Dialect, Store};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

/// Cases per rebuild page.
const BATCH: i64 = 5000;
/// Outbox rows folded per transaction. A fold holds the store's writer, so
/// it works in slices this small (a few milliseconds each) and lets intake
/// in between: one 4,000-row fold held it ~110 ms, and every registration
/// arriving meanwhile waited that long (issue #17).
const FOLD_SLICE: i64 = 50;
/// A gap in PostgreSQL outbox ids (a transaction holding an id that has not
/// committed yet) is waited for this many seconds, then skipped as rolled back.
const GAP_WAIT_SECS: i64 = 5;

/// The shape of the contributions. A store whose rollup was built by an
/// older shape (`stats_cursor.version`, migration 0042) is rebuilt by its
/// next fold: 2 added the breakdowns and the monthly trend (`stats_breakdown.rs`).
const ROLLUP_VERSION: i64 = 2;

/// What a fold or a rebuild did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct FoldReport {
    /// Cases whose contribution was (re)computed.
    pub cases: usize,
    /// The outbox id folded up to.
    pub cursor: i64,
}

/// A case's visibility group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct GroupKey {
    /// ",3,17,42,": the holder and every involved unit, ascending.
    units: String,
    /// The accused unit of a 检举控告 (-1 while unresolved), 0 otherwise.
    accused: i64,
    holder: i64,
}

/// (metric, day, day2) → n: one case's contribution.
pub(crate) type Entries = BTreeMap<(String, String, String), i64>;

/// The columns of `cases` the indicators read (exactly those of `stats.rs`).
pub(crate) const CASE_COLS: &str = "id, kind, accused_unit, current_unit, registered_on, accept_due, accept_met, handling_due, handling_met, delivered_on, satisfaction, review_requested, repeats_after_delivery, region_code, COALESCE(category, '') AS category";
const SUB_COLS: &str =
    "case_id, registered_on, channel, persons, skip_level, is_repeat, unit_level";

struct CaseRow {
    id: i64,
    kind: String,
    accused_unit: Option<i64>,
    holder: i64,
    registered_on: String,
    accept_due: Option<String>,
    accept_met: Option<String>,
    handling_due: Option<String>,
    handling_met: Option<String>,
    delivered_on: Option<String>,
    satisfaction: Option<String>,
    review_requested: i64,
    repeats_after_delivery: i64,
    region_code: String,
    /// '' when not classified.
    category: String,
}

impl CaseRow {
    /// A row of [`CASE_COLS`], by column name.
    fn of(r: &AnyRow) -> Result<CaseRow, StoreError> {
        Ok(CaseRow {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            accused_unit: r.try_get("accused_unit")?,
            holder: r.try_get("current_unit")?,
            registered_on: r.try_get("registered_on")?,
            accept_due: r.try_get("accept_due")?,
            accept_met: r.try_get("accept_met")?,
            handling_due: r.try_get("handling_due")?,
            handling_met: r.try_get("handling_met")?,
            delivered_on: r.try_get("delivered_on")?,
            satisfaction: r.try_get("satisfaction")?,
            review_requested: r.try_get("review_requested")?,
            repeats_after_delivery: r.try_get("repeats_after_delivery")?,
            region_code: r.try_get("region_code")?,
            category: r.try_get("category")?,
        })
    }
}

pub(crate) struct SubRow {
    pub(crate) registered_on: String,
    pub(crate) channel: String,
    pub(crate) persons: i64,
    pub(crate) skip_level: i64,
    pub(crate) is_repeat: i64,
    pub(crate) unit_level: String,
}

pub(crate) fn add(e: &mut Entries, metric: &str, day: &str, day2: &str, n: i64) {
    if n != 0 {
        *e.entry((metric.to_string(), day.to_string(), day2.to_string()))
            .or_insert(0) += n;
    }
}

/// A ranking metric due on `day`: counted in [from, to] when the day lies in
/// it and the case passes the rankings' window test (registered by `to`, and
/// registered or delivered since `from`) — i.e. when min(day, r) ≥ from and
/// max(day, registered) ≤ to, r being the later of registration and delivery.
fn add_ranked(e: &mut Entries, c: &CaseRow, metric: &str, day: &str, n: i64) {
    let r = latest(c);
    let lo = day.min(r);
    let hi = day.max(c.registered_on.as_str());
    add(e, metric, lo, hi, n);
}

fn latest(c: &CaseRow) -> &str {
    match &c.delivered_on {
        Some(d) if d.as_str() > c.registered_on.as_str() => d,
        _ => &c.registered_on,
    }
}

fn met_in_time(met: &Option<String>, due: &str) -> bool {
    met.as_deref().is_some_and(|m| m <= due)
}

/// One case's contribution to the rollup, by the same definitions as the
/// direct queries in `stats.rs` (DESIGN.md §5).
fn contribution(c: &CaseRow, units: &[i64], subs: &[SubRow]) -> (GroupKey, Entries) {
    let mut all: Vec<i64> = units.iter().copied().chain([c.holder]).collect();
    all.sort_unstable();
    all.dedup();
    let key = GroupKey {
        units: format!(
            ",{},",
            all.iter()
                .map(|u| u.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
        // -1: a 检举控告 whose accused is not resolved to a unit yet (hidden
        // from all but 信访部门 and 纪检监察, as `COALESCE(accused_unit, -1)`).
        accused: if c.kind == "accusation" {
            c.accused_unit.unwrap_or(-1)
        } else {
            0
        },
        holder: c.holder,
    };
    let mut e = Entries::new();
    for s in subs {
        let d = s.registered_on.as_str();
        let visit = s.channel == "visit";
        add(&mut e, "s", d, "", 1);
        add(&mut e, "s_repeat", d, "", s.is_repeat);
        add(&mut e, "s_online", d, "", (s.channel == "online") as i64);
        add(&mut e, "s_visit", d, "", visit as i64);
        add(
            &mut e,
            "s_visit_persons",
            d,
            "",
            if visit { s.persons } else { 0 },
        );
        add(&mut e, "s_skip", d, "", (visit && s.skip_level == 1) as i64);
        add(
            &mut e,
            "s_collective",
            d,
            "",
            (visit && s.persons >= 5) as i64,
        );
        add(&mut e, &format!("s_level:{}", s.unit_level), d, "", 1);
    }
    crate::stats::rollup_breakdown::add_breakdowns(
        &mut e,
        &c.kind,
        &c.region_code,
        &c.category,
        subs,
    );
    add(&mut e, "c", &c.registered_on, "", 1);
    // The rankings' window test on its own: which holders appear at all.
    add(&mut e, "r_any", latest(c), &c.registered_on, 1);
    if let Some(d) = &c.accept_due {
        let ok = met_in_time(&c.accept_met, d) as i64;
        add(&mut e, "accept_due", d, "", 1);
        add(&mut e, "accept_in_time", d, "", ok);
        add_ranked(&mut e, c, "r_accept_due", d, 1);
        add_ranked(&mut e, c, "r_accept_in_time", d, ok);
    }
    if let Some(d) = &c.handling_due {
        let ok = met_in_time(&c.handling_met, d) as i64;
        add(&mut e, "handling_due", d, "", 1);
        add(&mut e, "handling_in_time", d, "", ok);
        add_ranked(&mut e, c, "r_handling_due", d, 1);
        add_ranked(&mut e, c, "r_handling_in_time", d, ok);
    }
    if let Some(d) = &c.delivered_on {
        let sat = c.satisfaction.as_deref();
        let evaluated = sat.is_some() as i64;
        let satisfied = (sat == Some("satisfied")) as i64;
        let basically = (sat == Some("basically_satisfied")) as i64;
        let first = (c.review_requested == 0 && c.repeats_after_delivery == 0) as i64;
        add(&mut e, "delivered", d, "", 1);
        add(&mut e, "evaluated", d, "", evaluated);
        add(&mut e, "satisfied", d, "", satisfied);
        add(&mut e, "basically_satisfied", d, "", basically);
        add(&mut e, "first_time", d, "", first);
        add_ranked(&mut e, c, "r_delivered", d, 1);
        add_ranked(&mut e, c, "r_evaluated", d, evaluated);
        add_ranked(
            &mut e,
            c,
            "r_satisfied_or_basically",
            d,
            satisfied + basically,
        );
        add_ranked(&mut e, c, "r_first_time", d, first);
    }
    (key, e)
}

/// "metric|day|day2|n;…" as kept in `stats_case_contrib`.
fn encode(e: &Entries) -> String {
    e.iter()
        .map(|((m, d, d2), n)| format!("{m}|{d}|{d2}|{n}"))
        .collect::<Vec<_>>()
        .join(";")
}

fn decode(s: &str) -> Result<Entries, StoreError> {
    let mut e = Entries::new();
    for item in s.split(';').filter(|x| !x.is_empty()) {
        let p: Vec<&str> = item.split('|').collect();
        let n = p.get(3).and_then(|n| n.parse::<i64>().ok());
        match (p.len(), n) {
            (4, Some(n)) => add(&mut e, p[0], p[1], p[2], n),
            _ => return Err(StoreError::Corrupt(format!("stats contribution {item:?}"))),
        }
    }
    Ok(e)
}

/// Sums to add to `stats_rollup`: (metric, day, day2, group) → n.
type Delta = HashMap<(String, String, String, i64), i64>;

fn accumulate(delta: &mut Delta, group: i64, e: &Entries, sign: i64) {
    for ((m, d, d2), n) in e {
        *delta
            .entry((m.clone(), d.clone(), d2.clone(), group))
            .or_insert(0) += sign * n;
    }
}

fn bound<'q>(
    sql: &'q str,
    binds: &[i64],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    binds.iter().fold(sqlx::query(sql), |q, b| q.bind(*b))
}

/// The cases' rows, units and submissions, read on `conn` (a transaction's
/// or a reader's connection); `cond(col)` is the condition on the case id
/// column `col` (`id` in `cases`, `case_id` in the others) with binds
/// `binds`.
async fn load(
    conn: &mut sqlx::AnyConnection,
    cond: impl Fn(&str) -> String,
    binds: &[i64],
) -> Result<Vec<(CaseRow, Vec<i64>, Vec<SubRow>)>, StoreError> {
    let on_case = cond("case_id");
    let sql = format!(
        "SELECT {CASE_COLS} FROM cases WHERE {} ORDER BY id",
        cond("id")
    );
    let cases: Vec<CaseRow> = bound(&sql, binds)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(CaseRow::of)
        .collect::<Result<_, _>>()?;
    let mut units: HashMap<i64, Vec<i64>> = HashMap::new();
    let sql = format!("SELECT case_id, unit_id FROM case_units WHERE {on_case}");
    for r in bound(&sql, binds).fetch_all(&mut *conn).await? {
        units
            .entry(r.try_get("case_id")?)
            .or_default()
            .push(r.try_get("unit_id")?);
    }
    let mut subs: HashMap<i64, Vec<SubRow>> = HashMap::new();
    let sql = format!("SELECT {SUB_COLS} FROM submissions WHERE {on_case}");
    for r in bound(&sql, binds).fetch_all(&mut *conn).await? {
        subs.entry(r.try_get("case_id")?).or_default().push(SubRow {
            registered_on: r.try_get("registered_on")?,
            channel: r.try_get("channel")?,
            persons: r.try_get("persons")?,
            skip_level: r.try_get("skip_level")?,
            is_repeat: r.try_get("is_repeat")?,
            unit_level: r.try_get("unit_level")?,
        });
    }
    Ok(cases
        .into_iter()
        .map(|c| {
            let u = units.remove(&c.id).unwrap_or_default();
            let s = subs.remove(&c.id).unwrap_or_default();
            (c, u, s)
        })
        .collect())
}

/// Group ids by key, creating groups (and their unit rows) on first sight.
/// `known` is the store's cache of groups already committed (a group is
/// never changed or deleted once made, so its id stays right); `made` holds
/// the ones this transaction found or created, added to the cache only once
/// it has committed.
struct Groups<'a> {
    known: &'a GroupCache,
    made: HashMap<GroupKey, i64>,
}

/// Visibility groups already in `stats_groups`, by key: the fold resolves
/// most cases' group without a statement under the writer (issue #17).
pub(crate) type GroupCache = std::sync::Mutex<HashMap<GroupKey, i64>>;

impl<'a> Groups<'a> {
    fn new(known: &'a GroupCache) -> Self {
        Groups {
            known,
            made: HashMap::new(),
        }
    }

    /// The transaction committed: remember what it found or made.
    fn committed(self) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.extend(self.made);
    }

    async fn id(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        k: &GroupKey,
    ) -> Result<i64, StoreError> {
        if let Some(id) = self.made.get(k) {
            return Ok(*id);
        }
        let cached = self
            .known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(k)
            .copied();
        if let Some(id) = cached {
            return Ok(id);
        }
        let found = sqlx::query(
            "SELECT id FROM stats_groups WHERE units = $1 AND accused = $2 AND holder = $3",
        )
        .bind(&k.units)
        .bind(k.accused)
        .bind(k.holder)
        .fetch_optional(&mut **tx)
        .await?;
        let id: i64 = match found {
            Some(r) => r.try_get("id")?,
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO stats_groups (units, accused, holder) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(&k.units)
                .bind(k.accused)
                .bind(k.holder)
                .fetch_one(&mut **tx)
                .await?
                .try_get("id")?;
                for u in k.units.split(',').filter_map(|u| u.parse::<i64>().ok()) {
                    sqlx::query(
                        "INSERT INTO stats_group_units (group_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(u)
                    .execute(&mut **tx)
                    .await?;
                }
                id
            }
        };
        self.made.insert(k.clone(), id);
        Ok(id)
    }
}

/// Add `delta` to `stats_rollup` (rows that end at 0 are kept; they sum to nothing).
async fn apply_delta(tx: &mut Transaction<'static, Any>, delta: &Delta) -> Result<(), StoreError> {
    let rows: Vec<_> = delta.iter().filter(|(_, n)| **n != 0).collect();
    for chunk in rows.chunks(200) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(5 * i + 1, 5)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO stats_rollup (metric, day, day2, group_id, n) VALUES {values} \
             ON CONFLICT (metric, day, day2, group_id) DO UPDATE SET n = stats_rollup.n + excluded.n"
        );
        let mut q = sqlx::query(&sql);
        for ((m, d, d2, g), n) in chunk {
            q = q
                .bind(m.clone())
                .bind(d.clone())
                .bind(d2.clone())
                .bind(*g)
                .bind(**n);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Store each case's contribution (replacing the previous one).
async fn put_contribs(
    tx: &mut Transaction<'static, Any>,
    items: &[(i64, i64, String)],
) -> Result<(), StoreError> {
    for chunk in items.chunks(300) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(3 * i + 1, 3)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO stats_case_contrib (case_id, group_id, entries) VALUES {values} \
             ON CONFLICT (case_id) DO UPDATE SET group_id = excluded.group_id, entries = excluded.entries"
        );
        let mut q = sqlx::query(&sql);
        for (c, g, e) in chunk {
            q = q.bind(*c).bind(*g).bind(e.clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Lock the cursor row (PostgreSQL: concurrent folders queue here) and read
/// it, in one statement.
async fn lock_cursor(tx: &mut Transaction<'static, Any>) -> Result<(i64, i64, String), StoreError> {
    let r = sqlx::query(
        "UPDATE stats_cursor SET pos = pos WHERE id = 1 RETURNING pos, gap_id, gap_since",
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((
        r.try_get("pos")?,
        r.try_get("gap_id")?,
        r.try_get("gap_since")?,
    ))
}

async fn set_cursor(
    tx: &mut Transaction<'static, Any>,
    pos: i64,
    gap: (i64, &str),
) -> Result<(), StoreError> {
    sqlx::query("UPDATE stats_cursor SET pos = $1, gap_id = $2, gap_since = $3 WHERE id = 1")
        .bind(pos)
        .bind(gap.0)
        .bind(gap.1.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A slice of the outbox read ahead of the writer.
struct Slice {
    /// Outbox rows read (fewer than `FOLD_SLICE`: the outbox is drained).
    rows: i64,
    /// The outbox id folded up to (stops before a PostgreSQL gap).
    last: i64,
    /// The gap waited for, if any: (id, since).
    gap: (i64, String),
    /// The cases of the slice.
    ids: Vec<i64>,
    /// Their new contributions (a case gone from `cases` has none).
    fresh: Vec<(i64, GroupKey, Entries)>,
}

/// Replace the contributions of cases `ids` by `fresh` inside `tx`: take
/// away what they gave before, add what they give now.
async fn refold(
    tx: &mut Transaction<'static, Any>,
    groups: &mut Groups<'_>,
    ids: &[i64],
    fresh: Vec<(i64, GroupKey, Entries)>,
) -> Result<usize, StoreError> {
    let mut delta = Delta::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT group_id, entries FROM stats_case_contrib WHERE case_id IN ({})",
            placeholders(1, chunk.len())
        );
        for r in bound(&sql, chunk).fetch_all(&mut **tx).await? {
            let e: String = r.try_get("entries")?;
            accumulate(&mut delta, r.try_get("group_id")?, &decode(&e)?, -1);
        }
    }
    let mut contribs = Vec::with_capacity(fresh.len());
    for (case_id, key, e) in fresh {
        let g = groups.id(tx, &key).await?;
        accumulate(&mut delta, g, &e, 1);
        contribs.push((case_id, g, encode(&e)));
    }
    apply_delta(tx, &delta).await?;
    put_contribs(tx, &contribs).await?;
    Ok(contribs.len())
}

impl Store {
    /// Fold every case changed since the rollup's cursor up to the newest
    /// change committed when called (read-your-writes: called before each
    /// statistics read). Cheap when nothing changed.
    ///
    /// The target is fixed at the call (issue #17): under steady intake
    /// the outbox never drains, and a read that folded until it did chased
    /// the writers for seconds (a dashboard under 1,000 registrations/s
    /// took 10.9 s). A change committed before the read began is below the
    /// target, so the read still sees it; what came after waits for the
    /// next read or the background folder.
    ///
    /// A fold holds the store's writer, so it works in slices, and it reads
    /// a slice's outbox rows and cases *before* taking the writer (issue
    /// #17): under it remain the cursor, the cases' old contributions and
    /// the writes — about five statements. Reading the cases early is safe:
    /// a change committed after that read wrote an outbox row past this
    /// slice, so the case is folded again with its new state. The cursor is
    /// checked under the writer and the slice read again if another folder
    /// (another node) moved it meanwhile; within a process folds take turns.
    pub async fn fold_stats(&self) -> Result<FoldReport, StoreError> {
        self.fold_stats_to(self.max_outbox_id().await?).await
    }

    /// [`Store::fold_stats`] up to outbox id `target`, read by the caller.
    pub async fn fold_stats_to(&self, target: i64) -> Result<FoldReport, StoreError> {
        // One folder per process at a time: folders that raced would each
        // read the same slice and all but one throw it away. A caller that
        // waited here finds the rollup folded and returns at once.
        let _one = self.fold_lock.lock().await;
        let mut report = FoldReport::default();
        loop {
            let r = sqlx::query(
                "SELECT pos, gap_id, gap_since, version FROM stats_cursor WHERE id = 1",
            )
            .fetch_one(&self.pool)
            .await?;
            let pos: i64 = r.try_get("pos")?;
            let cursor = (pos, r.try_get("gap_id")?, r.try_get("gap_since")?);
            let version: i64 = r.try_get("version")?;
            if version < ROLLUP_VERSION {
                return self.rebuild(true).await;
            }
            report.cursor = pos;
            if pos >= target {
                return Ok(report);
            }
            let slice = self.read_slice(&cursor).await?;
            let (mut tx, _g) = self.write_tx().await?;
            if lock_cursor(&mut tx).await? != cursor {
                // Another folder moved on meanwhile: read again from there.
                drop(tx);
                continue;
            }
            let mut groups = Groups::new(&self.stat_groups);
            report.cases += refold(&mut tx, &mut groups, &slice.ids, slice.fresh).await?;
            set_cursor(&mut tx, slice.last, (slice.gap.0, &slice.gap.1)).await?;
            tx.commit().await?;
            groups.committed();
            report.cursor = slice.last;
            if slice.last == pos || slice.last >= target || slice.rows < FOLD_SLICE {
                return Ok(report);
            }
            // Writers waiting for the lock go first.
            tokio::task::yield_now().await;
        }
    }

    /// The next slice after `cursor` (pos, gap id, gap since) and its
    /// cases' new contributions, read without the writer.
    async fn read_slice(&self, cursor: &(i64, i64, String)) -> Result<Slice, StoreError> {
        let (pos, gap_id, gap_since) = cursor;
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query("SELECT id, case_id FROM outbox WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(*pos)
            .bind(FOLD_SLICE)
            .fetch_all(&mut *conn)
            .await?;
        let now = crate::now_text();
        let mut last = *pos;
        let mut gap = (0, String::new());
        let mut ids = std::collections::BTreeSet::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            // Only PostgreSQL hands out ids that commit out of order.
            if self.dialect == Dialect::Postgres && id != last + 1 && last != 0 {
                let waited = *gap_id == last + 1 && gap_since.as_str() <= gap_cutoff().as_str();
                if !waited {
                    gap = if *gap_id == last + 1 {
                        (*gap_id, gap_since.clone())
                    } else {
                        (last + 1, now.clone())
                    };
                    break;
                }
            }
            last = id;
            ids.insert(r.try_get::<i64, _>("case_id")?);
        }
        let ids: Vec<i64> = ids.into_iter().collect();
        let mut fresh = vec![];
        for chunk in ids.chunks(500) {
            let list = placeholders(1, chunk.len());
            let cond = |col: &str| format!("{col} IN ({list})");
            for (c, units, subs) in load(&mut conn, cond, chunk).await? {
                let (key, e) = contribution(&c, &units, &subs);
                fresh.push((c.id, key, e));
            }
        }
        Ok(Slice {
            rows: rows.len() as i64,
            last,
            gap,
            ids,
            fresh,
        })
    }

    /// Recompute the whole rollup from the cases (after a bulk load that
    /// wrote no outbox rows, or to repair it). One transaction; the cursor
    /// moves to the newest outbox id.
    pub async fn rebuild_stats(&self) -> Result<FoldReport, StoreError> {
        self.rebuild(false).await
    }

    /// [`Store::rebuild_stats`]; with `only_if_stale`, nothing when another
    /// fold has already brought the rollup to [`ROLLUP_VERSION`].
    async fn rebuild(&self, only_if_stale: bool) -> Result<FoldReport, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let (pos, _, _) = lock_cursor(&mut tx).await?;
        let version: i64 = sqlx::query_scalar("SELECT version FROM stats_cursor WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        if only_if_stale && version >= ROLLUP_VERSION {
            return Ok(FoldReport {
                cases: 0,
                cursor: pos,
            });
        }
        let cursor: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")
            .fetch_one(&mut *tx)
            .await?;
        for t in ["stats_rollup", "stats_case_contrib"] {
            sqlx::query(&format!("DELETE FROM {t}"))
                .execute(&mut *tx)
                .await?;
        }
        let mut totals = Delta::new();
        let mut groups = Groups::new(&self.stat_groups);
        let mut after = 0i64;
        let mut cases = 0usize;
        loop {
            let upto: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(id) FROM (SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2) p",
            )
            .bind(after)
            .bind(BATCH)
            .fetch_one(&mut *tx)
            .await?;
            let Some(upto) = upto else { break };
            let mut contribs = Vec::with_capacity(BATCH as usize);
            for (c, units, subs) in load(
                &mut tx,
                |col: &str| format!("{col} > $1 AND {col} <= $2"),
                &[after, upto],
            )
            .await?
            {
                let (key, e) = contribution(&c, &units, &subs);
                let g = groups.id(&mut tx, &key).await?;
                accumulate(&mut totals, g, &e, 1);
                contribs.push((c.id, g, encode(&e)));
            }
            cases += contribs.len();
            put_contribs(&mut tx, &contribs).await?;
            after = upto;
        }
        apply_delta(&mut tx, &totals).await?;
        set_cursor(&mut tx, cursor, (0, "")).await?;
        sqlx::query("UPDATE stats_cursor SET version = $1 WHERE id = 1")
            .bind(ROLLUP_VERSION)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        groups.committed();
        self.stats_memo.clear();
        self.analyze().await?;
        Ok(FoldReport { cases, cursor })
    }

    /// The rollup's cursor (outbox id folded up to).
    pub async fn stats_cursor(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT pos FROM stats_cursor WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

/// Gaps first seen at or before this time have been waited for long enough.
fn gap_cutoff() -> String {
    crate::fmt_time(crate::shanghai_now() - chrono::Duration::seconds(GAP_WAIT_SECS))
}

/// Queue a case for the rollup when a projection refresh outside an event
/// (clock scanner, calendar re-flow) changes its indicator facts: an outbox
/// row, as every event writes. Unchanged facts write nothing.
pub(crate) async fn outbox_if_facts_change(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
    f: &xinfang_domain::metrics::CaseFacts,
) -> Result<(), StoreError> {
    let Some(r) = sqlx::query(
        "SELECT accept_due, accept_met, handling_due, handling_met, delivered_on, satisfaction, review_requested, repeats_after_delivery FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(());
    };
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    let now: [Option<String>; 6] = [
        r.try_get("accept_due")?,
        r.try_get("accept_met")?,
        r.try_get("handling_due")?,
        r.try_get("handling_met")?,
        r.try_get("delivered_on")?,
        r.try_get("satisfaction")?,
    ];
    let new = [
        day(f.accept_due),
        day(f.accept_met),
        day(f.handling_due),
        day(f.handling_met),
        day(f.delivered_on),
        f.satisfaction.map(|s| s.key().to_string()),
    ];
    let flags: (i64, i64) = (
        r.try_get("review_requested")?,
        r.try_get("repeats_after_delivery")?,
    );
    if now != new || flags != (f.review_requested as i64, f.repeats_after_delivery as i64) {
        sqlx::query("INSERT INTO outbox (case_id, created_at) VALUES ($1, $2)")
            .bind(case_id)
            .bind(crate::now_text())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(reg: &str, delivered: Option<&str>) -> CaseRow {
        CaseRow {
            id: 1,
            kind: "accusation".into(),
            accused_unit: Some(9),
            holder: 4,
            registered_on: reg.into(),
            accept_due: Some("2026-03-10".into()),
            accept_met: Some("2026-03-09".into()),
            handling_due: None,
            handling_met: None,
            delivered_on: delivered.map(str::to_string),
            satisfaction: Some("satisfied".into()),
            review_requested: 0,
            repeats_after_delivery: 0,
            region_code: "330102".into(),
            category: String::new(),
        }
    }

    #[test]
    fn group_is_the_exact_unit_set_and_accused() {
        let (k, _) = contribution(&case("2026-03-01", None), &[7, 4, 2], &[]);
        assert_eq!(k.units, ",2,4,7,");
        assert_eq!((k.accused, k.holder), (9, 4));
    }

    #[test]
    fn ranked_days_encode_the_window_test() {
        // Registered before the window, delivered inside it: min/max bounds.
        let (_, e) = contribution(&case("2026-02-20", Some("2026-03-12")), &[], &[]);
        let key = |m: &str, d: &str, d2: &str| (m.to_string(), d.to_string(), d2.to_string());
        assert_eq!(
            e.get(&key("r_accept_due", "2026-03-10", "2026-03-10")),
            Some(&1)
        );
        assert_eq!(
            e.get(&key("r_delivered", "2026-03-12", "2026-03-12")),
            Some(&1)
        );
        assert_eq!(e.get(&key("r_any", "2026-03-12", "2026-02-20")), Some(&1));
        // Not delivered: the accept duty counts only if registered since `from`.
        let (_, e) = contribution(&case("2026-02-20", None), &[], &[]);
        assert_eq!(
            e.get(&key("r_accept_due", "2026-02-20", "2026-03-10")),
            Some(&1)
        );
        assert_eq!(decode(&encode(&e)).unwrap(), e);
    }
}
