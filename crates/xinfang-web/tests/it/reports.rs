//! 约谈/通报 (第三十九条) and the annual report of 第四十一条 through the API.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(
    accountability_and_annual_report,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let zj = app.token("shangcheng_zhujian").await;
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        let mut s1 = online_petition(
            "建议人",
            "33010219600101041",
            "建议在东湖小区增设公共停车位",
        );
        s1["kind"] = json!("suggestion");
        let (_, r) = app.post("/api/v1/petitions", None, s1).await;
        let sug = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &sug, json!({"action": "transfer", "to": zhujian, "mode": "assign", "report_due": "2026-04-30"})).await;
        app.act_ok(&zj, &sug, json!({"action": "sign"})).await;
        app.act_ok(
            &zj,
            &sug,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        app.act_ok(&zj, &sug, json!({"action": "reply", "outcome": "adopted", "basis": "", "text": "采纳，年内建设。"})).await;
        // The claim names the body complained about (被反映单位); the
        // suggestion handled by the same body names none.
        let mut p = online_petition("求决人", "33010219600101042", "要求维修漏水屋顶");
        p["accused"] = json!({"unit_name": "杭州市上城区住房和城乡建设局"});
        let (_, r) = app.post("/api/v1/petitions", None, p).await;
        let claim = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(
            &bureau,
            &claim,
            json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
        )
        .await;
        app.act_ok(&zj, &claim, json!({"action": "sign"})).await;
        let dc = app.token("shangcheng_dc").await;
        let (s, _) = app.post(&format!("/api/v1/cases/{claim}/supervisions"), Some(&dc), json!({"kind": "supervise", "feedback_due": "2026-03-20", "requirement": "请尽快签收办理"})).await;
        assert_eq!(s, StatusCode::CREATED);

        let leader = app.token("shangcheng_ld").await;
        let (s, _) = app
            .post(
                "/api/v1/accountability",
                Some(&zj),
                json!({"kind": "talk", "unit_id": zhujian, "reason": "久拖不办"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.post("/api/v1/accountability", Some(&leader), json!({"kind": "talk", "unit_id": app.unit("杭州市西湖区住房和城乡建设局"), "reason": "久拖不办"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "outside the area");
        let (s, v) = app.post("/api/v1/accountability", Some(&leader), json!({"kind": "talk", "unit_id": zhujian, "case_no": claim, "reason": "信访事项久拖不办，约谈主要负责人"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, v) = app.get("/api/v1/accountability", Some(&dc)).await;
        assert_eq!(v["records"].as_array().unwrap().len(), 1);

        let gov = app.token("shangcheng_zf").await;
        let (s, rep) = app
            .get("/api/v1/reports/annual?year=2026", Some(&gov))
            .await;
        assert_eq!(s, StatusCode::OK, "{rep}");
        assert_eq!(rep["forwarded"], 1);
        assert_eq!(rep["assigned"], 1);
        assert_eq!(rep["supervised"], 1);
        assert_eq!(rep["suggestions_adopted"], 1);
        assert_eq!(rep["accountability_records"], 1);
        assert_eq!(rep["statistics"]["submissions"], 2);
        // 第四十一条: bodies complained about, not bodies that handled cases.
        assert_eq!(
            rep["most_petitioned_bodies"][0]["unit"], "杭州市上城区住房和城乡建设局",
            "{rep}"
        );
        assert_eq!(rep["most_petitioned_bodies"][0]["cases"], 1, "{rep}");
        assert_eq!(
            rep["most_petitioned_bodies"].as_array().unwrap().len(),
            1,
            "{rep}"
        );
        let (_, other) = app
            .get(
                "/api/v1/reports/annual?year=2026",
                Some(&app.token("xihu_zf").await),
            )
            .await;
        assert_eq!(other["forwarded"], 0);
        // A period outside the years petition work is recorded in is
        // refused with its field named, on every statistics path: stored
        // dates compare as four-digit 'YYYY-MM-DD' text.
        for year in ["11777", "1948", "2200", "0", "-1"] {
            let (s, v) = app
                .get(&format!("/api/v1/reports/annual?year={year}"), Some(&gov))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{year}: {v}");
            assert_eq!(v["errors"][0]["field"], "year", "{year}: {v}");
        }
        for path in [
            "/api/v1/stats/overview?from=1900-01-01&to=2026-01-01",
            "/api/v1/stats/overview?from=2026-01-01&to=2201-01-01",
            "/api/v1/stats/rankings?from=1800-01-01&to=2026-01-01",
        ] {
            let (s, v) = app.get(path, Some(&gov)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
        }
    }
);
