//! The stats overview contract (issue #6 §7) on a small, hand-counted data
//! set: every key present, rates in [0,1] or null, values as defined in
//! DESIGN.md §5, scope enforced. Runs on SQLite and PostgreSQL.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(overview_counts_by_definition, |app: TestApp| async move {
    let bureau = app.token("shangcheng_xfj").await;
    let zhujian = app.token("shangcheng_zhujian").await;
    let mut nos = vec![];
    for (name, id, req) in [
        ("甲", "33010219600101001", "要求交付东湖小区商品房"),
        ("乙", "33010219600101002", "要求支付拖欠工资"),
        ("丙", "33010219600101003", "要求处理噪音扰民"),
    ] {
        let (s, r) = app
            .post("/api/v1/petitions", None, online_petition(name, id, req))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        nos.push(r["case_no"].as_str().unwrap().to_string());
    }
    // A collective visit of 8 at the city bureau: a 越级 batch.
    let city = app.token("hangzhou_xfj").await;
    let reps: Vec<_> = (0..3)
        .map(|i| json!({"name": format!("代表{i}"), "address": "湖滨街道"}))
        .collect();
    let (s, v) = app.post("/api/v1/cases", Some(&city), json!({"channel": "visit", "petitioners": reps, "persons": 8, "request": "要求解决回迁安置房逾期交付问题", "region_code": "330102"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["collective"], true);
    // A: forwarded in time, answered, delivered, evaluated.
    let a = &nos[0];
    app.set_time("2026-03-03 10:00");
    app.act_ok(&bureau, a, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
    app.act_ok(&zhujian, a, json!({"action": "sign"})).await;
    app.set_time("2026-03-04 10:00");
    app.act_ok(
        &zhujian,
        a,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    app.set_time("2026-03-10 10:00");
    app.act_ok(
        &zhujian,
        a,
        json!({"action": "reply", "outcome": "support", "basis": "合同约定", "text": "限期交房。"}),
    )
    .await;
    app.set_time("2026-03-11 10:00");
    app.act_ok(&zhujian, a, json!({"action": "deliver"})).await;
    let (_, r) = app.get(&format!("/api/v1/cases/{a}"), Some(&zhujian)).await;
    assert_eq!(r["case"]["status"], "delivered");
    app.set_time("2026-03-12 10:00");
    let tk = app.token("shangcheng_zhujian").await;
    app.act_ok(
        &tk,
        a,
        json!({"action": "evaluate", "satisfaction": "satisfied", "reason": ""}),
    )
    .await;
    // A comes back by letter after delivery: a repeat, so not resolved first time.
    app.set_time("2026-03-15 10:00");
    let mut again = online_petition("甲", "33010219600101001", "要求交付东湖小区商品房");
    again["channel"] = json!("letter");
    let (_, v) = app.post("/api/v1/cases", Some(&bureau), again).await;
    assert_eq!(v["repeat_of"], a.as_str(), "{v}");
    // B: forwarded late (due 03-17).
    app.set_time("2026-03-20 10:00");
    app.act_ok(&bureau, &nos[1], json!({"action": "transfer", "to": app.unit("杭州市上城区人力资源和社会保障局"), "mode": "forward", "report_due": null})).await;

    app.set_time("2026-03-31 18:00");
    let gov = app.token("hangzhou_zf").await;
    let (s, o) = app
        .get(
            "/api/v1/stats/overview?from=2026-03-01&to=2026-03-31",
            Some(&gov),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    for key in [
        "submissions",
        "cases",
        "batches",
        "persons",
        "timely_acceptance_rate",
        "on_time_completion_rate",
        "participation_rate",
        "satisfaction_rate",
        "first_time_resolution_rate",
        "repeat_rate",
        "skip_level_rate",
        "online_share",
        "collective_batches",
        "level_distribution",
    ] {
        assert!(o.get(key).is_some(), "missing {key}: {o}");
    }
    assert_eq!(o["submissions"], 5);
    assert_eq!(o["cases"], 4);
    assert_eq!(
        (
            o["batches"].as_i64(),
            o["persons"].as_i64(),
            o["collective_batches"].as_i64()
        ),
        (Some(1), Some(8), Some(1))
    );
    assert_eq!(o["online_share"], 0.6);
    assert_eq!(o["repeat_rate"], 0.2);
    assert_eq!(o["skip_level_rate"], 1.0);
    assert_eq!(
        o["timely_acceptance_rate"], 0.25,
        "only A was forwarded within 15 days"
    );
    assert!(
        o["on_time_completion_rate"].is_null(),
        "no handling limit fell due in March"
    );
    assert_eq!(o["participation_rate"], 1.0);
    assert_eq!(o["satisfaction_rate"], 1.0);
    assert_eq!(
        o["first_time_resolution_rate"], 0.0,
        "A came back after delivery"
    );
    assert_eq!(
        o["level_distribution"],
        json!({"national": 0, "provincial": 0, "municipal": 1, "county": 4, "township": 0})
    );

    // Scope: another district sees nothing; a unit outside one's own is refused.
    let xihu = app.token("xihu_zf").await;
    let (_, o) = app
        .get(
            "/api/v1/stats/overview?from=2026-03-01&to=2026-03-31",
            Some(&xihu),
        )
        .await;
    assert_eq!(o["submissions"], 0);
    assert!(o["satisfaction_rate"].is_null());
    let other = app.unit("杭州市上城区人民政府");
    let (s, _) = app
        .get(
            &format!("/api/v1/stats/overview?from=2026-03-01&to=2026-03-31&unit={other}"),
            Some(&xihu),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, o) = app
        .get(
            &format!("/api/v1/stats/overview?from=2026-03-01&to=2026-03-31&unit={other}"),
            Some(&gov),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        o["submissions"], 4,
        "the district's own: the city's visit is registered above it"
    );
    let (s, _) = app
        .get(
            "/api/v1/stats/overview?from=2026-03-31&to=2026-03-01",
            Some(&gov),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .get("/api/v1/stats/overview?from=2026-03-01&to=2026-03-31", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});

dual_test!(unit_rankings_with_weights, |app: TestApp| async move {
    let bureau = app.token("shangcheng_xfj").await;
    for (name, id, body, user, sat) in [
        (
            "排名甲",
            "33010219600101051",
            "杭州市上城区住房和城乡建设局",
            "shangcheng_zhujian",
            "satisfied",
        ),
        (
            "排名乙",
            "33010219600101052",
            "杭州市上城区人力资源和社会保障局",
            "shangcheng_renshe",
            "dissatisfied",
        ),
    ] {
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(name, id, &format!("要求{name}事项尽快办理")),
            )
            .await;
        let no = r["case_no"].as_str().unwrap().to_string();
        let h = app.token(user).await;
        app.act_ok(&bureau, &no, json!({"action": "transfer", "to": app.unit(body), "mode": "forward", "report_due": null})).await;
        for a in [
            json!({"action": "sign"}),
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
            json!({"action": "reply", "outcome": "explain", "basis": "有关规定", "text": "答复。"}),
            json!({"action": "deliver"}),
        ] {
            app.act_ok(&h, &no, a).await;
        }
        app.act_ok(
            &h,
            &no,
            json!({"action": "evaluate", "satisfaction": sat, "reason": "回访记录"}),
        )
        .await;
    }
    let gov = app.token("shangcheng_zf").await;
    let (s, v) = app
        .get(
            "/api/v1/stats/rankings?from=2026-03-01&to=2026-03-31",
            Some(&gov),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let units = v["units"].as_array().unwrap();
    assert_eq!(units[0]["unit"], "杭州市上城区住房和城乡建设局", "{v}");
    assert_eq!(units[0]["satisfaction_rate"], 1.0);
    assert_eq!(units[1]["satisfaction_rate"], 0.0);
    assert!(units[0]["score"].as_f64().unwrap() > units[1]["score"].as_f64().unwrap());
    // Weights are an administrator's setting.
    let w = json!({"timely_acceptance": 0.0, "on_time_completion": 1.0, "satisfaction": 0.0, "first_time_resolution": 0.0});
    let (s, _) = app
        .call(
            "PUT",
            "/api/v1/stats/ranking-weights",
            Some(&gov),
            Some(w.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(
            "PUT",
            "/api/v1/stats/ranking-weights",
            Some(&app.token("admin").await),
            Some(w),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app
        .get(
            "/api/v1/stats/rankings?from=2026-03-01&to=2026-03-31",
            Some(&gov),
        )
        .await;
    assert_eq!(v["weights"]["on_time_completion"], 1.0);
    assert_eq!(
        v["units"][0]["score"], v["units"][1]["score"],
        "both on time: equal under the new weights"
    );
});
