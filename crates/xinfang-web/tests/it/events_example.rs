//! The example receiver in the docs (`examples/webhook-receiver.py`, Python
//! standard library only) runs as a real peer process: it accepts what
//! xinfang sends (the signature verifies), refuses a body signed with
//! another secret, and recognises a replayed event by its id.

use crate::common;
use crate::events_kit::{petition, subscribe};
use common::*;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const SECRET: &str = "example-receiver-secret-42";

struct Peer(Child);
impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

dual_test!(
    the_example_receiver_verifies_what_is_sent,
    |app: TestApp| async move {
        let dir = std::env::temp_dir().join(format!("xinfang-rx-{:x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("events.jsonl");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/webhook-receiver.py"
        );
        let mut child = Command::new("python3")
            .args([script, "--port", "0", "--secret", SECRET, "--log"])
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let _peer = Peer(child);
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("the receiver's banner")
            .to_string();

        let admin = app.token("admin").await;
        let (id, _) = subscribe(
            &app,
            &admin,
            "示例接收方",
            &url,
            "杭州市上城区信访局",
            Some(SECRET),
        )
        .await;
        let case_no = petition(&app, "示例甲", "33010219850606123", "要求修缮老旧小区屋面").await;
        let bureau = app.token("shangcheng_xfj").await;
        let to = app.unit("杭州市上城区住房和城乡建设局");
        app.act_ok(
            &bureau,
            &case_no,
            json!({"action": "transfer", "to": to, "mode": "forward", "report_due": null}),
        )
        .await;
        let client = xinfang_app::events::webhook::client();
        let r = app.app.webhook_pump(&client).await.unwrap();
        assert_eq!((r.delivered, r.failed), (2, 0), "{r:?}");
        let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert!(lines
            .iter()
            .all(|l| l["outcome"] == "new" && l["case_no"] == case_no.as_str()));
        assert_eq!(
            (lines[0]["kind"].clone(), lines[1]["kind"].clone()),
            (json!("registered"), json!("transferred"))
        );

        // A body signed with another secret is refused; a replay is known.
        let (_, log_api) = app
            .get(
                &format!("/api/v1/admin/webhooks/{id}/deliveries"),
                Some(&admin),
            )
            .await;
        let event_id = log_api["deliveries"][0]["event_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (body,): (String,) =
            sqlx::query_as("SELECT body FROM webhook_deliveries WHERE event_id = $1")
                .bind(&event_id)
                .fetch_one(app.app.store.pool())
                .await
                .unwrap();
        let send = |secret: &'static str| {
            client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-xinfang-event-id", &event_id)
                .header(
                    "x-xinfang-signature",
                    xinfang_app::events::webhook::sign(secret, body.as_bytes()),
                )
                .body(body.clone())
                .send()
        };
        let forged = send("another-secret-entirely").await.unwrap();
        assert_eq!(forged.status().as_u16(), 401);
        let replay = send(SECRET).await.unwrap();
        assert_eq!(replay.status().as_u16(), 200);
        assert_eq!(replay.text().await.unwrap(), "duplicate");
        let _ = std::fs::remove_dir_all(&dir);
    }
);
