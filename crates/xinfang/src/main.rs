//! `xinfang`: the command line. Each subcommand wires the store, the
//! application services and (for `serve`) the web router; no logic of its own.

mod bench_ocr_cmd;
mod cli;
mod config_file;
mod directory_cmd;
mod events_cmd;
mod keys_cmd;
mod node;
mod notify_cmd;
#[cfg(feature = "ocr")]
mod scan_cmd;
mod seal_cmd;
mod search_cmd;
mod shutdown;
mod stats_cmd;
mod tls;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("XINFANG_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
