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
