//! Every refusal the domain enforces, each through the HTTP API with its
//! article, plus input errors and scope. Runs on SQLite and PostgreSQL.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

async fn register_at_bureau(app: &TestApp, body: Value) -> String {
    let tk = app.token("shangcheng_xfj").await;
    let (s, v) = app.post("/api/v1/cases", Some(&tk), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case_no"].as_str().unwrap().to_string()
}

fn accusation(app: &TestApp) -> Value {
    json!({
        "channel": "letter", "kind": "accusation",
        "petitioners": [{"name": "李敏", "address": "湖滨街道"}],
        "request": "举报湖滨街道某干部侵占集体资金",
        "facts": "2025年土地流转中虚报面积。",
        "region_code": "330102",
        "accused": {"person": "某干部", "unit_id": app.unit("杭州市上城区湖滨街道")}
    })
}

dual_test!(
    accusation_never_reaches_the_accused,
    |app: TestApp| async move {
        let case_no = register_at_bureau(&app, accusation(&app)).await;
        let tk = app.token("shangcheng_xfj").await;
        // 第三十条: not to the accused body.
        let (s, v) = app.post(&format!("/api/v1/cases/{case_no}/actions"), Some(&tk), json!({"action": "transfer", "to": app.unit("杭州市上城区湖滨街道"), "mode": "forward", "report_due": null})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["code"], "accused_body", "{v}");
        // 第二十二条、第三十条: to 纪检监察, not a functional body.
        let (s, v) = app.post(&format!("/api/v1/cases/{case_no}/actions"), Some(&tk), json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["code"], "accusation_needs_discipline", "{v}");
        // The accused body cannot see it, not even its existence.
        let accused = app.token("shangcheng_t1").await;
        let (s, _) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&accused))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = app.get("/api/v1/cases", Some(&accused)).await;
        assert!(!list["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["case_no"] == case_no.as_str()));
        // Nor the county government above the township (第三十条: the accused
        // body's superiors are on its side); the county 信访局 can.
        let gov = app.token("shangcheng_zf").await;
        let (s, _) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&gov))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&tk))
            .await;
        assert_eq!(s, StatusCode::OK);
        // And to the county 纪委监委 it goes.
        app.act_ok(&tk, &case_no, json!({"action": "transfer", "to": app.unit("中共杭州市上城区纪律检查委员会（杭州市上城区监察委员会）"), "mode": "forward", "report_due": null})).await;
    }
);

dual_test!(objection_window_and_interest, |app: TestApp| async move {
    let mut body = online_petition("赵强", "33010219700303123", "要求支付拖欠的农民工工资5万元");
    body["channel"] = json!("letter");
    let case_no = register_at_bureau(&app, body.clone()).await;
    let bureau = app.token("shangcheng_xfj").await;
    let renshe = app.token("shangcheng_renshe").await;
    let renshe_id = app.unit("杭州市上城区人力资源和社会保障局");
    // Forwarded Mon 2026-03-02; 5 working days end Mon 03-09.
    app.act_ok(
        &bureau,
        &case_no,
        json!({"action": "transfer", "to": renshe_id, "mode": "forward", "report_due": null}),
    )
    .await;
    app.set_time("2026-03-10 09:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/cases/{case_no}/actions"),
            Some(&renshe),
            json!({"action": "object", "reason": "不属于本单位职权范围"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "objection_window_closed", "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2026-03-09"),
        "{v}"
    );

    // Within the window the objection is accepted (a second case).
    let mut body2 = body.clone();
    body2["petitioners"][0]["name"] = json!("钱涛");
    body2["petitioners"][0]["id_number"] = json!(id_with_check("33010219710404123"));
    body2["request"] = json!("建议增设公共停车位和充电桩以解决停车难");
    body2["facts"] = json!("老旧小区停车难问题突出。");
    let case2 = register_at_bureau(&app, body2).await;
    app.act_ok(
        &bureau,
        &case2,
        json!({"action": "transfer", "to": renshe_id, "mode": "forward", "report_due": null}),
    )
    .await;
    app.set_time("2026-03-11 09:00");
    app.act_ok(
        &renshe,
        &case2,
        json!({"action": "object", "reason": "停车设施属于住建部门职权"}),
    )
    .await;
    app.act_ok(
        &bureau,
        &case2,
        json!({"action": "decide_objection", "upheld": true}),
    )
    .await;

    // 第二十八条: a handler who declared an interest may not act.
    app.act_ok(&renshe, &case_no, json!({"action": "sign"}))
        .await;
    app.act_ok(&renshe, &case_no, json!({"action": "declare_interest"}))
        .await;
    let (s, v) = app
        .post(
            &format!("/api/v1/cases/{case_no}/actions"),
            Some(&renshe),
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["code"], "recused", "{v}");
    // A colleague may.
    let other = app.token("shangcheng_renshe_ld").await;
    app.act_ok(
        &other,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
});

dual_test!(review_window_closes, |app: TestApp| async move {
    let (s, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition(
                "孙丽",
                "33010219800505123",
                "要求退还网络平台诱导消费的充值款",
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (case_no, code) = (
        r["case_no"].as_str().unwrap().to_string(),
        r["query_code"].as_str().unwrap().to_string(),
    );
    let bureau = app.token("shangcheng_xfj").await;
    let sj = app.token("shangcheng_shijian").await;
    app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区市场监督管理局"), "mode": "assign", "report_due": "2026-04-30"})).await;
    app.act_ok(&sj, &case_no, json!({"action": "sign"})).await;
    app.act_ok(
        &sj,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    app.act_ok(&sj, &case_no, json!({"action": "reply", "outcome": "not_support", "basis": "《消费者权益保护法》", "text": "不予支持。"})).await;
    app.act_ok(&sj, &case_no, json!({"action": "deliver"}))
        .await;
    // Delivered Mon 03-02; 30 days end 04-01 (Wed). On 04-02 the window is closed.
    app.set_time("2026-04-02 09:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/review"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "review_window_closed");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("第三十五条"));
});

dual_test!(
    input_errors_are_specific_and_change_nothing,
    |app: TestApp| async move {
        let before = app.app.store.count("cases").await.unwrap();
        // More than 5 representatives of a visit (第二十条).
        let tk = app.token("shangcheng_xfj").await;
        let reps: Vec<Value> = (0..6)
            .map(|i| json!({"name": format!("代表{i}"), "address": "湖滨街道"}))
            .collect();
        let (s, v) = app.post("/api/v1/cases", Some(&tk), json!({"channel": "visit", "petitioners": reps, "persons": 40, "request": "要求解决回迁安置", "region_code": "330102"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["code"], "too_many_representatives", "{v}");
        // Bad ID checksum names the field.
        let mut p = online_petition("周杰", "33010219900101123", "要求解决噪音扰民");
        let good = p["petitioners"][0]["id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let bad_last = if good.ends_with('0') { '1' } else { '0' };
        p["petitioners"][0]["id_number"] = json!(format!("{}{}", &good[..17], bad_last));
        let (s, v) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "petitioners[0].id_number");
        // Missing request.
        let mut p = online_petition("周杰", "33010219900101123", "");
        p["request"] = json!("   ");
        let (s, v) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["errors"][0]["field"], "request", "{v}");
        // Unknown region.
        let mut p = online_petition("周杰", "33010219900101123", "要求解决噪音扰民");
        p["region_code"] = json!("999999");
        let (s, v) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["errors"][0]["field"], "region_code", "{v}");
        // Oversize text.
        let mut p = online_petition("周杰", "33010219900101123", "要求解决噪音扰民");
        p["request"] = json!("长".repeat(2001));
        let (s, _) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // Malformed JSON.
        let (s, v) = app
            .call(
                "POST",
                "/api/v1/petitions",
                None,
                Some(json!("not an object")),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(
            app.app.store.count("cases").await.unwrap(),
            before,
            "nothing registered by bad input"
        );
    }
);

dual_test!(
    wrong_query_code_is_indistinguishable_from_unknown_case,
    |app: TestApp| async move {
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("吴艳", "33010219850606123", "要求补缴养老保险"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap();
        let (s1, v1) = app.track(case_no, "WRONG123").await;
        let (s2, v2) = app.track("XF2026999999000001", "WRONG123").await;
        assert_eq!(s1, StatusCode::NOT_FOUND);
        assert_eq!((s1, v1), (s2, v2));
        // Throttled after repeated failures on one case (from one client).
        let mut last = StatusCode::OK;
        for _ in 0..12 {
            last = app.track(case_no, "BADBAD99").await.0;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }
);

dual_test!(
    superior_does_not_accept_a_matter_in_time_below,
    |app: TestApp| async move {
        // 第十九条第三款: within the limit at the county, the city bureau registers and refuses.
        let mut body = online_petition("郑平", "33010219750707123", "要求足额发放东湖村征地补偿款");
        body["channel"] = json!("letter");
        let case_no = register_at_bureau(&app, body.clone()).await;
        let county = app.token("shangcheng_xfj").await;
        app.act_ok(&county, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区自然资源和规划局"), "mode": "forward", "report_due": null})).await;
        app.set_time("2026-03-10 09:00");
        let city = app.token("hangzhou_xfj").await;
        body["channel"] = json!("visit");
        let (s, v) = app.post("/api/v1/cases", Some(&city), body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "not_accepted");
        assert!(
            v["not_accepted_reason"]
                .as_str()
                .unwrap()
                .contains("第十九条第三款"),
            "{v}"
        );
        assert_eq!(
            v["skip_level"], true,
            "a visit to the city about a township matter is 越级 (第二十条)"
        );
        // At the same county bureau it is a repeat 件次 of the open case instead.
        let (s, v) = app.post("/api/v1/cases", Some(&county), body).await;
        assert_eq!(s, StatusCode::CREATED);
        assert_eq!(v["repeat_of"], case_no.as_str(), "{v}");
    }
);

dual_test!(scope_hides_other_units, |app: TestApp| async move {
    let (_, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("冯霞", "33010219881212123", "要求处理物业乱收费"),
        )
        .await;
    let case_no = r["case_no"].as_str().unwrap().to_string();
    // Another district and a sibling body cannot see it; the city above can.
    for user in ["xihu_xfj", "haishu_zhujian", "shangcheng_zhujian"] {
        let tk = app.token(user).await;
        let (s, _) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&tk))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{user} must not see it");
    }
    for user in ["shangcheng_xfj", "hangzhou_zf", "zhejiang_zf"] {
        let tk = app.token(user).await;
        let (s, v) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&tk))
            .await;
        assert_eq!(s, StatusCode::OK, "{user} may see it: {v}");
    }
    // The city sees it masked; the holding bureau sees the full ID number.
    let tk = app.token("hangzhou_zf").await;
    let (_, v) = app
        .get(&format!("/api/v1/cases/{case_no}"), Some(&tk))
        .await;
    assert!(
        v["case"]["petitioners"][0]["id_number"]
            .as_str()
            .unwrap()
            .contains('*'),
        "{v}"
    );
    let tk = app.token("shangcheng_xfj").await;
    let (_, v) = app
        .get(&format!("/api/v1/cases/{case_no}"), Some(&tk))
        .await;
    assert!(!v["case"]["petitioners"][0]["id_number"]
        .as_str()
        .unwrap()
        .contains('*'));
    // No token, no access.
    let (s, _) = app.get("/api/v1/cases", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});

dual_test!(audit_chain_detects_tampering, |app: TestApp| async move {
    let (_, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("陈刚", "33010219660808123", "要求尽快交付回迁安置房"),
        )
        .await;
    assert!(r["case_no"].is_string());
    let n = app.app.store.verify_chain().await.unwrap().expect("intact");
    assert!(n >= 1);
    // The registration event (the taxonomy seeding may come first).
    let seq: i64 = sqlx::query("SELECT MIN(seq) FROM events WHERE kind = 'registered'")
        .fetch_one(app.app.store.pool())
        .await
        .map(|r| sqlx::Row::get(&r, 0))
        .unwrap();
    sqlx::query("UPDATE events SET payload = REPLACE(payload, '回迁', '拆迁') WHERE seq = $1")
        .bind(seq)
        .execute(app.app.store.pool())
        .await
        .unwrap();
    let broken = app
        .app
        .store
        .verify_chain()
        .await
        .unwrap()
        .expect_err("tampering detected");
    assert_eq!(broken.seq, seq);
});
