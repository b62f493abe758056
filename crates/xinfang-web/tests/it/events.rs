//! Webhooks (issue #19 item 4), against a real HTTP receiver started by the
//! test: every event reaches an endpoint signed (HMAC-SHA256 over the raw
//! body), once per event id, in order per case; a receiver answering 500 is
//! retried with back-off and the same id; persistent failure suspends the
//! endpoint with an alert for administrators while events keep queuing, and
//! resuming sends them in order. A subscriber sees exactly what a user of
//! its unit sees (第三十条, enumerated). Nothing about the petitioner leaves.

use crate::common;
use crate::events_kit::*;
use axum::http::StatusCode;
use common::web::page_ok;
use common::*;
use serde_json::{json, Value};
use std::collections::HashMap;

const ZHUJIAN: &str = "杭州市上城区住房和城乡建设局";
const BUREAU: &str = "杭州市上城区信访局";
const SECRET: &str = "test-secret-0123456789";

async fn pump(app: &TestApp) -> xinfang_app::events::webhook::SendReport {
    app.app
        .webhook_pump(&xinfang_app::events::webhook::client())
        .await
        .expect("webhook round")
}

async fn hook_state(app: &TestApp, admin: &str, id: i64) -> Value {
    let (s, v) = app
        .get(&format!("/api/v1/admin/webhooks/{id}"), Some(admin))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["webhook"].clone()
}

/// Per case, the `sequence` of each first-accepted event id rises.
fn assert_in_order(payloads: &[Value]) {
    let mut last: HashMap<String, u64> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for p in payloads {
        if !seen.insert(p["id"].as_str().unwrap().to_string()) {
            continue;
        }
        let case = p["case"]["case_no"].as_str().unwrap().to_string();
        let n = p["sequence"].as_u64().unwrap();
        let before = last.insert(case.clone(), n).unwrap_or(0);
        assert!(n > before, "{case}: event {n} after {before}");
    }
}

dual_test!(
    delivered_signed_in_order_retried_and_suspended,
    |app: TestApp| async move {
        let rx = Receiver::start().await;
        let admin = app.token("admin").await;
        let (id, secret) = subscribe(
            &app,
            &admin,
            "省信访信息系统",
            &rx.url("p"),
            BUREAU,
            Some(SECRET),
        )
        .await;
        assert_eq!(secret, SECRET);
        let bureau = app.token("shangcheng_xfj").await;
        let zj = app.token("shangcheng_zhujian").await;
        let zhujian = app.unit(ZHUJIAN);
        let a = petition(&app, "推送甲", "33010219800101123", "要求开发商按期交房").await;
        let b = petition(&app, "推送乙", "33010219810202123", "要求物业公司修复电梯").await;
        // Registering waited for nobody: nothing was sent yet.
        assert!(rx.got("p").is_empty());
        let transfer =
            json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null});
        app.act_ok(&bureau, &a, transfer.clone()).await;
        app.act_ok(&zj, &a, json!({"action": "sign"})).await;
        app.act_ok(
            &zj,
            &a,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        app.act_ok(&bureau, &b, transfer).await;
        let r = pump(&app).await;
        assert_eq!((r.delivered, r.failed), (6, 0), "{r:?}");
        let got = rx.got("p");
        for g in &got {
            assert!(g.signed_with(SECRET), "signature over the raw body: {g:?}");
            assert_eq!(g.event_id, g.json()["id"], "header and body carry the id");
            assert_eq!(g.idempotency_key, g.event_id);
            assert_eq!(g.kind, g.json()["kind"]);
            assert!(g.timestamp.parse::<i64>().is_ok());
            // Nothing about the petitioner or the matter leaves.
            for secret_text in [
                "推送甲",
                "13812345678",
                "330102198001011",
                "开发商",
                "东湖小区",
            ] {
                assert!(!g.body.contains(secret_text), "{secret_text} in {}", g.body);
            }
        }
        assert_eq!(
            rx.seen("p"),
            vec![
                (a.clone(), "registered".into()),
                (b.clone(), "registered".into()),
                (a.clone(), "transferred".into()),
                (a.clone(), "signed".into()),
                (a.clone(), "notified".into()),
                (b.clone(), "transferred".into()),
            ]
        );
        let last = got.last().unwrap().json();
        assert_eq!(last["case"]["status"], "pending_receipt");
        assert_eq!(last["case"]["handling_unit"]["name"], BUREAU);
        assert_eq!(last["detail"]["to"]["name"], ZHUJIAN);
        assert_eq!(last["occurred_at"], "2026-03-02T09:00:00+08:00");
        let notified = &rx.accepted("p")[4];
        assert_eq!(notified["detail"]["route"], "accept");
        assert_eq!(notified["case"]["status"], "handling");
        assert_eq!(notified["sequence"], 4);
        // A second round sends nothing twice.
        assert_eq!(pump(&app).await.delivered, 0);

        // The receiver fails: the first waiting event is retried with
        // back-off, and the later event of the same case waits behind it.
        rx.fail("p", true);
        app.act_ok(&zj, &b, json!({"action": "sign"})).await;
        app.act_ok(
            &zj,
            &b,
            json!({"action": "notify", "route": {"route": "accept", "investigate": false}}),
        )
        .await;
        let r = pump(&app).await;
        assert_eq!((r.delivered, r.failed), (0, 1), "{r:?}");
        assert_eq!(pump(&app).await.failed, 0, "back-off: not before a minute");
        let (_, log) = app
            .get(
                &format!("/api/v1/admin/webhooks/{id}/deliveries"),
                Some(&admin),
            )
            .await;
        let pending: Vec<&Value> = log["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["status"] == "pending")
            .collect();
        assert_eq!(pending.len(), 2, "{log}");
        assert_eq!(pending[1]["kind"], "signed");
        assert_eq!(pending[1]["attempts"], 1);
        assert_eq!(pending[1]["last_code"], 500);
        assert_eq!(pending[1]["last_error"], "接收方返回 HTTP 500");
        rx.fail("p", false);
        app.set_time("2026-03-02 09:02");
        let r = pump(&app).await;
        assert_eq!((r.delivered, r.failed), (2, 0), "{r:?}");
        let tries: Vec<_> = rx
            .got("p")
            .into_iter()
            .filter(|g| g.kind == "signed" && g.json()["case"]["case_no"] == b.as_str())
            .collect();
        assert_eq!(tries.len(), 2, "refused once, then accepted");
        assert_eq!((tries[0].answered, tries[1].answered), (500, 200));
        assert_eq!(tries[0].event_id, tries[1].event_id, "a retry keeps the id");
        assert_eq!(tries[0].body, tries[1].body);
        assert_in_order(&rx.accepted("p"));
        assert_eq!(hook_state(&app, &admin, id).await["failures"], 0);

        // Persistent failure: suspended after 8 failures in a row, with an
        // alert for administrators; events keep queuing meanwhile.
        rx.fail("p", true);
        let c = petition(&app, "推送丙", "33010219820303123", "要求拆除违章建筑").await;
        let mut t = app.app.now();
        for _ in 0..xinfang_app::events::webhook::MAX_FAILURES {
            assert_eq!(pump(&app).await.failed, 1);
            t += chrono::Duration::minutes(61);
            app.app.time.set(t);
        }
        let h = hook_state(&app, &admin, id).await;
        assert_eq!(h["status"], "suspended", "{h}");
        assert_eq!(h["failures"], 8);
        let cookie = common::web::login(&app, "admin").await;
        let index = page_ok(&app, "/admin", &cookie).await;
        assert!(index.contains("数据推送已暂停") && index.contains("省信访信息系统"));
        let list = page_ok(&app, "/admin/webhooks", &cookie).await;
        assert!(list.contains("推送已暂停") && list.contains("因持续失败已暂停"));
        let d = petition(&app, "推送丁", "33010219830404123", "要求补发拖欠工资").await;
        let before = rx.got("p").len();
        let r = pump(&app).await;
        assert_eq!(
            (r.delivered, r.failed),
            (0, 0),
            "a suspended endpoint is left alone"
        );
        assert_eq!(rx.got("p").len(), before);
        // Resumed: the queue goes out in order, nothing lost.
        rx.fail("p", false);
        let (s, v) = app
            .post(
                &format!("/api/v1/admin/webhooks/{id}/enable"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["webhook"]["status"], "active");
        let r = pump(&app).await;
        assert_eq!(r.delivered, 2, "{r:?}");
        let seen = rx.seen("p");
        assert_eq!(
            seen[seen.len() - 2..].to_vec(),
            vec![(c, "registered".into()), (d, "registered".into())]
        );
        assert_in_order(&rx.accepted("p"));
        // Every distinct event arrived: 6 + 2 + 2.
        let ids: std::collections::HashSet<String> = rx
            .accepted("p")
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 10);
        // The suspension is in the audit chain.
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM events WHERE kind = 'webhook_suspended'")
                .fetch_one(app.app.store.pool())
                .await
                .unwrap();
        assert_eq!(n, 1);
    }
);
