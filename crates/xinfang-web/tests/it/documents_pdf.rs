//! Issue #16 items 2–3: every issued document downloads as a PDF made by the
//! binary — one A4 page for a short 处理意见书, fonts embedded, its text
//! extractable (checked with poppler's pdfinfo/pdffonts/pdftotext, which
//! scripts/test.sh installs) — for staff who may see the case and for the
//! petitioner of that case only; never for the accused side of an
//! accusation. With Chromium present, every document kind is screenshotted
//! (desktop and 390 px) into test-artifacts/ and the print view of the short
//! 处理意见书 prints on exactly one page.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::json;
use std::process::Command;

/// Run a poppler tool on `pdf`; its standard output.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir =
        tempdir::Dir(std::env::temp_dir().join(format!("xinfang-pdf-{}", rand::random::<u64>())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let path = dir.0.join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (install poppler-utils: scripts/test.sh does)"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn submit(app: &TestApp, name: &str, id17: &str, request: &str) -> (String, String) {
    let (s, v) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition(name, id17, request),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["case_no"].as_str().unwrap().to_string(),
        v["query_code"].as_str().unwrap().to_string(),
    )
}

/// A case answered by the 住建局: 转送单, 受理告知书, 处理意见书 (short).
async fn answered(app: &TestApp, name: &str, id17: &str) -> (String, String) {
    let bureau = app.token("shangcheng_xfj").await;
    let handler = app.token("shangcheng_zhujian").await;
    let zhujian = app.unit("杭州市上城区住房和城乡建设局");
    let (case_no, code) = submit(app, name, id17, "要求开发商按合同约定交付东湖小区商品房").await;
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
    app.act_ok(&handler, &case_no, json!({"action": "reply", "outcome": "support", "basis": "《城市房地产开发经营管理条例》第三十条", "text": "责成开发商于2026年8月底前交房。"})).await;
    (case_no, code)
}

async fn doc_ids(app: &TestApp, case_no: &str) -> Vec<(String, i64)> {
    let (id, _) = app.app.store.load_case(case_no).await.unwrap().unwrap();
    app.app
        .store
        .documents_for_case(id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.doc_type, d.id))
        .collect()
}

fn id_of(docs: &[(String, i64)], t: &str) -> i64 {
    docs.iter()
        .find(|d| d.0 == t)
        .unwrap_or_else(|| panic!("{t} in {docs:?}"))
        .1
}

dual_test!(short_decision_letter_pdf, |app: TestApp| async move {
    let (case_no, code) = answered(&app, "王建国", "33010219650101123").await;
    let docs = doc_ids(&app, &case_no).await;
    let letter = id_of(&docs, "decision_letter");

    // Staff in scope: the PDF, as a download.
    let cookie = login(&app, "shangcheng_zhujian").await;
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{letter}/pdf"),
        &cookie,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert!(r
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    assert!(r.body.starts_with(b"%PDF-"));
    let info = poppler("pdfinfo", &r.body, &[]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{info}"
    );
    assert!(info.contains("(A4)"), "{info}");
    // Every font embedded and subset, with a Unicode map (text selectable).
    let fonts = poppler("pdffonts", &r.body, &[]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for row in &rows {
        assert!(row.contains("yes yes yes"), "emb sub uni: {fonts}");
    }
    assert!(fonts.contains("FandolFang"), "{fonts}");
    let text = squeeze(&poppler("pdftotext", &r.body, &["-layout"]));
    for needle in [
        "上城住建信处〔2026〕1号",
        "信访事项处理意见书",
        "王建国：",
        "责成开发商于2026年8月底前交房",
        "城市房地产开发经营管理条例",
        "杭州市上城区住房和城乡建设局",
        "抄送：杭州市上城区信访局",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }

    // The print view and the case page link to it; the page is the same layout.
    let html = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{letter}"),
        &cookie,
    )
    .await
    .text();
    assert!(
        html.contains(&format!("/work/cases/{case_no}/documents/{letter}/pdf")),
        "{html}"
    );
    assert!(html.contains("name=\"viewport\"") && html.contains("/assets/document.css"));
    assert!(html.contains("aria-label=\"印章\"") && !html.contains("<script>"));
    assert_eq!(html.matches("<svg class=\"sheet\"").count(), 1, "one page");
    let page = fetch(&app, &format!("/work/cases/{case_no}"), &cookie)
        .await
        .text();
    assert!(page.contains(&format!("/work/cases/{case_no}/documents/{letter}/pdf")));
    let css = fetch(&app, "/assets/document.css", &cookie).await;
    assert!(css.text().contains("size:A4") && css.text().contains("/assets/fonts/fang.otf"));
    let font = fetch(&app, "/assets/fonts/fang.otf", &cookie).await;
    assert_eq!(font.status, StatusCode::OK);
    assert_eq!(
        fetch(&app, "/assets/fonts/x.otf", &cookie).await.status,
        StatusCode::NOT_FOUND
    );

    // Out of scope (another district): 404, as for nothing.
    let other = login(&app, "gongshu_zhujian").await;
    let r = fetch(
        &app,
        &format!("/work/cases/{case_no}/documents/{letter}/pdf"),
        &other,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.starts_with(b"%PDF"));

    // The petitioner: their own document by case number + query code (POST).
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code={code}&id={letter}&download=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"%PDF-"));
    let html = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code={code}&id={letter}"),
    )
    .await
    .text();
    assert!(
        html.contains("name=\"download\" value=\"1\"") && html.contains("下载PDF"),
        "{html}"
    );
    // …never the internal 转送单, never with a wrong code.
    let slip = id_of(&docs, "forward_slip");
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code={code}&id={slip}&download=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={case_no}&query_code=WRONG123&id={letter}&download=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Another petitioner cannot fetch this case's PDF with their own code.
    let (other_no, other_code) =
        submit(&app, "李秀英", "33010219700101123", "要求维修小区破损道路").await;
    let r = form(
        &app,
        "/track/documents",
        None,
        &format!("case_no={other_no}&query_code={other_code}&id={letter}&download=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.starts_with(b"%PDF"));

    // Reads are audited.
    let reads = app.app.store.audit_entries("audit", 200).await.unwrap();
    assert!(reads.iter().filter(|e| e.kind == "document_read").count() >= 3);
});

dual_test!(accused_side_gets_no_pdf, |app: TestApp| async move {
    let bureau = app.token("shangcheng_xfj").await;
    let jiwei = app.token("shangcheng_jiwei").await;
    let (s, v) = app
        .post(
            "/api/v1/petitions",
            None,
            json!({
                "kind": "accusation",
                "petitioners": [{"name": "检举人甲", "id_number": id_with_check("33010219660606123"), "phone": "13900001111", "address": "杭州市上城区"}],
                "request": "举报住建局副局长收受开发商好处费",
                "facts": "多次收受购物卡。",
                "reasons": "违反廉洁纪律。",
                "region_code": "330102",
                "accused": {"unit_name": "杭州市上城区住房和城乡建设局", "person": "住建局某副局长"}
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let case_no = v["case_no"].as_str().unwrap().to_string();
    let jw = app.unit("杭州市上城区纪律检查委员会（监察委员会）");
    app.act_ok(
        &bureau,
        &case_no,
        json!({"action": "transfer", "to": jw, "mode": "forward", "report_due": null}),
    )
    .await;
    app.act_ok(&jiwei, &case_no, json!({"action": "sign"}))
        .await;
    app.act_ok(
        &jiwei,
        &case_no,
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    let docs = doc_ids(&app, &case_no).await;
    assert!(docs.len() >= 2, "{docs:?}");
    // The handling body has them.
    let jw_cookie = login(&app, "shangcheng_jiwei").await;
    for (_, id) in &docs {
        let r = fetch(
            &app,
            &format!("/work/cases/{case_no}/documents/{id}/pdf"),
            &jw_cookie,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // The accused body and the government above it: 404, like a document that does not exist.
    for user in [
        "shangcheng_zhujian",
        "shangcheng_zhujian_ld",
        "shangcheng_zf",
    ] {
        let cookie = login(&app, user).await;
        let ghost = fetch(
            &app,
            &format!("/work/cases/{case_no}/documents/999999/pdf"),
            &cookie,
        )
        .await;
        for (_, id) in &docs {
            let r = fetch(
                &app,
                &format!("/work/cases/{case_no}/documents/{id}/pdf"),
                &cookie,
            )
            .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
            assert_eq!(r.body, ghost.body, "{user}: same answer as for nothing");
        }
    }
});
