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

/// PostgreSQL with autovacuum off: say so once, and do its work for this
/// database every minute (`xinfang_store::Store::upkeep_round`).
pub fn spawn_upkeep(app: App) {
    tokio::spawn(async move {
        match app.store.autovacuum_off().await {
            Ok(true) => eprintln!(
                "提示：PostgreSQL 的 autovacuum 已关闭，本服务每分钟代为执行 VACUUM/ANALYZE；建议按 deploy/postgresql-xinfang.conf 开启。"
            ),
            Ok(false) => return,
            Err(e) => tracing::warn!("autovacuum setting unreadable: {e}"),
        }
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            if let Err(e) = app.store.upkeep_round().await {
                tracing::warn!("database upkeep failed: {e}");
            }
        }
    });
}
