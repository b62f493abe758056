//! Following the primary of a replicated PostgreSQL (issue #21). A
//! `--database-url` naming several hosts, libpq style
//! (`postgres://u@h1:p1,h2:p2/db?target_session_attrs=read-write`), is split
//! here into one URL per host; the pool always connects to the host that
//! answered `pg_is_in_recovery() = false` last time we looked.
//!
//! sqlx's `PgConnectOptions` takes one host, so the choice is ours:
//! - a watcher task checks the chosen host every second (and at once when a
//!   new connection lands on a standby) and, when it is gone or read-only,
//!   asks every host in turn until one is a writable primary, then points
//!   the pool's connect options at it (`Pool::set_connect_options`);
//! - every new connection checks `pg_is_in_recovery()` (`after_connect`): a
//!   connection to a standby is refused, and the pool tries again with the
//!   options as they are by then — so a write never lands on a standby;
//! - idle connections opened before the switch are closed when next taken
//!   (`before_acquire`), so none of them talks to the old primary once it
//!   has come back as a standby.
//!
//! Requests waiting for a connection during the switch complete on the new
//! primary, or fail after the acquire timeout with an error the web layer
//! answers 503 + `Retry-After` (`StoreError::is_unavailable`).

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection, Row};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How often the watcher checks that the chosen host is still the primary.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long one host may take to answer whether it is the primary.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The hosts of a multi-host URL and which of them is the primary now.
pub(crate) struct Follower {
    /// One single-host URL per host, in the order given.
    hosts: Vec<String>,
    current: AtomicUsize,
    /// When the pool was last pointed at another host.
    switched: Mutex<Instant>,
    wake: Notify,
    pool: OnceLock<AnyPool>,
}

/// The single-host URLs of `url` when it asks to follow the primary (several
/// hosts, or `target_session_attrs=read-write`), else None.
pub fn split_hosts(url: &str) -> Option<Vec<String>> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "postgres" && scheme != "postgresql" {
        return None;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hostlist) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut follow = hostlist.contains(',');
    let params: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| match kv.split_once('=') {
            Some(("target_session_attrs", v)) => {
                follow |= v == "read-write" || v == "primary";
                false
            }
            _ => true,
        })
        .collect();
    if !follow {
        return None;
    }
    let query = if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    };
    Some(
        hostlist
            .split(',')
            .filter(|h| !h.is_empty())
            .map(|h| format!("{scheme}://{user}{h}{path}{query}"))
            .collect(),
    )
}

/// Whether the server at `url` is a writable primary (None: unreachable).
async fn is_primary(url: &str) -> Option<bool> {
    let probe = async {
        let mut conn = AnyConnection::connect(url).await.ok()?;
        let row = sqlx::query("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END")
            .fetch_one(&mut conn)
            .await
            .ok()?;
        let standby: i32 = row.try_get(0).ok()?;
        let _ = conn.close().await;
        Some(standby == 0)
    };
    tokio::time::timeout(PROBE_TIMEOUT, probe).await.ok()?
}

impl Follower {
    /// Find the primary among `hosts` (trying for up to `patience`).
    pub(crate) async fn new(
        hosts: Vec<String>,
        patience: Duration,
    ) -> Result<Arc<Follower>, crate::StoreError> {
        let f = Follower {
            hosts,
            current: AtomicUsize::new(0),
            switched: Mutex::new(Instant::now()),
            wake: Notify::new(),
            pool: OnceLock::new(),
        };
        let deadline = Instant::now() + patience;
        loop {
            if let Some(i) = f.find_primary().await {
                f.current.store(i, Ordering::SeqCst);
                return Ok(Arc::new(f));
            }
            if Instant::now() > deadline {
                return Err(crate::StoreError::Unavailable(format!(
                    "没有可写的主库：{}",
                    f.hosts.join(", ")
                )));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// The URL of the host chosen now.
    pub(crate) fn url(&self) -> &str {
        &self.hosts[self.current.load(Ordering::SeqCst)]
    }

    /// The chosen host's URL without its password.
    pub(crate) fn current(&self) -> String {
        redact(self.url())
    }

    /// Options for the pool's connections to the chosen host.
    pub(crate) fn options(&self) -> Result<AnyConnectOptions, sqlx::Error> {
        AnyConnectOptions::from_str(self.url())
    }

    /// The first host (starting from the current one) that is a primary.
    async fn find_primary(&self) -> Option<usize> {
        let n = self.hosts.len();
        let start = self.current.load(Ordering::SeqCst);
        for k in 0..n {
            let i = (start + k) % n;
            if is_primary(&self.hosts[i]).await == Some(true) {
                return Some(i);
            }
        }
        None
    }

    /// Hand the pool over and start watching (the task ends with the store).
    pub(crate) fn watch(self: &Arc<Self>, pool: AnyPool) {
        let _ = self.pool.set(pool);
        let weak = Arc::downgrade(self);
        tokio::spawn(watch(weak));
    }

    /// A connection landed on a standby (or failed): look again now.
    pub(crate) fn suspect(&self) {
        self.wake.notify_one();
    }

    /// Whether a pooled connection of this age predates the last switch.
    pub(crate) fn is_stale(&self, age: Duration) -> bool {
        let since = self
            .switched
            .lock()
            .map(|s| s.elapsed())
            .unwrap_or_default();
        age > since
    }

    /// Point the pool at host `i`.
    fn switch_to(&self, i: usize) {
        self.current.store(i, Ordering::SeqCst);
        if let (Some(pool), Ok(opts)) = (self.pool.get(), self.options()) {
            pool.set_connect_options(opts);
        }
        if let Ok(mut s) = self.switched.lock() {
            *s = Instant::now();
        }
        tracing::warn!("database primary is now {}", redact(self.url()));
    }
}

/// The URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &url[s + 3..at];
            let user = user.split(':').next().unwrap_or("");
            format!("{}{}{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

async fn watch(weak: Weak<Follower>) {
    loop {
        // Held for a second at most: the task ends once the store is gone.
        let Some(f) = weak.upgrade() else { return };
        if Arc::strong_count(&f) <= 1 {
            return;
        }
        let _ = tokio::time::timeout(CHECK_EVERY, f.wake.notified()).await;
        if is_primary(f.url()).await == Some(true) {
            continue;
        }
        // The chosen host is down or read-only: ask every host until one is
        // the primary (a failover takes a few seconds), backing off a little.
        let mut pause = Duration::from_millis(100);
        loop {
            if let Some(i) = f.find_primary().await {
                // The same host again (a slow answer, a restart in place)
                // keeps its connections: dead ones fail their ping and are
                // replaced; only a new primary retires them all.
                if i != f.current.load(Ordering::SeqCst) {
                    f.switch_to(i);
                }
                break;
            }
            if weak.strong_count() <= 1 {
                return;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_libpq_host_lists() {
        assert_eq!(
            split_hosts(
                "postgres://u:pw@a:5434,b:5435/xf?target_session_attrs=read-write&sslmode=disable"
            ),
            Some(vec![
                "postgres://u:pw@a:5434/xf?sslmode=disable".to_string(),
                "postgres://u:pw@b:5435/xf?sslmode=disable".to_string(),
            ])
        );
        assert_eq!(
            split_hosts("postgresql://a,b:6000/xf"),
            Some(vec![
                "postgresql://a/xf".to_string(),
                "postgresql://b:6000/xf".to_string()
            ])
        );
        assert_eq!(
            split_hosts("postgres://u@h:1/xf?target_session_attrs=read-write"),
            Some(vec!["postgres://u@h:1/xf".to_string()])
        );
        assert_eq!(split_hosts("postgres://u@h:1/xf"), None);
        assert_eq!(split_hosts("sqlite://a,b"), None);
        assert_eq!(redact("postgres://u:secret@h:1/x"), "postgres://u@h:1/x");
    }
}
