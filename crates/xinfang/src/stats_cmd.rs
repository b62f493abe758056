//! `xinfang stats rebuild` and the rollup folder of `serve`: the statistics
//! rollup is derived from the cases, so it can always be recomputed, and
//! `serve` keeps it folded from the outbox so reads rarely have work to do.

use clap::Subcommand;
use std::time::Duration;
use xinfang_app::App;

#[derive(Subcommand)]
pub enum StatsCmd {
    /// Recompute the statistics rollup from the cases (after a bulk load or to repair it).
    Rebuild {
        #[command(flatten)]
        db: crate::cli::Db,
    },
}

/// `xinfang stats rebuild`.
pub async fn rebuild(app: &App) -> anyhow::Result<()> {
    let t = std::time::Instant::now();
    let r = app.store.rebuild_stats().await?;
    println!(
        "已重建统计汇总：{} 件信访事项，出件箱位置 {}，用时 {:.1} 秒",
        r.cases,
        r.cursor,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Fold the outbox into the rollup (serve), in small slices so intake
/// never waits long for the writer: round after round while intake fills
/// it, every 500 ms when it is quiet (`Store::fold_in_background`; readers
/// under load rely on it instead of folding themselves).
pub fn spawn_folder(app: App) {
    tokio::spawn(async move {
        loop {
            let pause = match app.store.fold_in_background().await {
                Ok(pause) => pause,
                Err(e) => {
                    tracing::warn!("statistics rollup fold failed: {e}");
                    Duration::from_millis(500)
                }
            };
            tokio::time::sleep(pause).await;
        }
    });
}
