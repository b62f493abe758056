//! Campaigns with 动态销号, the 三张清单, and the dispute ledger with 三调联动
//! (issue #6 §3–4) through the API.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(
    campaign_strike_off_and_dispute_ledger,
    |app: TestApp| async move {
        let mut nos = vec![];
        for (n, id) in [
            ("积案甲", "33010219600101031"),
            ("积案乙", "33010219600101032"),
            ("积案丙", "33010219600101033"),
        ] {
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
        let clerk = app.token("shangcheng_xfj").await;
        let (s, _) = app
            .post(
                "/api/v1/campaigns",
                Some(&clerk),
                json!({"name": "x", "list_kind": "backlog", "deadline": "2026-12-31"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "a registrar does not run campaigns"
        );
        let (s, c) = app.post("/api/v1/campaigns", Some(&leader), json!({"name": "信访问题源头治理三年攻坚", "list_kind": "backlog", "deadline": "2026-12-31"})).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let cid = c["id"].as_i64().unwrap();
        // By list, then by query (the query adds the rest, no duplicates).
        let (_, v) = app
            .post(
                &format!("/api/v1/campaigns/{cid}/items"),
                Some(&leader),
                json!({"case_nos": [nos[0]]}),
            )
            .await;
        assert_eq!(v["added"], 1);
        let (_, v) = app
            .post(
                &format!("/api/v1/campaigns/{cid}/items"),
                Some(&leader),
                json!({"query": {"from": "2026-03-01", "to": "2026-03-31"}}),
            )
            .await;
        assert_eq!(v["added"], 2, "{v}");
        let (_, list) = app.get("/api/v1/campaigns", Some(&leader)).await;
        let items = list["campaigns"][0]["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 3);
        let item = items[0]["id"].as_i64().unwrap();
        // 销号 needs 化解 first (dynamic strike-off), evidence, and the owners' sign-off.
        let (s, v) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&leader),
                json!({"status": "struck", "evidence": "已解决"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, _) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&leader),
                json!({"status": "stabilized", "evidence": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "evidence required");
        let (s, _) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&leader),
                json!({"status": "stabilized", "evidence": "已稳控，信访人承诺不再上访"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&leader),
                json!({"status": "struck", "evidence": "稳控即销号？"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "stabilised is not resolved"
        );
        // The holding bureau records 化解; only the owners strike off.
        let (s, _) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&clerk),
                json!({"status": "resolved", "evidence": "已签订回迁协议并交房"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&clerk),
                json!({"status": "struck", "evidence": "核实已交房"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .post(
                &format!("/api/v1/campaign-items/{item}"),
                Some(&leader),
                json!({"status": "struck", "evidence": "经核实已交房，予以销号"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["items"][0]["status"], "struck");
        // The 三张清单 are lists of the same shape.
        let (s, _) = app
            .post(
                "/api/v1/campaigns",
                Some(&leader),
                json!({"name": "防范变量清单", "list_kind": "variable", "deadline": "2026-12-31"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _) = app
            .post(
                "/api/v1/campaigns",
                Some(&leader),
                json!({"name": "x", "list_kind": "other", "deadline": "2026-12-31"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // Dispute ledger: found → mediating (track) → failed → converted into a case.
        let town = app.token("shangcheng_t1").await;
        let (s, d) = app.post("/api/v1/disputes", Some(&town), json!({"region_code": "330102", "parties": "张某与李某", "summary": "宅基地界址纠纷，双方多次发生争执", "risk_level": 2})).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let did = d["id"].as_i64().unwrap();
        let (s, _) = app
            .post(
                &format!("/api/v1/disputes/{did}"),
                Some(&town),
                json!({"status": "mediating", "track": "nonsense"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = app
            .post(
                &format!("/api/v1/disputes/{did}"),
                Some(&town),
                json!({"status": "mediating", "track": "people"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = app
            .post(
                &format!("/api/v1/disputes/{did}"),
                Some(&town),
                json!({"status": "converted"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot convert while mediating"
        );
        app.post(
            &format!("/api/v1/disputes/{did}"),
            Some(&town),
            json!({"status": "failed", "outcome": "双方未达成一致"}),
        )
        .await;
        let (s, v) = app
            .post(
                &format!("/api/v1/disputes/{did}"),
                Some(&town),
                json!({"status": "converted"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let case_no = v["case_no"]
            .as_str()
            .expect("a case was registered")
            .to_string();
        let (s, _) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&town))
            .await;
        assert_eq!(s, StatusCode::OK);
        // The county sees the township's ledger; another district does not.
        let (_, v) = app
            .get("/api/v1/disputes", Some(&app.token("shangcheng_zf").await))
            .await;
        assert_eq!(v["disputes"].as_array().unwrap().len(), 1);
        let (_, v) = app
            .get("/api/v1/disputes", Some(&app.token("xihu_zf").await))
            .await;
        assert_eq!(v["disputes"].as_array().unwrap().len(), 0);
    }
);
