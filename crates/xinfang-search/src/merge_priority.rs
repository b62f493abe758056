//! The index's segment merges run at the lowest CPU priority.
//!
//! Tantivy merges segments on its own pool of threads (`merge_thread_N`),
//! started with each index writer. A merge of a few hundred thousand
//! documents holds a core for most of a second. On a two-core server that
//! second fell on the registrations in flight: under an open loop of
//! 2,000 registrations a second, the slowest requests (200 ms and more) came
//! exactly while a merge thread took 70 % of a core and the request threads
//! got none (issue #17, docs/PERFORMANCE.md "Session 18").
//!
//! The index is a cache, rebuilt from the store whenever needed, so its
//! merges can wait: at nice 19 they take the CPU the requests leave. Linux
//! applies a nice value per thread, so only the merge threads are lowered;
//! the indexing threads, which a commit waits for, keep theirs.

/// The prefix tantivy names its merge threads with.
const MERGE_THREAD: &str = "merge_thread_";
/// The lowest priority (the highest nice value).
pub(crate) const LOWEST: i32 = 19;

/// Lower every merge thread of this process to [`LOWEST`] (threads already
/// lowered stay so). Best effort: a thread that ended meanwhile, or a
/// system without `/proc`, leaves merges at the normal priority.
pub(crate) fn lowest_for_merges() {
    #[cfg(target_os = "linux")]
    for tid in merge_threads() {
        if let Some(pid) = rustix::process::Pid::from_raw(tid) {
            // Raising one's own nice value needs no privilege.
            let _ = rustix::process::setpriority_process(Some(pid), LOWEST);
        }
    }
}

/// Thread ids of this process's merge threads, read from `/proc/self/task`.
#[cfg(target_os = "linux")]
pub(crate) fn merge_threads() -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return vec![];
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|name| name.starts_with(MERGE_THREAD))
        })
        .filter_map(|t| t.file_name().to_str()?.parse().ok())
        .collect()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::{merge_threads, LOWEST};

    /// The nice value of thread `tid` (field 19 of its `stat`).
    fn nice_of(tid: i32) -> i32 {
        let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat"))
            .expect("the thread's stat");
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        after_name
            .split_whitespace()
            .nth(16)
            .and_then(|n| n.parse().ok())
            .expect("a nice value in field 19")
    }

    #[test]
    fn an_index_writers_merge_threads_run_at_the_lowest_priority() {
        let _index = crate::SearchIndex::in_memory().unwrap();
        let merges = merge_threads();
        assert!(!merges.is_empty(), "tantivy started no merge thread");
        for tid in merges {
            assert_eq!(nice_of(tid), LOWEST, "merge thread {tid}");
        }
        // The test's own thread (as a request's would) keeps the process's
        // priority: that of its main thread, whose id is the process id.
        let own: i32 = std::fs::read_link("/proc/thread-self")
            .unwrap()
            .file_name()
            .and_then(|n| n.to_str()?.parse().ok())
            .unwrap();
        assert_eq!(nice_of(own), nice_of(std::process::id() as i32));
    }
}
