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
//! - **cursor moved, intake busy**: when the last read found the background
//!   folder behind by more than a few changes (`freshness.rs`), reads are
//!   already "as the folder left it"; an answer younger than
//!   [`LAGGING_FOR`] is as good, and is served instead of read again;
//! - otherwise (a quiet server, where a registrar's own change was just
//!   folded) the question is read again: read-your-writes holds.
//!
//! The key carries every input, the scope's hidden accused units included
//! (第三十条), so two viewers share an answer only when they may see exactly
//! the same cases.

use crate::error::StoreError;
use crate::Store;
use std::any::Any;
use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An answer read at the current cursor is served for this long.
const EXACT_FOR: Duration = Duration::from_secs(30);
/// Under busy intake, an answer this young is served though the cursor moved.
const LAGGING_FOR: Duration = Duration::from_secs(5);
/// Questions remembered (scopes × periods × kinds).
const CAPACITY: usize = 512;

struct Answer {
    cursor: i64,
    read_at: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

/// The remembered answers, by question.
pub(crate) struct StatsMemo(Mutex<lru::LruCache<String, Answer>>);

impl Default for StatsMemo {
    fn default() -> Self {
        StatsMemo(Mutex::new(lru::LruCache::new(
            NonZeroUsize::new(CAPACITY).expect("non-zero"),
        )))
    }
}

impl StatsMemo {
    /// Forget every answer (the rollup was rebuilt).
    pub(crate) fn clear(&self) {
        if let Ok(mut m) = self.0.lock() {
            m.clear();
        }
    }

    fn get<T: Clone + 'static>(&self, key: &str, cursor: i64, lagging: bool) -> Option<T> {
        let mut m = self.0.lock().ok()?;
        let a = m.get(key)?;
        let age = a.read_at.elapsed();
        let fresh = (a.cursor == cursor && age < EXACT_FOR) || (lagging && age < LAGGING_FOR);
        if !fresh {
            return None;
        }
        a.value.downcast_ref::<T>().cloned()
    }

    fn put<T: Send + Sync + 'static>(&self, key: String, cursor: i64, value: T) {
        if let Ok(mut m) = self.0.lock() {
            m.put(
                key,
                Answer {
                    cursor,
                    read_at: Instant::now(),
                    value: Arc::new(value),
                },
            );
        }
    }
}

impl Store {
    /// The answer to `key`, remembered or read by `read` (see the module doc).
    /// The cursor is taken before reading, so an answer is never filed
    /// under a cursor newer than what it saw.
    pub(crate) async fn remembered<T, F>(&self, key: String, read: F) -> Result<T, StoreError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, StoreError>>,
    {
        let cursor = self.stats_cursor().await?;
        let lagging = self.reads_lag();
        if let Some(v) = self.stats_memo.get::<T>(&key, cursor, lagging) {
            return Ok(v);
        }
        let v = read.await?;
        self.stats_memo.put(key, cursor, v.clone());
        Ok(v)
    }
}
