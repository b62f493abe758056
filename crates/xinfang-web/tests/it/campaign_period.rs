//! A campaign runs over a period (起始日期 … 截止日期, start ≤ end), and shows
//! its progress over it — time passed, 化解/稳控/销号 counts and overdue items —
//! by API and on its page. Runs on SQLite and PostgreSQL.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

async fn page(app: &TestApp, path: &str, user: &str) -> String {
    let login = Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("username={user}&password=xinfang2026")))
        .unwrap();
    let resp = app.router.clone().oneshot(login).await.unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let req = Request::builder()
        .uri(path)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).to_string()
}

dual_test!(
    campaign_has_a_period_and_progress,
    |app: TestApp| async move {
        let mut nos = vec![];
        for (n, id) in [("期甲", "33010219600101041"), ("期乙", "33010219600101042")] {
            let (_, r) = app
                .post(
                    "/api/v1/petitions",
                    None,
                    online_petition(n, id, "要求解决多年未决的回迁安置问题"),
                )
                .await;
            nos.push(r["case_no"].as_str().unwrap().to_string());
        }
        let leader = app.token("shangcheng_ld").await;
        // Start after the end, or not a date: refused, nothing created.
        for (starts_on, field) in [("2026-12-31", "starts_on"), ("2026-13-01", "starts_on")] {
            let (s, v) = app
                .post(
                    "/api/v1/campaigns",
                    Some(&leader),
                    json!({"name": "x", "list_kind": "backlog", "starts_on": starts_on, "deadline": "2026-06-30"}),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert!(v.to_string().contains(field), "{v}");
        }
        let (_, list) = app.get("/api/v1/campaigns", Some(&leader)).await;
        assert!(
            !list["campaigns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == "x"),
            "nothing created"
        );
        // Without a start it starts today (2026-03-02).
        let (s, c) = app
            .post(
                "/api/v1/campaigns",
                Some(&leader),
                json!({"name": "今日起", "list_kind": "stock", "deadline": "2026-06-30"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(c["starts_on"], "2026-03-02");
        // A campaign already under way since New Year.
        let (s, c) = app
            .post(
                "/api/v1/campaigns",
                Some(&leader),
                json!({"name": "信访问题源头治理三年攻坚", "list_kind": "backlog", "starts_on": "2026-01-01", "deadline": "2026-03-31"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(
            (c["starts_on"].as_str(), c["deadline"].as_str()),
            (Some("2026-01-01"), Some("2026-03-31"))
        );
        assert_eq!(c["progress"]["days_total"], 90);
        assert_eq!(c["progress"]["days_elapsed"], 61, "{c}");
        let cid = c["id"].as_i64().unwrap();
        let (_, v) = app
            .post(
                &format!("/api/v1/campaigns/{cid}/items"),
                Some(&leader),
                json!({"case_nos": nos}),
            )
            .await;
        assert_eq!(v["added"], 2, "{v}");
        let (_, list) = app.get("/api/v1/campaigns", Some(&leader)).await;
        let c = list["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == cid)
            .unwrap()
            .clone();
        let item = c["items"][0]["id"].as_i64().unwrap();
        for (to, ev) in [
            ("resolved", "已签订回迁协议并交房"),
            ("struck", "经核实已交房，予以销号"),
        ] {
            let (s, v) = app
                .post(
                    &format!("/api/v1/campaign-items/{item}"),
                    Some(&leader),
                    json!({"status": to, "evidence": ev}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (_, list) = app.get("/api/v1/campaigns", Some(&leader)).await;
        let c = list["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == cid)
            .unwrap()
            .clone();
        let p = &c["progress"];
        assert_eq!(
            (
                p["pending"].as_i64(),
                p["struck"].as_i64(),
                p["overdue"].as_i64()
            ),
            (Some(1), Some(1), Some(0)),
            "{p}"
        );
        // After the end the unresolved item is overdue; the struck one is not.
        app.set_time("2026-04-02 09:00");
        let (_, list) = app.get("/api/v1/campaigns", Some(&leader)).await;
        let c = list["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == cid)
            .unwrap()
            .clone();
        assert_eq!(c["progress"]["overdue"], 1, "{c}");
        assert_eq!(c["progress"]["days_elapsed"], 90);
        // The page shows the period and the progress.
        let html = page(&app, &format!("/work/campaigns/{cid}"), "shangcheng_ld").await;
        assert!(html.contains("期间：2026-01-01 至 2026-03-31"), "{html}");
        assert!(html.contains("<span id=\"overdue\">1</span>"), "{html}");
        assert!(html.contains("<span id=\"elapsed\">90</span>"), "{html}");
        assert_eq!(html.matches("class=\"overdue\">逾期</span>").count(), 1);
        let html = page(&app, "/work/campaigns", "shangcheng_ld").await;
        assert!(html.contains("2026-01-01 至 2026-03-31"), "{html}");
        assert!(
            html.contains("name=\"starts_on\""),
            "the create form asks for the start"
        );
    }
);
