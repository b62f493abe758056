//! Idempotent online submissions (issue #21): a retry with the same
//! `Idempotency-Key` — after a timeout or a 503 during a database failover —
//! gets the same case number and query code, never a second case; the same
//! key with other content, or a malformed key, is refused with a clear
//! error; the portal form carries its key in a hidden field, so sending the
//! form twice registers once. The 503 itself is proven against a real
//! failover in `crates/xinfang/tests/it/failover.rs`.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::Value;

async fn submit(app: &TestApp, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/petitions")
        .header("content-type", "application/json");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let r = send(app, req.body(Body::from(body.to_string())).unwrap()).await;
    (r.status, r.json())
}

dual_test!(
    a_retry_with_the_same_key_is_the_same_case,
    |app: TestApp| async move {
        let cases = app.app.store.count("cases").await.unwrap();
        let body = online_petition("幂等甲", "33010219800101001", "要求修复小区门口破损路面");
        let key = "6f1c2a9e-3b7d-4f0a-9c1e-2d3b4a5f6e7d";
        let (s, first) = submit(&app, Some(key), &body).await;
        assert_eq!(s, StatusCode::CREATED, "{first}");
        assert_eq!(first["replayed"], false);
        let (s, again) = submit(&app, Some(key), &body).await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(again["replayed"], true);
        assert_eq!(again["case_no"], first["case_no"]);
        assert_eq!(again["query_code"], first["query_code"]);
        assert_eq!(again["status"], first["status"]);
        assert_eq!(app.app.store.count("cases").await.unwrap(), cases + 1);
        // The answer is the real case: it tracks with the replayed code.
        let (s, _) = app
            .track(
                first["case_no"].as_str().unwrap(),
                again["query_code"].as_str().unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK);

        // The same key with other content: refused, nothing registered.
        let other = online_petition("幂等甲", "33010219800101001", "另一件事：要求增设路灯");
        let (s, v) = submit(&app, Some(key), &other).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "idempotency_key");
        assert!(v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("幂等键"));
        // Malformed keys: too short, not plain ASCII.
        for bad in ["short", "key with spaces in it!"] {
            let (s, v) = submit(&app, Some(bad), &other).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
            assert_eq!(v["errors"][0]["field"], "idempotency_key");
        }
        assert_eq!(app.app.store.count("cases").await.unwrap(), cases + 1);

        // Without a key nothing changes: two sends, two registrations (the
        // second a 件次 of the first case).
        let plain = online_petition("幂等乙", "33010219800202002", "要求清理河道垃圾");
        let (s1, a) = submit(&app, None, &plain).await;
        let (s2, b) = submit(&app, None, &plain).await;
        assert_eq!(
            (s1, s2),
            (StatusCode::CREATED, StatusCode::CREATED),
            "{a} {b}"
        );
        assert_eq!(b["repeat_of"], a["case_no"]);

        // A keyed 件次 of an existing case replays as that 件次.
        let k2 = "repeat-0000-0000-0001";
        let (s, rep) = submit(&app, Some(k2), &plain).await;
        assert_eq!(s, StatusCode::CREATED, "{rep}");
        let (s, rep2) = submit(&app, Some(k2), &plain).await;
        assert_eq!(s, StatusCode::OK, "{rep2}");
        assert_eq!(rep2["repeat_of"], a["case_no"]);
        assert_eq!(rep2["case_no"], rep["case_no"]);
        let subs: i64 = app.app.store.count("submissions").await.unwrap();
        let (_, _) = submit(&app, Some(k2), &plain).await;
        assert_eq!(app.app.store.count("submissions").await.unwrap(), subs);
    }
);

dual_test!(
    concurrent_retries_of_one_key_register_once,
    |app: TestApp| async move {
        let cases = app.app.store.count("cases").await.unwrap();
        let body = online_petition("幂等丙", "33010219800303003", "要求处理噪音扰民问题");
        let key = "concurrent-key-0000-0001";
        let app = std::sync::Arc::new(app);
        let mut tasks = vec![];
        for _ in 0..6 {
            let (app, body) = (app.clone(), body.clone());
            tasks.push(tokio::spawn(
                async move { submit(&app, Some(key), &body).await },
            ));
        }
        let mut nos = vec![];
        for t in tasks {
            let (s, v) = t.await.unwrap();
            assert!(s == StatusCode::CREATED || s == StatusCode::OK, "{s} {v}");
            nos.push((v["case_no"].clone(), v["query_code"].clone()));
        }
        nos.dedup();
        assert_eq!(nos.len(), 1, "one case, one code: {nos:?}");
        assert_eq!(app.app.store.count("cases").await.unwrap(), cases + 1);
    }
);

dual_test!(
    the_portal_form_sent_twice_registers_once,
    |app: TestApp| async move {
        let r = request(&app, "GET", "/submit", None, "").await;
        let (s, html) = (r.status, r.text());
        assert_eq!(s, StatusCode::OK);
        let key = between(&html, "name=\"idempotency_key\" value=\"", "\"").to_string();
        assert!(key.len() >= 16, "hidden key on the form: {key}");
        let body = body_of(&[
            ("idempotency_key", &key),
            ("name", "幂等丁"),
            ("id_number", &id_with_check("33010219800404004")),
            ("phone", "13812345678"),
            ("address", "杭州市上城区湖滨街道东湖小区3号"),
            ("region_code", "330102"),
            ("kind", "claim"),
            ("request", "要求物业修复漏水的屋顶"),
        ]);
        let cases = app.app.store.count("cases").await.unwrap();
        let (s1, first) = form_page(&app, "/submit", None, &body).await;
        let (s2, second) = form_page(&app, "/submit", None, &body).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{second}");
        let no = |h: &str| between(h, "id=\"receipt-case-no\">", "</strong>").to_string();
        let code =
            |h: &str| between(h, "id=\"receipt-code\" class=\"code\">", "</strong>").to_string();
        assert_eq!(no(&first), no(&second));
        assert_eq!(code(&first), code(&second));
        assert_eq!(app.app.store.count("cases").await.unwrap(), cases + 1);
        // A form shown again after an error keeps its key.
        let missing = body_of(&[("idempotency_key", &key), ("name", "幂等丁")]);
        let (s, html) = form_page(&app, "/submit", None, &missing).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(&format!("name=\"idempotency_key\" value=\"{key}\"")));
    }
);

dual_test!(
    a_staff_registration_retried_with_its_key_is_one_case,
    |app: TestApp| async move {
        let token = app.token("shangcheng_xfj").await;
        let body = serde_json::json!({
            "channel": "letter",
            "petitioners": [{"name": "幂等戊", "address": "上城区湖滨街道"}],
            "request": "要求疏通堵塞的雨水管网",
            "region_code": "330102"
        });
        let cases = app.app.store.count("cases").await.unwrap();
        let send_once = || async {
            let req = Request::builder()
                .method("POST")
                .uri("/api/v1/cases")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", "window-7-letter-000123")
                .body(Body::from(body.to_string()))
                .unwrap();
            let r = send(&app, req).await;
            (r.status, r.json())
        };
        let (s1, a) = send_once().await;
        let (s2, b) = send_once().await;
        assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK), "{a} {b}");
        assert_eq!(a["case_no"], b["case_no"]);
        assert_eq!(b["replayed"], true);
        assert_eq!(app.app.store.count("cases").await.unwrap(), cases + 1);
    }
);
