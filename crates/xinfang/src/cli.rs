//! Subcommands and their options. Database URL: `--database-url`, else
//! `XINFANG_DATABASE_URL`, else `database_url` in `./xinfang.toml`, else
//! SQLite in `./xinfang-data/xinfang.db`.

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use xinfang_app::{App, TimeSource};
use xinfang_domain::calendar::Calendar;
use xinfang_store::{Store, TokenKind};

#[derive(Parser)]
#[command(name = "xinfang", version, about = "xinfang 信访工作平台")]
pub struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
pub(crate) struct Db {
    /// sqlite://PATH or postgres://…
    #[arg(long, env = "XINFANG_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web server.
    Serve {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Fill an empty database with demo data first.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        tls: TlsArgs,
        /// A PostgreSQL standby for heavy reads (statistics, lists, exports);
        /// repeat for several (env: space-separated).
        #[arg(long, env = "XINFANG_READ_DATABASE_URL", value_delimiter = ' ')]
        read_database_url: Vec<String>,
    },
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        db: Db,
    },
    /// Fill an empty database with the demo province.
    Demo {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value_t = 2400)]
        cases: usize,
    },
    /// Print an API token for a user (last line).
    Token {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        user: String,
    },
    /// Compute and explain a statutory period (no database needed).
    Deadline {
        #[arg(long)]
        from: String,
        #[arg(long)]
        days: u32,
        #[arg(long)]
        working_days: bool,
        #[arg(long)]
        no_rollover: bool,
    },
    /// Issued documents: check a signed document file (电子签章).
    Documents {
        #[command(subcommand)]
        cmd: DocumentsCmd,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Keys: rotation, retirement, ids and the SM2 public key.
    Keys {
        #[command(subcommand)]
        cmd: KeysCmd,
    },
    /// Consistent online backup (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
    Backup {
        #[command(flatten)]
        db: Db,
        /// Backup file to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into the database (stop the server first).
    Restore {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        from: std::path::PathBuf,
        /// Overwrite an existing SQLite database.
        #[arg(long)]
        force: bool,
    },
    /// Rebuild the full-text search index from the store.
    Reindex {
        #[command(flatten)]
        db: Db,
    },
    /// Benchmarks (one JSON line each, last line).
    Bench {
        #[command(subcommand)]
        cmd: BenchCmd,
    },
    /// Statutory clock tools.
    Clocks {
        #[command(subcommand)]
        cmd: ClocksCmd,
    },
    /// Official calendar tools.
    Calendar {
        #[command(subcommand)]
        cmd: CalendarCmd,
    },
    /// Import historical data.
    Import {
        #[command(subcommand)]
        cmd: ImportCmd,
    },
    /// Statistics rollup tools.
    Stats {
        #[command(subcommand)]
        cmd: crate::stats_cmd::StatsCmd,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Historical cases from .xlsx (columns: see /admin/import). All rows or none;
    /// exit 1 naming every rejected row.
    Cases {
        #[command(flatten)]
        db: Db,
        file: std::path::PathBuf,
        /// Only validate; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Verify the hash chain of the whole log (and the anchors in FILE).
    Verify {
        #[command(flatten)]
        db: Db,
        /// An anchors file (`anchors.log`): every anchor must be signed and match the chain.
        #[arg(long)]
        anchors: Option<std::path::PathBuf>,
        /// The SM2 public key (SEC1 hex) the anchors are signed with; default: the key file's.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Sign the chain head with the system's SM2 key and append it to the anchors file.
    Anchor {
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum KeysCmd {
    /// Make a new SM4 data key active and re-encrypt everything under it;
    /// with --chain, a new audit-chain key instead (from a recorded change
    /// entry on; the entries before keep verifying with the old key); with
    /// --index, a new blind-index key (every blind column recomputed).
    Rotate {
        #[command(flatten)]
        db: Db,
        #[arg(long, conflicts_with = "index")]
        chain: bool,
        #[arg(long)]
        index: bool,
    },
    /// Remove an old data key once nothing is sealed under it, or an old
    /// blind-index key (after recomputing what a server wrote under it meanwhile).
    Retire {
        #[command(flatten)]
        db: Db,
        key_id: String,
    },
    /// Key ids and the SM2 public key.
    Show {
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum DocumentsCmd {
    /// Check a signed document package (downloaded from the document page):
    /// the SM2 signature over its content and the certificate of the
    /// issuing body's key. Exit code 0 when valid, 1 when not.
    Verify {
        file: std::path::PathBuf,
        /// The platform's root public key (hex) to pin the certificate to.
        #[arg(long)]
        root_key: Option<String>,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Index N synthetic petitions in a temporary directory and time mixed searches.
    Search {
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        #[arg(long, default_value_t = 500)]
        queries: usize,
        /// Print only the final JSON line.
        #[arg(long)]
        json: bool,
    },
    /// Register N synthetic submissions into a fresh database in the current directory.
    Intake {
        #[arg(long, default_value_t = 10_000)]
        cases: usize,
        /// Concurrent clients driving `App::intake` (group commit shares fsyncs among them).
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Open loop instead of clients: submissions arrive at this many per
        /// second whether or not earlier ones are done; latency counts from
        /// each one's arrival (the latency at that offered load).
        #[arg(long)]
        rate: Option<f64>,
        /// Print JSON only (progress lines and the final line).
        #[arg(long)]
        json: bool,
        /// Use this database instead of a fresh SQLite file (must be empty).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// End to end over HTTP: a `serve` child process with all its background
    /// jobs on a store of N cases, driven with online petitions (and staff
    /// page reads at --read-ratio); the last line is one JSON object.
    Http {
        #[arg(long, default_value_t = 10_000)]
        cases: i64,
        /// Closed loop: this many clients, each waiting for its answer.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Open loop instead: requests arrive at this many per second.
        #[arg(long)]
        rate: Option<f64>,
        /// Seconds measured (after a one-second warm-up).
        #[arg(long, default_value_t = 30.0)]
        duration: f64,
        /// Share of requests that are staff page reads (case page, filtered
        /// list, search, dashboard in turn), 0 to 1.
        #[arg(long, default_value_t = 0.0)]
        read_ratio: f64,
        /// The staff member whose pages are read.
        #[arg(long, default_value = "shangcheng_xfj")]
        staff: String,
        /// Seconds the server is left alone after it starts (its start-up
        /// work: the hot-issue terms, catching up), before the warm-up.
        #[arg(long, default_value_t = 5.0)]
        settle: f64,
        /// Use this database (filled if it holds fewer than N cases) instead
        /// of a fresh SQLite file in a temporary directory.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// The statistics overview and unit rankings over N cases (demo cases copied up to N).
    Stats {
        #[arg(long, default_value_t = 100_000)]
        cases: i64,
        /// Repetitions per scope (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Use this database (filled if it holds fewer than N cases) instead of a fresh SQLite file.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// The clock scanner over N cases (demo cases copied up to N).
    Scanner {
        #[arg(long, default_value_t = 100_000)]
        cases: i64,
        /// Use this database (filled if it holds fewer than N cases) instead of a fresh SQLite file.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Read a generated, labelled set of typed letters (3 faces × 3 sizes × 3
    /// layouts) under each degradation and report character accuracy per
    /// condition, field accuracy and seconds per page (issue #22); the last
    /// line is one JSON object. Needs the `ocr` feature.
    Ocr {
        /// Pages per condition.
        #[arg(long, default_value_t = 3)]
        per_condition: usize,
        /// Also write the clean sample page (JPEG) and its truth (.txt) here
        /// (the committed test letter of crates/xinfang-ocr).
        #[arg(long)]
        write_sample: Option<std::path::PathBuf>,
        /// Set every page in this font file (TTF/OTF/TTC) instead of the
        /// three embedded faces — e.g. a 楷体 face, which is still print.
        #[arg(long)]
        font: Option<std::path::PathBuf>,
        /// Write every page by hand instead: a simulated ballpoint pen on
        /// stroke data (neat 楷书-like writing, not cursive); with
        /// --write-sample the page is letter-hand.png.
        #[arg(long, conflicts_with = "font")]
        hand: bool,
    },
    /// Cross-validate the kind/category suggestions on the labelled petition
    /// corpus (`data/bench/petitions.tsv`, or --corpus) in a fresh SQLite
    /// database in the current directory; the last line is one JSON object.
    Classify {
        #[arg(long, default_value_t = 5)]
        folds: usize,
        #[arg(long, default_value_t = 11)]
        seed: u64,
        /// A TSV corpus of the same shape instead of the built-in one.
        #[arg(long)]
        corpus: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum ClocksCmd {
    /// Refresh grades and raise 临期/超期 alerts (each exactly once).
    Scan {
        #[command(flatten)]
        db: Db,
    },
    /// Explain every due date of one case (start, count, skipped days, rollover, pauses, extensions).
    Explain {
        #[command(flatten)]
        db: Db,
        /// The case number.
        #[arg(long = "case")]
        case_no: String,
    },
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// Load a year's schedule (CSV as data/calendar/cn-official.csv) and re-flow open cases.
    Import {
        #[command(flatten)]
        db: Db,
        file: std::path::PathBuf,
    },
}

fn config_file_url() -> Option<String> {
    crate::config_file::value("", "database_url")
}

/// TLS and session settings of `serve` (flags, else `xinfang.toml`).
#[derive(clap::Args, Clone, Default)]
pub(crate) struct TlsArgs {
    /// PEM certificate chain: serve HTTPS (TLS 1.2/1.3) on --listen. Also `[tls] cert`.
    #[arg(long)]
    tls_cert: Option<std::path::PathBuf>,
    /// PEM private key of the certificate. Also `[tls] key`.
    #[arg(long)]
    tls_key: Option<std::path::PathBuf>,
    /// With TLS: also listen for plain HTTP here, only to redirect to HTTPS. Also `[tls] listen_http`.
    #[arg(long)]
    listen_http: Option<String>,
    /// Sign staff out after this many idle minutes (default 30). Also `[session] idle_minutes`.
    #[arg(long)]
    session_idle_minutes: Option<u64>,
    /// Sign staff out this many hours after signing in (default 12). Also `[session] absolute_hours`.
    #[arg(long)]
    session_absolute_hours: Option<u64>,
}

impl TlsArgs {
    /// Fill what the flags left open from `xinfang.toml`; a key without a
    /// certificate (or the other way round) is an error.
    fn resolved(mut self) -> anyhow::Result<TlsArgs> {
        use crate::config_file::{number, value};
        self.tls_cert = self
            .tls_cert
            .or_else(|| value("tls", "cert").map(Into::into));
        self.tls_key = self.tls_key.or_else(|| value("tls", "key").map(Into::into));
        self.listen_http = self.listen_http.or_else(|| value("tls", "listen_http"));
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            bail!("--tls-cert 与 --tls-key 须同时给出");
        }
        if self.listen_http.is_some() && self.tls_cert.is_none() {
            bail!("--listen-http 只在启用 TLS（--tls-cert、--tls-key）时使用：它只把 HTTP 请求重定向到 HTTPS");
        }
        if self.session_idle_minutes == Some(0) || self.session_absolute_hours == Some(0) {
            bail!("会话超时须为正整数");
        }
        self.session_idle_minutes = self
            .session_idle_minutes
            .or(number("session", "idle_minutes")?);
        self.session_absolute_hours = self
            .session_absolute_hours
            .or(number("session", "absolute_hours")?);
        Ok(self)
    }

    fn session_policy(&self) -> xinfang_app::sign_in::SessionPolicy {
        let mut p = xinfang_app::sign_in::SessionPolicy::default();
        if let Some(m) = self.session_idle_minutes {
            p.idle = std::time::Duration::from_secs(m * 60);
        }
        if let Some(h) = self.session_absolute_hours {
            p.absolute = std::time::Duration::from_secs(h * 3600);
        }
        p
    }
}

fn resolve_url(db: &Db) -> anyhow::Result<String> {
    if let Some(u) = db.database_url.clone().or_else(config_file_url) {
        return Ok(u);
    }
    std::fs::create_dir_all("xinfang-data").context("创建 ./xinfang-data 失败")?;
    Ok("sqlite://xinfang-data/xinfang.db".into())
}

async fn open(db: &Db) -> anyhow::Result<App> {
    open_with_replicas(db, &[]).await
}

/// `open`, with read replicas for the heavy reads (`serve --read-database-url`).
async fn open_with_replicas(db: &Db, replicas: &[String]) -> anyhow::Result<App> {
    let url = resolve_url(db)?;
    let replicas: Vec<String> = replicas
        .iter()
        .filter(|u| !u.trim().is_empty())
        .cloned()
        .collect();
    // Keys installed, migrated and brought up to them (issue #20).
    let store = crate::keys_cmd::connect(&url)
        .await?
        .with_read_replicas(&replicas)
        .await
        .context("连接只读副本失败")?;
    Ok(App::new(store, TimeSource::System).await?)
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    xinfang_bench::setup::set_key_installer(|url| crate::keys_cmd::install(url).map(|_| ()));
    match cli.cmd {
        Cmd::Serve {
            db,
            listen,
            demo,
            tls,
            read_database_url,
        } => {
            // Refuse to start on a malformed proxy list rather than trust nobody (or everybody) by accident.
            let mut web = xinfang_web::WebConfig::from_env().map_err(anyhow::Error::msg)?;
            let tls = tls.resolved()?;
            let tls_config = match (&tls.tls_cert, &tls.tls_key) {
                (Some(c), Some(k)) => Some(crate::tls::server_config(c, k)?),
                _ => None,
            };
            web.tls = tls_config.is_some();
            let directory = crate::directory_cmd::from_config()?;
            let app = open_with_replicas(&db, &read_database_url).await?;
            let url = resolve_url(&db)?;
            let (keys, key_file) = crate::keys_cmd::install(&url)?;
            crate::keys_cmd::spawn_background(app.store.clone(), url.clone(), key_file);
            app.set_session_policy(tls.session_policy());
            app.set_directory(directory);
            if demo && app.store.count("units").await? == 0 {
                eprintln!("正在生成演示数据……");
                let report = xinfang_app::demo::generate(&app, 2400).await?;
                eprintln!(
                    "演示数据：{} 个单位，{} 名用户，{} 件信访事项",
                    report.units, report.users, report.cases
                );
            }
            crate::seal_cmd::install_root(&app, &keys)?;
            crate::seal_cmd::spawn_signer(app.clone());
            crate::search_cmd::attach(&app)?;
            crate::search_cmd::spawn_indexer(app.clone());
            // Load the letter reader's models in the background (issue #22),
            // so the first upload does not wait for them.
            #[cfg(feature = "ocr")]
            tokio::spawn(xinfang_app::letter_reading::warm());
            #[cfg(feature = "ocr")]
            crate::scan_cmd::spawn_reader(app.clone());
            crate::node::spawn_cache_refresh(app.clone());
            crate::node::spawn_upkeep(app.clone());
            crate::stats_cmd::spawn_folder(app.clone());
            // The dashboard's hot issues read two weeks of requests: their
            // terms are segmented once, here, not on the first load (#17).
            let warm = app.clone();
            tokio::spawn(async move {
                if let Err(e) = warm.warm_hot_terms().await {
                    tracing::warn!("hot-issue warm-up failed: {e}");
                }
            });
            let scanner = app.clone();
            tokio::spawn(async move {
                loop {
                    if let Err(e) = scanner.scan_clocks().await {
                        tracing::warn!("clock scan failed: {e}");
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
                }
            });
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("无法监听 {listen}"))?;
            let addr = listener.local_addr()?;
            crate::notify_cmd::configure(&app, &addr.to_string())?;
            crate::notify_cmd::spawn(app.clone());
            crate::events_cmd::spawn(app.clone())?;
            let store = app.store.clone();
            // With the peer address: the throttles key on the real client (xinfang_web::client).
            let router = xinfang_web::router_with(app, web);
            // Ctrl-C or SIGTERM: drain, then the final anchor below.
            let shutdown = crate::shutdown::signal();
            match tls_config {
                None => {
                    println!("xinfang 已启动：http://{addr}/");
                    let service =
                        router.into_make_service_with_connect_info::<std::net::SocketAddr>();
                    axum::serve(listener, service)
                        .with_graceful_shutdown(shutdown)
                        .await?;
                }
                Some(config) => {
                    let service = crate::tls::with_peer(router)
                        .into_make_service_with_connect_info::<crate::tls::TlsPeer>();
                    if let Some(plain) = &tls.listen_http {
                        let l = tokio::net::TcpListener::bind(plain)
                            .await
                            .with_context(|| format!("无法监听 {plain}"))?;
                        println!("HTTP 重定向：http://{}/", l.local_addr()?);
                        let port = addr.port();
                        tokio::spawn(async move {
                            if let Err(e) = crate::tls::serve_redirect(l, port).await {
                                tracing::error!("HTTP redirect listener stopped: {e}");
                            }
                        });
                    }
                    println!("xinfang 已启动：https://{addr}/");
                    let listener = crate::tls::TlsListener::new(listener, config)?;
                    axum::serve(listener, service)
                        .with_graceful_shutdown(shutdown)
                        .await?;
                }
            }
            // Issue #20: the head is anchored on shutdown too (SIGINT or SIGTERM).
            let a = store.anchor(&crate::keys_cmd::anchors_path(&url)).await?;
            eprintln!("已锚定审计链：第 {} 条", a.seq);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate { db } => {
            let url = resolve_url(&db)?;
            let store = Store::connect(&url).await?;
            let n = store.migrate().await?;
            println!("已执行 {n} 个迁移");
            // Existing plaintext is encrypted and the chain cut over here.
            crate::keys_cmd::connect(&url).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Demo { db, cases } => {
            let app = open(&db).await?;
            if app.store.count("units").await? > 0 {
                bail!("数据库不为空，演示数据只能写入空库");
            }
            let r = xinfang_app::demo::generate(&app, cases).await?;
            println!(
                "演示数据：{} 个单位，{} 名用户，{} 件信访事项，{} 件次",
                r.units, r.users, r.cases, r.submissions
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Token { db, user } => {
            let app = open(&db).await?;
            let u = app
                .store
                .user_by_name(&user)
                .await?
                .with_context(|| format!("用户不存在：{user}"))?;
            let (token, _) = app.issue_token(&u, TokenKind::Api).await?;
            app.store
                .audit(
                    "audit",
                    "token_issued",
                    "cli",
                    &serde_json::json!({ "user": user }),
                )
                .await?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Deadline {
            from,
            days,
            working_days,
            no_rollover,
        } => {
            let Ok(start) = from.parse::<NaiveDate>() else {
                eprintln!("日期格式错误：{from}（应为 YYYY-MM-DD）");
                return Ok(ExitCode::from(2));
            };
            match xinfang_domain::clock::explain_simple(
                Calendar::shipped(),
                start,
                days,
                working_days,
                !no_rollover,
            ) {
                Ok(d) => {
                    for line in &d.explanation.lines {
                        println!("{line}");
                    }
                    println!("{}", d.due);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Cmd::Documents {
            cmd: DocumentsCmd::Verify { file, root_key },
        } => crate::seal_cmd::verify_file(&file, root_key.as_deref()),
        Cmd::Audit {
            cmd:
                AuditCmd::Verify {
                    db,
                    anchors,
                    public_key,
                },
        } => {
            let url = resolve_url(&db)?;
            // The keys (chain key, and the data keys for entries sealed
            // after they were chained); none are created here.
            let key_file = crate::keys_cmd::existing_keys(&url)?;
            let store = Store::connect(&url).await?;
            match store.verify_chain().await? {
                Ok(n) => println!("审计链完整：已校验 {n} 条事件"),
                Err(b) => {
                    println!("审计链断裂：第 {} 条事件：{}", b.seq, b.reason);
                    return Ok(ExitCode::from(3));
                }
            }
            if let Some(file) = anchors {
                let pk = match (public_key, &key_file) {
                    (Some(pk), _) => pk,
                    (None, Some(kf)) => kf.sm2.public.clone(),
                    (None, None) => bail!("校验锚点需要 SM2 公钥：--public-key 或密钥文件"),
                };
                match store.verify_anchors(&file, &pk).await? {
                    Ok(n) => println!("锚点相符：{n} 个锚点（{}）", file.display()),
                    Err(b) => {
                        println!("锚点不符：第 {} 条事件：{}", b.seq, b.reason);
                        return Ok(ExitCode::from(3));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit {
            cmd: AuditCmd::Anchor { db },
        } => {
            let url = resolve_url(&db)?;
            let store = crate::keys_cmd::connect(&url).await?;
            let path = crate::keys_cmd::anchors_path(&url);
            let a = store.anchor(&path).await?;
            println!(
                "已锚定：第 {} 条，哈希 {}，{}（{}）",
                a.seq,
                a.hash,
                a.at,
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Keys { cmd } => {
            match cmd {
                KeysCmd::Rotate {
                    db, chain: true, ..
                } => crate::keys_cmd::rotate_chain(&resolve_url(&db)?).await?,
                KeysCmd::Rotate {
                    db, index: true, ..
                } => crate::keys_cmd::rotate_index(&resolve_url(&db)?).await?,
                KeysCmd::Rotate { db, .. } => crate::keys_cmd::rotate(&resolve_url(&db)?).await?,
                KeysCmd::Retire { db, key_id } => {
                    crate::keys_cmd::retire(&resolve_url(&db)?, &key_id).await?
                }
                KeysCmd::Show { db } => crate::keys_cmd::show(&resolve_url(&db)?)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Stats {
            cmd: crate::stats_cmd::StatsCmd::Rebuild { db },
        } => {
            crate::stats_cmd::rebuild(&open(&db).await?).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Reindex { db } => {
            let app = open(&db).await?;
            crate::search_cmd::reindex(&app).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            cmd:
                BenchCmd::Search {
                    cases,
                    queries,
                    json,
                },
        } => {
            crate::search_cmd::bench(cases, queries, json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            cmd:
                BenchCmd::Intake {
                    cases,
                    clients,
                    rate,
                    json,
                    database_url,
                },
        } => {
            let url = database_url.unwrap_or_else(|| xinfang_bench::setup::fresh_url("intake"));
            let load = match rate {
                Some(r) => xinfang_bench::intake::Load::Rate(r),
                None => xinfang_bench::intake::Load::Clients(clients),
            };
            let store = crate::keys_cmd::connect(&url).await?;
            let app = App::new(store, TimeSource::System).await?;
            if app.store.count("units").await? == 0 {
                xinfang_app::demo::generate(&app, 0).await?;
            }
            if !json {
                match load {
                    xinfang_bench::intake::Load::Rate(r) => {
                        eprintln!("基准测试：向 {url} 登记 {cases} 件，每秒到达 {r} 件")
                    }
                    xinfang_bench::intake::Load::Clients(c) => {
                        eprintln!("基准测试：向 {url} 登记 {cases} 件，{c} 个并发客户端")
                    }
                }
            }
            let r = xinfang_bench::intake::intake(&app, cases, load, |w| {
                if !json {
                    eprintln!("  已登记 {:>8}：{:>8.0} 件/秒  p50 {:>6} µs  p99 {:>6} µs  内存 {:.0} MB", w.cases, w.per_sec, w.p50_us, w.p99_us, w.rss_mb);
                } else {
                    println!("{}", serde_json::json!({ "window_end": w.cases, "per_sec": w.per_sec, "p50_us": w.p50_us, "p99_us": w.p99_us, "rss_mb": w.rss_mb }));
                }
            })
            .await?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            cmd:
                BenchCmd::Stats {
                    cases,
                    runs,
                    database_url,
                },
        } => {
            let app = xinfang_bench::setup::filled_app(database_url, "stats", cases).await?;
            let load = xinfang_bench::setup::fill(&app, cases).await?;
            let r = xinfang_bench::stats::stats(&app, load, runs).await?;
            for s in &r.scopes {
                eprintln!(
                    "  {:<9} 总览 {:>8.1} ms  排名 {:>8.1} ms  件次 {}",
                    s.scope, s.overview_ms, s.rankings_ms, s.submissions
                );
            }
            println!("{}", serde_json::to_string(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            cmd:
                BenchCmd::Http {
                    cases,
                    connections,
                    rate,
                    duration,
                    read_ratio,
                    staff,
                    settle,
                    database_url,
                },
        } => {
            if !(0.0..=1.0).contains(&read_ratio) {
                anyhow::bail!("--read-ratio 应在 0 到 1 之间");
            }
            let r = xinfang_bench::http::run(xinfang_bench::http::Options {
                cases,
                connections,
                rate,
                duration,
                read_ratio,
                index_dir: database_url.as_deref().map(crate::search_cmd::index_dir),
                database_url,
                staff,
                settle,
            })
            .await?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            cmd:
                BenchCmd::Scanner {
                    cases,
                    database_url,
                },
        } => {
            let app = xinfang_bench::setup::filled_app(database_url, "scanner", cases).await?;
            xinfang_bench::setup::fill(&app, cases).await?;
            let r = xinfang_bench::stats::scanner(&app).await?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench {
            cmd:
                BenchCmd::Ocr {
                    per_condition,
                    write_sample,
                    font,
                    hand,
                },
        } => crate::bench_ocr_cmd::run(per_condition, write_sample, font, hand),
        Cmd::Bench {
            cmd:
                BenchCmd::Classify {
                    folds,
                    seed,
                    corpus,
                },
        } => {
            let text = match &corpus {
                Some(p) => std::fs::read_to_string(p)
                    .with_context(|| format!("读取语料 {} 失败", p.display()))?,
                None => xinfang_bench::classify::CORPUS.to_string(),
            };
            let corpus =
                xinfang_bench::classify::parse_corpus(&text).map_err(anyhow::Error::msg)?;
            let url = xinfang_bench::setup::fresh_url("classify");
            let store = Store::connect(&url).await?;
            store.migrate().await?;
            let app = App::new(store, TimeSource::System).await?;
            eprintln!(
                "分类基准：{} 件已标注信访事项，{folds} 折交叉验证（{url}）",
                corpus.len()
            );
            let r = xinfang_bench::classify::classify(&app, &corpus, folds, seed).await;
            println!("{}", serde_json::to_string(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Backup { db, to } => {
            let url = resolve_url(&db)?;
            crate::keys_cmd::existing_keys(&url)?;
            let store = Store::connect(&url).await?;
            store.backup(&to).await?;
            println!("已备份到 {}", to.display());
            // The backup holds ciphertexts only: name the keys it needs.
            println!(
                "恢复此备份需要密钥文件中的 {}",
                crate::keys_cmd::needed_keys(&store).await?
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Restore { db, from, force } => {
            let url = resolve_url(&db)?;
            Store::restore(&url, &from, force).await?;
            crate::keys_cmd::existing_keys(&url)?;
            let store = Store::connect(&url).await?;
            store.migrate().await?;
            let head = store.chain_head().await?;
            // Every chain key the backup's chain used (after key changes, several).
            let used = match head.chain_key {
                Some(_) => store.chain_keys_used().await?,
                None => vec![],
            };
            for kid in &used {
                let ok = xinfang_store::installed_keys()
                    .is_some_and(|r| r.chain_key_by_id(kid).is_some());
                if !ok {
                    bail!("此备份以链密钥 {kid} 认证审计链、以 SM4 加密个人信息：请把原密钥文件放到数据目录（或设置 XINFANG_KEY_FILE）后再恢复");
                }
            }
            let store = crate::keys_cmd::connect(&url).await?;
            println!("此备份使用 {}", crate::keys_cmd::needed_keys(&store).await?);
            println!(
                "已从 {} 恢复：{} 件信访事项，{} 条事件",
                from.display(),
                store.count("cases").await?,
                store.count("events").await?
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Clocks {
            cmd: ClocksCmd::Explain { db, case_no },
        } => {
            let app = open(&db).await?;
            let (_, case) = app
                .store
                .load_case(&case_no)
                .await?
                .with_context(|| format!("信访事项不存在：{case_no}"))?;
            let clocks = xinfang_domain::case::case_clocks(
                &case,
                &app.org(),
                &app.calendar(),
                &app.rules(),
            )?;
            let today = app.now().date();
            for c in &clocks {
                let state = match c.met_on {
                    Some(d) => format!("已于 {d} 完成"),
                    None => c.grade(today).label_zh().to_string(),
                };
                println!(
                    "【{}·{}】{}（{}）到期 {} —— {}",
                    c.stage.label_zh(),
                    c.kind.name_zh(),
                    app.unit_name(c.unit),
                    app.rules().get(c.kind).article,
                    c.due.due,
                    state
                );
                for line in &c.due.explanation.lines {
                    println!("    {line}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Clocks {
            cmd: ClocksCmd::Scan { db },
        } => {
            let app = open(&db).await?;
            let r = app.scan_clocks().await?;
            println!(
                "检查临近到期或已超期的未办结事项 {} 件；新增临期提醒 {} 条，超期提醒 {} 条",
                r.open_cases, r.raised_approaching, r.raised_overdue
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Calendar {
            cmd: CalendarCmd::Import { db, file },
        } => {
            let app = open(&db).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}", file.display()))?;
            let r = app.import_calendar("cli", &text).await?;
            println!(
                "已载入年份 {:?}；重新计算 {} 件未办结事项的期限",
                r.years, r.open_cases
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Import {
            cmd: ImportCmd::Cases { db, file, dry_run },
        } => {
            let app = open(&db).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let batch = format!("cli:{}", file.display());
            let r = match app.import_cases(&bytes, dry_run, "cli", &batch).await {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("未导入：{e}");
                    if let xinfang_app::AppError::Invalid(list) = &e {
                        for x in list {
                            eprintln!("  {}", x.message);
                        }
                    }
                    return Ok(ExitCode::FAILURE);
                }
            };
            for x in &r.rejected {
                println!("第 {} 行：{}", x.row, x.reasons.join("；"));
            }
            let verdict = match (r.dry_run, r.rejected.is_empty()) {
                (true, true) => "校验通过，可以导入".to_string(),
                (true, false) => "校验未通过".to_string(),
                (false, true) => format!("已导入 {} 件", r.case_nos.len()),
                (false, false) => "有不合格行，未写入任何事项".to_string(),
            };
            println!(
                "共 {} 行，合格 {} 行，不合格 {} 行；{verdict}",
                r.rows,
                r.accepted,
                r.rejected.len()
            );
            Ok(if r.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
