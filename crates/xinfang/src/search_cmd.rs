//! Search commands: where the index lives, `xinfang reindex`, the
//! background outbox consumer of `serve`, and `xinfang bench search`.

use anyhow::Context;
use std::path::PathBuf;
use std::time::Duration;
use xinfang_app::{App, TimeSource};
use xinfang_search::SearchIndex;
use xinfang_store::Store;

/// The index directory: `XINFANG_SEARCH_INDEX`, else `search-index` next to
/// the SQLite file, else `./xinfang-data/search-index`.
pub fn index_dir(url: &str) -> PathBuf {
    if let Ok(d) = std::env::var("XINFANG_SEARCH_INDEX") {
        if !d.is_empty() {
            return PathBuf::from(d);
        }
    }
    url.strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p))
        .and_then(|p| {
            std::path::Path::new(p)
                .parent()
                .map(|d| d.join("search-index"))
        })
        .filter(|d| !d.as_os_str().is_empty() && d != std::path::Path::new("search-index"))
        .unwrap_or_else(|| PathBuf::from("xinfang-data/search-index"))
}

/// The setting a `xinfang reindex` run beside a server writes: every
/// `serve` that sees its value change rebuilds its own index.
const REINDEX_REQUESTED: &str = "search_reindex_requested";

/// Open the index for `app` and attach it.
pub fn attach(app: &App) -> anyhow::Result<PathBuf> {
    let dir = index_dir(app.store.url());
    let index =
        SearchIndex::open(&dir).with_context(|| format!("无法打开检索索引 {}", dir.display()))?;
    app.attach_search(index);
    Ok(dir)
}

/// Feed the index from the outbox every 500 ms (serve), and rebuild it when
/// an operator asked for it (`xinfang reindex` while this server runs).
pub fn spawn_indexer(app: App) {
    tokio::spawn(async move {
        let mut seen = app
            .store
            .get_setting(REINDEX_REQUESTED)
            .await
            .ok()
            .flatten();
        loop {
            if let Err(e) = app.index_pending().await {
                tracing::warn!("search indexing failed: {e}");
            }
            let asked = app
                .store
                .get_setting(REINDEX_REQUESTED)
                .await
                .ok()
                .flatten();
            if asked.is_some() && asked != seen {
                seen = asked;
                let t = std::time::Instant::now();
                match app.reindex().await {
                    Ok(n) => tracing::info!(
                        "search index rebuilt on request: {n} cases in {:.1} s",
                        t.elapsed().as_secs_f64()
                    ),
                    Err(e) => tracing::error!("search index rebuild failed: {e}"),
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}

/// `xinfang reindex`. While a server holds the index, it is asked to rebuild
/// its index itself (the writer lock is one process's at a time).
pub async fn reindex(app: &App) -> anyhow::Result<()> {
    let dir = index_dir(app.store.url());
    match SearchIndex::open(&dir) {
        Ok(index) => app.attach_search(index),
        Err(e) if e.is_locked() => {
            app.store
                .put_setting(
                    REINDEX_REQUESTED,
                    &format!("{} {}", xinfang_store::now_text(), std::process::id()),
                )
                .await?;
            println!(
                "检索索引 {} 正由运行中的服务使用：已请求该服务重建索引，几秒内开始，完成情况见服务日志",
                dir.display()
            );
            return Ok(());
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("无法打开检索索引 {}", dir.display())))
        }
    }
    let t = std::time::Instant::now();
    let n = app.reindex().await?;
    println!(
        "已重建检索索引 {}：{n} 件信访事项，用时 {:.1} 秒",
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `xinfang bench search`: the demo province in a throw-away SQLite file
/// (for its unit tree), the index in a temporary directory.
pub async fn bench(cases: usize, queries: usize, json: bool) -> anyhow::Result<()> {
    let tag = chrono::Utc::now().format("%Y%m%d%H%M%S%f");
    let dir = std::env::temp_dir().join(format!("xinfang-bench-search-{tag}"));
    std::fs::create_dir_all(&dir)?;
    let result = async {
        let store = Store::connect(&format!("sqlite://{}/org.db", dir.display())).await?;
        store.migrate().await?;
        let app = App::new(store, TimeSource::System).await?;
        xinfang_app::demo::generate(&app, 0).await?;
        if !json {
            eprintln!("基准测试：索引 {cases} 件合成信访事项，然后执行 {queries} 次检索");
        }
        let org = app.org();
        let index_dir = dir.join("index");
        let r = tokio::task::spawn_blocking(move || {
            xinfang_bench::search::run(&org, &index_dir, cases, queries, |n, secs| {
                if !json {
                    eprintln!(
                        "  已索引 {n:>8} 件，{secs:>7.1} 秒，内存 {:.0} MB",
                        xinfang_bench::intake::rss_mb()
                    );
                }
            })
        })
        .await??;
        anyhow::Ok(r)
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let r = result?;
    println!("{}", serde_json::to_string(&r)?);
    Ok(())
}
