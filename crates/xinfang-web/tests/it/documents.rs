//! Formal documents and attachments (issue #5 items 1–2): every action that
//! legally requires a written document issues one with a 文号 numbered per
//! body, year and type (gap-free, two bodies independent, a new year restarts
//! at 1); the petitioner reads only the documents addressed to them, by case
//! number + query code; attachments are accepted or refused by their content,
//! stored with sha256 and served only to staff in scope; reads are audited.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::json;

/// A real (tiny) PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Submit online in `region`; returns case number and query code.
async fn submit(app: &TestApp, id17: &str, request: &str, region: &str) -> (String, String) {
    let mut p = online_petition("王建国", id17, request);
    p["region_code"] = json!(region);
    let (s, v) = app.post("/api/v1/petitions", None, p).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["case_no"].as_str().unwrap().to_string(),
        v["query_code"].as_str().unwrap().to_string(),
    )
}

async fn docs_of(app: &TestApp, case_no: &str) -> Vec<xinfang_store::DocumentRow> {
    let (id, _) = app.app.store.load_case(case_no).await.unwrap().unwrap();
    app.app.store.documents_for_case(id).await.unwrap()
}

async fn audit_kinds(app: &TestApp) -> Vec<(String, String)> {
    app.app
        .store
        .audit_entries("audit", 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.payload))
        .collect()
}

dual_test!(documents_follow_the_actions, |app: TestApp| async move {
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    let head = app.token("shangcheng_zhujian_ld").await;
    let zhujian = app.unit("杭州市上城区住房和城乡建设局");
    let (case_no, _) = submit(
        &app,
        "33010219650101123",
        "要求开发商按合同约定交付东湖小区商品房",
        "330102",
    )
    .await;

    // 转送 (第二十二条): a 转送单 by the bureau, internal.
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
    // 签收 issues nothing.
    assert_eq!(docs_of(&app, &case_no).await.len(), 1);
    app.set_time("2026-03-05 10:00");
    app.act_ok(
        &handler,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    // 延期 (第三十四条): only the approval issues the notice.
    app.set_time("2026-04-20 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "request_extension", "days": 30, "reason": "涉及多个部门，需进一步调查核实"})).await;
    assert_eq!(docs_of(&app, &case_no).await.len(), 2);
    app.set_time("2026-04-21 10:00");
    app.act_ok(
        &head,
        &case_no,
        json!({"action": "decide_extension", "approved": true}),
    )
    .await;
    app.set_time("2026-05-20 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "support", "basis": "《城市房地产开发经营管理条例》第三十条", "text": "责成开发商于2026年8月底前交房。"})).await;
    app.set_time("2026-05-21 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "deliver"}))
        .await;

    let d = docs_of(&app, &case_no).await;
    let got: Vec<(&str, &str, bool)> = d
        .iter()
        .map(|x| (x.doc_type.as_str(), x.doc_no.as_str(), x.to_petitioner))
        .collect();
    assert_eq!(
        got,
        vec![
            ("forward_slip", "上城信转〔2026〕1号", false),
            ("accept_notice", "上城住建信受告〔2026〕1号", true),
            ("extension_notice", "上城住建信延告〔2026〕1号", true),
            ("decision_letter", "上城住建信处〔2026〕1号", true),
            // 送达 makes its 回证 (#16 item 5).
            ("delivery_receipt", "上城住建信送证〔2026〕1号", true),
        ]
    );
    assert_eq!(d[0].issuing_unit, app.unit("杭州市上城区信访局"));
    assert_eq!(d[1].issuing_unit, zhujian);
    // The 延期告知书 gives reason and new due date (60 + 30 days → 06-03).
    assert!(
        d[2].content_json.contains("涉及多个部门") && d[2].content_json.contains("2026年6月3日"),
        "{}",
        d[2].content_json
    );
    // The 处理意见书: outcome, basis, and the 复查 right (第三十五条).
    assert!(
        d[3].content_json.contains("予以支持")
            && d[3].content_json.contains("城市房地产开发经营管理条例")
            && d[3].content_json.contains("30日内")
            && d[3].content_json.contains("复查"),
        "{}",
        d[3].content_json
    );
    // Each document belongs to the event that issued it.
    let (id, _) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
    let events = app.app.store.case_events(id).await.unwrap();
    for doc in &d {
        assert!(
            events.iter().any(|e| e.seq == doc.event_seq),
            "{}",
            doc.doc_no
        );
    }

    // A second case at the same body: the next number; a case in another district: its own 1.
    let (second, _) = submit(&app, "33010219700101123", "要求维修小区破损道路", "330102").await;
    app.act_ok(
        &bureau,
        &second,
        json!({"action": "transfer", "to": zhujian, "mode": "assign", "report_due": "2026-06-30"}),
    )
    .await;
    app.act_ok(&handler, &second, json!({"action": "sign"}))
        .await;
    app.act_ok(
        &handler,
        &second,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    let d2 = docs_of(&app, &second).await;
    assert_eq!(
        d2[0].doc_no, "上城信交〔2026〕1号",
        "交办 numbers apart from 转送"
    );
    assert!(
        d2[0].content_json.contains("2026年6月30日前") && d2[0].content_json.contains("办结报告"),
        "{}",
        d2[0].content_json
    );
    assert_eq!(d2[1].doc_no, "上城住建信受告〔2026〕2号");

    let gs_bureau = app.token("gongshu_xfj").await;
    let gs_handler = app.token("gongshu_zhujian").await;
    let (third, _) = submit(&app, "33010519750101123", "要求查处小区违规施工", "330105").await;
    app.act_ok(&gs_bureau, &third, json!({"action": "transfer", "to": app.unit("杭州市拱墅区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
    app.act_ok(&gs_handler, &third, json!({"action": "sign"}))
        .await;
    app.act_ok(&gs_handler, &third, json!({"action": "notify", "route": {"route": "not_ours", "tell_to": "杭州市拱墅区综合行政执法局"}})).await;
    let d3 = docs_of(&app, &third).await;
    assert_eq!(d3[0].doc_no, "拱墅信转〔2026〕1号");
    assert_eq!(d3[1].doc_no, "拱墅住建信不受告〔2026〕1号");
    assert!(d3[1].content_json.contains("综合行政执法局"));

    // Year rollover: numbering restarts at 1 in 2027.
    app.set_time("2027-01-05 10:00");
    let (fourth, _) = submit(
        &app,
        "33010219800101123",
        "要求解决小区停车难问题",
        "330102",
    )
    .await;
    app.act_ok(
        &bureau,
        &fourth,
        json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
    )
    .await;
    app.act_ok(&handler, &fourth, json!({"action": "sign"}))
        .await;
    app.act_ok(&handler, &fourth, json!({"action": "notify", "route": {"route": "divert", "procedure": "litigation", "guidance": "可向上城区人民法院提起民事诉讼"}})).await;
    let d4 = docs_of(&app, &fourth).await;
    assert_eq!(d4[0].doc_no, "上城信转〔2027〕1号");
    assert_eq!(d4[1].doc_no, "上城住建信不受告〔2027〕1号");
    assert!(
        d4[1].content_json.contains("第三十一条") && d4[1].content_json.contains("上城区人民法院"),
        "{}",
        d4[1].content_json
    );
});

dual_test!(portal_documents_and_reviews, |app: TestApp| async move {
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    let zhujian = app.unit("杭州市上城区住房和城乡建设局");
    let (case_no, code) = submit(
        &app,
        "33010219650101123",
        "要求开发商按合同约定交付东湖小区商品房",
        "330102",
    )
    .await;
    app.act_ok(
        &bureau,
        &case_no,
        json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
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
    app.set_time("2026-03-20 10:00");
    app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "not_support", "basis": "《民法典》第五百七十七条", "text": "开发商已按补充协议交房。"})).await;
    app.act_ok(&handler, &case_no, json!({"action": "deliver"}))
        .await;
    app.set_time("2026-03-25 10:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/review"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let county = app.token("shangcheng_zf").await;
    app.act_ok(&county, &case_no, json!({"action": "reply", "outcome": "upheld", "basis": "《信访工作条例》第三十五条", "text": "维持原处理意见。"})).await;
    app.act_ok(&county, &case_no, json!({"action": "deliver"}))
        .await;
    app.set_time("2026-04-01 10:00");
    let (s, v) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/review"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let city = app.token("hangzhou_zf").await;
    app.act_ok(&city, &case_no, json!({"action": "reply", "outcome": "upheld", "basis": "《信访工作条例》第三十六条", "text": "复核维持。"})).await;

    let d = docs_of(&app, &case_no).await;
    let types: Vec<&str> = d.iter().map(|x| x.doc_type.as_str()).collect();
    assert_eq!(
        types,
        vec![
            "forward_slip",
            "accept_notice",
            "decision_letter",
            "delivery_receipt",
            "review_opinion",
            "delivery_receipt",
            "re_review_opinion"
        ]
    );
    assert_eq!(d[4].doc_no, "上城政府信复查〔2026〕1号");
    assert_eq!(d[4].issuing_unit, app.unit("杭州市上城区人民政府"));
    assert!(
        d[4].content_json.contains("复核") && d[4].content_json.contains("第三十六条"),
        "复查意见书 tells the 复核 right: {}",
        d[4].content_json
    );
    assert_eq!(d[6].doc_no, "杭州市政府信复核〔2026〕1号");
    assert!(
        d[6].content_json.contains("最终意见") && d[6].content_json.contains("不再受理"),
        "{}",
        d[6].content_json
    );

    // The tracking API lists the petitioner's documents, never the 转送单.
    let (s, view) = app.track(&case_no, &code).await;
    assert_eq!(s, StatusCode::OK);
    let listed: Vec<&str> = view["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["doc_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        vec![
            "accept_notice",
            "decision_letter",
            "delivery_receipt",
            "review_opinion",
            "delivery_receipt",
            "re_review_opinion"
        ]
    );
    // Reading one: with the code in the body.
    let letter = d[2].id;
    let (s, doc) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/documents/{letter}"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{doc}");
    assert_eq!(doc["doc_no"], "上城住建信处〔2026〕1号");
    assert!(doc["paragraphs"].to_string().contains("不予支持"));
    // Wrong code: nothing; the internal 转送单 even with the right code: nothing.
    let (s, _) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/documents/{letter}"),
            None,
            json!({"query_code": "WRONG123"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/documents/{}", d[0].id),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            &format!("/api/v1/petitions/{case_no}/documents/abc"),
            None,
            json!({"query_code": code}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The portal: /track lists them with POST forms; /track/documents renders an A4 page.
    let r = form(
        &app,
        "/track",
        None,
        &format!("case_no={case_no}&query_code={code}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains("上城住建信处〔2026〕1号") && html.contains("action=\"/track/documents\""),
        "{html}"
    );
    assert!(
        !html.contains("信转〔"),
        "internal 转送单 must not be listed"
    );
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code={code}&id={letter}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains("/assets/document.css")
            && html.contains("上城住建信处〔2026〕1号")
            && html.contains("印章")
            && html.contains("/assets/documents.js"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "no inline script");
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code={code}&id={letter}&download=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code=WRONG123&id={letter}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains("信处〔"));
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code={code}&id={}", d[0].id),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Staff: the case page's panel and the printable page, in scope only.
    let cookie = login(&app, "shangcheng_zhujian").await;
    let page = fetch(&app, &format!("/work/cases/{case_no}"), &cookie).await;
    assert!(
        page.text().contains("上城信转〔2026〕1号"),
        "panel lists all documents incl. internal"
    );
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{}", d[0].id),
        &cookie,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("信访事项转送单") && r.text().contains("id=\"print-doc\""));
    let other = login(&app, "gongshu_zhujian").await;
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{letter}"),
        &other,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = fetch(&app, "/assets/documents.js", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    // The staff API: the list includes the internal 转送单; out of scope is 404.
    let tk = app.token("shangcheng_zhujian").await;
    let (s, v) = app
        .get(&format!("/api/v1/cases/{case_no}/documents"), Some(&tk))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["documents"].as_array().unwrap().len(),
        7,
        "three opinions, two 送达回证, 转送单, 受理告知书"
    );
    assert_eq!(v["documents"][0]["to_petitioner"], false);
    let (s, v) = app
        .get(
            &format!("/api/v1/cases/{case_no}/documents/{letter}"),
            Some(&tk),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["doc_no"], "上城住建信处〔2026〕1号");
    let gs = app.token("gongshu_zhujian").await;
    let (s, _) = app
        .get(&format!("/api/v1/cases/{case_no}/documents"), Some(&gs))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get(
            &format!("/api/v1/cases/{case_no}/documents/{letter}"),
            Some(&gs),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get(&format!("/api/v1/cases/{case_no}/documents"), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Reads are audited (petitioner API, portal, staff).
    let reads: Vec<String> = audit_kinds(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "document_read")
        .map(|(_, p)| p)
        .collect();
    assert!(reads.len() >= 4, "{reads:?}");
    assert!(reads.iter().any(|p| p.contains("上城信转〔2026〕1号")));
    app.app
        .store
        .verify_chain()
        .await
        .unwrap()
        .expect("intact chain");
});

dual_test!(
    reply_templates_on_the_case_page,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let (case_no, _) = submit(&app, "33010219650101123", "要求开发商交房", "330102").await;
        app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
        app.act_ok(&handler, &case_no, json!({"action": "sign"}))
            .await;
        app.act_ok(
            &handler,
            &case_no,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        let cookie = login(&app, "shangcheng_zhujian").await;
        let html = fetch(&app, &format!("/work/cases/{case_no}"), &cookie)
            .await
            .text();
        assert!(html.contains("id=\"reply-template\""), "{html}");
        for (v, art) in [
            ("support", "第三十二条第（一）项"),
            ("explain", "第三十二条第（二）项"),
            ("not_support", "第三十二条第（三）项"),
        ] {
            assert!(
                html.contains(&format!(
                    "<option value=\"{v}\" data-basis=\"《信访工作条例》{art}"
                )),
                "{v}"
            );
        }
        assert!(
            html.contains("<textarea name=\"text\" required>"),
            "text stays editable"
        );
    }
);

dual_test!(attachments_checked_by_content, |app: TestApp| async move {
    let (case_no, code) = submit(&app, "33010219650101123", "要求开发商交房", "330102").await;
    let path = format!("/api/v1/petitions/{case_no}/attachments");
    let (id, _) = app.app.store.load_case(&case_no).await.unwrap().unwrap();

    // Real PNG and PDF: accepted, typed by content (the PDF was declared image/png).
    let r = post_multipart(
        &app,
        &path,
        multipart(
            &[("query_code", &code)],
            &[("合同.png", PNG), ("合同.pdf", PDF)],
            "file",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    assert_eq!(v["attachments"][0]["media_type"], "image/png");
    assert_eq!(v["attachments"][1]["media_type"], "application/pdf");
    use sha2::Digest;
    assert_eq!(
        v["attachments"][0]["sha256"],
        hex::encode(sha2::Sha256::digest(PNG))
    );
    assert_eq!(v["attachments"][1]["size_bytes"], PDF.len());

    // HTML named .png: refused with a field error, nothing stored.
    let r = post_multipart(
        &app,
        &path,
        multipart(
            &[("query_code", &code)],
            &[("photo.png", b"<html><script>alert(1)</script></html>")],
            "file",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let v = r.json();
    assert_eq!(v["errors"][0]["field"], "attachments");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("photo.png"));
    // Too large (over 5 MB, yet a PNG): refused; a good file in the same request is not kept either.
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let r = post_multipart(
        &app,
        &path,
        multipart(
            &[("query_code", &code)],
            &[("ok.pdf", PDF), ("big.png", &big)],
            "file",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("5MB"));
    // Over five files in all.
    let four: Vec<(&str, &[u8])> = vec![
        ("a.pdf", PDF),
        ("b.pdf", PDF),
        ("c.pdf", PDF),
        ("d.pdf", PDF),
    ];
    let r = post_multipart(
        &app,
        &path,
        multipart(&[("query_code", &code)], &four, "file"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "2 + 4 > 5: {}",
        r.text()
    );
    // Wrong query code: 404, nothing stored. Not multipart: 400.
    let r = post_multipart(
        &app,
        &path,
        multipart(&[("query_code", "WRONG123")], &[("a.pdf", PDF)], "file"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (s, _) = app.post(&path, None, json!({"query_code": code})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.app.store.attachments_for_case(id).await.unwrap().len(),
        2
    );

    // The upload route takes more than the 2 MB global limit (a 3 MB PDF); other routes do not.
    let mut three = PDF.to_vec();
    three.resize(3 * 1024 * 1024, b' ');
    let r = post_multipart(
        &app,
        &path,
        multipart(&[("query_code", &code)], &[("扫描件.pdf", &three)], "file"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/petitions")
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; 3 * 1024 * 1024]))
        .unwrap();
    assert_eq!(send(&app, req).await.status, StatusCode::PAYLOAD_TOO_LARGE);

    // Staff download: in scope (the bureau that registered it) gets the bytes as an attachment.
    let atts = app.app.store.attachments_for_case(id).await.unwrap();
    let png_id = atts[0].id;
    let cookie = login(&app, "shangcheng_xfj").await;
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/attachments/{png_id}"),
        &cookie,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, PNG);
    assert_eq!(r.headers["content-type"], "image/png");
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    let page = fetch(&app, &format!("/work/cases/{case_no}"), &cookie)
        .await
        .text();
    assert!(
        page.contains(&format!("/work/cases/{case_no}/attachments/{png_id}")),
        "listed on the case page"
    );
    // Out of scope: another district's staff get 404, as for an unknown id.
    let other = login(&app, "gongshu_xfj").await;
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/attachments/{png_id}"),
        &other,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_ne!(r.body, PNG);
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/attachments/999999"),
        &cookie,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The same through the staff API.
    let tk = app.token("shangcheng_xfj").await;
    let (s, ct, bytes) = app
        .get_raw(
            &format!("/api/v1/cases/{case_no}/attachments/{}", atts[1].id),
            Some(&tk),
        )
        .await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/pdf"));
    assert_eq!(bytes, PDF);
    let gs = app.token("gongshu_xfj").await;
    let (s, _, bytes) = app
        .get_raw(
            &format!("/api/v1/cases/{case_no}/attachments/{}", atts[1].id),
            Some(&gs),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_ne!(bytes, PDF);
    let (s, _, _) = app
        .get_raw(
            &format!("/api/v1/cases/{case_no}/attachments/x1"),
            Some(&tk),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Supplementary materials from the tracking page (POST with the code, multipart).
    let track = form(
        &app,
        "/track",
        None,
        &format!("case_no={case_no}&query_code={code}"),
    )
    .await
    .text();
    assert!(
        track.contains("action=\"/track/attachments\" enctype=\"multipart/form-data\""),
        "{track}"
    );
    let fields = [("case_no", case_no.as_str()), ("query_code", code.as_str())];
    let r = post_multipart(
        &app,
        "/track/attachments",
        multipart(&fields, &[("补充.pdf", PDF)], "attachments"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已保存补充材料1个"));
    let r = post_multipart(
        &app,
        "/track/attachments",
        multipart(&fields, &[("x.pdf", PDF), ("y.pdf", PDF)], "attachments"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "4 + 2 > 5");
    assert!(r.text().contains("最多5个"));
    let wrong = [("case_no", case_no.as_str()), ("query_code", "WRONG123")];
    let r = post_multipart(
        &app,
        "/track/attachments",
        multipart(&wrong, &[("z.pdf", PDF)], "attachments"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.app.store.attachments_for_case(id).await.unwrap().len(),
        4
    );

    // Every new endpoint is in the OpenAPI document with the statuses it can return.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let up = &doc["paths"]["/api/v1/petitions/{case_no}/attachments"]["post"];
    for code in ["201", "400", "404", "413", "422", "429"] {
        assert!(up["responses"][code].is_object(), "upload {code}");
    }
    assert!(up["requestBody"]["content"]["multipart/form-data"].is_object());
    for p in [
        "/api/v1/petitions/{case_no}/documents/{id}",
        "/api/v1/cases/{case_no}/documents",
        "/api/v1/cases/{case_no}/documents/{id}",
        "/api/v1/cases/{case_no}/attachments/{id}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }

    let audit = audit_kinds(&app).await;
    assert_eq!(
        audit
            .iter()
            .filter(|(k, p)| k == "attachment_download" && p.contains(&case_no))
            .count(),
        2,
        "each download audited, refusals not"
    );
    assert_eq!(
        audit
            .iter()
            .filter(|(k, _)| k == "attachments_added")
            .count(),
        3
    );
    app.app
        .store
        .verify_chain()
        .await
        .unwrap()
        .expect("intact chain");
});

dual_test!(
    submission_page_with_attachments,
    |app: TestApp| async move {
        let before = app.app.store.count("cases").await.unwrap();
        let fields = [
            ("name", "李红"),
            ("address", "杭州市上城区湖滨街道东湖小区3号"),
            ("region_code", "330102"),
            ("kind", "claim"),
            ("request", "要求物业公司修复漏水的屋顶"),
            ("facts", "屋顶漏水三个月。"),
        ];
        // An HTML file named .png: field-level error, the form keeps the text, nothing registered.
        let r = post_multipart(
            &app,
            "/submit",
            multipart(
                &fields,
                &[("漏水.png", b"<!doctype html><p>x</p>")],
                "attachments",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("id=\"attachments-err\"") && html.contains("漏水.png"),
            "{html}"
        );
        // A bad phone in the same submission is reported in the same round.
        let mut with_phone = fields.to_vec();
        with_phone.push(("phone", "12"));
        let r2 = post_multipart(
            &app,
            "/submit",
            multipart(&with_phone, &[("漏水.png", b"GIF89a")], "attachments"),
        )
        .await;
        assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r2.text().contains("id=\"attachments-err\"") && r2.text().contains("id=\"phone-err\""),
            "{}",
            r2.text()
        );
        assert!(
            html.contains("要求物业公司修复漏水的屋顶"),
            "the rest of the submission is kept"
        );
        assert!(html.contains("enctype=\"multipart/form-data\""));
        assert_eq!(app.app.store.count("cases").await.unwrap(), before);
        // With a real PNG: registered, and the receipt says the file was kept.
        let r = post_multipart(
            &app,
            "/submit",
            multipart(&fields, &[("漏水.png", PNG)], "attachments"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("已保存证明材料1个"), "{}", r.text());
        assert_eq!(app.app.store.count("cases").await.unwrap(), before + 1);
        // Only a multipart body may exceed 2 MB on /submit.
        let big = format!("request={}", "a".repeat(3 * 1024 * 1024));
        assert_eq!(
            form(&app, "/submit", None, &big).await.status,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        // The url-encoded form still works (no file input chosen).
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let body = body.replace("%E5%B1%8B%E9%A1%B6", "%E7%AA%97%E6%88%B7");
        let r = form(&app, "/submit", None, &body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
);

// A case born 不予受理 (第十九条第三款) gets its 不予受理告知书 from the registering body.
dual_test!(born_refused_case_gets_a_notice, |app: TestApp| async move {
    let (case_no, _) = submit(
        &app,
        "33010219750707123",
        "要求足额发放东湖村征地补偿款",
        "330102",
    )
    .await;
    let county = app.token("shangcheng_xfj").await;
    app.act_ok(&county, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区自然资源和规划局"), "mode": "forward", "report_due": null})).await;
    app.set_time("2026-03-10 09:00");
    let city = app.token("hangzhou_xfj").await;
    let mut body = online_petition(
        "王建国",
        "33010219750707123",
        "要求足额发放东湖村征地补偿款",
    );
    body["channel"] = json!("visit");
    let (s, v) = app.post("/api/v1/cases", Some(&city), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "not_accepted", "{v}");
    let refused = v["case_no"].as_str().unwrap().to_string();
    let d = docs_of(&app, &refused).await;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].doc_type, "reject_notice");
    assert_eq!(d[0].doc_no, "杭州市信不受告〔2026〕1号");
    assert_eq!(d[0].issuing_unit, app.unit("杭州市信访局"));
    assert!(
        d[0].content_json.contains("第十九条") && d[0].content_json.contains(&case_no),
        "{}",
        d[0].content_json
    );
    assert!(d[0].content_json.contains(&refused));
    let (id, _) = app.app.store.load_case(&refused).await.unwrap().unwrap();
    let events = app.app.store.case_events(id).await.unwrap();
    assert_eq!(
        d[0].event_seq, events[0].seq,
        "issued with the registration event"
    );
});

// Concurrent notices at one body: every number exactly once, no gaps.
dual_test!(
    concurrent_numbering_is_gap_free,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        let mut cases = vec![];
        for (i, id17) in [
            "33010219600101123",
            "33010219610101123",
            "33010219620101123",
            "33010219630101123",
        ]
        .iter()
        .enumerate()
        {
            let (c, _) = submit(
                &app,
                id17,
                &format!("要求处理第{}号楼的电梯故障问题", i + 1),
                "330102",
            )
            .await;
            app.act_ok(
                &bureau,
                &c,
                json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
            )
            .await;
            app.act_ok(&handler, &c, json!({"action": "sign"})).await;
            cases.push(c);
        }
        let notify = |c: String| {
            let (app, handler) = (&app, handler.clone());
            async move {
                app.act_ok(
                    &handler,
                    &c,
                    json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
                )
                .await;
            }
        };
        tokio::join!(
            notify(cases[0].clone()),
            notify(cases[1].clone()),
            notify(cases[2].clone()),
            notify(cases[3].clone())
        );
        let mut seqs = vec![];
        for c in &cases {
            let d = docs_of(&app, c).await;
            assert_eq!(d[1].doc_type, "accept_notice");
            assert_eq!(d[1].doc_no, format!("上城住建信受告〔2026〕{}号", d[1].seq));
            seqs.push(d[1].seq);
        }
        seqs.sort();
        assert_eq!(seqs, vec![1, 2, 3, 4]);
        let slips: Vec<i64> = {
            let mut v = vec![];
            for c in &cases {
                v.push(docs_of(&app, c).await[0].seq);
            }
            v
        };
        assert_eq!(slips, vec![1, 2, 3, 4], "转送单 numbered in order");
    }
);

// Documents are never edited: a correction is a new document with its own 文号,
// by the issuing body only, and the original stays as it was.
dual_test!(correction_is_a_new_document, |app: TestApp| async move {
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    let (case_no, code) = submit(&app, "33010219650101123", "要求开发商交房", "330102").await;
    app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": app.unit("杭州市上城区住房和城乡建设局"), "mode": "forward", "report_due": null})).await;
    app.act_ok(&handler, &case_no, json!({"action": "sign"}))
        .await;
    app.act_ok(
        &handler,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    let before = docs_of(&app, &case_no).await;
    let notice = before[1].clone();
    assert_eq!(notice.doc_no, "上城住建信受告〔2026〕1号");

    let cookie = login(&app, "shangcheng_zhujian").await;
    let page = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{}", notice.id),
        &cookie,
    )
    .await
    .text();
    assert!(page.contains("更正本文书"), "{page}");
    let i = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = page[i..i + 64].to_string();
    let path = format!("/work/cases/{case_no}/documents/{}/correct", notice.id);
    let fixed = "王建国：\n经审查，本机关决定予以受理（更正受理日期）。";
    let r = form(
        &app,
        &path,
        Some(&cookie),
        &format!("csrf={csrf}&paragraphs={}", enc(fixed)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = docs_of(&app, &case_no).await;
    assert_eq!(after.len(), before.len() + 1);
    let new = after.last().unwrap();
    assert_eq!(new.doc_no, "上城住建信受告〔2026〕2号");
    assert!(
        new.content_json
            .contains("\"corrects\":\"上城住建信受告〔2026〕1号\"")
            && new.content_json.contains("更正受理日期"),
        "{}",
        new.content_json
    );
    assert_eq!(
        after[1].content_json, notice.content_json,
        "the original is unchanged"
    );
    assert_eq!(
        r.headers["location"].to_str().unwrap(),
        format!("/work/cases/{case_no}/documents/{}", new.id)
    );
    // The petitioner sees both.
    let (_, view) = app.track(&case_no, &code).await;
    assert_eq!(view["documents"].as_array().unwrap().len(), 2);

    // Wrong CSRF, an empty text, and a body that did not issue it: refused, nothing issued.
    let r = form(
        &app,
        &path,
        Some(&cookie),
        &format!("csrf={}&paragraphs=x", "0".repeat(64)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = form(
        &app,
        &path,
        Some(&cookie),
        &format!("csrf={csrf}&paragraphs=%20"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bcookie = login(&app, "shangcheng_xfj").await;
    let bpage = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{}", notice.id),
        &bcookie,
    )
    .await
    .text();
    assert!(!bpage.contains("更正本文书"));
    let i = bpage.find("name=\"csrf\"");
    assert!(i.is_none(), "no correction form for the bureau");
    // The bureau may see the case but did not issue the notice.
    let (bureau_staff, _) = app
        .app
        .authenticate(&bureau, xinfang_store::TokenKind::Api)
        .await
        .unwrap();
    let refused = app
        .app
        .correct_document(&bureau_staff, &case_no, notice.id, vec!["x".into()])
        .await;
    assert!(
        matches!(refused, Err(xinfang_app::AppError::Forbidden)),
        "{refused:?}"
    );
    assert_eq!(docs_of(&app, &case_no).await.len(), before.len() + 1);
    let audit = audit_kinds(&app).await;
    assert!(audit
        .iter()
        .any(|(k, p)| k == "document_corrected" && p.contains("上城住建信受告〔2026〕1号")));
});
