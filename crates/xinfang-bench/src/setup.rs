//! Shared set-up for the benchmarks: a fresh SQLite file in the current
//! directory per run (intake, classify), and for the store-size benchmarks
//! (`bench stats`, `bench scanner`) one filled to N cases unless a database
//! URL is given.

use anyhow::Result;
use xinfang_app::{App, TimeSource};
use xinfang_store::Store;

/// A fresh SQLite file in the current directory for one benchmark run.
pub fn fresh_url(what: &str) -> String {
    format!(
        "sqlite://xinfang-bench-{what}-{}.db",
        chrono::Utc::now().format("%Y%m%d%H%M%S")
    )
}

/// Connect (a [`fresh_url`] by default) and migrate.
pub async fn filled_app(url: Option<String>, what: &str, cases: i64) -> Result<App> {
    let url = url.unwrap_or_else(|| fresh_url(what));
    eprintln!("基准测试（{what}）：{url}，{cases} 件");
    let store = Store::connect(&url).await?;
    store.migrate().await?;
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
