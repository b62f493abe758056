//! What keeps one `serve` process in step with others on the same database.
//! Sessions, tokens, cases and the search outbox already live in the store;
//! the caches (unit tree, calendar, clock rules, taxonomy, lexicon, models)
//! are per process and are reloaded only where an administrator changed them,
//! so every node re-reads them on an interval: `XINFANG_CACHE_REFRESH_SECS`
//! (default 30; 0 turns it off, for a single node).

use std::time::Duration;
use xinfang_app::App;

/// Seconds between cache refreshes.
fn interval() -> u64 {
    std::env::var("XINFANG_CACHE_REFRESH_SECS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(30)
}

/// Refresh the caches from the store every [`interval`] seconds (serve).
pub fn spawn_cache_refresh(app: App) {
    let secs = interval();
    if secs == 0 {
        return;
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            if let Err(e) = app.refresh_caches().await {
                tracing::warn!("cache refresh failed: {e}");
            }
        }
    });
}
