//! Changing the audit chain's key (issue #20 item 2), through the binary:
//! `keys rotate --chain` records the change as a chain entry under the old
//! key and anchors it; entries after it are authenticated with the new key,
//! and `audit verify --anchors` checks both segments, each with its own key.
//! Whoever still holds only the old key cannot rewrite an entry after the
//! change: recomputed under the old key, it is refused.

use crate::crypto::{ok, temp_dir, xinfang};
use sqlx::Row;

#[tokio::test]
async fn a_new_chain_key_takes_over_at_a_recorded_change() {
    let dir = temp_dir("chainkey");
    let db = dir.join("c.db");
    let url = format!("sqlite://{}", db.display());
    ok(&xinfang(
        &["demo", "--cases", "5", "--database-url", &url],
        &[],
    ));
    let keys = |dir: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("xinfang-keys.json")).unwrap())
            .unwrap()
    };
    let old_id = keys(&dir)["chain"]["active"].as_str().unwrap().to_string();
    let out = ok(&xinfang(
        &["keys", "rotate", "--chain", "--database-url", &url],
        &[],
    ));
    assert!(out.contains("改用链密钥"), "{out}");
    let kf = keys(&dir);
    let new_id = kf["chain"]["active"].as_str().unwrap().to_string();
    assert_ne!(new_id, old_id);
    assert_eq!(kf["chain"]["keys"].as_object().unwrap().len(), 2);
    // Entries under the new key after the change.
    ok(&xinfang(
        &["token", "--user", "shangcheng_xfj", "--database-url", &url],
        &[],
    ));
    let anchors = dir.join("anchors.log");
    let verify = |with_anchors: bool| {
        let mut args = vec!["audit", "verify", "--database-url", &url];
        if with_anchors {
            args.extend(["--anchors", anchors.to_str().unwrap()]);
        }
        xinfang(&args, &[])
    };
    let out = ok(&verify(true));
    assert!(
        out.contains("审计链完整") && out.contains("锚点相符"),
        "{out}"
    );
    // A backup names both chain keys as needed.
    let backup = dir.join("backup.db");
    let out = ok(&xinfang(
        &[
            "backup",
            "--database-url",
            &url,
            "--to",
            backup.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(out.contains(&old_id) && out.contains(&new_id), "{out}");

    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let (change_seq, head_key): (i64, String) = {
        let c = sqlx::query("SELECT seq, payload FROM events WHERE kind = $1")
            .bind(xinfang_store::CHAIN_KEY_CHANGED)
            .fetch_one(&pool)
            .await
            .unwrap();
        let payload: serde_json::Value = serde_json::from_str(&c.get::<String, _>(1)).unwrap();
        assert_eq!(payload["from_key"], old_id.as_str());
        assert_eq!(payload["to_key"], new_id.as_str());
        let h = sqlx::query("SELECT chain_key FROM chain_head WHERE id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        (c.get(0), h.get(0))
    };
    assert_eq!(head_key, new_id);

    // The holder of the old key rewrites the last entry (after the change).
    let old_hex = kf["chain"]["keys"][&old_id].as_str().unwrap();
    let old_key: Vec<u8> = (0..old_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&old_hex[i..i + 2], 16).unwrap())
        .collect();
    let r = sqlx::query(
        "SELECT seq, stream, kind, at, actor, payload, prev_hash FROM events ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let seq: i64 = r.get(0);
    assert!(seq > change_seq);
    let (stream, kind, at, payload, prev): (String, String, String, String, String) =
        (r.get(1), r.get(2), r.get(3), r.get(5), r.get(6));
    let actor = "\"someone else\"".to_string();
    let rec = xinfang_domain::audit::ChainRecord {
        seq,
        stream: &stream,
        kind: &kind,
        at: &at,
        actor: &actor,
        payload: &payload,
    };
    let forged = xinfang_domain::audit::chain_mac(&old_key, &prev, &rec);
    sqlx::query("UPDATE events SET actor = $1, hash = $2 WHERE seq = $3")
        .bind(&actor)
        .bind(&forged)
        .bind(seq)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE chain_head SET hash = $1 WHERE id = 1")
        .bind(&forged)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let o = verify(false);
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("第 {seq} 条")) || out.contains(&seq.to_string()),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
