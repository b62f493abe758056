//! Inbound work orders (issue #19 item 4): a 12345 platform files a case
//! through the API under its own id — the same id twice (one after the
//! other, or at once) is one case, a refused order frees its id, another
//! platform's account is not told whose case an id is — and hears the
//! case's progress back through its webhook subscription, the work order
//! named in every payload.

use crate::common;
use crate::events_kit::*;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn order(external_id: &str, name: &str, request: &str) -> Value {
    json!({
        "source": "12345",
        "external_id": external_id,
        "channel": "phone",
        "kind": "claim",
        "petitioners": [{"name": name, "phone": "13700001234", "address": "杭州市上城区清波街道"}],
        "request": request,
        "facts": "来电反映小区电梯停运两周无人维修。",
        "region_code": "330102"
    })
}

dual_test!(
    the_same_order_twice_is_one_case_and_progress_goes_back,
    |app: TestApp| async move {
        let rx = Receiver::start().await;
        let admin = app.token("admin").await;
        let (_, secret) = subscribe(
            &app,
            &admin,
            "杭州12345热线",
            &rx.url("hotline"),
            "杭州市信访局",
            None,
        )
        .await;
        // The platform's service account: a registrar of the city 信访局.
        let platform = app.token("hangzhou_xfj").await;
        let (s, first) = app
            .post(
                "/api/v1/work-orders",
                Some(&platform),
                order("HZ12345-0001", "来电人甲", "要求维修小区电梯"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{first}");
        assert_eq!(first["duplicate"], false);
        let case_no = first["case_no"].as_str().unwrap().to_string();
        assert!(first["registration"]["query_code"].is_string());
        // Again, even with other words: the same case, no second one.
        let (s, again) = app
            .post(
                "/api/v1/work-orders",
                Some(&platform),
                order("HZ12345-0001", "来电人甲", "再次要求维修电梯"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(
            (again["duplicate"].clone(), again["case_no"].clone()),
            (json!(true), json!(case_no))
        );
        assert!(
            again.get("registration").is_none(),
            "the query code is given once"
        );
        // At once: one registration, both answers name it.
        let body = order("HZ12345-0002", "来电人乙", "要求清理楼道堆物");
        let (x, y) = tokio::join!(
            app.post("/api/v1/work-orders", Some(&platform), body.clone()),
            app.post("/api/v1/work-orders", Some(&platform), body.clone())
        );
        let mut codes = vec![x.0, y.0];
        codes.sort();
        assert_eq!(
            codes,
            vec![StatusCode::OK, StatusCode::CREATED],
            "{} {}",
            x.1,
            y.1
        );
        assert_eq!(x.1["case_no"], y.1["case_no"]);
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM cases WHERE petitioner_names LIKE '%来电人乙%'")
                .fetch_one(app.app.store.pool())
                .await
                .unwrap();
        assert_eq!(n, 1, "one case for one work order");
        // A refused order frees its id for the corrected one.
        let mut bad = order("HZ12345-0003", "来电人丙", "要求处理噪音扰民");
        bad["petitioners"][0]["phone"] = json!("123");
        let (s, v) = app.post("/api/v1/work-orders", Some(&platform), bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = app
            .post(
                "/api/v1/work-orders",
                Some(&platform),
                order("HZ12345-0003", "来电人丙", "要求处理噪音扰民"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // Another platform's account learns nothing of whose case an id is.
        let other = app.token("ningbo_xfj").await;
        let (s, v) = app
            .post(
                "/api/v1/work-orders",
                Some(&other),
                order("HZ12345-0001", "来电人甲", "要求维修小区电梯"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(!v.to_string().contains(&case_no), "{v}");
        let (s, v) = app
            .post("/api/v1/work-orders", Some(&platform), json!({"source": "12 345", "external_id": "", "channel": "phone", "petitioners": []}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // Progress goes back to the platform, naming its work order.
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        app.act_ok(&platform, &case_no, json!({"action": "transfer", "to": zhujian, "mode": "assign", "report_due": "2026-03-20"}))
            .await;
        let r = app
            .app
            .webhook_pump(&xinfang_app::events::webhook::client())
            .await
            .unwrap();
        assert_eq!(r.failed, 0);
        let mine: Vec<Value> = rx
            .accepted("hotline")
            .into_iter()
            .filter(|p| p["case"]["case_no"] == case_no.as_str())
            .collect();
        assert_eq!(mine.len(), 2, "registered and assigned: {mine:?}");
        for p in &mine {
            assert_eq!(
                p["case"]["work_orders"],
                json!([{"source": "12345", "external_id": "HZ12345-0001"}])
            );
            assert_eq!(p["case"]["channel"], "phone");
        }
        assert_eq!(mine[1]["kind"], "transferred");
        assert_eq!(mine[1]["case"]["status"], "pending_receipt");
        assert_eq!(mine[1]["detail"]["mode"], "assign");
        assert_eq!(mine[1]["detail"]["report_due"], "2026-03-20");
        assert!(rx.got("hotline").iter().all(|g| g.signed_with(&secret)));
        // The link is in the audit chain.
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM events WHERE kind = 'work_order_registered'")
                .fetch_one(app.app.store.pool())
                .await
                .unwrap();
        assert_eq!(n, 3);
    }
);
