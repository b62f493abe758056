//! Issue #20 items 1–2 end to end, through the real binary: personal data
//! is not in the SQLite file (WAL included) or a `pg_dump` while the
//! registrar still reads it; a store written without keys is encrypted and
//! cut over by `migrate` with its past still verified; rewriting the whole
//! chain with the old unkeyed algorithm passes a plain `audit verify` but
//! not `audit verify --anchors`; `keys rotate` under concurrent intake,
//! then `keys retire` of the old key, leaves everything readable and the
//! chain intact; repeat detection still finds the petitioner by ID number.
//!
//! This process never installs keys itself (`xinfang_store::install_keys`
//! is process-wide): only the `xinfang` child processes hold them.

use crate::server::{bin, id_with_check, Node};
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub(crate) fn xinfang(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(bin())
        .args(args)
        .env_remove("XINFANG_DATABASE_URL")
        .env_remove("XINFANG_DATA_KEY")
        .env_remove("XINFANG_KEY_FILE")
        .envs(env.iter().copied())
        .output()
        .expect("run xinfang")
}

pub(crate) fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xinfang-crypto-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A fresh PostgreSQL database (and its URL), or None without `XINFANG_TEST_PG_URL`.
async fn pg_database(name: &str) -> Option<String> {
    let admin = std::env::var("XINFANG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())?;
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let db = format!("xinfang_crypto_{name}_{}", std::process::id());
    let root = xinfang_store::Store::connect(&admin).await.unwrap();
    root.execute_raw(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .unwrap();
    root.execute_raw(&format!("CREATE DATABASE {db}"))
        .await
        .unwrap();
    Some(format!("{base}/{db}"))
}

/// A petitioner registered by the registrar in the demo store, read back
/// unmasked by the registrar through the staff API (the case is at the
/// registrar's unit): (case number, ID number, phone).
async fn registered_petitioner(node: &Node) -> (String, String, String) {
    let http = reqwest::Client::new();
    let token = node.api_token(&http, "shangcheng_xfj").await;
    let (id, phone) = (id_with_check("33010219750315062"), "15167894212");
    let r = http
        .post(format!("{}/api/v1/cases", node.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "channel": "letter",
            "petitioners": [{"name": "钱密文", "id_number": id, "phone": phone, "address": "上城区加密路8号"}],
            "request": "要求维修小区加密路段破损路面",
            "facts": "加密路段路面破损半年，雨天积水。",
            "region_code": "330102"
        }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    let case_no = v["case_no"].as_str().unwrap().to_string();
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/cases/{case_no}", node.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let p = &v["case"]["petitioners"][0];
    assert_eq!(p["id_number"], id.as_str(), "the registrar reads it: {v}");
    assert_eq!(p["phone"], phone, "the registrar reads it: {v}");
    (case_no, id, phone.to_string())
}

/// Every file of a SQLite store (database, WAL) after a checkpoint.
async fn sqlite_bytes(db: &Path) -> Vec<u8> {
    let store = xinfang_store::Store::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    store
        .execute_raw("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    drop(store);
    let mut all = std::fs::read(db).unwrap();
    for ext in ["db-wal", "db-shm"] {
        if let Ok(b) = std::fs::read(db.with_extension(ext)) {
            all.extend(b);
        }
    }
    all
}

fn pg_dump(url: &str) -> Vec<u8> {
    let o = Command::new("pg_dump")
        .arg(url)
        .output()
        .expect("pg_dump (Debian postgresql-client)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

#[tokio::test]
async fn demo_store_holds_no_plain_id_or_phone_sqlite() {
    let dir = temp_dir("demo");
    let db = dir.join("demo.db");
    let url = format!("sqlite://{}", db.display());
    ok(&xinfang(
        &["demo", "--cases", "40", "--database-url", &url],
        &[],
    ));
    // The key file was created beside the database, 0600.
    let kf = dir.join("xinfang-keys.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&kf).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let node = Node::start(&url, &[]);
    let (case_no, id, phone) = registered_petitioner(&node).await;
    drop(node);
    let bytes = sqlite_bytes(&db).await;
    assert!(contains(&bytes, &case_no), "the grep itself works");
    assert!(!contains(&bytes, &id), "ID number {id} in the SQLite file");
    assert!(
        !contains(&bytes, &phone),
        "phone {phone} in the SQLite file"
    );
    let out = ok(&xinfang(
        &[
            "audit",
            "verify",
            "--database-url",
            &url,
            "--anchors",
            dir.join("anchors.log").to_str().unwrap(),
        ],
        &[],
    ));
    assert!(out.contains("锚点相符"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn demo_store_holds_no_plain_id_or_phone_postgres() {
    let Some(url) = pg_database("demo").await else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let dir = temp_dir("pgdemo");
    let env = [
        (
            "XINFANG_KEY_FILE",
            dir.join("keys.json").to_str().unwrap().to_string(),
        ),
        (
            "XINFANG_ANCHORS",
            dir.join("anchors.log").to_str().unwrap().to_string(),
        ),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ok(&xinfang(
        &["demo", "--cases", "40", "--database-url", &url],
        &env,
    ));
    let node = Node::start(&url, &env);
    let (case_no, id, phone) = registered_petitioner(&node).await;
    drop(node);
    let dump = pg_dump(&url);
    assert!(contains(&dump, &case_no), "the grep itself works");
    assert!(!contains(&dump, &id), "ID number {id} in pg_dump");
    assert!(!contains(&dump, &phone), "phone {phone} in pg_dump");
    let out = ok(&xinfang(
        &[
            "audit",
            "verify",
            "--database-url",
            &url,
            "--anchors",
            dir.join("anchors.log").to_str().unwrap(),
        ],
        &env,
    ));
    assert!(out.contains("锚点相符"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A store an older version wrote (no keys: plaintext, SHA-256 chain) is
/// encrypted and cut over by `migrate`; its past stays verified. Then the
/// insider's rewrite of the whole chain is caught by the anchors only.
async fn old_store_migrates_and_rewrite_is_caught(url: &str, dir: &Path, env: &[(&str, &str)]) {
    {
        // Written by this process, which holds no keys: as the old binary did.
        let store = xinfang_store::Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        let app = xinfang_app::App::new(store, xinfang_app::TimeSource::System)
            .await
            .unwrap();
        xinfang_app::demo::generate(&app, 30).await.unwrap();
        // A notification queued to a phone, and that phone's opt-out.
        let m = xinfang_store::NewMessage {
            case_id: None,
            notice: "registered",
            channel: "sms",
            recipient: "13655550123",
            subject: "",
            body: "您的信访事项已登记",
            dedupe: "registered:x:sms:13655550123",
        };
        assert!(app
            .store
            .queue_message(&m, "2026-01-01 00:00:00")
            .await
            .unwrap());
        app.store.opt_out("13655550123").await.unwrap();
        // A petitioner account: SMS code, session, ID checked at a window.
        let sms = xinfang_store::NewMessage {
            case_id: None,
            notice: "signin_code",
            channel: "sms",
            recipient: "13655550124",
            subject: "",
            body: "验证码",
            dedupe: "signin:old-store",
        };
        let store = &app.store;
        store
            .insert_signin_code(
                "13655550124",
                "127.0.0.1",
                "code-hash",
                "2026-01-01 00:00:00",
                "2026-01-01 00:05:00",
                &sms,
            )
            .await
            .unwrap();
        let code = store
            .latest_signin_code("13655550124")
            .await
            .unwrap()
            .unwrap();
        assert!(store
            .sign_in_with_code(
                code.id,
                "13655550124",
                "token-hash",
                "2026-01-01 00:01:00",
                "2099-01-01 00:00:00"
            )
            .await
            .unwrap());
        assert!(store
            .verify_petitioner_id(
                "13655550124",
                &id_with_check("33010219660606066"),
                "shangcheng_xfj",
                "2026-01-01 00:02:00"
            )
            .await
            .unwrap());
    }
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap();
    let plain: String =
        sqlx::query("SELECT payload FROM events WHERE payload LIKE '%\"id_number\":\"3%' LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
    let id: String = serde_json::from_str::<serde_json::Value>(&plain)
        .unwrap()
        .pointer("/petitioners/0/id_number")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            let at = plain.find("\"id_number\":\"").unwrap() + 13;
            plain[at..at + 18].to_string()
        });
    let out = ok(&xinfang(&["migrate", "--database-url", url], env));
    let _ = out;
    // Nothing plain is left: events, projections, index keys.
    let left: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE payload LIKE $1")
        .bind(format!("%{id}%"))
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "ID number left in a chained payload");
    for (table, col, value) in [
        ("messages", "recipient", "13655550123"),
        ("messages", "dedupe", "13655550123"),
        ("message_optouts", "recipient", "13655550123"),
    ] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table} WHERE {col} LIKE $1"))
            .bind(format!("%{value}%"))
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "phone left in {table}.{col}");
    }
    // The account is keyed by the phone's blind index, the number and the
    // ID number sealed; its session and code follow the account's key.
    let account_id = id_with_check("33010219660606066");
    for (table, col) in [
        ("petitioner_accounts", "phone"),
        ("petitioner_accounts", "phone_sealed"),
        ("petitioner_accounts", "id_number"),
        ("petitioner_codes", "phone"),
        ("petitioner_sessions", "phone"),
    ] {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM {table} WHERE {col} LIKE $1 OR {col} LIKE $2"
        ))
        .bind("%13655550124%")
        .bind(format!("%{account_id}%"))
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
        assert_eq!(n, 0, "plain phone or ID number left in {table}.{col}");
    }
    let joined: i64 = sqlx::query(
        "SELECT COUNT(*) FROM petitioner_sessions s JOIN petitioner_accounts a ON a.phone = s.phone \
         JOIN petitioner_codes c ON c.phone = a.phone WHERE a.phone LIKE 'ph#%' AND a.phone_sealed LIKE 'v1:%' AND a.id_number LIKE 'v1:%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(joined, 1, "account, session and code keyed alike, sealed");
    for (table, col) in [("cases", "state_json"), ("petitioner_index", "pkey")] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table} WHERE {col} LIKE $1"))
            .bind(format!("%{id}%"))
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "ID number left in {table}.{col}");
    }
    let anchors = dir.join("anchors.log");
    let anchors = anchors.to_str().unwrap();
    let out = ok(&xinfang(
        &[
            "audit",
            "verify",
            "--database-url",
            url,
            "--anchors",
            anchors,
        ],
        env,
    ));
    assert!(
        out.contains("审计链完整") && out.contains("锚点相符"),
        "{out}"
    );
    let head: (i64, Option<i64>) = {
        let r = sqlx::query("SELECT seq, keyed_from FROM chain_head WHERE id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert!(head.1.is_some(), "cut over");
    // Some keyed entries after the cut-over, then an anchor of them.
    ok(&xinfang(
        &["token", "--user", "shangcheng_xfj", "--database-url", url],
        env,
    ));
    ok(&xinfang(&["audit", "anchor", "--database-url", url], env));

    // The insider: change one old entry, recompute every hash and the head
    // with the old unkeyed algorithm, and erase the cut-over.
    let rows = sqlx::query("SELECT seq, stream, kind, at, actor, payload FROM events ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut prev = xinfang_domain::audit::GENESIS.to_string();
    let mut tx = pool.begin().await.unwrap();
    for r in &rows {
        let seq: i64 = r.get(0);
        let (stream, kind, at, mut actor, payload): (String, String, String, String, String) =
            (r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
        if seq == 2 {
            actor = "\"someone else\"".into();
        }
        let rec = xinfang_domain::audit::ChainRecord {
            seq,
            stream: &stream,
            kind: &kind,
            at: &at,
            actor: &actor,
            payload: &payload,
        };
        let hash = xinfang_domain::audit::chain_hash(&prev, &rec);
        sqlx::query(
            "UPDATE events SET actor = $1, prev_hash = $2, hash = $3, pii = NULL WHERE seq = $4",
        )
        .bind(&actor)
        .bind(&prev)
        .bind(&hash)
        .bind(seq)
        .execute(&mut *tx)
        .await
        .unwrap();
        prev = hash;
    }
    sqlx::query(
        "UPDATE chain_head SET hash = $1, keyed_from = NULL, chain_key = NULL WHERE id = 1",
    )
    .bind(&prev)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    pool.close().await;
    // Without anchors the rewritten chain looks whole …
    let o = xinfang(&["audit", "verify", "--database-url", url], env);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // … with them it does not.
    let o = xinfang(
        &[
            "audit",
            "verify",
            "--database-url",
            url,
            "--anchors",
            anchors,
        ],
        env,
    );
    assert!(!o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("锚点不符"), "{out}");
}

#[tokio::test]
async fn old_store_migrates_and_rewrite_is_caught_sqlite() {
    let dir = temp_dir("old");
    let url = format!("sqlite://{}", dir.join("old.db").display());
    old_store_migrates_and_rewrite_is_caught(&url, &dir, &[]).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn old_store_migrates_and_rewrite_is_caught_postgres() {
    let Some(url) = pg_database("old").await else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let dir = temp_dir("pgold");
    let (k, a) = (
        dir.join("keys.json").to_str().unwrap().to_string(),
        dir.join("anchors.log").to_str().unwrap().to_string(),
    );
    old_store_migrates_and_rewrite_is_caught(
        &url,
        &dir,
        &[("XINFANG_KEY_FILE", &k), ("XINFANG_ANCHORS", &a)],
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// One online petition of the rotation test's petitioner: (case number,
/// query code, linked to an earlier case).
async fn submit(http: &reqwest::Client, base: &str, id: &str, i: u32) -> (String, String, bool) {
    let r = http
        .post(format!("{base}/api/v1/petitions"))
        .json(&serde_json::json!({
            "petitioners": [{"name": "轮换测试", "id_number": id, "phone": "13912345678", "address": "上城区轮换路1号"}],
            // Even: the first matter again (a repeat, found by the ID number);
            // odd: other matters (new cases with their own query codes).
            "request": if i.is_multiple_of(2) {
                "要求解决小区轮换楼漏水问题".to_string()
            } else {
                format!("要求整治{}侧道路夜间施工噪音", ["东", "西", "南", "北", "中"][(i as usize / 2) % 5])
            },
            "region_code": "330102"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    (
        v["case_no"].as_str().unwrap().to_string(),
        v["query_code"].as_str().unwrap_or("").to_string(),
        !v["repeat_of"].is_null() || !v["related_case"].is_null(),
    )
}

/// `keys rotate` while petitions keep coming in, `keys retire` of the old
/// key afterwards; every case still opens, the chain verifies, and the
/// same ID number is still recognised as the same petitioner.
async fn rotation_under_intake(url: &str, env: &[(&str, &str)]) {
    ok(&xinfang(
        &["demo", "--cases", "0", "--database-url", url],
        env,
    ));
    let mut node_env = env.to_vec();
    node_env.push(("XINFANG_KEY_RELOAD_SECS", "1"));
    let node = Node::start(url, &node_env);
    let http = reqwest::Client::new();
    let id = id_with_check("33010219800101123");
    let base = node.base.clone();
    let first = submit(&http, &base, &id, 0).await;
    let load = {
        let (http, base, id) = (http.clone(), base.clone(), id.clone());
        tokio::spawn(async move {
            let mut acked = vec![];
            for i in 1..60 {
                acked.push(submit(&http, &base, &id, i).await);
            }
            acked
        })
    };
    let show = ok(&xinfang(&["keys", "show", "--database-url", url], env));
    let old = show
        .lines()
        .find(|l| l.contains("当前"))
        .and_then(|l| l.rsplit_once("当前 "))
        .map(|(_, k)| k.trim_end_matches('）').to_string())
        .unwrap();
    let out = ok(&xinfang(&["keys", "rotate", "--database-url", url], env));
    assert!(out.contains("新数据密钥"), "{out}");
    let mut acked = load.await.unwrap();
    acked.push(first.clone());
    // Give the server time to load the new key, then retire the old one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut retired = false;
    for _ in 0..10 {
        let o = xinfang(&["keys", "retire", &old, "--database-url", url], env);
        if o.status.success() {
            retired = true;
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(retired, "old key {old} could be retired");
    let show = ok(&xinfang(&["keys", "show", "--database-url", url], env));
    assert!(!show.contains(&old), "{show}");
    // The server reloads the file without the old key; everything opens.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (case_no, code, _) in acked.iter().filter(|a| !a.1.is_empty()) {
        let r = http
            .get(format!("{}/api/v1/petitions/{case_no}", node.base))
            .header("x-query-code", code.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{case_no} after rotation");
    }
    let token = node.api_token(&http, "shangcheng_xfj").await;
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/cases/{}", node.base, acked[0].0))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v.to_string().contains(&id),
        "the registrar reads the ID number: {v}"
    );
    // Repeat detection by ID number: the same person's same matter is linked.
    let repeats = acked.iter().filter(|a| a.2).count();
    assert!(
        repeats > 0,
        "repeats found by the blinded ID number: none of {} submissions",
        acked.len()
    );
    drop(node);
    let out = ok(&xinfang(&["audit", "verify", "--database-url", url], env));
    assert!(out.contains("审计链完整"), "{out}");
}

#[tokio::test]
async fn rotation_under_intake_sqlite() {
    let dir = temp_dir("rotate");
    let url = format!("sqlite://{}", dir.join("rot.db").display());
    rotation_under_intake(&url, &[]).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn rotation_under_intake_postgres() {
    let Some(url) = pg_database("rotate").await else {
        eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run");
        return;
    };
    let dir = temp_dir("pgrotate");
    let (k, a) = (
        dir.join("keys.json").to_str().unwrap().to_string(),
        dir.join("anchors.log").to_str().unwrap().to_string(),
    );
    rotation_under_intake(&url, &[("XINFANG_KEY_FILE", &k), ("XINFANG_ANCHORS", &a)]).await;
    let _ = std::fs::remove_dir_all(&dir);
}
