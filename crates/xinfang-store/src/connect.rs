//! Connecting: the backend is chosen once from the URL scheme (as atuin does),
//! SQLite gets WAL + synchronous=FULL so an acknowledged commit survives a
//! crash, and migrations for the dialect run at startup.

use crate::error::StoreError;
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::sync::Arc;
use tokio::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The cases table as a statistics count joins it (alias `c`). SQLite
    /// would look each case up by rowid (the wide row), so it is told to read
    /// the covering index `cases_kind_accused`, which holds every column the
    /// statistics read; PostgreSQL's planner needs no hint.
    pub(crate) fn stats_cases_join(self) -> &'static str {
        match self {
            Dialect::Sqlite => "cases c INDEXED BY cases_kind_accused",
            Dialect::Postgres => "cases c",
        }
    }
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Dialect,
    /// SQLite has one writer; taking this lock first avoids BUSY upgrades.
    pub(crate) write_lock: Arc<Mutex<()>>,
    /// The intake group committer (see `group.rs`), started on first use.
    pub(crate) committer: crate::intake::group::Committer,
    url: String,
    /// With a multi-host PostgreSQL URL: which host is the primary now.
    pub(crate) follower: Option<Arc<crate::failover::Follower>>,
    /// Standbys for heavy reads (`replicas.rs`); none by default.
    pub(crate) replicas: Arc<crate::replicas::Replicas>,
    /// Hot-path reads of a SQLite file without sqlx's worker threads.
    pub(crate) readers: Option<Arc<crate::sqlite::read::Readers>>,
    /// The statistics rollup's visibility groups already made, by key
    /// (`stats/rollup.rs`): folds resolve them without a statement.
    pub(crate) stat_groups: Arc<crate::stats::rollup::GroupCache>,
    /// Folds of the statistics rollup take turns within a process.
    pub(crate) fold_lock: Arc<tokio::sync::Mutex<()>>,
    /// When `serve`'s background folder last finished a round
    /// (`stats/freshness.rs`).
    pub(crate) folder_beat: Arc<crate::stats::freshness::FolderBeat>,
    /// Statistics answers remembered with the fold cursor they were read
    /// at (`stats/memo.rs`).
    pub(crate) stats_memo: Arc<crate::stats::memo::StatsMemo>,
    /// While any clone lives, a SQLite file's WAL is checkpointed beside
    /// the writers (`checkpoint.rs`), not inside their commits.
    _alive: Arc<()>,
}

/// Size of the SQLite pool (one writer at a time, readers in parallel under WAL).
const SQLITE_CONNECTIONS: u32 = 8;

// Each dialect's migrations, in version order: `SQLITE_MIGRATIONS` and
// `PG_MIGRATIONS`, `&[(version, sql)]`, listed by build.rs from the files in
// migrations/<dialect>/ (both dialects kept in step by a test).
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// A pooled connection idle for less than this is handed out without a
/// ping: it answered a moment ago (HikariCP's `aliveBypassWindowMs` is the
/// same rule). Should the server have gone meanwhile, the statement fails
/// once, the connection is dropped, and the next acquire opens another.
const TRUSTED_WHILE_IN_USE: std::time::Duration = std::time::Duration::from_millis(500);

impl Store {
    /// Connect to `sqlite://PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        let mut full = url.to_string();
        if dialect == Dialect::Sqlite && !full.contains("mode=") {
            full.push_str(if full.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        let readonly = full.contains("mode=ro");
        // FULL: every acknowledged commit survives power loss. NORMAL (WAL) survives
        // a process crash but may lose the last commits on power loss; opt-in only.
        let sync = crate::sqlite::write::sync_pragma();
        let follower = match crate::failover::split_hosts(url) {
            Some(hosts) if dialect == Dialect::Postgres => Some(
                crate::failover::Follower::new(hosts, std::time::Duration::from_secs(30)).await?,
            ),
            _ => None,
        };
        // The pool's hooks hold the follower weakly (it holds the pool).
        let follow = follower.as_ref().map(Arc::downgrade);
        let mut opts = AnyPoolOptions::new()
            .max_connections(if dialect == Dialect::Sqlite {
                SQLITE_CONNECTIONS
            } else {
                16
            })
            .idle_timeout(None)
            .max_lifetime(None)
            .after_connect(move |conn, _| {
                let follow = follow.clone();
                Box::pin(async move {
                    if let Some(f) = follow.as_ref().and_then(std::sync::Weak::upgrade) {
                        // Never a connection to a standby: refuse it, have the
                        // watcher look for the primary, and the pool retries.
                        let row =
                            sqlx::query("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END")
                                .fetch_one(&mut *conn)
                                .await?;
                        if row.try_get::<i32, _>(0)? == 1 {
                            f.suspect();
                            return Err(sqlx::Error::Protocol("connected to a standby".into()));
                        }
                    }
                    if dialect == Dialect::Sqlite && !readonly {
                        conn.execute("PRAGMA journal_mode=WAL").await?;
                        conn.execute(sync).await?;
                        conn.execute("PRAGMA busy_timeout=10000").await?;
                        conn.execute("PRAGMA foreign_keys=ON").await?;
                        // Statistics scan large index ranges: a 64 MiB page
                        // cache and memory-mapped reads keep them off syscalls.
                        conn.execute("PRAGMA cache_size=-65536").await?;
                        conn.execute("PRAGMA mmap_size=1073741824").await?;
                        // Statement journals of the group commit's savepoints
                        // stay in memory (no temp files).
                        conn.execute("PRAGMA temp_store=MEMORY").await?;
                        // The checkpointer thread copies the WAL into the
                        // database; a commit only checkpoints as a backstop.
                        conn.execute(crate::sqlite::write::AUTOCHECKPOINT_PRAGMA)
                            .await?;
                    }
                    Ok(())
                })
            });
        // Connections opened before a switch of primary are closed when next
        // taken. A connection idle for a while is pinged first (a dead one is
        // dropped and another taken); one used within the last moment is
        // handed out as it is. sqlx pinged on every acquire: a round trip (a
        // thread hand-off on SQLite) before every statement of every request
        // and every group-commit batch — 12 % of intake's CPU on PostgreSQL.
        let stale = follower.as_ref().map(Arc::downgrade);
        opts = opts
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                let moved = stale
                    .as_ref()
                    .and_then(std::sync::Weak::upgrade)
                    .is_some_and(|f| f.is_stale(meta.age));
                Box::pin(async move {
                    if moved {
                        return Ok(false);
                    }
                    if meta.idle_for < TRUSTED_WHILE_IN_USE {
                        return Ok(true);
                    }
                    // An error closes the connection without a goodbye.
                    sqlx::Connection::ping(conn).await.map(|()| true)
                })
            });
        let pool = match &follower {
            Some(f) => {
                // A failover's wait is bounded (then 503).
                opts = opts.acquire_timeout(std::time::Duration::from_secs(10));
                let pool = opts.connect_with(f.options()?).await?;
                f.watch(pool.clone());
                pool
            }
            None => opts.connect(&full).await?,
        };
        if dialect == Dialect::Sqlite {
            // Open the pool's connections one after another now: SQLite
            // connections opened concurrently under write load can fail with
            // SQLITE_CANTOPEN. Kept open (no idle timeout), they are reused.
            let mut held = vec![];
            for _ in 0..SQLITE_CONNECTIONS {
                held.push(pool.acquire().await?);
            }
        }
        let alive = Arc::new(());
        let write_lock = Arc::new(Mutex::new(()));
        if dialect == Dialect::Sqlite && !readonly {
            crate::sqlite::checkpoint::spawn(url, Arc::downgrade(&alive), write_lock.clone());
        }
        Ok(Store {
            pool,
            dialect,
            write_lock,
            committer: Default::default(),
            url: url.to_string(),
            follower,
            replicas: Default::default(),
            readers: match dialect {
                Dialect::Sqlite => crate::sqlite::read::Readers::for_url(url).map(Arc::new),
                Dialect::Postgres => None,
            },
            stat_groups: Default::default(),
            fold_lock: Default::default(),
            folder_beat: Default::default(),
            stats_memo: Default::default(),
            _alive: alive,
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
    pub fn url(&self) -> &str {
        &self.url
    }
    /// With a multi-host URL: the host followed now (password left out).
    pub fn primary(&self) -> Option<String> {
        self.follower.as_ref().map(|f| f.current())
    }
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Apply the dialect's migrations not yet applied. Returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let _w = self.write_lock.lock().await;
        sqlx::raw_sql("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
            .execute(&self.pool)
            .await?;
        let done: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("version"))
            .collect::<Result<_, _>>()?;
        let list = match self.dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::Postgres => PG_MIGRATIONS,
        };
        let mut ran = 0;
        for (version, sql) in list {
            if done.contains(version) {
                continue;
            }
            let mut tx = self.pool.begin().await?;
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*version)
                .bind(crate::now_text())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            ran += 1;
        }
        self.backfill_area_paths().await?;
        drop(_w);
        self.drop_index_samples().await?;
        Ok(ran)
    }

    /// Begin a write transaction (serialised on SQLite).
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<
        (
            sqlx::Transaction<'static, sqlx::Any>,
            Option<tokio::sync::OwnedMutexGuard<()>>,
        ),
        StoreError,
    > {
        let guard = match self.dialect {
            Dialect::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Dialect::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok((tx, guard))
    }

    /// Run one statement outside the application's rules. Only for tests that
    /// simulate tampering and for operators' maintenance scripts.
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query(sql).execute(&self.pool).await?.rows_affected())
    }

    /// The highest value of a serial column (0 when the table is empty):
    /// where a cursor over that table starts. Only the serial columns that
    /// cursors follow are accepted, so no caller's text reaches the SQL.
    pub(crate) async fn highest(&self, table: &str, column: &str) -> Result<i64, StoreError> {
        let followed = [("events", "seq"), ("outbox", "id"), ("documents", "id")];
        if !followed.contains(&(table, column)) {
            return Err(StoreError::Corrupt(format!(
                "unknown cursor {table}.{column}"
            )));
        }
        let top: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX({column}) FROM {table}"))
            .fetch_one(&self.pool)
            .await?;
        Ok(top.unwrap_or(0))
    }

    /// Row count of a table, for tests and reports.
    pub async fn count(&self, table: &str) -> Result<i64, StoreError> {
        let allowed = [
            "cases",
            "events",
            "submissions",
            "units",
            "users",
            "outbox",
            "clock_alerts",
        ];
        if !allowed.contains(&table) {
            return Err(StoreError::Corrupt(format!("unknown table {table}")));
        }
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both dialects must define the same schema versions, in increasing order.
    /// Numbers are assigned per feature branch, so a branch may have gaps;
    /// `migrate` applies every version not yet recorded, gaps or not.
    #[test]
    fn dialects_have_the_same_migrations() {
        let v = |l: &[(i64, &str)]| l.iter().map(|(v, _)| *v).collect::<Vec<_>>();
        assert_eq!(v(SQLITE_MIGRATIONS), v(PG_MIGRATIONS));
        // Numbers are assigned per feature branch, so a gap may exist until
        // every branch is merged; they must only increase.
        assert!(v(SQLITE_MIGRATIONS).windows(2).all(|w| w[0] < w[1]));
        assert_eq!(v(SQLITE_MIGRATIONS)[0], 1);
    }

    /// The list as it was kept by hand in this file up to 0041: what stores
    /// migrated by that code have recorded in `schema_migrations`.
    const HAND_KEPT: &[(i64, &str)] = &[
        (1, "0001_init.sql"),
        (2, "0002_case_facts.sql"),
        (3, "0003_intelligence.sql"),
        (4, "0004_supervision.sql"),
        (5, "0005_leadership.sql"),
        (6, "0006_action_unit.sql"),
        (7, "0007_campaigns.sql"),
        (8, "0008_accountability.sql"),
        (9, "0009_documents.sql"),
        (10, "0010_admin.sql"),
        (11, "0011_reception_import.sql"),
        (14, "0014_stats_indexes.sql"),
        (15, "0015_stats_rollup.sql"),
        (16, "0016_multi_body.sql"),
        (17, "0017_campaign_start.sql"),
        (18, "0018_drop_redundant_indexes.sql"),
        (19, "0019_document_drafts.sql"),
        (20, "0020_user_post.sql"),
        (21, "0021_messages.sql"),
        (22, "0022_events.sql"),
        (23, "0023_next_check.sql"),
        (24, "0024_petitioner_accounts.sql"),
        (25, "0025_crypto.sql"),
        (26, "0026_appointment_phone_key.sql"),
        (30, "0030_second_factor.sql"),
        (35, "0035_idempotency_keys.sql"),
        (40, "0040_reception_online.sql"),
        (41, "0041_document_signatures.sql"),
    ];

    fn file(dialect: &str, name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dialect)
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every hand-listed migration is in the generated list under the same
    /// version with the same text, and every file is in it.
    #[test]
    fn generated_list_keeps_the_hand_kept_versions() {
        for (dialect, list) in [("sqlite", SQLITE_MIGRATIONS), ("postgres", PG_MIGRATIONS)] {
            for (version, name) in HAND_KEPT {
                let sql = list.iter().find(|(v, _)| v == version).map(|(_, s)| *s);
                assert_eq!(sql, Some(file(dialect, name).as_str()), "{dialect} {name}");
            }
            let files = std::fs::read_dir(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(dialect),
            )
            .unwrap()
            .count();
            assert_eq!(list.len(), files, "{dialect}: every file is listed");
        }
    }

    /// A store migrated by the hand-kept list (the code up to 0041) opens
    /// with the generated one and runs only the migrations newer than it.
    async fn old_store_runs_only_newer(url: &str, dialect: &str) {
        let store = Store::connect(url).await.unwrap();
        // What `migrate` did with the hand-kept list.
        sqlx::raw_sql("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
            .execute(&store.pool)
            .await
            .unwrap();
        for (version, name) in HAND_KEPT {
            let mut tx = store.pool.begin().await.unwrap();
            sqlx::raw_sql(&file(dialect, name))
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*version)
                .bind(crate::now_text())
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let list = match store.dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::Postgres => PG_MIGRATIONS,
        };
        let newer = list.iter().filter(|(v, _)| *v > 41).count();
        assert_eq!(store.migrate().await.unwrap(), newer);
        let mut recorded: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<i64, _>("version").unwrap())
            .collect();
        recorded.sort();
        assert_eq!(recorded, list.iter().map(|(v, _)| *v).collect::<Vec<_>>());
        assert_eq!(store.migrate().await.unwrap(), 0);
        store.pool.close().await;
    }

    fn tag() -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{}_{nanos:x}", std::process::id())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn old_sqlite_store_runs_only_newer_migrations() {
        let dir = std::env::temp_dir().join(format!("xinfang-migrate-{}", tag()));
        std::fs::create_dir_all(&dir).unwrap();
        old_store_runs_only_newer(&format!("sqlite://{}/t.db", dir.display()), "sqlite").await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn old_postgres_store_runs_only_newer_migrations() {
        let Some(admin) = std::env::var("XINFANG_TEST_PG_URL")
            .ok()
            .filter(|s| !s.is_empty())
        else {
            eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
            return;
        };
        let name = format!("xinfang_migrate_{}", tag());
        let store = Store::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&store.pool)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        old_store_runs_only_newer(&format!("{base}/{name}"), "postgres").await;
        sqlx::query(&format!("DROP DATABASE {name}"))
            .execute(&store.pool)
            .await
            .unwrap();
    }
}
