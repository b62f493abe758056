//! Rotating the blind-index key (issue #20 item 1), through the binary:
//! `keys rotate --index` makes a new HMAC-SM3 index key active and
//! recomputes every blind column; `keys retire <old>` recomputes once more
//! and removes the old key. Afterwards no stored key is under the old
//! index key, the petitioner is still recognised as a repeat by the ID
//! number, and an opt-out and a message's dedupe key moved with it.

use crate::crypto::{ok, temp_dir, xinfang};
use crate::server::{id_with_check, Node};
use sqlx::Row;

/// An online petition: (case number, linked to an earlier case).
async fn submit(base: &str, id: &str) -> (String, bool) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/petitions"))
        .json(&serde_json::json!({
            "petitioners": [{"name": "索引轮换", "id_number": id, "phone": "13912340000", "address": "上城区索引路1号"}],
            "request": "要求解决小区索引楼漏水问题",
            "region_code": "330102"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    (
        v["case_no"].as_str().unwrap().to_string(),
        !v["repeat_of"].is_null() || !v["related_case"].is_null(),
    )
}

#[tokio::test]
async fn a_new_index_key_replaces_every_blind_column() {
    let dir = temp_dir("indexkey");
    let url = format!("sqlite://{}", dir.join("i.db").display());
    ok(&xinfang(
        &["demo", "--cases", "10", "--database-url", &url],
        &[],
    ));
    let id = id_with_check("33010219770707077");
    {
        let node = Node::start(&url, &[]);
        let (_, repeat) = submit(&node.base, &id).await;
        assert!(!repeat, "the first petition of this petitioner");
    }
    // A message to a number that then opted out, as the store writes them
    // (this process installs no keys: they are the children's).
    let keyfile = || std::fs::read_to_string(dir.join("xinfang-keys.json")).unwrap();
    let old = xinfang_crypto::KeyFile::parse(&keyfile()).unwrap();
    let old_ring = old.ring().unwrap();
    use xinfang_store::pii::blind_key;
    let to_key = "to:13912340000";
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::query("INSERT INTO messages (case_id, notice, channel, recipient, subject, body, dedupe, status, attempts, next_at, last_error, created_at) VALUES (NULL, 'registered', 'sms', $1, '', '已登记', $2, 'sent', 1, '2026-01-01 00:00:00', '', '2026-01-01 00:00:00')")
        .bind(old_ring.seal("13912340000").unwrap())
        .bind(format!("registered:index:sms:{}", blind_key(&old_ring, to_key)))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO message_optouts (recipient, at) VALUES ($1, '2026-01-01 00:00:00')")
        .bind(blind_key(&old_ring, to_key))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let out = ok(&xinfang(
        &["keys", "rotate", "--index", "--database-url", &url],
        &[],
    ));
    assert!(out.contains("已用") && out.contains("重算盲索引"), "{out}");
    let mid = xinfang_crypto::KeyFile::parse(&keyfile()).unwrap();
    assert_eq!(mid.index.keys.len(), 2);
    let old_id = old.index.active.clone();
    assert_ne!(mid.index.active, old_id);
    let out = ok(&xinfang(
        &["keys", "retire", &old_id, "--database-url", &url],
        &[],
    ));
    assert!(out.contains("移除盲索引密钥"), "{out}");
    let new = xinfang_crypto::KeyFile::parse(&keyfile()).unwrap();
    assert_eq!(new.index.keys.len(), 1);
    let new_ring = new.ring().unwrap();

    // Nothing left under the old index key; the ID and the opt-out under the new.
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let count = |sql: &'static str, key: String| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql)
                .bind(key)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<i64, _>(0)
        }
    };
    let idx = "SELECT COUNT(*) FROM petitioner_index WHERE pkey = $1";
    let opt = "SELECT COUNT(*) FROM message_optouts WHERE recipient = $1";
    let id_key = format!("id:{id}");
    assert_eq!(count(idx, blind_key(&old_ring, &id_key)).await, 0);
    assert_eq!(count(idx, blind_key(&new_ring, &id_key)).await, 1);
    assert_eq!(count(opt, blind_key(&old_ring, to_key)).await, 0);
    assert_eq!(count(opt, blind_key(&new_ring, to_key)).await, 1);
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM petitioner_index")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert!(total > 10, "every case's keys rebuilt: {total}");
    let dedupe = "SELECT COUNT(*) FROM messages WHERE dedupe = $1";
    assert_eq!(
        count(
            dedupe,
            format!("registered:index:sms:{}", blind_key(&new_ring, to_key))
        )
        .await,
        1,
        "the message's dedupe key under the new index key"
    );
    pool.close().await;

    // The petitioner is recognised again (by the ID number, new key).
    let node = Node::start(&url, &[]);
    let (_, repeat) = submit(&node.base, &id).await;
    assert!(repeat, "a repeat found by the re-keyed ID number");
    drop(node);
    let out = ok(&xinfang(&["audit", "verify", "--database-url", &url], &[]));
    assert!(out.contains("审计链完整"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
