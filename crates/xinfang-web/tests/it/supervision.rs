//! Supervision (第四十条) end to end: 督办 with a feedback deadline, feedback,
//! closing; 催办; overdue feedback escalates exactly once; 提级办理 moves the
//! handling up within the leader's area. Runs on SQLite and PostgreSQL.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

dual_test!(
    supervise_feedback_close_escalate,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("督办测试", "33010219880808123", "要求维修小区破损道路"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        app.act_ok(&handler, &case_no, json!({"action": "sign"}))
            .await;
        app.act_ok(
            &handler,
            &case_no,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;

        let dc = app.token("shangcheng_dc").await;
        let path = format!("/api/v1/cases/{case_no}/supervisions");
        // A 督办 needs a deadline; the holder's own head cannot supervise itself; outsiders cannot see it.
        let (s, v) = app
            .post(
                &path,
                Some(&dc),
                json!({"kind": "supervise", "requirement": "请于3月10日前反馈"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let own_head = app.token("shangcheng_zhujian_ld").await;
        let (s, _) = app
            .post(
                &path,
                Some(&own_head),
                json!({"kind": "supervise", "feedback_due": "2026-03-10", "requirement": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let outsider = app.token("xihu_dc").await;
        let (s, _) = app
            .post(
                &path,
                Some(&outsider),
                json!({"kind": "supervise", "feedback_due": "2026-03-10", "requirement": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, sv) = app.post(&path, Some(&dc), json!({"kind": "listed", "feedback_due": "2026-03-10", "requirement": "挂牌督办：请于3月10日前反馈办理结果"})).await;
        assert_eq!(s, StatusCode::CREATED, "{sv}");
        assert_eq!(sv["status"], "open");
        let id = sv["id"].as_i64().unwrap();
        // The supervised body sees it; it answers; the supervisor closes it.
        let (_, list) = app.get("/api/v1/supervisions", Some(&handler)).await;
        assert!(list["supervisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id));
        let (s, _) = app
            .post(
                &format!("/api/v1/supervisions/{id}/close"),
                Some(&dc),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "cannot close before feedback");
        let (s, v) = app
            .post(
                &format!("/api/v1/supervisions/{id}/feedback"),
                Some(&handler),
                json!({"feedback": "已组织施工队维修，预计3月20日完工"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "answered");
        let (s, _) = app
            .post(
                &format!("/api/v1/supervisions/{id}/close"),
                Some(&handler),
                json!({}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the supervised body cannot close it"
        );
        let (s, v) = app
            .post(
                &format!("/api/v1/supervisions/{id}/close"),
                Some(&dc),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "closed");
        // 催办 needs no feedback.
        let (_, v) = app
            .post(
                &path,
                Some(&dc),
                json!({"kind": "urge", "requirement": "请加快办理"}),
            )
            .await;
        assert_eq!(v["status"], "answered");

        // Overdue feedback escalates once, alerting the area above.
        let (_, sv) = app.post(&path, Some(&dc), json!({"kind": "supervise", "feedback_due": "2026-03-05", "requirement": "请于3月5日前反馈"})).await;
        let late = sv["id"].as_i64().unwrap();
        app.set_time("2026-03-06 09:00");
        let rep = app.app.scan_clocks().await.unwrap();
        assert_eq!(rep.escalated_supervisions, 1);
        assert_eq!(
            app.app.scan_clocks().await.unwrap().escalated_supervisions,
            0
        );
        let (_, v) = app.get("/api/v1/supervisions", Some(&dc)).await;
        let row = v["supervisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == late)
            .unwrap()
            .clone();
        assert_eq!(row["status"], "overdue");
        let city_dc = app.token("hangzhou_dc").await;
        let (_, alerts) = app.get("/api/v1/alerts", Some(&city_dc)).await;
        assert!(
            alerts["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["case_no"] == case_no.as_str() && a["clock"] == "supervision_feedback"),
            "{alerts}"
        );
        // Late feedback is still accepted.
        let (s, _) = app
            .post(
                &format!("/api/v1/supervisions/{late}/feedback"),
                Some(&handler),
                json!({"feedback": "已完成"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);

        // 提级办理: the district leader cannot lift it out of the district; the city leader can.
        let district = app.token("shangcheng_ld").await;
        let city_body = app.unit("杭州市住房和城乡建设局");
        let (s, _) = app
            .post(
                &format!("/api/v1/cases/{case_no}/actions"),
                Some(&district),
                json!({"action": "escalate", "to": city_body, "reason": "久拖不决"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let city = app.token("hangzhou_ld").await;
        let v = app
            .act_ok(
                &city,
                &case_no,
                json!({"action": "escalate", "to": city_body, "reason": "久拖不决，提级办理"}),
            )
            .await;
        assert_eq!(v["current_unit"], city_body);
        let city_handler = app.token("hangzhou_zhujian").await;
        app.act_ok(&city_handler, &case_no, json!({"action": "reply", "outcome": "support", "basis": "《城市道路管理条例》", "text": "限期维修。"})).await;
    }
);
