//! How fresh a statistics read is (issue #17). The rollup is folded from
//! the outbox by `serve`'s background folder and, before a read, by the
//! reader itself so that a change committed before the read is counted
//! (read-your-writes). Under heavy intake that second fold cost the reader
//! its turn at the writer behind the registrations, slice after slice: a
//! dashboard under 1,000 registrations/s took seconds. So a reader folds
//! only when a few changes wait (a registrar's own, on a quiet server) or
//! when no background folder is keeping up; otherwise it reads the rollup
//! as the folder left it — at most a fold round behind, a fraction of a
//! second under load.

use crate::error::StoreError;
use crate::Store;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// A background folder is trusted while its last round ended this recently.
const FOLDER_FRESH_MS: i64 = 5_000;
/// Outbox rows a reader folds itself beside a live folder: a few
/// registrations' worth (each writes one or two). More waiting means
/// intake is busy, and the folder's next round is moments away.
const READER_FOLDS_AT_MOST: i64 = 10;

/// When the background folder last finished a round (ms since the epoch;
/// 0 = this process runs none); whether the last read found it behind by
/// more than a few changes (then reads take the rollup as the folder left
/// it); and whether its last round folded more than a few cases (intake is
/// busy). Either way remembered answers a few seconds old are served
/// (`memo.rs`).
#[derive(Default)]
pub(crate) struct FolderBeat {
    last_round_ms: AtomicI64,
    left_to_folder: AtomicBool,
    last_round_large: AtomicBool,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    /// Before a statistics read: fold the changes waiting, unless a live
    /// background folder has more than a few of them in hand (see the
    /// module doc). Without a folder (CLI, tests) every read folds all.
    pub async fn fold_for_read(&self) -> Result<(), StoreError> {
        let target = self.max_outbox_id().await?;
        if self.folder_live() && target - self.stats_cursor().await? > READER_FOLDS_AT_MOST {
            self.folder_beat
                .left_to_folder
                .store(true, Ordering::Relaxed);
            return Ok(());
        }
        self.folder_beat
            .left_to_folder
            .store(false, Ordering::Relaxed);
        self.fold_stats_to(target).await.map(|_| ())
    }

    /// Whether statistics reads lag behind busy intake: a live background
    /// folder whose last round folded more than a few cases, or the last
    /// [`Store::fold_for_read`] left the waiting changes to it.
    pub(crate) fn reads_lag(&self) -> bool {
        self.folder_live()
            && (self.folder_beat.left_to_folder.load(Ordering::Relaxed)
                || self.folder_beat.last_round_large.load(Ordering::Relaxed))
    }

    /// Whether this process runs a background folder that finished a round
    /// lately.
    fn folder_live(&self) -> bool {
        let beat = self.folder_beat.last_round_ms.load(Ordering::Relaxed);
        beat != 0 && now_ms() - beat < FOLDER_FRESH_MS
    }

    /// One round of the background folder (`serve`): fold what is waiting
    /// and say so to readers. Returns how long to wait before the next
    /// round: briefly while intake keeps the outbox filling, half a second
    /// when it was empty.
    pub async fn fold_in_background(&self) -> Result<Duration, StoreError> {
        let report = self.fold_stats().await?;
        self.folder_beat
            .last_round_ms
            .store(now_ms(), Ordering::Relaxed);
        self.folder_beat.last_round_large.store(
            report.cases as i64 > READER_FOLDS_AT_MOST,
            Ordering::Relaxed,
        );
        Ok(if report.cases > 0 {
            Duration::from_millis(50)
        } else {
            Duration::from_millis(500)
        })
    }
}
