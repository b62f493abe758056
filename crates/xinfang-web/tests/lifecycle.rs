//! The whole statutory life of a case through the HTTP API (issue #2 "done
//! when"): online submission → 转送 → 签收 → 告知 → 办理 → 延期 → 答复 → 送达 →
//! 评价 → 复查 → 复核 (with a hearing pause) → 终结 → a re-submission that is
//! 不再受理 (第三十六条第三款). Runs on SQLite and on PostgreSQL.

mod common;
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
    let (s, view) = app
        .get(
            &format!("/api/v1/petitions/{case_no}?query_code={code}"),
            None,
        )
        .await;
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
    app.act_ok(&county, &case_no, json!({"action": "reply", "outcome": "explain", "basis": "《信访工作条例》第三十五条", "text": "维持原处理意见。"})).await;
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
    app.act_ok(&city, &case_no, json!({"action": "reply", "outcome": "explain", "basis": "《信访工作条例》第三十六条", "text": "复核维持。"})).await;
    app.set_time("2026-07-11 10:00");
    let v = app
        .act_ok(&city, &case_no, json!({"action": "deliver"}))
        .await;
    assert_eq!(v["status"], "final");
    let (_, view) = app
        .get(
            &format!("/api/v1/petitions/{case_no}?query_code={code}"),
            None,
        )
        .await;
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
