//! The statistics rollup answers exactly what the direct queries answer, for
//! every unit's scope (subtrees, 第三十条 hidden accusations, cases with
//! several units counted once) and several date ranges — on the demo data,
//! after new registrations, actions, an evaluation and an import; it is
//! folded at read time (a new case is counted at once), its cursor survives a
//! restart, and a full rebuild equals the incrementally folded table. Runs on
//! SQLite and PostgreSQL.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, NaiveDate};
use common::*;
use serde_json::{json, Value};
use sqlx::Row;
use tower::ServiceExt;
use xinfang_app::App;
use xinfang_domain::UnitId;
use xinfang_store::{CaseFilter, OverviewCounts, StatsScope, Store};

fn ranges(today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    vec![
        (today - Duration::days(365), today),
        (d("2025-06-01"), d("2025-06-30")),
        (d("2025-11-15"), today + Duration::days(60)),
        (d("2024-01-01"), d("2027-12-31")),
        (today, today),
    ]
}

fn sorted(mut c: OverviewCounts) -> OverviewCounts {
    c.levels.sort();
    c
}

/// Compare rollup and direct answers for every unit as viewer (and the
/// province administrator looking at every unit), over several ranges.
async fn assert_equivalent(app: &App, store: &Store, label: &str) {
    store.fold_stats().await.unwrap();
    let org = app.org();
    let today = app.now().date();
    let province = org.units().find(|u| u.parent.is_none()).unwrap().id;
    // A sample of every level, plus each accused body and its ancestors
    // (the viewers 第三十条 hides accusations from).
    let all: Vec<UnitId> = org.units().map(|u| u.id).collect();
    let mut units: Vec<UnitId> = all.iter().copied().step_by(all.len() / 25 + 1).collect();
    let accused = sqlx::query("SELECT DISTINCT accused_unit FROM cases WHERE kind = 'accusation' AND accused_unit IS NOT NULL")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for r in &accused {
        units.extend(org.ancestors_inclusive(UnitId(r.get(0))));
    }
    for name in [
        "杭州市人民政府",
        "杭州市上城区信访局",
        "杭州市上城区人民政府",
    ] {
        units.extend(org.units().filter(|u| u.name == name).map(|u| u.id));
    }
    units.sort();
    units.dedup();
    assert!(!accused.is_empty(), "{label}: the demo has accusations");
    let hidden_of = |viewer: UnitId| -> Vec<i64> {
        org.ancestors_inclusive(viewer)
            .iter()
            .map(|u| u.0)
            .collect()
    };
    let mut checked = 0;
    for u in units {
        for (viewer, root) in [(u, u), (province, u)] {
            let scope = StatsScope {
                path_prefix: Some(app.unit_path(root)),
                hidden_accused: hidden_of(viewer),
            };
            for (from, to) in ranges(today) {
                let due_to = to.min(today);
                let (f, t, dt) = (from.to_string(), to.to_string(), due_to.to_string());
                let direct = store.overview_counts(&f, &t, &dt, &scope).await.unwrap();
                let rolled = store
                    .overview_counts_rollup(&f, &t, &dt, &scope)
                    .await
                    .unwrap();
                assert_eq!(
                    sorted(rolled),
                    sorted(direct),
                    "{label}: overview for unit {} seen by {} in {f}..{t}",
                    root.0,
                    viewer.0
                );
                let rolled = store.breakdowns_rollup(&f, &t, &scope).await.unwrap();
                for dim in xinfang_store::BREAKDOWN_DIMENSIONS {
                    let mut direct = store.breakdown(dim, &f, &t, &scope).await.unwrap();
                    direct
                        .sort_by(|a, b| b.submissions.cmp(&a.submissions).then(a.key.cmp(&b.key)));
                    assert_eq!(
                        rolled.rows(dim),
                        direct,
                        "{label}: breakdown by {dim} for unit {} seen by {} in {f}..{t}",
                        root.0,
                        viewer.0
                    );
                }
                let monthly = store.monthly_by_channel(&f, &t, &scope).await.unwrap();
                let mut monthly: Vec<_> = monthly.into_iter().filter(|m| m.2 != 0).collect();
                monthly.sort();
                assert_eq!(
                    rolled.monthly, monthly,
                    "{label}: monthly trend for unit {} seen by {} in {f}..{t}",
                    root.0, viewer.0
                );
                if viewer == root {
                    let mut direct = store.unit_facts(&f, &dt, &scope).await.unwrap();
                    direct.sort();
                    let rolled = store.unit_facts_rollup(&f, &dt, &scope).await.unwrap();
                    assert_eq!(
                        rolled, direct,
                        "{label}: rankings for unit {} in {f}..{dt}",
                        root.0
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{label}: only {checked} comparisons");
}

/// Every non-zero rollup row, for comparing two builds.
async fn snapshot(store: &Store) -> Vec<(String, String, String, String, i64)> {
    let rows = sqlx::query(
        "SELECT r.metric, r.day, r.day2, g.units || '/' || CAST(g.accused AS TEXT) || '/' || CAST(g.holder AS TEXT), r.n \
         FROM stats_rollup r JOIN stats_groups g ON g.id = r.group_id WHERE r.n <> 0 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

fn accusation(app: &TestApp) -> Value {
    json!({
        "channel": "letter", "kind": "accusation",
        "petitioners": [{"name": "李敏", "address": "湖滨街道"}],
        "request": "举报湖滨街道某干部侵占集体资金",
        "facts": "2025年土地流转中虚报面积。",
        "region_code": "330102",
        "accused": {"person": "某干部", "unit_id": app.unit("杭州市上城区湖滨街道")}
    })
}

async fn overview(app: &TestApp, token: &str) -> Value {
    let (s, o) = app
        .get(
            "/api/v1/stats/overview?from=2026-01-01&to=2026-12-31",
            Some(token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o
}

/// A one-row workbook for `POST /api/v1/import/cases`.
fn workbook() -> Vec<u8> {
    let row = [
        "2026-02-20",
        "来信",
        "申诉求决类",
        "赵一",
        "",
        "13812345678",
        "湖滨街道",
        "330102",
        "杭州市上城区信访局",
        "",
        "要求支付拖欠工资",
        "工地拖欠三个月工资",
        "",
        "已办结",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, _)) in xinfang_app::import::row::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in row.iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

async fn import(app: &TestApp, token: &str) {
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/import/cases?dry_run=false")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(Body::from(workbook()))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

async fn run(backend: Backend) {
    let Some(app) = TestApp::with_demo_cases(backend, 120).await else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let store = app.app.store.clone();
    assert!(store.count("cases").await.unwrap() >= 100);
    assert_equivalent(&app.app, &store, "demo").await;

    // Read-your-writes: a registration is counted by the very next read.
    let bureau = app.token("shangcheng_xfj").await;
    let before = overview(&app, &bureau).await;
    let (s, v) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("甲", "33010219600101001", "要求交付东湖小区商品房"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a = v["case_no"].as_str().unwrap().to_string();
    let after = overview(&app, &bureau).await;
    assert_eq!(
        after["submissions"].as_i64().unwrap(),
        before["submissions"].as_i64().unwrap() + 1
    );
    assert_eq!(
        after["cases"].as_i64().unwrap(),
        before["cases"].as_i64().unwrap() + 1
    );

    // Actions through to an evaluation, an accusation, a repeat and an import.
    let zhujian = app.token("shangcheng_zhujian").await;
    app.set_time("2026-03-03 10:00");
    app.act_ok(&bureau, &a, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
    app.act_ok(&zhujian, &a, json!({"action": "sign"})).await;
    app.set_time("2026-03-04 10:00");
    app.act_ok(
        &zhujian,
        &a,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    app.set_time("2026-03-10 10:00");
    app.act_ok(
        &zhujian,
        &a,
        json!({"action": "reply", "outcome": "support", "basis": "合同约定", "text": "限期交房。"}),
    )
    .await;
    app.set_time("2026-03-11 10:00");
    app.act_ok(&zhujian, &a, json!({"action": "deliver"})).await;
    app.set_time("2026-03-12 10:00");
    app.act_ok(
        &zhujian,
        &a,
        json!({"action": "evaluate", "satisfaction": "satisfied", "reason": ""}),
    )
    .await;
    let (s, v) = app
        .post("/api/v1/cases", Some(&bureau), accusation(&app))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    app.set_time("2026-03-15 10:00");
    let mut again = online_petition("甲", "33010219600101001", "要求交付东湖小区商品房");
    again["channel"] = json!("letter");
    let (s, v) = app.post("/api/v1/cases", Some(&bureau), again).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    import(&app, &app.token("admin").await).await;
    assert_equivalent(&app.app, &store, "after events").await;

    // Restart: changes made while nobody folded are caught up from the
    // persisted cursor by a fresh process.
    let cursor = store.stats_cursor().await.unwrap();
    let (s, v) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("乙", "33010219600101002", "要求支付拖欠工资"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        store.stats_cursor().await.unwrap(),
        cursor,
        "not folded yet"
    );
    let url = store.url().to_string();
    let reopened = Store::connect(&url).await.unwrap();
    assert_eq!(reopened.stats_cursor().await.unwrap(), cursor);
    let r = reopened.fold_stats().await.unwrap();
    assert!(r.cases >= 1 && r.cursor > cursor, "{r:?}");
    assert_equivalent(&app.app, &reopened, "after restart").await;

    // A full rebuild gives the same table as the incremental folds.
    let incremental = snapshot(&store).await;
    let r = store.rebuild_stats().await.unwrap();
    assert_eq!(r.cases as i64, store.count("cases").await.unwrap());
    assert_eq!(snapshot(&store).await, incremental);
    assert_equivalent(&app.app, &store, "after rebuild").await;

    // A rollup built by an older contribution shape (a store upgraded past
    // migration 0042) is rebuilt by the next fold, whoever calls it.
    sqlx::query("UPDATE stats_cursor SET version = 1")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM stats_rollup WHERE metric LIKE 'b:%'")
        .execute(store.pool())
        .await
        .unwrap();
    let r = store.fold_stats().await.unwrap();
    assert_eq!(r.cases as i64, store.count("cases").await.unwrap());
    assert_eq!(snapshot(&store).await, incremental);
    assert_eq!(store.fold_stats().await.unwrap().cases, 0, "rebuilt once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollup_equals_direct_queries_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollup_equals_direct_queries_postgres() {
    run(Backend::Postgres).await;
}

dual_test!(
    planner_statistics_keep_no_index_samples,
    |app: TestApp| async move {
        // Issue #17: with `sqlite_stat4` samples every parameterised
        // statement re-prepared on each run. A rebuild's ANALYZE keeps the
        // per-index averages and drops the samples; a store opened with
        // samples left by an older version loses them too.
        let store = &app.app.store;
        if store.dialect() != xinfang_store::Dialect::Sqlite {
            return;
        }
        let tables = |s: &xinfang_store::Store| {
            let pool = s.pool().clone();
            async move {
                sqlx::query(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%' ORDER BY name",
                )
                .fetch_all(&pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect::<Vec<_>>()
            }
        };
        store.rebuild_stats().await.unwrap();
        let after = tables(store).await;
        assert!(after.contains(&"sqlite_stat1".to_string()), "{after:?}");
        assert!(!after.contains(&"sqlite_stat4".to_string()), "{after:?}");
        // As an older version left it (the bundled SQLite writes stat4).
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
        assert!(tables(store).await.contains(&"sqlite_stat4".to_string()));
        // Opening a store migrates it; the migration drops them.
        store.migrate().await.unwrap();
        assert!(!tables(store).await.contains(&"sqlite_stat4".to_string()));
        // And the store still folds and reads after it.
        store.fold_stats().await.unwrap();
        assert!(tables(store).await.contains(&"sqlite_stat1".to_string()));
    }
);

dual_test!(
    a_read_under_a_live_folder_folds_only_a_little,
    |app: TestApp| async move {
        // Issue #17 (`stats/freshness.rs`): a statistics read folds what
        // waits itself unless `serve`'s background folder is live and more
        // than a few changes wait; then the folder's next round folds it.
        let store = &app.app.store;
        let submit = |from: usize, n: usize| {
            let app = &app;
            async move {
                for i in from..from + n {
                    let body = online_petition(
                        "钱多多",
                        &format!("33010219800101{:03}", i % 1000),
                        &format!("请求修复第{i}号路灯"),
                    );
                    let (s, v) = app.post("/api/v1/petitions", None, body).await;
                    assert_eq!(s, StatusCode::CREATED, "{v}");
                }
            }
        };
        let folded = || async { store.stats_cursor().await.unwrap() };
        let newest = || async { store.max_outbox_id().await.unwrap() };
        // No background folder (a CLI, these tests): a read folds it all.
        submit(0, 60).await;
        store.fold_for_read().await.unwrap();
        assert_eq!(folded().await, newest().await);
        // The folder ran a round just now; then a burst of intake.
        store.fold_in_background().await.unwrap();
        submit(60, 20).await;
        let before = folded().await;
        store.fold_for_read().await.unwrap();
        assert_eq!(folded().await, before, "left to the folder");
        assert!(before < newest().await);
        store.fold_in_background().await.unwrap();
        assert_eq!(folded().await, newest().await, "the folder's round");
        // A little waiting: the read folds it (read-your-writes).
        submit(120, 1).await;
        assert!(folded().await < newest().await);
        store.fold_for_read().await.unwrap();
        assert_eq!(folded().await, newest().await);
    }
);

dual_test!(
    a_question_is_remembered_only_while_it_cannot_have_changed,
    |app: TestApp| async move {
        // Issue #17 (`stats/memo.rs`): a statistics answer is kept with the
        // fold cursor it was read at. A quiet server reads it again as soon
        // as a change is folded (read-your-writes); under busy intake, when
        // reads already lag the folder, a few seconds' old answer is served.
        let store = &app.app.store;
        let today = app.app.now().date();
        let (f, t) = ((today - Duration::days(30)).to_string(), today.to_string());
        let scope = StatsScope::default();
        let submit = |from: usize, n: usize| {
            let app = &app;
            async move {
                for i in from..from + n {
                    let body = online_petition(
                        "孙有福",
                        &format!("33010219700101{:03}", i % 1000),
                        &format!("请求清理第{i}号排水沟"),
                    );
                    let (s, v) = app.post("/api/v1/petitions", None, body).await;
                    assert_eq!(s, StatusCode::CREATED, "{v}");
                }
            }
        };
        let ask = || async {
            store
                .overview_counts_rollup(&f, &t, &t, &scope)
                .await
                .unwrap()
                .submissions
        };
        let direct = || async {
            store
                .overview_counts(&f, &t, &t, &scope)
                .await
                .unwrap()
                .submissions
        };
        // Quiet, no background folder: every folded change is seen at once.
        store.fold_for_read().await.unwrap();
        let first = ask().await;
        assert_eq!(first, direct().await);
        submit(0, 1).await;
        store.fold_for_read().await.unwrap();
        assert_eq!(
            ask().await,
            first + 1,
            "a registrar's own change is counted"
        );
        // A live folder and a burst of intake: reads lag it.
        store.fold_in_background().await.unwrap();
        submit(1, 30).await;
        store.fold_for_read().await.unwrap();
        let before = ask().await;
        assert_eq!(before, first + 1, "the rollup as the folder left it");
        // The folder moves on; the remembered answer stands.
        let cursor = store.stats_cursor().await.unwrap();
        store.fold_in_background().await.unwrap();
        assert!(store.stats_cursor().await.unwrap() > cursor);
        assert_eq!(ask().await, before, "remembered while intake is busy");
        // A read that finds nothing waiting folds it itself, but the
        // folder's last round took thirty cases: intake is busy still.
        store.fold_for_read().await.unwrap();
        assert_eq!(ask().await, before, "remembered while the folder is busy");
        // Older than a few seconds: still served at once, and read again
        // beside; the next read has the new answer.
        store.age_remembered_stats(std::time::Duration::from_secs(6));
        assert_eq!(ask().await, before, "served while read again");
        let mut refreshed = before;
        for _ in 0..200 {
            refreshed = ask().await;
            if refreshed != before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(refreshed > before, "the background read landed");
        assert_eq!(refreshed, first + 31);
        // Too old to serve even under busy intake: read now.
        submit(31, 2).await;
        store.fold_in_background().await.unwrap();
        store.age_remembered_stats(std::time::Duration::from_secs(31));
        assert_eq!(ask().await, first + 33, "read again, not served");
        // Intake stops: reads fold themselves again and answer exactly.
        submit(33, 1).await;
        store.fold_for_read().await.unwrap();
        assert_eq!(ask().await, first + 34);
        assert_eq!(ask().await, direct().await);
        // Eight leaders asking a question nobody has asked yet cause one
        // read of the rollup, not eight.
        submit(34, 1).await;
        store.fold_for_read().await.unwrap();
        let reads = store.stats_questions_read();
        let (a, b, c, d, e, f2, g, h) =
            tokio::join!(ask(), ask(), ask(), ask(), ask(), ask(), ask(), ask());
        let answers = [a, b, c, d, e, f2, g, h];
        assert!(answers.iter().all(|a| *a == first + 35), "{answers:?}");
        assert_eq!(store.stats_questions_read(), reads + 1);
        // Other scopes never share the answer: each unit's subtree, with and
        // without the accusations hidden from it, answers its own count.
        let org = app.app.org();
        for u in org.units().take(12) {
            for hidden in [vec![], vec![u.id.0]] {
                let scope = StatsScope {
                    path_prefix: Some(app.app.unit_path(u.id)),
                    hidden_accused: hidden,
                };
                let rolled = store.overview_counts_rollup(&f, &t, &t, &scope).await;
                let direct = store.overview_counts(&f, &t, &t, &scope).await;
                assert_eq!(
                    sorted(rolled.unwrap()),
                    sorted(direct.unwrap()),
                    "{}",
                    u.name
                );
            }
        }
    }
);

dual_test!(
    a_list_count_is_remembered_only_until_a_change_is_committed,
    |app: TestApp| async move {
        // Issue #17: the case list counts every matching case on each page
        // it shows. Paging through a list, or opening it again, asks the
        // same question: answered once while nothing was committed since.
        // Any commit (a registration, an action) is seen by the next count.
        let store = &app.app.store;
        let handling = |offset: i64| CaseFilter {
            statuses: vec!["handling".into()],
            offset,
            limit: 20,
            ..Default::default()
        };
        let everything = CaseFilter::default();
        let first = store.count_cases_remembered(&handling(0)).await.unwrap();
        assert_eq!(first, store.count_cases(&handling(0)).await.unwrap());
        let reads = store.stats_questions_read();
        for page in 1..5 {
            let n = store.count_cases_remembered(&handling(page * 20)).await;
            assert_eq!(n.unwrap(), first, "page {page}");
        }
        assert_eq!(store.stats_questions_read(), reads, "pages share one count");
        // Another filter is another question.
        let all = store.count_cases_remembered(&everything).await.unwrap();
        assert_eq!(all, store.count_cases(&everything).await.unwrap());
        assert_eq!(store.stats_questions_read(), reads + 1);
        // A registration is counted at once.
        let body = online_petition("钱有根", "33010219700101123", "请求修复村口路灯");
        let (s, v) = app.post("/api/v1/petitions", None, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(
            store.count_cases_remembered(&everything).await.unwrap(),
            all + 1
        );
        // So is each step that changes what a filter selects (forwarded,
        // signed for, accepted for handling): every count agrees with a
        // direct count after each.
        let bureau = app.token("shangcheng_xfj").await;
        let zhujian = app.token("shangcheng_zhujian").await;
        let case_no = v["case_no"].as_str().unwrap().to_string();
        let steps = [
            (
                &bureau,
                json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null}),
            ),
            (&zhujian, json!({"action": "sign"})),
            (
                &zhujian,
                json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
            ),
        ];
        let mut seen = vec![];
        for (token, body) in steps {
            app.act_ok(token, &case_no, body).await;
            for f in [handling(0), everything.clone()] {
                let n = store.count_cases_remembered(&f).await.unwrap();
                assert_eq!(n, store.count_cases(&f).await.unwrap(), "{:?}", f.statuses);
                seen.push(n);
            }
        }
        assert!(
            seen.iter().step_by(2).any(|n| *n != first),
            "the steps moved the case into or out of 办理中: {seen:?}"
        );
    }
);
