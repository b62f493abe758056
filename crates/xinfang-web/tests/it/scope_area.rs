//! The SQL scope (`xinfang_store::CaseScope`) against the domain's one rule
//! (`Viewer::can_see`, 第三十条 included), for every demo user over every
//! demo case: the area column (`cases.area_path`) that now answers the
//! scope's first rule must select exactly the cases the domain lets each
//! viewer see — also for cases spanning several areas (the probe branch) and
//! for rows from before the column (not yet filled). The list's count must
//! agree as well.

use crate::common;
use common::*;
use sqlx::Row;
use std::collections::BTreeSet;
use xinfang_store::{CaseFilter, Store};

/// (viewer, case numbers the list selects) == (viewer, cases the domain shows).
async fn assert_scope_is_the_rule(app: &TestApp, label: &str) -> usize {
    let store = &app.app.store;
    let mut cases = vec![];
    for r in sqlx::query("SELECT case_no FROM cases ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap()
    {
        let no: String = r.get(0);
        cases.push(store.load_case(&no).await.unwrap().unwrap().1);
    }
    let mut above = 0;
    for u in store.list_users().await.unwrap() {
        let staff = xinfang_app::auth::staff_of(&u);
        let scope = app.app.scope_of(&staff);
        let listed: BTreeSet<String> = store
            .list_cases(&CaseFilter {
                scope: Some(scope.clone()),
                limit: 1_000_000,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.case_no)
            .collect();
        let seen: BTreeSet<String> = cases
            .iter()
            .filter(|c| app.app.can_see_case(&staff, c))
            .map(|c| c.case_no.clone())
            .collect();
        assert_eq!(listed, seen, "{label}: {} ({:?})", u.username, scope);
        // The count (a query of its own) comes to the same set's size.
        let counted = store
            .count_cases(&CaseFilter {
                scope: Some(scope.clone()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            counted as usize,
            seen.len(),
            "{label}: count of {}",
            u.username
        );
        // The list page's remembered count (issue #17) is every viewer's
        // own: no viewer is answered with another scope's count (第三十条).
        let remembered = app
            .app
            .count_for(&staff, CaseFilter::default())
            .await
            .unwrap();
        assert_eq!(
            remembered as usize,
            seen.len(),
            "{label}: remembered count of {}",
            u.username
        );
        // Visible cases whose area lies strictly above the viewer's: the
        // probe branch of the rule was needed for them.
        let reach = scope.reach_prefix.clone();
        for no in &listed {
            let r = sqlx::query("SELECT area_path FROM cases WHERE case_no = $1")
                .bind(no.clone())
                .fetch_one(store.pool())
                .await
                .unwrap();
            let area: Option<String> = r.get(0);
            if area.is_some_and(|a| reach.starts_with(&a) && a != reach) {
                above += 1;
            }
        }
    }
    above
}

async fn run(backend: Backend) {
    let Some(app) = TestApp::with_demo_cases(backend, 150).await else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let store = app.app.store.clone();
    let above = assert_scope_is_the_rule(&app, "demo").await;
    assert!(
        above > 0,
        "the demo has cases spanning areas, seen from below"
    );

    // Rows from before migration 0046: the rule still holds while the
    // column is empty, and `migrate` fills it with what a projection writes.
    let filled: Vec<(i64, Option<String>)> =
        sqlx::query("SELECT id, area_path FROM cases ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert!(
        filled.iter().all(|(_, a)| a.is_some()),
        "every write fills the area"
    );
    sqlx::query("UPDATE cases SET area_path = NULL WHERE id % 2 = 0")
        .execute(store.pool())
        .await
        .unwrap();
    assert_scope_is_the_rule(&app, "half not filled").await;
    let reopened = Store::connect(store.url()).await.unwrap();
    reopened.migrate().await.unwrap();
    let again: Vec<(i64, Option<String>)> =
        sqlx::query("SELECT id, area_path FROM cases ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert_eq!(
        again, filled,
        "the back-fill writes what the projection wrote"
    );
    assert_scope_is_the_rule(&app, "back-filled").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_scope_is_the_domain_rule_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_scope_is_the_domain_rule_postgres() {
    run(Backend::Postgres).await;
}
