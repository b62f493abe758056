//! Rules of the 《信访工作条例》 that the trial against the law found broken,
//! each enumerated over the cases it covers rather than one example.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

const ZHUJIAN: &str = "杭州市上城区住房和城乡建设局";

/// Register `kind` online, forward it to the 住建局, accept, reply with
/// `outcome`, deliver; returns the case number.
async fn delivered(app: &TestApp, n: usize, kind: &str, outcome: &str) -> String {
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    let mut body = online_petition(
        &format!("黄某{n}"),
        &format!("3301021975090912{n}"),
        [
            "要求对小区加装电梯给予补贴",
            "建议在东湖路增设公交站点",
            "要求退还多收的物业费",
            "建议延长社区图书馆开放时间",
        ][n % 4],
    );
    body["kind"] = json!(kind);
    let (s, r) = app.post("/api/v1/petitions", None, body).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let case_no = r["case_no"].as_str().unwrap().to_string();
    app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit(ZHUJIAN), "mode": "forward", "report_due": null})).await;
    app.act_ok(&handler, &case_no, json!({"action": "sign"}))
        .await;
    app.act_ok(
        &handler,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": outcome, "basis": "《杭州市既有住宅加装电梯实施办法》第八条", "text": "经研究，按有关规定办理。"})).await;
    app.act_ok(&handler, &case_no, json!({"action": "deliver"}))
        .await;
    case_no
}

dual_test!(
    review_only_for_claims_article_35,
    |app: TestApp| async move {
        // 第三十五条: 复查 is asked of a 信访处理意见 on a 申诉求决类 matter. The
        // reply to a suggestion (采纳 …) opens no window and takes no request.
        let gov = app.token("shangcheng_zf").await;
        for (n, (kind, outcome, reviewable)) in [
            ("claim", "support", true),
            ("claim", "not_support", true),
            ("suggestion", "adopted", false),
            ("suggestion", "not_adopted", false),
        ]
        .into_iter()
        .enumerate()
        {
            let case_no = delivered(&app, n, kind, outcome).await;
            let (_, view) = app
                .get(&format!("/api/v1/cases/{case_no}"), Some(&gov))
                .await;
            let window = view.to_string().contains("review_request");
            assert_eq!(
                window, reviewable,
                "{kind}/{outcome}: 复查 window shown: {view}"
            );
            let (s, v) = app
                .post(
                    &format!("/api/v1/cases/{case_no}/actions"),
                    Some(&gov),
                    json!({"action": "request_review"}),
                )
                .await;
            assert_eq!(
                s == StatusCode::OK,
                reviewable,
                "第三十五条 {kind}/{outcome}: {s} {v}"
            );
            if !reviewable {
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
                assert!(v.to_string().contains("第三十五条"), "{v}");
            }
        }
    }
);

dual_test!(
    only_the_issuing_bureau_closes_a_supervision_article_40,
    |app: TestApp| async move {
        // 第四十条: the 信访部门 that issued a 督办 closes it (or a 信访部门
        // above it) — not the supervised body, not another body of the area,
        // not the government's leader.
        let case_no = {
            let bureau = app.token("shangcheng_xfj").await;
            let handler = app.token("shangcheng_zhujian").await;
            let (_, r) = app
                .post(
                    "/api/v1/petitions",
                    None,
                    online_petition("督办甲", "33010219800808123", "要求处理小区违建"),
                )
                .await;
            let no = r["case_no"].as_str().unwrap().to_string();
            app.act_ok(&bureau, &no, json!({"action": "transfer", "to": app.unit(ZHUJIAN), "mode": "forward", "report_due": null})).await;
            app.act_ok(&handler, &no, json!({"action": "sign"})).await;
            no
        };
        let dc = app.token("shangcheng_dc").await;
        let handler = app.token("shangcheng_zhujian").await;
        for (closer, may) in [
            ("shangcheng_zhujian_ld", false), // the supervised body's head
            ("shangcheng_renshe_ld", false),  // another district body's head
            ("shangcheng_ld", false),         // the district government's leader
            ("xihu_dc", false),               // another district's bureau
            ("hangzhou_dc", true),            // the bureau above the issuer
            ("shangcheng_dc", true),          // the issuing bureau
        ] {
            let (s, v) = app
                .post(
                    &format!("/api/v1/cases/{case_no}/supervisions"),
                    Some(&dc),
                    json!({"kind": "supervise", "feedback_due": "2026-03-20", "requirement": "请于3月20日前反馈"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            let id = v["id"].as_i64().unwrap();
            let (s, v) = app
                .post(
                    &format!("/api/v1/supervisions/{id}/feedback"),
                    Some(&handler),
                    json!({"feedback": "已现场核查，限期拆除"}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let tk = app.token(closer).await;
            let (s, v) = app
                .post(
                    &format!("/api/v1/supervisions/{id}/close"),
                    Some(&tk),
                    json!({}),
                )
                .await;
            assert_eq!(
                s == StatusCode::OK,
                may,
                "第四十条: {closer} closes: {s} {v}"
            );
            if !may {
                // Still open for the issuer to close.
                let (s, v) = app
                    .post(
                        &format!("/api/v1/supervisions/{id}/close"),
                        Some(&dc),
                        json!({}),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
            }
        }
    }
);

/// Take an online claim through 办理 → 复查 → 复核 to 终结; returns its number.
async fn to_final(app: &TestApp, petition: serde_json::Value) -> String {
    let (s, r) = app.post("/api/v1/petitions", None, petition).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let case_no = r["case_no"].as_str().unwrap().to_string();
    let code = r["query_code"].as_str().unwrap().to_string();
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit(ZHUJIAN), "mode": "forward", "report_due": null})).await;
    app.act_ok(&handler, &case_no, json!({"action": "sign"}))
        .await;
    app.act_ok(
        &handler,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "not_support", "basis": "《商品房销售管理办法》第三十条", "text": "经核查，请求缺乏依据。"})).await;
    app.act_ok(&handler, &case_no, json!({"action": "deliver"}))
        .await;
    for (stage, user) in [("review", "shangcheng_zf"), ("re_review", "hangzhou_zf")] {
        let (s, v) = app
            .post(
                &format!("/api/v1/petitions/{case_no}/review"),
                None,
                json!({"query_code": code}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["stage"], stage);
        let t = app.token(user).await;
        app.act_ok(&t, &case_no, json!({"action": "reply", "outcome": "upheld", "basis": "《信访工作条例》第三十五条、第三十六条", "text": "维持原处理意见。"})).await;
        let v = app.act_ok(&t, &case_no, json!({"action": "deliver"})).await;
        if stage == "re_review" {
            assert_eq!(v["status"], "final", "{v}");
        }
    }
    case_no
}

dual_test!(
    no_longer_accepted_recognises_person_and_facts_article_36,
    |app: TestApp| async move {
        // 第三十六条第三款: after 复核, "同一事实和理由" is not accepted again —
        // whether or not the petitioner gives the ID number, and however the
        // request is worded. The registrar sees why, and may register it as
        // a new matter with a recorded reason.
        let original = online_petition(
            "钱国栋",
            "33010219680303123",
            "要求开发商按合同约定交付东湖小区商品房",
        );
        let final_no = to_final(&app, original.clone()).await;
        let person = original["petitioners"][0].clone();
        let variants = [
            // (what the petitioner gives, request wording, identity basis expected)
            (
                json!({"name": person["name"], "id_number": person["id_number"]}),
                "请求责令开发商立即交房并赔偿损失",
                "公民身份号码相同",
            ),
            (
                json!({"name": person["name"], "phone": person["phone"]}),
                "要求开发商按合同约定交付东湖小区商品房",
                "姓名和联系电话相同",
            ),
            (
                json!({"name": person["name"], "address": person["address"]}),
                "再次要求解决东湖小区交房问题",
                "姓名和住址相同",
            ),
        ];
        for (who, request, identity) in variants {
            let mut again = original.clone();
            again["petitioners"] = json!([who]);
            again["request"] = json!(request);
            let (s, r) = app.post("/api/v1/petitions", None, again).await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            assert_eq!(r["status"], "not_accepted", "{identity}: {r}");
            assert_eq!(r["related_case"], final_no.as_str(), "{r}");
            assert!(
                r["not_accepted_reason"]
                    .as_str()
                    .unwrap()
                    .contains("第三十六条"),
                "{r}"
            );
        }
        // The registrar sees which identity and which text matched.
        let registrar = app.token("shangcheng_xfj").await;
        let mut at_window = original.clone();
        at_window["channel"] = json!("visit");
        at_window["petitioners"] =
            json!([{"name": person["name"], "phone": person["phone"], "address": ""}]);
        at_window["request"] = json!("请求责令开发商立即交房并赔偿损失");
        let (s, r) = app
            .post("/api/v1/cases", Some(&registrar), at_window.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["status"], "not_accepted", "{r}");
        let why = r["link_basis"].as_str().expect("link basis");
        assert!(
            why.contains("姓名和联系电话相同") && why.contains("事实和理由"),
            "{why}"
        );
        // A registrar who finds it a different matter registers it as one, with the reason kept.
        at_window["new_matter_reason"] =
            json!("经当面核实，信访人本次反映的是车位产权问题，与原事项不同");
        let (s, r) = app
            .post("/api/v1/cases", Some(&registrar), at_window.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["status"], "registered", "{r}");
        assert_eq!(r["related_case"], final_no.as_str(), "{r}");
        let (_, view) = app
            .get(
                &format!("/api/v1/cases/{}", r["case_no"].as_str().unwrap()),
                Some(&registrar),
            )
            .await;
        assert!(view.to_string().contains("车位产权问题"), "{view}");
        // A reason too short to say anything is refused, nothing registered.
        at_window["new_matter_reason"] = json!("不同");
        let (s, r) = app.post("/api/v1/cases", Some(&registrar), at_window).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert_eq!(r["errors"][0]["field"], "new_matter_reason", "{r}");
        // Another matter of the same person is a new case, not refused.
        let mut other = original.clone();
        other["request"] = json!("反映小区垃圾清运不及时");
        other["facts"] = json!("小区垃圾桶已连续一周无人清运，气味难闻。");
        other["reasons"] = json!("影响居民生活。");
        let (_, r) = app.post("/api/v1/petitions", None, other).await;
        assert_eq!(r["status"], "registered", "{r}");
    }
);

dual_test!(
    accepting_over_litigation_flag_needs_reason_article_31,
    |app: TestApp| async move {
        // 第三十一条第一项: a matter in the courts goes to its legal procedure;
        // accepting it into 信访 handling over the intake's flag needs a reason.
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let mut body = online_petition("孙立平", "33010219720202123", "要求开发商退还购房款");
        body["facts"] = json!("本人已向法院起诉开发商，案件正在审理，开发商拒不退款。");
        let (_, r) = app.post("/api/v1/petitions", None, body).await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit(ZHUJIAN), "mode": "forward", "report_due": null})).await;
        app.act_ok(&handler, &case_no, json!({"action": "sign"}))
            .await;
        for reason in [None, Some(""), Some("  ")] {
            let mut route = json!({"route": "accept", "investigate": true});
            if let Some(r) = reason {
                route["litigation_reason"] = json!(r);
            }
            let (s, v) = app
                .post(
                    &format!("/api/v1/cases/{case_no}/actions"),
                    Some(&handler),
                    json!({"action": "notify", "route": route}),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(v["errors"][0]["field"], "litigation_reason", "{v}");
            assert!(v.to_string().contains("第三十一条"), "{v}");
        }
        let v = app
            .act_ok(
                &handler,
                &case_no,
                json!({"action": "notify", "route": {"route": "accept", "investigate": true, "litigation_reason": "诉讼请求为合同纠纷，信访人另反映开发商违规预售，属本机关监管职责"}}),
            )
            .await;
        assert_eq!(v["status"], "handling", "{v}");
        let (_, view) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&handler))
            .await;
        assert!(
            view.to_string().contains("违规预售"),
            "the reason is in the record: {view}"
        );
    }
);

dual_test!(
    handling_clock_follows_the_kind_article_34,
    |app: TestApp| async move {
        // 第三十四条's 60 days bind 第三十一条第六项 matters; suggestions
        // (第二十九条) and accusations (第三十条) follow a local rule, shown
        // with its source, that the administrator sets.
        let bureau = app.token("shangcheng_xfj").await;
        let admin = app.token("admin").await;
        let cases: Vec<(&str, String)> = vec![
            (
                "claim",
                delivered_to_handling(&app, 1, "claim", ZHUJIAN, "shangcheng_zhujian").await,
            ),
            (
                "suggestion",
                delivered_to_handling(&app, 2, "suggestion", ZHUJIAN, "shangcheng_zhujian").await,
            ),
            (
                "accusation",
                delivered_to_handling(
                    &app,
                    3,
                    "accusation",
                    "中共杭州市上城区纪律检查委员会（杭州市上城区监察委员会）",
                    "shangcheng_jiwei",
                )
                .await,
            ),
        ];
        for (kind, case_no) in &cases {
            let (_, view) = app
                .get(&format!("/api/v1/cases/{case_no}"), Some(&bureau))
                .await;
            let all: Vec<_> = view["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| {
                    ["handling", "suggestion_reply", "accusation_reply"]
                        .contains(&c["kind"].as_str().unwrap())
                })
                .cloned()
                .collect();
            assert_eq!(all.len(), 1, "{kind}: one answer clock: {view}");
            let c = &all[0];
            match *kind {
                "claim" => {
                    assert_eq!(c["kind"], "handling");
                    assert_eq!(c["article"], "第三十四条");
                }
                other => {
                    assert_eq!(c["kind"], format!("{other}_reply"));
                    assert!(
                        c["article"].as_str().unwrap().starts_with("本地规定"),
                        "{c}"
                    );
                }
            }
        }
        // The 受理告知书 of a suggestion does not promise 第三十四条's 60 days as the law's.
        let (_, docs) = app
            .get(
                &format!("/api/v1/cases/{}/documents", cases[1].1),
                Some(&bureau),
            )
            .await;
        let text = docs.to_string();
        assert!(text.contains("第二十九条"), "{text}");
        // A local rule needs its source; with it, every open suggestion re-flows.
        let rule = json!({"kind": "suggestion_reply", "spec": {"amount": 20, "counting": "calendar_days", "rollover": true}, "article": "", "approaching_days": 3, "max_extension_days": 10});
        let (s, v) = app
            .call(
                "PUT",
                "/api/v1/clock-rules",
                Some(&admin),
                Some(rule.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let mut sourced = rule;
        sourced["article"] = json!("《杭州市人民建议征集办法》第十二条");
        let (s, v) = app
            .call("PUT", "/api/v1/clock-rules", Some(&admin), Some(sourced))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, view) = app
            .get(&format!("/api/v1/cases/{}", cases[1].1), Some(&bureau))
            .await;
        let c = view["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "suggestion_reply")
            .unwrap()
            .clone();
        assert_eq!(c["article"], "《杭州市人民建议征集办法》第十二条");
        let start: chrono::NaiveDate = c["start"].as_str().unwrap().parse().unwrap();
        let due: chrono::NaiveDate = c["due"].as_str().unwrap().parse().unwrap();
        assert!(
            (due - start).num_days() >= 20 && (due - start).num_days() <= 24,
            "{c}"
        );
        // The claim keeps the statute's 60 days.
        let (_, view) = app
            .get(&format!("/api/v1/cases/{}", cases[0].1), Some(&bureau))
            .await;
        let c = view["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "handling")
            .unwrap()
            .clone();
        let start: chrono::NaiveDate = c["start"].as_str().unwrap().parse().unwrap();
        let due: chrono::NaiveDate = c["due"].as_str().unwrap().parse().unwrap();
        assert!((due - start).num_days() >= 60, "{c}");
    }
);

/// Register `kind` online, forward it to `unit`, sign and accept there.
async fn delivered_to_handling(
    app: &TestApp,
    n: usize,
    kind: &str,
    unit: &str,
    user: &str,
) -> String {
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token(user).await;
    let mut body = online_petition(
        &format!("周某{n}"),
        &format!("3301021981010112{n}"),
        [
            "",
            "要求对小区加装电梯给予补贴",
            "建议在东湖路增设公交站点",
            "举报某小区物业公司经理侵占公共维修资金",
        ][n],
    );
    body["kind"] = json!(kind);
    if kind == "accusation" {
        body["accused"] = json!({"unit_name": "杭州市上城区住房和城乡建设局", "person": "某经理"});
    }
    let (s, r) = app.post("/api/v1/petitions", None, body).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let case_no = r["case_no"].as_str().unwrap().to_string();
    app.act_ok(
        &bureau,
        &case_no,
        json!({"action": "transfer", "to": app.unit(unit), "mode": "forward", "report_due": null}),
    )
    .await;
    app.act_ok(&handler, &case_no, json!({"action": "sign"}))
        .await;
    app.act_ok(
        &handler,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    case_no
}

dual_test!(
    unresolved_accused_is_named_by_the_bureau_article_30,
    |app: TestApp| async move {
        // 第三十条: an accusation whose accused the intake could not match is
        // seen only by the 信访部门 and 纪检监察 of the area until one of them
        // names the body; then the named body's side never sees it.
        let bureau = app.token("shangcheng_xfj").await;
        let zhujian = app.token("shangcheng_zhujian").await;
        let zhujian_ld = app.token("shangcheng_zhujian_ld").await;
        let mut body = online_petition("吴某", "33010219790909123", "举报某局一名科长收受红包");
        body["kind"] = json!("accusation");
        body["accused"] = json!({"person": "城建科某科长"});
        let (s, r) = app.post("/api/v1/petitions", None, body).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let path = format!("/api/v1/cases/{case_no}");
        assert_eq!(app.get(&path, Some(&bureau)).await.0, StatusCode::OK);
        for t in [&zhujian, &zhujian_ld] {
            assert_eq!(
                app.get(&path, Some(t)).await.0,
                StatusCode::NOT_FOUND,
                "unresolved: only 信访部门/纪检监察"
            );
        }
        let act = |token: String, unit: i64| {
            let app = &app;
            let case_no = case_no.clone();
            async move {
                app.post(
                    &format!("/api/v1/cases/{case_no}/actions"),
                    Some(&token),
                    json!({"action": "resolve_accused", "unit": unit}),
                )
                .await
            }
        };
        // The body that would be accused cannot name anything (it cannot see the case).
        let (s, _) = act(zhujian.clone(), app.unit(ZHUJIAN)).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The bureau cannot name its own side (its government): it would hold an accusation against itself.
        let (s, v) = act(bureau.clone(), app.unit("杭州市上城区人民政府")).await;
        assert_ne!(s, StatusCode::OK, "{v}");
        // It names the 住建局: recorded in the chained log; the 住建局 still sees nothing.
        let (s, v) = act(bureau.clone(), app.unit(ZHUJIAN)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, view) = app.get(&path, Some(&bureau)).await;
        assert!(view.to_string().contains("确定被检举控告单位"), "{view}");
        for t in [&zhujian, &zhujian_ld] {
            assert_eq!(app.get(&path, Some(t)).await.0, StatusCode::NOT_FOUND);
            let (_, list) = app.get("/api/v1/cases?limit=500", Some(t)).await;
            assert!(!list.to_string().contains(&case_no), "{list}");
        }
        // Named once: a second naming is refused.
        let (s, _) = act(bureau.clone(), app.unit("杭州市上城区人力资源和社会保障局")).await;
        assert_ne!(s, StatusCode::OK);
        // The petitioner's tracking never shows the step.
        let code = r["query_code"].as_str().unwrap();
        let (_, t) = app.track(&case_no, code).await;
        assert!(!t.to_string().contains("确定被检举控告单位"), "{t}");
    }
);

dual_test!(
    each_level_counts_its_whole_area_article_14,
    |app: TestApp| async move {
        // 第十四条: a 信访部门 reports on its government's whole area; the city
        // office's 县及以下占比 counts the county and township registrations
        // below it, not only its own.
        let county = app.token("shangcheng_xfj").await;
        let city = app.token("hangzhou_xfj").await;
        let other_county = app.token("xihu_xfj").await;
        for (n, (token, region)) in [
            (&county, "330102"),
            (&county, "330102"),
            (&other_county, "330106"),
            (&city, "330102"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut body = online_petition(
                &format!("郑某{n}"),
                &format!("3301021970010112{n}"),
                [
                    "要求修缮老旧小区屋顶",
                    "要求解决拖欠工资问题",
                    "要求治理河道污染",
                    "要求落实拆迁安置补偿",
                ][n],
            );
            body["channel"] = json!("visit");
            body["region_code"] = json!(region);
            let (s, r) = app.post("/api/v1/cases", Some(token), body).await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
        }
        let overview = |t: String| {
            let app = &app;
            async move {
                let (s, v) = app
                    .get(
                        "/api/v1/stats/overview?from=2026-01-01&to=2026-12-31",
                        Some(&t),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                v
            }
        };
        let c = overview(city.clone()).await;
        assert_eq!(c["submissions"], 4, "the city counts its whole area: {c}");
        assert_eq!(c["county_and_below_share"], 0.75, "{c}");
        let d = overview(county.clone()).await;
        assert_eq!(
            d["submissions"], 2,
            "a county counts its own area only: {d}"
        );
        assert_eq!(d["county_and_below_share"], 1.0, "{d}");
    }
);

dual_test!(
    online_accusation_lands_where_it_can_be_forwarded_article_30,
    |app: TestApp| async move {
        // 第三十条: an online accusation is filed with a 信访部门 that may see
        // it and forward it within 15 days (第二十二条) — never with the
        // accused body or its side — for every level of accused body.
        let city = app.token("hangzhou_xfj").await;
        let county = app.token("shangcheng_xfj").await;
        for (n, accused, holder_token, holder) in [
            (
                1,
                "杭州市上城区住房和城乡建设局",
                &county,
                "杭州市上城区信访局",
            ),
            (2, "杭州市上城区湖滨街道", &county, "杭州市上城区信访局"),
            (3, "杭州市上城区人民政府", &city, "杭州市信访局"),
        ] {
            let mut body = online_petition(
                &format!("冯某{n}"),
                &format!("3301021966060612{n}"),
                "举报有关负责人违规发放补贴",
            );
            body["kind"] = json!("accusation");
            body["accused"] = json!({"unit_name": accused});
            let (s, r) = app.post("/api/v1/petitions", None, body).await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            let case_no = r["case_no"].as_str().unwrap();
            let (s, view) = app
                .get(&format!("/api/v1/cases/{case_no}"), Some(holder_token))
                .await;
            assert_eq!(s, StatusCode::OK, "{accused}: {view}");
            assert_eq!(
                view["case"]["current_unit"],
                app.unit(holder),
                "{accused}: {view}"
            );
            assert_eq!(
                view["case"]["accused"]["unit"],
                app.unit(accused),
                "matched to the tree: {view}"
            );
            // The holder may forward it (the action is offered).
            let actions: Vec<&str> = view["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .filter_map(|a| a.as_str())
                .collect();
            assert!(actions.contains(&"transfer"), "{accused}: {actions:?}");
        }
    }
);

dual_test!(
    review_answers_uphold_revoke_or_change_article_35,
    |app: TestApp| async move {
        // 第三十五、三十六条: a 复查/复核 answers the earlier opinion — 维持,
        // 撤销 or 变更 it, with reasons; first handling never does.
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let county = app.token("shangcheng_zf").await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("陶春生", "33010219600606123", "要求补发拆迁过渡费"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let code = r["query_code"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit(ZHUJIAN), "mode": "forward", "report_due": null})).await;
        app.act_ok(&handler, &case_no, json!({"action": "sign"}))
            .await;
        app.act_ok(
            &handler,
            &case_no,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        let drafts = format!("/api/v1/cases/{case_no}/drafts");
        for outcome in ["upheld", "revoked", "changed"] {
            let (s, v) = app
                .post(&drafts, Some(&handler), json!({"outcome": outcome, "basis": "《国有土地上房屋征收与补偿条例》第二十二条", "text": "经核查。"}))
                .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "first handling, {outcome}: {v}"
            );
        }
        app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "not_support", "basis": "《国有土地上房屋征收与补偿条例》第二十二条", "text": "过渡费已按协议发放。"})).await;
        app.act_ok(&handler, &case_no, json!({"action": "deliver"}))
            .await;
        let (s, v) = app
            .post(
                &format!("/api/v1/petitions/{case_no}/review"),
                None,
                json!({"query_code": code}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for outcome in ["support", "explain", "not_support"] {
            let (s, v) = app
                .post(&drafts, Some(&county), json!({"outcome": outcome, "basis": "《信访工作条例》第三十五条", "text": "经复查。"}))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "复查, {outcome}: {v}");
            assert!(v.to_string().contains("维持、撤销或者变更"), "{v}");
        }
        app.act_ok(&county, &case_no, json!({"action": "reply", "outcome": "changed", "basis": "《信访工作条例》第三十五条", "text": "原意见未计算2025年度过渡费，变更为补发该年度过渡费。"})).await;
        let (_, docs) = app
            .get(&format!("/api/v1/cases/{case_no}/documents"), Some(&county))
            .await;
        assert!(
            docs.to_string()
                .contains("复查意见：变更原处理意见。原意见未计算2025年度过渡费"),
            "{docs}"
        );
    }
);
