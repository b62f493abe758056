//! Exponential back-off for staff sign-in (issue #20 item 3; 等保 2.0
//! 8.1.4.1 a: "登录失败处理功能 … 限制非法登录次数"). Keyed on one client
//! address AND one user name: the first [`FREE_FAILURES`] wrong passwords
//! or codes cost nothing, then every further failure locks that pair for
//! 1, 2, 4, 8 … minutes, never more than [`MAX_LOCK`]. A stranger can
//! therefore never lock the owner out for longer than 15 minutes from a
//! shared address, and not at all from the owner's own (the per-client and
//! user-wide rules of `auth::Throttle` only refuse clients that are
//! guessing themselves). A pair forgets its failures after [`FORGET_AFTER`]
//! without one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one pair that lock nothing.
pub const FREE_FAILURES: u32 = 5;
/// The first lock.
pub const FIRST_LOCK: Duration = Duration::from_secs(60);
/// The longest lock.
pub const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A pair quiet for this long starts from zero.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

const PRUNE_AT: usize = 50_000;

/// Failures per key and the time of the last one.
#[derive(Default)]
pub struct Backoff {
    fails: Mutex<HashMap<String, (u32, Instant)>>,
}

/// The lock after `n` failures (none below [`FREE_FAILURES`]).
pub fn lock_after(n: u32) -> Option<Duration> {
    let over = n.checked_sub(FREE_FAILURES)?;
    let factor = 1u32.checked_shl(over.min(16)).unwrap_or(u32::MAX);
    Some(FIRST_LOCK.saturating_mul(factor).min(MAX_LOCK))
}

impl Backoff {
    /// How long `key` is still locked at `now`.
    pub fn locked_for_at(&self, key: &str, now: Instant) -> Option<Duration> {
        let map = self.fails.lock().expect("backoff");
        let (n, last) = map.get(key)?;
        let lock = lock_after(*n)?;
        let over = last.checked_add(lock)?;
        over.checked_duration_since(now).filter(|d| !d.is_zero())
    }
    pub fn locked_for(&self, key: &str) -> Option<Duration> {
        self.locked_for_at(key, Instant::now())
    }

    /// Count a failure at `now`; returns the lock it starts, if any.
    pub fn fail_at(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut map = self.fails.lock().expect("backoff");
        if map.len() >= PRUNE_AT {
            map.retain(|_, (_, last)| now.saturating_duration_since(*last) < FORGET_AFTER);
        }
        let e = map.entry(key.to_string()).or_insert((0, now));
        if now.saturating_duration_since(e.1) >= FORGET_AFTER {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = now;
        lock_after(e.0)
    }
    pub fn fail(&self, key: &str) -> Option<Duration> {
        self.fail_at(key, Instant::now())
    }

    pub fn clear(&self, key: &str) {
        self.fails.lock().expect("backoff").remove(key);
    }
}

/// Whole minutes to tell the user (rounded up, at least 1).
pub fn minutes(d: Duration) -> u32 {
    d.as_secs().div_ceil(60).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_one_minute_and_stops_at_fifteen() {
        let got: Vec<_> = (1..=12)
            .map(|n| lock_after(n).map(|d| d.as_secs()))
            .collect();
        assert_eq!(
            got,
            [
                None,
                None,
                None,
                None,
                Some(60),
                Some(120),
                Some(240),
                Some(480),
                Some(900),
                Some(900),
                Some(900),
                Some(900)
            ]
        );
        assert_eq!(lock_after(u32::MAX), Some(MAX_LOCK));
    }

    #[test]
    fn a_lock_runs_out_and_a_quiet_pair_is_forgotten() {
        let b = Backoff::default();
        let t0 = Instant::now();
        for i in 0..4 {
            assert_eq!(b.fail_at("k", t0 + Duration::from_secs(i)), None);
        }
        assert_eq!(b.locked_for_at("k", t0 + Duration::from_secs(4)), None);
        assert_eq!(
            b.fail_at("k", t0 + Duration::from_secs(5)),
            Some(FIRST_LOCK)
        );
        assert!(b.locked_for_at("k", t0 + Duration::from_secs(30)).is_some());
        assert_eq!(b.locked_for_at("k", t0 + Duration::from_secs(66)), None);
        // Attacked for hours: still never more than 15 minutes after the last try.
        let mut t = t0 + Duration::from_secs(66);
        for _ in 0..50 {
            let lock = b.fail_at("k", t).unwrap();
            assert!(lock <= MAX_LOCK);
            t += lock;
            assert_eq!(
                b.locked_for_at("k", t),
                None,
                "free again once the lock ran out"
            );
        }
        // An hour without failure: back to five free tries.
        let later = t + FORGET_AFTER;
        assert_eq!(b.fail_at("k", later), None);
        assert_eq!(minutes(Duration::from_secs(61)), 2);
        assert_eq!(minutes(Duration::from_secs(1)), 1);
    }
}
