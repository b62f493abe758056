//! The command-line contracts scripts depend on: `deadline` (last line is the
//! due date; out-of-calendar dates fail), `token` (last line is the token),
//! `audit verify` (0 on an intact store, non-zero naming the first broken
//! event), `calendar import`, `clocks scan`.

use std::process::{Command, Output};

fn xinfang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinfang"))
        .args(args)
        .env_remove("XINFANG_DATABASE_URL")
        .output()
        .expect("run xinfang")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn deadline_contract() {
    let o = xinfang(&["deadline", "--from", "2025-09-20", "--days", "15"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(out.lines().last(), Some("2025-10-09"));
    assert!(out.contains("顺延"), "{out}");
    let o = xinfang(&[
        "deadline",
        "--from",
        "2025-09-26",
        "--days",
        "5",
        "--working-days",
    ]);
    assert_eq!(stdout(&o).lines().last(), Some("2025-10-10"));
    let o = xinfang(&[
        "deadline",
        "--from",
        "2025-09-20",
        "--days",
        "15",
        "--no-rollover",
    ]);
    assert_eq!(stdout(&o).lines().last(), Some("2025-10-05"));
    let o = xinfang(&["deadline", "--from", "2028-01-05", "--days", "5"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("不在已载入的官方日历范围内"));
    let o = xinfang(&["deadline", "--from", "2025-02-30", "--days", "5"]);
    assert!(!o.status.success());
}

#[tokio::test]
async fn token_audit_and_calendar_on_a_demo_database() {
    let dir = std::env::temp_dir().join(format!("xinfang-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/cli.db", dir.display());
    let o = xinfang(&["demo", "--cases", "40", "--database-url", &url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A second demo into a non-empty database is refused.
    assert!(!xinfang(&["demo", "--cases", "1", "--database-url", &url])
        .status
        .success());

    let o = xinfang(&["token", "--user", "shangcheng_xfj", "--database-url", &url]);
    assert!(o.status.success());
    let token = stdout(&o).lines().last().unwrap().to_string();
    assert_eq!(token.len(), 64);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(
        !xinfang(&["token", "--user", "nobody", "--database-url", &url])
            .status
            .success()
    );

    let o = xinfang(&["clocks", "scan", "--database-url", &url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let store = xinfang_store::Store::connect(&url).await.unwrap();
    let rows = store
        .list_cases(&xinfang_store::CaseFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let o = xinfang(&[
        "clocks",
        "explain",
        "--case",
        &rows[0].case_no,
        "--database-url",
        &url,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("民法典第二百零一条") && stdout(&o).contains("到期"),
        "{}",
        stdout(&o)
    );
    assert!(!xinfang(&[
        "clocks",
        "explain",
        "--case",
        "XF-NOPE",
        "--database-url",
        &url
    ])
    .status
    .success());

    let cal = dir.join("2027.csv");
    std::fs::write(&cal, "year,2027\n2027-01-01,rest,元旦\n").unwrap();
    let o = xinfang(&[
        "calendar",
        "import",
        cal.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(&cal, "year,2027\n2027-01-04,work,错误\n").unwrap();
    let o = xinfang(&[
        "calendar",
        "import",
        cal.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(!o.status.success(), "a weekday make-up day is refused");

    let o = xinfang(&["audit", "verify", "--database-url", &url]);
    assert!(o.status.success(), "{}", stdout(&o));

    // Alter one stored event outside the application (through the store
    // opened above: a second pool on the same file is not what this tests).
    sqlx_exec(&store, "UPDATE events SET actor = 'forged' WHERE seq = 7").await;
    let o = xinfang(&["audit", "verify", "--database-url", &url]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("第 7 条"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn sqlx_exec(store: &xinfang_store::Store, sql: &str) {
    store.execute_raw(sql).await.expect("raw sql");
}

fn count_line(o: &Output) -> String {
    stdout(o).lines().last().unwrap_or_default().to_string()
}

#[tokio::test]
async fn backup_and_restore_sqlite() {
    let dir = std::env::temp_dir().join(format!("xinfang-bk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/live.db", dir.display());
    assert!(xinfang(&["demo", "--cases", "30", "--database-url", &url])
        .status
        .success());
    let bk = dir.join("backup.db");
    let o = xinfang(&[
        "backup",
        "--to",
        bk.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !xinfang(&[
            "backup",
            "--to",
            bk.to_str().unwrap(),
            "--database-url",
            &url
        ])
        .status
        .success(),
        "never overwrites"
    );
    let restored = format!("sqlite://{}/restored.db", dir.display());
    let o = xinfang(&[
        "restore",
        "--from",
        bk.to_str().unwrap(),
        "--database-url",
        &restored,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let live = xinfang_store::Store::connect(&url).await.unwrap();
    let back = xinfang_store::Store::connect(&restored).await.unwrap();
    for t in ["cases", "events", "submissions", "users", "units"] {
        assert_eq!(
            live.count(t).await.unwrap(),
            back.count(t).await.unwrap(),
            "{t}"
        );
    }
    assert!(count_line(&o).contains("件信访事项"));
    assert!(xinfang(&["audit", "verify", "--database-url", &restored])
        .status
        .success());
    // Restoring over an existing database needs --force.
    assert!(!xinfang(&[
        "restore",
        "--from",
        bk.to_str().unwrap(),
        "--database-url",
        &restored
    ])
    .status
    .success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn backup_and_restore_postgres() {
    let Some(admin) = std::env::var("XINFANG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let (a, b) = (
        format!("xinfang_bk_a_{}", std::process::id()),
        format!("xinfang_bk_b_{}", std::process::id()),
    );
    let root = xinfang_store::Store::connect(&admin).await.unwrap();
    for n in [&a, &b] {
        root.execute_raw(&format!("DROP DATABASE IF EXISTS {n}"))
            .await
            .unwrap();
        root.execute_raw(&format!("CREATE DATABASE {n}"))
            .await
            .unwrap();
    }
    let (ua, ub) = (format!("{base}/{a}"), format!("{base}/{b}"));
    assert!(xinfang(&["demo", "--cases", "20", "--database-url", &ua])
        .status
        .success());
    let dir = std::env::temp_dir().join(format!("xinfang-pgbk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bk = dir.join("pg.dump");
    let o = xinfang(&[
        "backup",
        "--to",
        bk.to_str().unwrap(),
        "--database-url",
        &ua,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = xinfang(&[
        "restore",
        "--from",
        bk.to_str().unwrap(),
        "--database-url",
        &ub,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (sa, sb) = (
        xinfang_store::Store::connect(&ua).await.unwrap(),
        xinfang_store::Store::connect(&ub).await.unwrap(),
    );
    for t in ["cases", "events", "submissions"] {
        assert_eq!(
            sa.count(t).await.unwrap(),
            sb.count(t).await.unwrap(),
            "{t}"
        );
    }
    assert!(xinfang(&["audit", "verify", "--database-url", &ub])
        .status
        .success());
    let _ = std::fs::remove_dir_all(&dir);
}
