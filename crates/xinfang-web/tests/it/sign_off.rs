//! 审核签发 of written opinions (issue #16 item 1, 第三十二条): a handler
//! drafts, only the head of the issuing body signs it off, and nothing of a
//! draft reaches the petitioner before that. Each role is tried.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;

const ZHUJIAN: &str = "杭州市上城区住房和城乡建设局";

dual_test!(
    opinion_is_issued_only_after_sign_off,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let head = app.token("shangcheng_zhujian_ld").await;
        let (s, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition(
                    "蒋文华",
                    "33010219710303123",
                    "要求开发商按合同交付东湖小区住房",
                ),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
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

        // A handler cannot issue an opinion directly.
        let (s, v) = app
        .post(&format!("/api/v1/cases/{case_no}/actions"), Some(&handler), json!({"action": "reply", "outcome": "support", "basis": "《商品房销售管理办法》第三十条", "text": "责成开发商交房。"}))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // A draft still holding a template blank is refused, naming the blank.
        let drafts = format!("/api/v1/cases/{case_no}/drafts");
        let (s, v) = app
        .post(&drafts, Some(&handler), json!({"outcome": "support", "basis": "《商品房销售管理办法》第三十条", "text": "经调查核实，你反映的情况属实，本机关予以支持，并将于（日期）前（具体措施）。"}))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("（日期）"), "{v}");
        let (s, v) = app
        .post(&drafts, Some(&handler), json!({"outcome": "support", "basis": "《信访工作条例》第三十二条第（一）项；（请补充具体法律、法规、规章条款）", "text": "责成开发商于2026年8月底前交房。"}))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "basis", "{v}");

        let first = "责成开发商于2026年8月底前交房，草稿甲。";
        let (s, v) = app
        .post(&drafts, Some(&handler), json!({"outcome": "support", "basis": "《商品房销售管理办法》第三十条", "text": first}))
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let d1 = v["id"].as_i64().unwrap();
        // Nothing of it reaches the petitioner or the document register.
        let (_, t) = app.track(&case_no, &code).await;
        assert!(!t.to_string().contains("草稿甲"), "{t}");
        let (_, docs) = app
            .get(&format!("/api/v1/cases/{case_no}/documents"), Some(&bureau))
            .await;
        assert!(!docs.to_string().contains("草稿甲"), "{docs}");
        let (_, case) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&handler))
            .await;
        assert_eq!(case["case"]["status"], "handling", "{case}");
        // The head's 待审批 holds it.
        let (_, pending) = app.get("/api/v1/drafts/pending", Some(&head)).await;
        assert!(pending.to_string().contains(&case_no), "{pending}");

        // Who may sign it: only the head of the issuing body. Others of the area
        // are refused; a body that cannot see the case learns nothing (404).
        for (user, expected) in [
            ("shangcheng_zhujian", StatusCode::FORBIDDEN),
            ("shangcheng_xfj", StatusCode::FORBIDDEN),
            ("shangcheng_xfj_ld", StatusCode::FORBIDDEN),
            ("shangcheng_ld", StatusCode::FORBIDDEN),
            ("shangcheng_renshe_ld", StatusCode::NOT_FOUND),
            ("xihu_zhujian_ld", StatusCode::NOT_FOUND),
        ] {
            let t = app.token(user).await;
            let (s, v) = app
                .post(&format!("/api/v1/drafts/{d1}/sign"), Some(&t), json!({}))
                .await;
            assert_eq!(s, expected, "{user}: {v}");
            let (s, _) = app
                .post(
                    &format!("/api/v1/drafts/{d1}/return"),
                    Some(&t),
                    json!({"comment": "请补充依据"}),
                )
                .await;
            assert_eq!(s, expected, "{user} return");
        }

        // Returned with a comment (an empty one is refused); the handler revises.
        let (s, _) = app
            .post(
                &format!("/api/v1/drafts/{d1}/return"),
                Some(&head),
                json!({"comment": ""}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = app
            .post(
                &format!("/api/v1/drafts/{d1}/return"),
                Some(&head),
                json!({"comment": "交房期限请写明具体日期并说明逾期责任"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = app
            .post(&format!("/api/v1/drafts/{d1}/sign"), Some(&head), json!({}))
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a returned draft cannot be signed"
        );
        let (_, list) = app.get(&drafts, Some(&handler)).await;
        assert_eq!(list["drafts"][0]["status"], "returned", "{list}");
        assert!(list.to_string().contains("逾期责任"), "{list}");
        let second = "责成开发商于2026年8月31日前交房，逾期按合同承担违约责任。";
        let (s, v) = app
        .post(&drafts, Some(&handler), json!({"outcome": "support", "basis": "《商品房销售管理办法》第三十条", "text": second, "replaces": d1}))
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let d2 = v["id"].as_i64().unwrap();
        let (_, list) = app.get(&drafts, Some(&handler)).await;
        let statuses: Vec<&str> = list["drafts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, vec!["submitted", "superseded"], "{list}");

        // The head previews exactly what signing off issues: the laid-out
        // letter, no 文号 yet, the revised text; blind bodies get 404.
        let preview = format!("/work/cases/{case_no}/drafts/{d2}");
        let cookie = login(&app, "shangcheng_zhujian_ld").await;
        let page = fetch(&app, &preview, &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        for part in [
            "信访事项处理意见书",
            "签发后编号",
            "逾期按合同承担违约责任",
            "向杭州市上城区人民政府请求复查",
            "签发",
        ] {
            assert!(html.contains(part), "{part} in the preview");
        }
        let blind = login(&app, "shangcheng_renshe_ld").await;
        assert_eq!(
            fetch(&app, &preview, &blind).await.status,
            StatusCode::NOT_FOUND
        );

        // 签发: now it is the case's reply and a numbered document.
        let (s, v) = app
            .post(&format!("/api/v1/drafts/{d2}/sign"), Some(&head), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "replied", "{v}");
        let (_, docs) = app
            .get(&format!("/api/v1/cases/{case_no}/documents"), Some(&bureau))
            .await;
        let opinion = docs["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d.to_string().contains("逾期按合同承担违约责任"))
            .unwrap_or_else(|| panic!("the signed opinion is a document: {docs}"))
            .clone();
        assert!(
            opinion.to_string().contains("〔2026〕"),
            "numbered: {opinion}"
        );
        let (s, _) = app
            .post(&format!("/api/v1/drafts/{d2}/sign"), Some(&head), json!({}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "signed once");
        let (_, pending) = app.get("/api/v1/drafts/pending", Some(&head)).await;
        assert!(!pending.to_string().contains(&case_no), "{pending}");
        // Every step is in the chained log.
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
    }
);

dual_test!(
    delivery_records_method_and_day_article_35,
    |app: TestApp| async move {
        // 送达 records how and when the petitioner received the answer; the 复查
        // window (第三十五条) runs from the day received, which cannot be
        // invented (not before the reply, not in the future).
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        app.set_time("2026-03-02 10:00");
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("沈玉兰", "33010219620404123", "要求维修小区破损道路"),
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
        app.set_time("2026-03-10 10:00");
        app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "support", "basis": "《杭州市物业管理条例》第四十条", "text": "已安排于4月底前修复。"})).await;
        app.set_time("2026-03-20 10:00");
        let path = format!("/api/v1/cases/{case_no}/actions");
        for (body, field) in [
            (
                json!({"action": "deliver", "method": "post", "on": "2026-03-25"}),
                "on",
            ),
            (
                json!({"action": "deliver", "method": "post", "on": "2026-03-09"}),
                "on",
            ),
            (json!({"action": "deliver", "method": "left"}), "note"),
        ] {
            let (s, v) = app.post(&path, Some(&handler), body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(v["errors"][0]["field"], field, "{v}");
        }
        // By post, received on the 12th (the return receipt's date).
        app.act_ok(
            &handler,
            &case_no,
            json!({"action": "deliver", "method": "post", "on": "2026-03-12"}),
        )
        .await;
        let (_, view) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&handler))
            .await;
        let window = view["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "review_request")
            .unwrap_or_else(|| panic!("{view}"))
            .clone();
        assert_eq!(window["start"], "2026-03-12", "{window}");
        assert!(view.to_string().contains("邮寄送达"), "{view}");
        let (_, t) = app.track(&case_no, &code).await;
        let until = t["review_window_until"].as_str().unwrap().to_string();
        assert!(
            until.as_str() >= "2026-04-11" && until.as_str() <= "2026-04-14",
            "{t}"
        );
    }
);

dual_test!(
    letters_name_the_review_body_and_the_last_day,
    |app: TestApp| async move {
        // #16 item 4: the 处理意见书 names the body to ask for 复查 (第三十五条);
        // the 送达回证 gives the way and day of delivery and the last day of the
        // window on the calendar.
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        app.set_time("2026-03-02 10:00");
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("韩立新", "33010219630505123", "要求退还多收的物业费"),
            )
            .await;
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
        app.set_time("2026-03-10 10:00");
        app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "not_support", "basis": "《物业服务收费管理办法》第七条", "text": "经核查，物业费按备案标准收取。"})).await;
        app.set_time("2026-03-13 10:00");
        app.act_ok(
            &handler,
            &case_no,
            json!({"action": "deliver", "method": "post", "on": "2026-03-12"}),
        )
        .await;
        let (_, docs) = app
            .get(
                &format!("/api/v1/cases/{case_no}/documents"),
                Some(&handler),
            )
            .await;
        let text = docs.to_string();
        assert!(text.contains("向杭州市上城区人民政府请求复查"), "{text}");
        let receipt = docs["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["doc_type"] == "delivery_receipt")
            .unwrap_or_else(|| panic!("a 送达回证: {docs}"))
            .to_string();
        // Received 03-12 + 30 days = 04-11, a Saturday: the window ends Monday 04-13.
        for part in [
            "邮寄送达",
            "2026年3月12日",
            "2026年4月13日",
            "杭州市上城区人民政府",
            "第三十五条",
        ] {
            assert!(receipt.contains(part), "{part}: {receipt}");
        }
        // By post the return receipt is the proof: no signature line to fill.
        assert!(!receipt.contains("受送达人签收"), "{receipt}");
    }
);

dual_test!(
    a_head_finds_extensions_to_approve_in_the_inbox,
    |app: TestApp| async move {
        // #15: a pending 延期 (第三十四条, the head approves) is in the head's
        // 待审批, not only on the case page; other heads do not see it.
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("卫国强", "33010219580808123", "要求处理小区违章搭建"),
            )
            .await;
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
        app.act_ok(
            &handler,
            &case_no,
            json!({"action": "request_extension", "days": 20, "reason": "需会同城管部门现场勘验"}),
        )
        .await;
        let head = login(&app, "shangcheng_zhujian_ld").await;
        let html = fetch(&app, "/work", &head).await.text();
        assert!(
            html.contains("待审批（延期申请")
                && html.contains(&case_no)
                && html.contains("需会同城管部门现场勘验"),
            "the head's inbox lists it"
        );
        let other = login(&app, "shangcheng_renshe_ld").await;
        let html = fetch(&app, "/work", &other).await.text();
        assert!(
            !html.contains(&case_no),
            "another body's head does not see it"
        );
    }
);
