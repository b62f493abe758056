//! A form shown again keeps its files (issue #22; "bad input loses nothing
//! already accepted"): the registration at the window and the portal's
//! online submission both come back (422) with the files they carried
//! listed and ticked; the corrected form registers them without choosing
//! them again. A held file is found only by its owner, and used once.

use crate::common;
use axum::http::StatusCode;
use common::*;

/// The held files a page lists: (field, token) of each ticked box.
fn held(html: &str) -> Vec<(String, String)> {
    html.match_indices("name=\"held")
        .map(|(i, _)| {
            let rest = &html[i + 6..];
            let field = between(rest, "", "\"").to_string();
            let token = between(rest, "value=\"", "\"").to_string();
            (field, token)
        })
        .collect()
}

async fn attachment_names(app: &TestApp, case_no: &str) -> Vec<String> {
    let (id, _) = app.app.store.load_case(case_no).await.unwrap().unwrap();
    app.app
        .store
        .attachments_for_case(id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.file_name)
        .collect()
}

dual_test!(
    the_portal_form_shown_again_keeps_its_good_files,
    |app: TestApp| async move {
        let before = app.app.store.count("cases").await.unwrap();
        let mut fields = vec![
            ("name", "李红"),
            ("address", "杭州市上城区湖滨街道东湖小区3号"),
            ("region_code", "330102"),
            ("kind", "claim"),
            ("facts", "屋顶漏水三个月。"),
        ];
        // No 请求 and one file that is not a picture: shown again; the good
        // photo is kept, the bad file is not.
        let files: [(&str, &[u8]); 2] = [("屋顶.png", PNG), ("说明.png", b"<html>x</html>")];
        let r = post_multipart_as(
            &app,
            "/submit",
            None,
            multipart(&fields, &files, "attachments"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("已保留上次提交的文件"), "{html}");
        let kept = held(&html);
        assert_eq!(kept.len(), 1, "{html}");
        assert_eq!(kept[0].0, "held0");
        assert!(html.contains("屋顶.png（1KB）"), "{html}");
        assert_eq!(app.app.store.count("cases").await.unwrap(), before);
        // Corrected, without choosing the photo again: registered with it.
        fields.push(("request", "要求物业公司修复漏水的屋顶"));
        let mut again = fields.clone();
        again.push(("held0", &kept[0].1));
        let r = post_multipart(&app, "/submit", multipart(&again, &[], "attachments")).await;
        let receipt = r.text();
        assert_eq!(r.status, StatusCode::OK, "{receipt}");
        assert!(receipt.contains("已保存证明材料1个"), "{receipt}");
        assert_eq!(app.app.store.count("cases").await.unwrap(), before + 1);
        let case_no = between(&receipt, "id=\"receipt-case-no\">", "</strong>").to_string();
        assert_eq!(attachment_names(&app, &case_no).await, ["屋顶.png"]);
        // A held file is used once: the same token brings nothing again.
        fields.retain(|(k, _)| *k != "request");
        fields.push(("request", "要求修复楼道的灯"));
        fields.push(("held0", &kept[0].1));
        let r = post_multipart_as(
            &app,
            "/submit",
            None,
            multipart(&fields, &[], "attachments"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(!r.text().contains("已保存证明材料"), "{}", r.text());
        let text = r.text();
        let second = between(&text, "id=\"receipt-case-no\">", "</strong>").to_string();
        assert_ne!(second, case_no);
        assert!(attachment_names(&app, &second).await.is_empty());
        // The holding is in the audit log, by hash, not content.
        let audit = app.app.store.audit_entries("audit", 200).await.unwrap();
        assert!(audit
            .iter()
            .any(|a| a.kind == "uploads_held" && a.payload.contains("sha256")));
    }
);

dual_test!(
    a_registration_shown_again_keeps_its_scan_for_its_registrar_only,
    |app: TestApp| async move {
        app.set_time("2026-12-30 09:00");
        let cookie = login(&app, "shangcheng_xfj").await;
        let csrf = csrf_of(&page_ok(&app, "/work/register", &cookie).await);
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("channel", "letter"),
            ("kind", "claim"),
            ("addr0", "城关镇和平村三组"),
            ("region_code", "330102"),
            ("request", "反映噪声扰民"),
        ];
        // No petitioner's name: shown again, the scan kept and ticked.
        let r = post_multipart_as(
            &app,
            "/work/register",
            Some(&cookie),
            multipart(&fields, &[("来信.png", PNG)], "scan"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        let kept = held(&html);
        assert_eq!(kept.len(), 1, "{html}");
        assert!(html.contains("来信.png"), "{html}");
        let token = kept[0].1.clone();
        // The scan is shown beside the form again, as when it was chosen;
        // only to its registrar, and never cached.
        let src = format!("/work/register/held/{token}");
        assert!(html.contains(&format!("src=\"{src}\"")), "{html}");
        assert!(html.contains("来信.png（上次提交时保留"), "{html}");
        let r = request(&app, "GET", &src, Some(&cookie), "").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type").as_deref(), Some("image/png"));
        assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(r.body, PNG);
        let r = request(&app, "GET", &src, None, "").await;
        assert_eq!(r.location(), "/login", "signed out: to the sign-in page");
        // Another registrar who came by the token gets nothing with it.
        let other = login(&app, "hangzhou_xfj").await;
        let r = request(&app, "GET", &src, Some(&other), "").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another registrar's view");
        let other_csrf = csrf_of(&page_ok(&app, "/work/register", &other).await);
        let foreign = [
            ("csrf", other_csrf.as_str()),
            ("channel", "letter"),
            ("kind", "claim"),
            ("name0", "赵六"),
            ("addr0", "城关镇和平村三组"),
            ("region_code", "330102"),
            ("request", "反映道路破损"),
            ("held0", token.as_str()),
        ];
        let r = post_multipart_as(
            &app,
            "/work/register",
            Some(&other),
            multipart(&foreign, &[], "scan"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(!r.text().contains("来信扫描件"), "{}", r.text());
        // The registrar corrects the form without choosing the scan again.
        fields.push(("name0", "王建国"));
        fields.push(("held0", &token));
        let r = post_multipart_as(
            &app,
            "/work/register",
            Some(&cookie),
            multipart(&fields, &[], "scan"),
        )
        .await;
        let done = r.text();
        assert_eq!(r.status, StatusCode::OK, "{done}");
        assert!(done.contains("来信扫描件已作为附件保存（1个）"), "{done}");
        let case_no = between(&done, "信访编号 <a href=\"/work/cases/", "\"").to_string();
        assert_eq!(attachment_names(&app, &case_no).await, ["来信.png"]);
        // Used with the registration: the held copy is no longer served.
        let r = request(&app, "GET", &src, Some(&cookie), "").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);
