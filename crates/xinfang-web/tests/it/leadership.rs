//! 领导包案 and 批示 (issue #6 §2, 第十八条) through the API.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(
    leader_takes_charge_with_team_plan_deadline,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_ziran").await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(
                    "包案测试",
                    "33010219550505123",
                    "要求解决回迁安置房多年未交付问题",
                ),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区自然资源和规划局"), "mode": "forward", "report_due": null})).await;
        app.act_ok(&handler, &case_no, json!({"action": "sign"}))
            .await;
        let leader = app.token("shangcheng_ld").await;
        let path = format!("/api/v1/cases/{case_no}/ownership");
        let body = json!({"team": ["shangcheng_ziran", "shangcheng_zhujian"], "plan": "一户一策，协调开发商与街道共同推进回迁", "deadline": "2026-06-30"});
        // Not a leader; a team member from another district; a past deadline: refused.
        let (s, _) = app.post(&path, Some(&handler), body.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let mut bad = body.clone();
        bad["team"] = json!(["xihu_ziran"]);
        let (s, v) = app.post(&path, Some(&leader), bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let mut bad = body.clone();
        bad["deadline"] = json!("2026-01-01");
        let (s, _) = app.post(&path, Some(&leader), bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, o) = app.post(&path, Some(&leader), body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let id = o["id"].as_i64().unwrap();
        assert_eq!(o["team"].as_array().unwrap().len(), 2);
        // One leader per case.
        let city = app.token("hangzhou_ld").await;
        let (s, v) = app.post(&path, Some(&city), body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // Team members record progress; outsiders cannot; the board shows it to members.
        let (s, o) = app
            .post(
                &format!("/api/v1/ownerships/{id}/progress"),
                Some(&handler),
                json!({"text": "已召开专班会议，明确回迁时间表"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["progress"][0]["text"], "已召开专班会议，明确回迁时间表");
        let other = app.token("shangcheng_renshe").await;
        let (s, _) = app
            .post(
                &format!("/api/v1/ownerships/{id}/progress"),
                Some(&other),
                json!({"text": "x"}),
            )
            .await;
        // The sibling body cannot see the case, so its 包案 does not exist for it.
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, board) = app.get("/api/v1/ownerships", Some(&handler)).await;
        assert_eq!(board["ownerships"].as_array().unwrap().len(), 1);
        let (_, board) = app.get("/api/v1/ownerships", Some(&other)).await;
        assert_eq!(board["ownerships"].as_array().unwrap().len(), 0);
        // Only the leader resolves.
        let (s, _) = app
            .post(
                &format!("/api/v1/ownerships/{id}/resolve"),
                Some(&handler),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, o) = app
            .post(
                &format!("/api/v1/ownerships/{id}/resolve"),
                Some(&leader),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(o["status"], "resolved");
        // 批示.
        let ipath = format!("/api/v1/cases/{case_no}/instructions");
        let (s, _) = app.post(&ipath, Some(&handler), json!({"text": "x"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .post(
                &ipath,
                Some(&city),
                json!({"text": "请区政府专题研究，月底前见成效"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, v) = app.get(&ipath, Some(&handler)).await;
        let leader = app
            .app
            .store
            .user_by_name("hangzhou_ld")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v["instructions"][0]["leader"], leader.display_name.as_str());
        assert_eq!(
            app.app
                .store
                .audit_entries("leadership", 20)
                .await
                .unwrap()
                .len(),
            4
        );
    }
);
