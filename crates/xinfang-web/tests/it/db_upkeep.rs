//! Table upkeep when PostgreSQL's autovacuum is off (`upkeep.rs`, issue
//! #17): a table that received many rows is vacuumed and analysed by the
//! next round — its planner statistics exist at once — and is left alone by
//! later rounds until it changes again; with autovacuum on, and on SQLite,
//! a round does nothing.

use crate::common;
use common::*;
use std::time::Duration;
use xinfang_store::Store;

/// Rounds until `done(round)` holds, for up to ten seconds: the server's
/// activity counters (what a round reads) are published a moment after
/// the statements that change them.
async fn round_until(store: &Store, done: impl Fn(&xinfang_store::Upkeep) -> bool) -> bool {
    for _ in 0..50 {
        if done(&store.upkeep_round().await.unwrap()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

dual_test!(
    a_table_that_grew_is_vacuumed_and_analysed_once,
    |app: TestApp| async move {
        let store = &app.app.store;
        let probe = "upkeep_probe".to_string();
        if store.dialect() != xinfang_store::Dialect::Postgres {
            assert!(!store.autovacuum_off().await.unwrap());
            assert_eq!(store.upkeep_round().await.unwrap(), Default::default());
            return;
        }
        let run = |sql: String| async move {
            sqlx::query(&sql).execute(store.pool()).await.unwrap();
        };
        run(format!(
            "CREATE TABLE {probe} (id BIGINT PRIMARY KEY, area TEXT)"
        ))
        .await;
        run(format!(
            "INSERT INTO {probe} SELECT g, '/1/' || (g % 7) || '/' FROM generate_series(1, 5000) g"
        ))
        .await;
        let analysed = || async {
            sqlx::query_scalar::<_, i64>(&format!(
                "SELECT COUNT(*) FROM pg_stats WHERE tablename = '{probe}'"
            ))
            .fetch_one(store.pool())
            .await
            .unwrap()
        };
        assert_eq!(analysed().await, 0, "no statistics before the round");
        if !store.autovacuum_off().await.unwrap() {
            // autovacuum does this itself: a round must not.
            assert_eq!(store.upkeep_round().await.unwrap(), Default::default());
            return;
        }
        assert!(
            round_until(store, |u| u.vacuumed.contains(&probe)).await,
            "5,000 new rows: the table is vacuumed"
        );
        assert!(analysed().await > 0, "and analysed with it");
        assert!(
            round_until(store, |u| !u.vacuumed.contains(&probe)
                && !u.analysed.contains(&probe))
            .await,
            "then left alone while it does not change"
        );
        // Changes past the share are analysed again.
        run(format!("UPDATE {probe} SET area = '/2/' WHERE id <= 400")).await;
        assert!(
            round_until(store, |u| u.analysed.contains(&probe)
                || u.vacuumed.contains(&probe))
            .await,
            "400 of 5,000 rows changed: analysed again"
        );
    }
);
