//! Remembered statistics reads (issue #17). A dashboard asks the rollup
//! four questions (this period's overview, the last one's, the breakdowns
//! and trend, the ranking facts) — ≈80 ms of CPU at a million cases — and
//! every leader of a scope asks the same ones. The answers depend only on
//! the question and on how far the rollup has been folded, so each is kept
//! with the fold cursor it was read at:
//!
//! - **same cursor**: nothing was folded since, the answer is exact (for at
//!   most [`EXACT_FOR`], because another process may rebuild the rollup to
//!   the same cursor — this process's rebuilds clear the memo);
//! - **cursor moved, intake busy**: when the background folder's last
//!   round folded more than a few cases, or the last read found it behind
//!   by more than a few changes (`freshness.rs`), reads are already "as
//!   the folder left it", moments old; an answer younger than
//!   [`LAGGING_FOR`] is as good, and is served instead of read again. An
//!   older one (up to [`STALE_AT_MOST`]) is served too while one
//!   background task reads the question again, so under busy intake no
//!   leader waits for a dashboard's reads — they run beside, one per
//!   question. Both times stretch to [`COST_MULTIPLE`] (and twice that)
//!   times what reading the question took, so an expensive question is
//!   not read over and over while intake is busy;
//! - otherwise (a quiet server, where a registrar's own change was just
//!   folded) the question is read again: read-your-writes holds — except
//!   for a question that took [`EXPENSIVE`] or more to read, served for ten
//!   times its cost: a district's whole-area case count at a million cases
//!   takes ~2 s on PostgreSQL, and a province commits something every few
//!   seconds, so reading it again after every commit kept a core busy
//!   counting. The list's rows are read fresh each time, so the new case
//!   is on the page at once; only "共 N 件" may lag, by seconds.
//!
//! The key carries every input, the scope's hidden accused units included
//! (第三十条), so two viewers share an answer only when they may see exactly
//! the same cases.

use crate::error::StoreError;
use crate::Store;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An answer read at the current cursor is served for this long.
const EXACT_FOR: Duration = Duration::from_secs(30);
/// Under busy intake, an answer this young is served though the cursor moved.
const LAGGING_FOR: Duration = Duration::from_secs(5);
/// Under busy intake, an older answer is served while it is read again
/// in the background, if it is no older than this.
const STALE_AT_MOST: Duration = Duration::from_secs(30);
/// Under busy intake a question is read again at most once per this many
/// times its own reading took: a count that takes 2 s on PostgreSQL at a
/// million cases is refreshed every 20–40 s, not every 5 (which kept a
/// core reading it over and over).
const COST_MULTIPLE: u32 = 10;
/// A question that took this long or longer to read is served for
/// [`COST_MULTIPLE`] times its cost even on a quiet server (see the module
/// doc); a cheaper one is read again as soon as anything changed.
const EXPENSIVE: Duration = Duration::from_millis(250);
/// Questions remembered (scopes × periods × kinds, list counts by filter).
const CAPACITY: usize = 4096;

struct Answer {
    cursor: i64,
    read_at: Instant,
    /// How long reading it took.
    cost: Duration,
    value: Arc<dyn Any + Send + Sync>,
    /// A background read of this question is under way.
    refreshing: bool,
}

/// What the memo holds for a question.
enum Found<T> {
    /// Serve it.
    Fresh(T),
    /// Serve it, and read the question again in the background.
    Stale(T),
    /// Read it now.
    Missing,
}

/// The remembered answers, by question, and the questions being read now.
#[derive(Default)]
pub(crate) struct StatsMemo {
    answers: Mutex<Answers>,
    /// Each question being read now, with a lock its readers queue on, so
    /// that leaders opening the same dashboard together cause one read, not
    /// one each (on PostgreSQL at a million cases a herd of the same reads
    /// filled the pool and every request waited).
    reading: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Questions actually read from the rollup so far.
    reads: AtomicU64,
}

/// The answers, least recently used forgotten first.
struct Answers(lru::LruCache<String, Answer>);

impl Default for Answers {
    fn default() -> Self {
        Answers(lru::LruCache::new(
            NonZeroUsize::new(CAPACITY).expect("non-zero"),
        ))
    }
}

impl StatsMemo {
    /// Forget every answer (the rollup was rebuilt).
    pub(crate) fn clear(&self) {
        if let Ok(mut m) = self.answers.lock() {
            m.0.clear();
        }
    }

    fn get<T: Clone + 'static>(&self, key: &str, cursor: i64, lagging: bool) -> Found<T> {
        let Ok(mut m) = self.answers.lock() else {
            return Found::Missing;
        };
        let Some(a) = m.0.get_mut(key) else {
            return Found::Missing;
        };
        let Some(value) = a.value.downcast_ref::<T>().cloned() else {
            return Found::Missing;
        };
        let age = a.read_at.elapsed();
        let lagging_for = LAGGING_FOR.max(a.cost * COST_MULTIPLE);
        let stale_at_most = STALE_AT_MOST.max(a.cost * (2 * COST_MULTIPLE));
        let expensive_for = if a.cost >= EXPENSIVE {
            a.cost * COST_MULTIPLE
        } else {
            Duration::ZERO
        };
        if (a.cursor == cursor && age < EXACT_FOR)
            || (lagging && age < lagging_for)
            || age < expensive_for
        {
            Found::Fresh(value)
        } else if lagging && age < stale_at_most {
            if a.refreshing {
                Found::Fresh(value)
            } else {
                a.refreshing = true;
                Found::Stale(value)
            }
        } else {
            Found::Missing
        }
    }

    /// The lock the readers of `key` take turns on.
    fn turn(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.reading.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(key.to_string()).or_default().clone()
    }

    /// A turn at reading `key` ended: forget its lock when no one else
    /// waits on it.
    fn done(&self, key: &str, turn: &Arc<tokio::sync::Mutex<()>>) {
        let mut m = self.reading.lock().unwrap_or_else(|p| p.into_inner());
        // Held by this caller and the map: nobody else queues on it.
        if Arc::strong_count(turn) <= 2 {
            m.remove(key);
        }
    }

    /// Make every answer `by` older (tests of the time rules).
    fn age(&self, by: Duration) {
        if let Ok(mut m) = self.answers.lock() {
            for (_, a) in m.0.iter_mut() {
                a.read_at = a.read_at.checked_sub(by).unwrap_or(a.read_at);
            }
        }
    }

    /// A background read failed: let the next read try again.
    fn unmark(&self, key: &str) {
        if let Ok(mut m) = self.answers.lock() {
            if let Some(a) = m.0.get_mut(key) {
                a.refreshing = false;
            }
        }
    }

    fn put<T: Send + Sync + 'static>(&self, key: String, cursor: i64, cost: Duration, value: T) {
        if let Ok(mut m) = self.answers.lock() {
            m.0.put(
                key,
                Answer {
                    cursor,
                    read_at: Instant::now(),
                    cost,
                    value: Arc::new(value),
                    refreshing: false,
                },
            );
        }
    }
}

impl Store {
    /// The answer to `key`, remembered or read by `read` (see the module doc).
    /// The cursor is taken before reading, so an answer is never filed
    /// under a cursor newer than what it saw.
    pub(crate) async fn remembered<T, F, Fut>(&self, key: String, read: F) -> Result<T, StoreError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce(Store) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let cursor = self.stats_cursor().await?;
        self.remembered_at(key, cursor, read).await
    }

    /// As [`Store::remembered`], for a question whose answer depends on
    /// everything committed (not only on what the rollup folded): `cursor`
    /// is the latest change taken before reading (the case list's count).
    pub(crate) async fn remembered_at<T, F, Fut>(
        &self,
        key: String,
        cursor: i64,
        read: F,
    ) -> Result<T, StoreError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce(Store) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        match self.stats_memo.get::<T>(&key, cursor, self.reads_lag()) {
            Found::Fresh(v) => Ok(v),
            Found::Stale(v) => {
                self.read_in_background(key, cursor, read);
                Ok(v)
            }
            Found::Missing => {
                let turn = self.stats_memo.turn(&key);
                let mine = turn.lock().await;
                // Whoever read it while this caller waited has filed it.
                let found = self.stats_memo.get::<T>(&key, cursor, self.reads_lag());
                let v = match found {
                    Found::Fresh(v) => Ok(v),
                    Found::Stale(v) => {
                        self.read_in_background(key.clone(), cursor, read);
                        Ok(v)
                    }
                    Found::Missing => {
                        self.stats_memo.reads.fetch_add(1, Ordering::Relaxed);
                        let started = Instant::now();
                        let v = read(self.clone()).await;
                        if let Ok(v) = &v {
                            let cost = started.elapsed();
                            self.stats_memo.put(key.clone(), cursor, cost, v.clone());
                        }
                        v
                    }
                };
                drop(mine);
                self.stats_memo.done(&key, &turn);
                v
            }
        }
    }

    /// Read `key` again beside the caller and file the answer (the memo
    /// marked it as being read: `Found::Stale`).
    fn read_in_background<T, F, Fut>(&self, key: String, cursor: i64, read: F)
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce(Store) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        self.stats_memo.reads.fetch_add(1, Ordering::Relaxed);
        let store = self.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            match read(store.clone()).await {
                Ok(fresh) => store.stats_memo.put(key, cursor, started.elapsed(), fresh),
                Err(e) => {
                    tracing::warn!("statistics read in the background failed: {e}");
                    store.stats_memo.unmark(&key);
                }
            }
        });
    }

    /// How many statistics questions were read from the rollup rather
    /// than answered from the memo, since the store was opened.
    pub fn stats_questions_read(&self) -> u64 {
        self.stats_memo.reads.load(Ordering::Relaxed)
    }

    /// Make every remembered statistics answer `by` older, as if read that
    /// long ago (for tests of the time rules; nothing else calls it).
    #[doc(hidden)]
    pub fn age_remembered_stats(&self, by: Duration) {
        self.stats_memo.age(by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_aged(cost_ms: u64, age_s: u64, lagging: bool) -> &'static str {
        let memo = StatsMemo::default();
        memo.put("q".into(), 1, Duration::from_millis(cost_ms), 7_i64);
        memo.age(Duration::from_secs(age_s));
        // The cursor moved on (2): only the busy-intake rules can serve it.
        match memo.get::<i64>("q", 2, lagging) {
            Found::Fresh(_) => "fresh",
            Found::Stale(_) => "stale",
            Found::Missing => "missing",
        }
    }

    #[test]
    fn an_expensive_question_is_read_again_less_often() {
        // (cost, age, lagging) → what the memo does with the answer.
        for (cost_ms, age_s, lagging, want) in [
            (5, 3, true, "fresh"),
            (5, 6, true, "stale"),
            (5, 31, true, "missing"),
            (2_000, 6, true, "fresh"),
            (2_000, 19, true, "fresh"),
            (2_000, 21, true, "stale"),
            (2_000, 39, true, "stale"),
            (2_000, 41, true, "missing"),
            // A quiet server reads a moved question again at once — unless
            // it is expensive, then after ten times its cost.
            (200, 1, false, "missing"),
            (2_000, 1, false, "fresh"),
            (2_000, 19, false, "fresh"),
            (2_000, 21, false, "missing"),
        ] {
            assert_eq!(
                answer_aged(cost_ms, age_s, lagging),
                want,
                "cost {cost_ms} ms, age {age_s} s, lagging {lagging}"
            );
        }
    }
}
