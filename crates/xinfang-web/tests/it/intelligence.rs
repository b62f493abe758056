//! Intake intelligence (issue #4 §3–6) through the API: risk signals become a
//! warning in the area supervisors' inbox with its 核查 → 处置 → 解除 workflow;
//! collective size and sensitive periods raise the level; 涉法涉诉 and the
//! body with power are suggested; the classifier learns from staff choices.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(
    threat_statement_raises_a_warning_with_workflow,
    |app: TestApp| async move {
        let mut p = online_petition("韩磊", "33010219820303123", "要求开发商交房");
        p["facts"] = json!("开发商一直拖延交房，如果月底前再不解决，我就到区政府门口自焚。");
        let (s, r) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let sup = app.token("shangcheng_dc").await;
        let (_, v) = app.get("/api/v1/warnings", Some(&sup)).await;
        let w = v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["case_no"] == case_no.as_str())
            .expect("warning in the inbox at once")
            .clone();
        assert_eq!(w["level"], 3, "{w}");
        assert_eq!(w["status"], "raised");
        assert!(w["signals"].to_string().contains("自焚"), "{w}");
        let id = w["id"].as_i64().unwrap();
        // Out of order, without a note, by a handler, or from another district: refused.
        let (s, _) = app
            .post(
                &format!("/api/v1/warnings/{id}/clear"),
                Some(&sup),
                json!({"note": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = app
            .post(
                &format!("/api/v1/warnings/{id}/verify"),
                Some(&sup),
                json!({"note": " "}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let handler = app.token("shangcheng_zhujian").await;
        let (s, _) = app
            .post(
                &format!("/api/v1/warnings/{id}/verify"),
                Some(&handler),
                json!({"note": "已核实"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = app.token("xihu_dc").await;
        let (s, _) = app
            .post(
                &format!("/api/v1/warnings/{id}/verify"),
                Some(&other),
                json!({"note": "已核实"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        for (action, status) in [
            ("verify", "verifying"),
            ("dispose", "disposed"),
            ("clear", "cleared"),
        ] {
            let (s, v) = app
                .post(
                    &format!("/api/v1/warnings/{id}/{action}"),
                    Some(&sup),
                    json!({"note": format!("{action} 情况说明")}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["status"], status);
        }
        // Each step is in the audit chain.
        let entries = app.app.store.audit_entries("warning", 10).await.unwrap();
        assert_eq!(entries.len(), 4, "raised + 3 steps");
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
    }
);

dual_test!(
    collective_size_and_sensitive_period,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let clerk = app.token("shangcheng_xfj").await;
        let reps: Vec<_> = (0..2)
            .map(|i| json!({"name": format!("代表{i}"), "address": "湖滨街道"}))
            .collect();
        let body = json!({"channel": "visit", "petitioners": reps, "persons": 12, "request": "要求解决小区停车难问题", "region_code": "330102"});
        let (_, v) = app.post("/api/v1/cases", Some(&clerk), body.clone()).await;
        assert_eq!(v["warning"][1], 2, "12 persons: level 2: {v}");
        // During a sensitive period the same visit is level 3.
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/sensitive-periods",
                Some(&clerk),
                Some(json!([])),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .call(
                "PUT",
                "/api/v1/sensitive-periods",
                Some(&admin),
                Some(json!([{"name": "全国两会", "from": "2026-03-01", "to": "2026-03-15"}])),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let mut body2 = body;
        body2["request"] = json!("要求解决老旧小区加装电梯问题");
        body2["petitioners"][0]["name"] = json!("代表甲");
        let (_, v) = app.post("/api/v1/cases", Some(&clerk), body2).await;
        assert_eq!(v["warning"][1], 3, "{v}");
        assert!(v["signals"].to_string().contains("全国两会"), "{v}");
        // A plain letter has no signal and no warning.
        let mut quiet = online_petition("许静", "33010219830404123", "建议增设公交站点");
        quiet["channel"] = json!("letter");
        let (_, v) = app.post("/api/v1/cases", Some(&clerk), quiet).await;
        assert!(v["warning"].is_null(), "{v}");
    }
);

dual_test!(suggestions_and_learning, |app: TestApp| async move {
    let clerk = app.token("shangcheng_xfj").await;
    // 涉法涉诉 and the 纪委 for an accusation.
    let (_, v) = app
        .post(
            "/api/v1/intake/analyze",
            Some(&clerk),
            json!({"text": "不服区人民法院的民事判决，要求再审", "region_code": "330102"}),
        )
        .await;
    assert_eq!(v["suggestions"]["litigation"], true, "{v}");
    assert_eq!(v["suggestions"]["body"][1], "中共杭州市上城区委政法委员会");
    let (_, v) = app
        .post(
            "/api/v1/intake/analyze",
            Some(&clerk),
            json!({"text": "举报街道干部贪污受贿", "region_code": "330102"}),
        )
        .await;
    assert_eq!(v["suggestions"]["kind"][0], "accusation", "{v}");
    assert_eq!(
        v["suggestions"]["body"][1],
        "中共杭州市上城区纪律检查委员会（杭州市上城区监察委员会）"
    );
    // Staff-confirmed registrations teach the category model.
    let wage = [
        "工地老板拖欠我们农民工工资三个月",
        "项目完工后包工头拖欠工资不给",
        "公司拖欠工人工资半年没有发放",
        "建筑工地欠薪，要求支付劳务费",
    ];
    let prop = [
        "物业公司乱收费，电梯坏了没人修",
        "小区物业服务差，垃圾无人清理",
        "物业擅自涨价，业主委员会交涉无果",
        "物业公司占用公共收益",
    ];
    for i in 0..12 {
        for (texts, cat, tag) in [
            (&wage, "劳动和社会保障/劳动报酬/拖欠农民工工资", "甲"),
            (&prop, "城乡建设/物业管理/物业乱象", "乙"),
        ] {
            let body = json!({"channel": "letter", "kind": "claim", "category": cat,
                "petitioners": [{"name": format!("{tag}{i}"), "address": "湖滨街道"}],
                "request": texts[i % 4], "facts": format!("第{i}次反映。"), "region_code": "330102"});
            let (s, v) = app.post("/api/v1/cases", Some(&clerk), body).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
    }
    let (_, v) = app
        .post(
            "/api/v1/intake/analyze",
            Some(&clerk),
            json!({"text": "包工头拖欠我们的工资，要求尽快支付", "region_code": "330102"}),
        )
        .await;
    assert_eq!(
        v["suggestions"]["category"][0], "劳动和社会保障/劳动报酬/拖欠农民工工资",
        "{v}"
    );
    assert_eq!(
        v["suggestions"]["body"][1],
        "杭州市上城区人力资源和社会保障局"
    );
    let (_, v) = app
        .post(
            "/api/v1/intake/analyze",
            Some(&clerk),
            json!({"text": "物业公司收费不合理，电梯长期故障", "region_code": "330102"}),
        )
        .await;
    assert_eq!(
        v["suggestions"]["category"][0], "城乡建设/物业管理/物业乱象",
        "{v}"
    );
});
