//! Shared set-up for the benchmarks: a fresh SQLite file in the current
//! directory per run (intake, classify), and for the store-size benchmarks
//! (`bench stats`, `bench scanner`) one filled to N cases unless a database
//! URL is given.

use anyhow::Result;
use xinfang_app::{App, TimeSource};

/// A fresh SQLite file in the current directory for one benchmark run.
pub fn fresh_url(what: &str) -> String {
    format!(
        "sqlite://xinfang-bench-{what}-{}.db",
        chrono::Utc::now().format("%Y%m%d%H%M%S")
    )
}

/// The binary's key installer (`keys_cmd::install`: the key file beside
/// the database), run before a benchmark opens a store.
type KeyInstaller = fn(&str) -> Result<()>;
static KEYS: std::sync::OnceLock<KeyInstaller> = std::sync::OnceLock::new();

/// Let the benchmarks open stores with their keys, as `serve` does.
pub fn set_key_installer(f: KeyInstaller) {
    let _ = KEYS.set(f);
}

/// Connect (a [`fresh_url`] by default) and migrate.
pub async fn filled_app(url: Option<String>, what: &str, cases: i64) -> Result<App> {
    let url = url.unwrap_or_else(|| fresh_url(what));
    eprintln!("基准测试（{what}）：{url}，{cases} 件");
    // With the store's keys, as `serve` opens it: a store `serve` has
    // sealed can be filled and read again by the next run.
    let keys = KEYS.get();
    if let Some(install) = keys {
        install(&url)?;
    }
    let store = xinfang_store::Store::connect(&url).await?;
    store.migrate().await?;
    if keys.is_some() {
        store.protect().await?;
    }
    Ok(App::new(store, TimeSource::System).await?)
}

/// Demo province, then copies up to `cases`; returns the seconds it took.
pub async fn fill(app: &App, cases: i64) -> Result<f64> {
    let secs = crate::stats::prepare(app, cases, |n| {
        if n % 100_000 == 0 || n == cases {
            eprintln!("  已装载 {n} 件");
        }
    })
    .await?;
    eprintln!("  装载用时 {secs:.1} 秒");
    Ok(secs)
}
