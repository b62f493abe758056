//! 电子签章 (issue #20 item 6): every issued document is signed with its
//! issuing body's SM2 key (certified by the platform's root key) within the
//! signer's sweep or at its first read; the verification code printed in its
//! 附注 leads anyone to /verify, which names the issuer and date and shows
//! no content; a document changed in the database fails the check; the
//! signed package verifies offline and fails when any part is altered;
//! administrators 换发 and 吊销 keys, and what was signed before stays valid.

use crate::common;
use axum::http::StatusCode;
use common::web::{body_of, csrf_of, fetch, form_page, login, page, page_ok, post_pairs};
use common::*;
use serde_json::json;
use xinfang_app::document_seal::{verify_package, SignedDocument};

async fn docs(app: &TestApp, case_no: &str) -> Vec<xinfang_store::DocumentRow> {
    let (id, _) = app.app.store.load_case(case_no).await.unwrap().unwrap();
    app.app.store.documents_for_case(id).await.unwrap()
}

async fn verify(app: &TestApp, code: &str) -> (StatusCode, String) {
    form_page(app, "/verify", None, &body_of(&[("code", code)])).await
}

dual_test!(
    issued_documents_are_signed_and_verifiable,
    |app: TestApp| async move {
        let bureau = app.token("shangcheng_xfj").await;
        let handler = app.token("shangcheng_zhujian").await;
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        let mut p = online_petition(
            "王签章",
            "33010219650101123",
            "要求开发商按合同约定交付东湖小区商品房",
        );
        p["region_code"] = json!("330102");
        let (s, v) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let case_no = v["case_no"].as_str().unwrap().to_string();
        app.set_time("2026-03-03 10:00");
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

        // The signer's sweep signs both documents; a second sweep finds none.
        let d = docs(&app, &case_no).await;
        assert_eq!(d.len(), 2);
        let top = d.iter().map(|x| x.id).max().unwrap();
        // A full round of one stops at the document it signed: more may wait.
        let (n, first) = app.app.seal_pending_after(0, 1).await.unwrap();
        assert_eq!(n, 1);
        assert!(first < top, "{first} {top}");
        assert!(app.app.seal_pending(100).await.unwrap() >= 1);
        assert_eq!(
            app.app
                .store
                .unsigned_documents(0, 100)
                .await
                .unwrap()
                .len(),
            0
        );
        // With everything signed, a round moves past every document, and
        // later rounds look only above it.
        let (n, after) = app.app.seal_pending_after(0, 100).await.unwrap();
        assert_eq!((n, after), (0, top));
        assert_eq!(
            app.app.seal_pending_after(after, 100).await.unwrap(),
            (0, top)
        );
        let notice = d.iter().find(|x| x.doc_type == "accept_notice").unwrap();
        let sig = app
            .app
            .store
            .signature_of(notice.id)
            .await
            .unwrap()
            .expect("signed");
        assert_eq!(sig.code.len(), 14, "{}", sig.code);
        // Signed once: reading again does not re-sign.
        app.app.seal_pending(100).await.unwrap();
        assert_eq!(
            app.app
                .store
                .signature_of(notice.id)
                .await
                .unwrap()
                .unwrap()
                .signature,
            sig.signature
        );

        // The code is printed in the document's 附注 (staff view and PDF text alike).
        let staff = login(&app, "shangcheng_zhujian").await;
        let html = page_ok(
            &app,
            &format!("/work/cases/{case_no}/documents/{}", notice.id),
            &staff,
        )
        .await;
        assert!(html.contains(&format!("验证码{}", sig.code)), "{html}");
        assert!(html.contains("下载签章文件"), "{html}");

        // 文书核验: issuer and date, no content; any case and spacing of the code.
        let home = common::web::request(&app, "GET", "/", None, "")
            .await
            .text();
        assert!(home.contains("href=\"/verify\""), "offered on the portal");
        let (s, html) = verify(&app, &sig.code.to_lowercase().replace('-', " ")).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("验证通过"), "{html}");
        assert!(
            html.contains(&notice.doc_no) && html.contains("杭州市上城区住房和城乡建设局"),
            "{html}"
        );
        assert!(
            !html.contains("王签章") && !html.contains("东湖小区"),
            "no content on the check"
        );
        let (s, html) = verify(&app, "ABCD-EFGH-JKLM").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(html.contains("没有找到这个验证码"), "{html}");
        let (s, html) = verify(&app, "12").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("12位"), "{html}");

        // The signed package verifies offline, against the platform's root only.
        let r = fetch(
            &app,
            &format!("/work/cases/{case_no}/documents/{}/signed", notice.id),
            &staff,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let pkg: SignedDocument = serde_json::from_str(&r.text()).unwrap();
        let root = app.app.signing_root_public_key().unwrap();
        assert_eq!(verify_package(&pkg, Some(&root)), Ok(()));
        let mut bad = pkg.clone();
        bad.canonical = bad.canonical.replace("东湖", "西湖");
        assert!(verify_package(&bad, Some(&root))
            .unwrap_err()
            .contains("改动"));
        let mut bad = pkg.clone();
        bad.digest = hex_sm3(&pkg.canonical.replace("东湖", "西湖"));
        bad.canonical = pkg.canonical.replace("东湖", "西湖");
        assert!(
            verify_package(&bad, Some(&root)).is_err(),
            "a new digest does not help"
        );
        let other = xinfang_crypto::sm2::Sm2KeyPair::generate().unwrap();
        assert!(verify_package(&pkg, Some(&other.public_key_hex()))
            .unwrap_err()
            .contains("根公钥"));
        let mut forged = pkg.clone();
        forged.public_key = other.public_key_hex();
        forged.signature = hex::encode(other.sign(pkg.canonical.as_bytes()));
        assert!(
            verify_package(&forged, Some(&root)).is_err(),
            "a key the root never certified"
        );

        // A document changed in the database no longer verifies.
        app.app
            .store
            .execute_raw(&format!(
                "UPDATE documents SET title = '伪造的告知书' WHERE id = {}",
                notice.id
            ))
            .await
            .unwrap();
        let (s, html) = verify(&app, &sig.code).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("验证未通过") && html.contains("已被改动"),
            "{html}"
        );

        // 换发: new documents use the new key; the old signature stays valid.
        let forward = d.iter().find(|x| x.doc_type == "forward_slip").unwrap();
        let old_sig = app
            .app
            .store
            .signature_of(forward.id)
            .await
            .unwrap()
            .unwrap();
        let admin = login(&app, "admin").await;
        let html = page_ok(&app, "/admin/seals", &admin).await;
        assert!(
            html.contains("根公钥指纹") && html.contains("初始密钥"),
            "{html}"
        );
        let csrf = csrf_of(&html);
        let bureau_unit = app.unit("杭州市上城区信访局").to_string();
        let (s, html) = post_pairs(
            &app,
            "/admin/seals",
            &admin,
            &[
                ("csrf", &csrf),
                ("action", "reissue"),
                ("unit_id", &bureau_unit),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("已换发签章密钥") && html.contains("使用中"),
            "{html}"
        );
        let (s, html) = verify(&app, &old_sig.code).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("验证通过") && html.contains("停用"), "{html}");
        let keys = app.app.store.signing_keys().await.unwrap();
        let active = keys
            .iter()
            .find(|k| k.unit_id.to_string() == bureau_unit && k.status == "active")
            .unwrap();
        assert_ne!(active.key_id, old_sig.key_id);
        // 吊销 by an administrator only.
        let (s, _) = page(&app, "/admin/seals", &staff).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, html) = post_pairs(
            &app,
            "/admin/seals",
            &admin,
            &[
                ("csrf", &csrf),
                ("action", "revoke"),
                ("key_id", &active.key_id),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("已吊销") && html.contains("换发新密钥"),
            "{html}"
        );
        let keys = app.app.store.signing_keys().await.unwrap();
        assert!(keys
            .iter()
            .any(|k| k.key_id == active.key_id && k.status == "revoked"));
        assert!(keys.iter().any(|k| k.unit_id.to_string() == bureau_unit
            && k.status == "active"
            && k.key_id != active.key_id));
        let audit: Vec<String> = app
            .app
            .store
            .audit_entries("audit", 200)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert!(
            audit.contains(&"signing_key_issued".to_string())
                && audit.contains(&"signing_key_revoked".to_string())
        );
    }
);

fn hex_sm3(s: &str) -> String {
    hex::encode(xinfang_crypto::sm3(s.as_bytes()))
}
