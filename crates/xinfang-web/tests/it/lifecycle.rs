//! The whole statutory life of a case through the HTTP API (issue #2 "done
//! when"): online submission → 转送 → 签收 → 告知 → 办理 → 延期 → 答复 → 送达 →
//! 评价 → 复查 → 复核 (with a hearing pause) → 终结 → a re-submission that is
//! 不再受理 (第三十六条第三款). Runs on SQLite and on PostgreSQL.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(full_lifecycle_to_final, |app: TestApp| async move {
    let petition = online_petition(
        "王建国",
        "33010219650101123",
        "要求开发商按合同约定交付东湖小区商品房",
    );
    let (s, receipt) = app.post("/api/v1/petitions", None, petition.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    let case_no = receipt["case_no"].as_str().unwrap().to_string();
    let code = receipt["query_code"].as_str().unwrap().to_string();
    assert_eq!(receipt["status"], "registered");
    // 第二十二条: the bureau must forward within 15 days: 2026-03-02 + 15 = 03-17.
    assert_eq!(receipt["notice_due"], "2026-03-17");

    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    let head = app.token("shangcheng_zhujian_ld").await;
    let zhujian = app.unit("杭州市上城区住房和城乡建设局");

    app.set_time("2026-03-03 10:00");
    app.act_ok(
        &bureau,
        &case_no,
        json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
    )
    .await;
    app.set_time("2026-03-04 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "sign"}))
        .await;
    app.set_time("2026-03-05 10:00");
    let v = app
        .act_ok(
            &handler,
            &case_no,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
    assert_eq!(v["status"], "handling");

    // 60 days from 03-05 end on 05-04, inside the 劳动节 holiday → 05-06 (民法典第二百零三条).
    let (_, d) = app
        .get(&format!("/api/v1/cases/{case_no}"), Some(&handler))
        .await;
    let handling = d["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "handling")
        .expect("handling clock")
        .clone();
    assert_eq!(handling["due"], "2026-05-06", "{handling}");
    assert!(
        handling["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("顺延")),
        "{handling}"
    );

    app.set_time("2026-04-20 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "request_extension", "days": 30, "reason": "涉及多个部门，需进一步调查核实"})).await;
    // Only the head may approve (第三十四条).
    let (s, _) = app
        .post(
            &format!("/api/v1/cases/{case_no}/actions"),
            Some(&handler),
            json!({"action": "decide_extension", "approved": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.set_time("2026-04-21 10:00");
    app.act_ok(
        &head,
        &case_no,
        json!({"action": "decide_extension", "approved": true}),
    )
    .await;
    let (_, d) = app
        .get(&format!("/api/v1/cases/{case_no}"), Some(&handler))
        .await;
    let handling = d["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "handling")
        .unwrap()
        .clone();
    assert_eq!(handling["due"], "2026-06-03", "60 + 30 days: {handling}");

    app.set_time("2026-05-20 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "support", "basis": "《城市房地产开发经营管理条例》第三十条", "text": "责成开发商于2026年8月底前交房。"})).await;
    app.set_time("2026-05-21 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "deliver"}))
        .await;

    // The petitioner tracks with the query code; the 复查 window ends 06-20 (Sat, 端午) → 06-22.
    let (s, view) = app.track(&case_no, &code).await;
    assert_eq!(s, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "delivered");
    assert_eq!(view["review_window_until"], "2026-06-22", "{view}");
    assert_eq!(view["replies"][0]["outcome"], "予以支持");

    app.set_time("2026-05-25 10:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/evaluation"),
            None,
            json!({"query_code": code, "satisfaction": "dissatisfied", "reason": "交房时间太晚"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.set_time("2026-05-26 10:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/review"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "review");
    assert_eq!(
        v["unit"],
        app.unit("杭州市上城区人民政府"),
        "复查 at the next-higher body (第三十五条)"
    );

    let county = app.token("shangcheng_zf").await;
    app.set_time("2026-06-10 10:00");
    app.act_ok(&county, &case_no, json!({"action": "reply", "outcome": "upheld", "basis": "《信访工作条例》第三十五条", "text": "维持原处理意见。"})).await;
    app.set_time("2026-06-11 10:00");
    app.act_ok(&county, &case_no, json!({"action": "deliver"}))
        .await;

    app.set_time("2026-06-20 10:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/review"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "re_review");
    let city = app.token("hangzhou_zf").await;
    // A hearing: its time is not counted (第三十六条第二款).
    app.set_time("2026-06-25 10:00");
    app.act_ok(
        &city,
        &case_no,
        json!({"action": "start_pause", "reason": "举行听证"}),
    )
    .await;
    app.set_time("2026-07-01 10:00");
    app.act_ok(&city, &case_no, json!({"action": "end_pause"}))
        .await;
    let (_, d) = app
        .get(&format!("/api/v1/cases/{case_no}"), Some(&city))
        .await;
    let rr = d["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "re_review_answer")
        .expect("re-review clock")
        .clone();
    assert!(
        rr["due"].as_str().unwrap() > "2026-07-20",
        "hearing days extend the limit: {rr}"
    );
    app.set_time("2026-07-10 10:00");
    app.act_ok(&city, &case_no, json!({"action": "reply", "outcome": "upheld", "basis": "《信访工作条例》第三十六条", "text": "复核维持。"})).await;
    app.set_time("2026-07-11 10:00");
    let v = app
        .act_ok(&city, &case_no, json!({"action": "deliver"}))
        .await;
    assert_eq!(v["status"], "final");
    let (_, view) = app.track(&case_no, &code).await;
    assert_eq!(view["is_final"], true);

    // The same facts and reasons again: registered, linked, 不再受理.
    app.set_time("2026-07-20 10:00");
    let (s, again) = app.post("/api/v1/petitions", None, petition).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert_eq!(again["status"], "not_accepted");
    assert!(
        again["not_accepted_reason"]
            .as_str()
            .unwrap()
            .contains("第三十六条"),
        "{again}"
    );
    assert!(again["not_accepted_reason"]
        .as_str()
        .unwrap()
        .contains(&case_no));

    // Every step is in the chained log and the chain verifies.
    let verified = app
        .app
        .store
        .verify_chain()
        .await
        .unwrap()
        .expect("intact chain");
    assert!(verified >= 20, "{verified}");
});

// 第二十三条第三款 and 第二十四条: an objection the sender rejects stays with the
// receiver; a dispute is decided by the common superior, and nobody else.
dual_test!(
    objection_rejected_and_jurisdiction_decided,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let zhujian = app.token("shangcheng_zhujian").await;
        let mut body = online_petition("林杰", "33010219720101123", "要求查处小区违章建筑");
        body["channel"] = json!("letter");
        let (s, v) = app.post("/api/v1/cases", Some(&bureau), body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let case_no = v["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        app.act_ok(
            &zhujian,
            &case_no,
            json!({"action": "object", "reason": "违章建筑查处属于城管执法部门职权"}),
        )
        .await;
        // Only the sender (or the common superior) decides; the objecting body cannot.
        let (s, _) = app
            .post(
                &format!("/api/v1/cases/{case_no}/actions"),
                Some(&zhujian),
                json!({"action": "decide_objection", "upheld": false}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        app.act_ok(
            &bureau,
            &case_no,
            json!({"action": "decide_objection", "upheld": false}),
        )
        .await;
        let (_, d) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&zhujian))
            .await;
        assert_eq!(
            d["case"]["status"], "received",
            "the receiver keeps it: {}",
            d["case"]["status"]
        );
        assert!(
            d["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "notify"),
            "{}",
            d["actions"]
        );

        // A second case: the dispute goes to the common superior (上城区人民政府).
        body["petitioners"][0]["name"] = json!("黄秀兰");
        body["petitioners"][0]["id_number"] = json!(id_with_check("33010219730202123"));
        body["request"] = json!("要求处理菜市场食品安全问题");
        body["facts"] = json!("菜市场出售过期食品。");
        let (_, v) = app.post("/api/v1/cases", Some(&bureau), body).await;
        let case2 = v["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &case2, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        app.act_ok(
            &zhujian,
            &case2,
            json!({"action": "object", "reason": "食品安全属于市场监管部门职权"}),
        )
        .await;
        let other_gov = app.token("xihu_zf").await;
        let (s, _) = app.post(&format!("/api/v1/cases/{case2}/actions"), Some(&other_gov), json!({"action": "decide_jurisdiction", "unit": app.unit("杭州市上城区市场监督管理局")})).await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "another district cannot even see it"
        );
        let gov = app.token("shangcheng_zf").await;
        app.act_ok(&gov, &case2, json!({"action": "decide_jurisdiction", "unit": app.unit("杭州市上城区市场监督管理局")})).await;
        let shijian = app.token("shangcheng_shijian").await;
        let v = app
            .act_ok(
                &shijian,
                &case2,
                json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
            )
            .await;
        assert_eq!(v["status"], "handling");
        assert_eq!(v["current_unit"], app.unit("杭州市上城区市场监督管理局"));
    }
);

dual_test!(
    the_chain_verifies_while_events_are_appended,
    |app: TestApp| async move {
        // `xinfang audit verify` runs beside a serving store: what is
        // appended during the walk belongs to a later head, not a break.
        let store = app.app.store.clone();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (store, stop) = (store.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    store
                        .audit("audit", "login", "tester", &serde_json::json!({ "n": n }))
                        .await
                        .unwrap();
                    n += 1;
                    tokio::task::yield_now().await;
                }
                n
            })
        };
        for _ in 0..30 {
            let r = store.verify_chain().await.unwrap();
            assert!(r.is_ok(), "{r:?}");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(writer.await.unwrap() > 0, "events were appended meanwhile");
        assert!(store.verify_chain().await.unwrap().is_ok());
    }
);
