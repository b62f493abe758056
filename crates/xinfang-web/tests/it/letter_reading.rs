//! Reading a letter (issue #22): `POST /api/v1/intake/read` and the
//! registration page's scan upload. The committed rendered letter of
//! `xinfang-ocr` is read end to end: the proposed registration carries the
//! exact ID number and phone, is accepted as it is by `POST /api/v1/cases`,
//! the read itself registers nothing and is audited; bad files are refused
//! with a code (API) or a Chinese message, never a 500.

use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{json, Value};

const LETTER: &[u8] = include_bytes!("../../../xinfang-ocr/tests/data/letter-clean.jpg");
const TRUTH: &str = include_str!("../../../xinfang-ocr/tests/data/letter-clean.txt");
const B: &str = "XfScanBoundary";

fn truth(label: &str) -> String {
    TRUTH
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .expect("label in truth")
        .trim()
        .to_string()
}

/// A multipart body: text fields, then one file part named `file_field`.
fn multipart(fields: &[(&str, &str)], file_field: &str, file: &[u8]) -> Vec<u8> {
    let mut body = vec![];
    for (k, v) in fields {
        body.extend(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    body.extend(format!("--{B}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"scan.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").bytes());
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{B}--\r\n").bytes());
    body
}

async fn read_api(app: &TestApp, token: Option<&str>, file: &[u8]) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/intake/read")
        .header("content-type", format!("multipart/form-data; boundary={B}"));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let r = send(
        app,
        req.body(Body::from(multipart(&[], "file", file))).unwrap(),
    )
    .await;
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::Null),
    )
}

async fn cases(app: &TestApp) -> i64 {
    app.app
        .store
        .count_cases(&xinfang_store::CaseFilter::default())
        .await
        .unwrap()
}

dual_test!(
    read_then_register_through_the_api,
    |app: TestApp| async move {
        app.set_time("2026-12-30 09:00");
        let token = app.token("shangcheng_xfj").await;
        let before = cases(&app).await;
        let (s, v) = read_api(&app, Some(&token), LETTER).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let reg = &v["registration"];
        let who = &reg["petitioners"][0];
        assert_eq!(who["id_number"], json!(truth("身份证号：")), "{v}");
        assert_eq!(who["phone"], json!(truth("联系电话：")));
        assert_eq!(who["name"], json!(truth("姓名：")));
        assert_eq!(reg["channel"], "letter");
        assert!(
            reg["request"].as_str().unwrap().starts_with("请求"),
            "{reg}"
        );
        // Every field says where it came from and how sure the reading is.
        let id = &reg["fields"]["id_number"];
        assert!(id["confidence"].as_f64().unwrap() > 0.85);
        assert_eq!(id["boxes"][0]["box"].as_array().unwrap().len(), 4);
        let lines = v["lines"].as_array().unwrap();
        assert!(lines.len() >= 10);
        assert!(lines
            .iter()
            .all(|l| l["box"].as_array().unwrap().len() == 4
                && l["confidence"].as_f64().unwrap() >= 0.5));
        assert!(v["text"].as_str().unwrap().contains(&truth("身份证号：")));
        // The assistant ran on the read text.
        assert!(v["analysis"]["suggestions"].is_object(), "{v}");
        // Reading registered nothing, and was audited (hash, not content).
        assert_eq!(cases(&app).await, before);
        let audit = app.app.store.audit_entries("letter_read", 5).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor, "user:shangcheng_xfj");
        assert!(!audit[0].payload.contains(&truth("身份证号：")));
        // The proposal is a registration body as it stands (plus the place).
        let mut body = reg.clone();
        body["region_code"] = json!("330102");
        let (s, out) = app.post("/api/v1/cases", Some(&token), body).await;
        assert_eq!(s, StatusCode::CREATED, "{out}");
        assert_eq!(cases(&app).await, before + 1);
        // Staff only.
        let (s, _) = read_api(&app, None, LETTER).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
);

dual_test!(
    bad_files_are_refused_with_a_code,
    |app: TestApp| async move {
        let token = app.token("shangcheng_xfj").await;
        // Not an image (type by content, whatever the name says).
        let (s, v) = read_api(&app, Some(&token), b"<html>not a letter</html>").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["errors"][0]["message"].as_str().unwrap().contains("JPEG"));
        // A corrupt PDF and a truncated JPEG.
        let (s, v) = read_api(&app, Some(&token), b"%PDF-1.7\n1 0 obj <<").await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("corrupt_file"))
        );
        let (s, v) = read_api(&app, Some(&token), &LETTER[..LETTER.len() / 3]).await;
        assert!(
            s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::OK,
            "{s} {v}"
        );
        // A decompression bomb: a PNG header declaring 60000×60000 pixels.
        let (s, v) = read_api(&app, Some(&token), &png_bomb()).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("image_too_large")),
            "{v}"
        );
        // No file at all.
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/intake/read")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // Over the attachment limit (5 MB): refused before reading.
        let (s, _) = read_api(&app, Some(&token), &vec![0xFFu8; 6 * 1024 * 1024]).await;
        assert!(
            s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::PAYLOAD_TOO_LARGE,
            "{s}"
        );
    }
);

fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&60000u32.to_be_bytes());
    ihdr.extend_from_slice(&60000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &ihdr {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    png.extend_from_slice(&(!crc).to_be_bytes());
    png
}

dual_test!(
    the_register_page_reads_prefills_and_attaches,
    |app: TestApp| async move {
        app.set_time("2026-12-30 09:00");
        let cookie = login(&app, "shangcheng_xfj").await;
        let html = page_ok(&app, "/work/register", &cookie).await;
        assert!(html.contains("上传来信扫描件"), "{html}");
        assert!(html.contains("enctype=\"multipart/form-data\""));
        let csrf = csrf_of(&html);
        // The page's read: session + CSRF header.
        let read = |csrf: String| {
            Request::builder()
                .method("POST")
                .uri("/work/register/read")
                .header("cookie", &cookie)
                .header("x-csrf-token", csrf)
                .header("content-type", format!("multipart/form-data; boundary={B}"))
                .body(Body::from(multipart(&[], "file", LETTER)))
                .unwrap()
        };
        let r = send(&app, read("wrong".into())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = send(&app, read(csrf.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        let who = &v["registration"]["petitioners"][0];
        // The registrar corrects nothing here and registers, the scan with the form.
        let name = who["name"].as_str().unwrap().to_string();
        let id = who["id_number"].as_str().unwrap().to_string();
        let phone = who["phone"].as_str().unwrap().to_string();
        let request = v["registration"]["request"].as_str().unwrap().to_string();
        let facts = v["registration"]["facts"].as_str().unwrap().to_string();
        let fields = [
            ("csrf", csrf.as_str()),
            ("channel", "letter"),
            ("kind", "claim"),
            ("name0", &name),
            ("id0", &id),
            ("phone0", &phone),
            ("addr0", "城关镇和平村三组"),
            ("region_code", "330102"),
            ("request", &request),
            ("facts", &facts),
        ];
        let req = Request::builder()
            .method("POST")
            .uri("/work/register")
            .header("cookie", &cookie)
            .header("content-type", format!("multipart/form-data; boundary={B}"))
            .body(Body::from(multipart(&fields, "scan", LETTER)))
            .unwrap();
        let r = send(&app, req).await;
        let done = r.text();
        assert_eq!(r.status, StatusCode::OK, "{done}");
        assert!(done.contains("来信扫描件已作为附件保存（1个）"), "{done}");
        let case_no = between(&done, "信访编号 <a href=\"/work/cases/", "\"").to_string();
        // The scan is the case's attachment; its words are searchable through
        // the fields it filled.
        let token = app.token("shangcheng_xfj").await;
        let (s, docs) = app
            .get(&format!("/api/v1/cases/{case_no}/documents"), Some(&token))
            .await;
        assert_eq!(s, StatusCode::OK);
        let atts = docs["attachments"].as_array().unwrap();
        assert_eq!(atts.len(), 1, "{docs}");
        assert_eq!(atts[0]["media_type"], "image/jpeg");
        let (_, case) = app
            .get(&format!("/api/v1/cases/{case_no}"), Some(&token))
            .await;
        let head: String = facts.chars().take(8).collect();
        assert!(case.to_string().contains(&head), "{case}");
    }
);

dual_test!(
    a_registered_scans_text_is_searchable_within_scope,
    |app: TestApp| async move {
        // Deliverable 2 of issue #22: the scan stays with the case and its
        // text is searchable — by whoever may see the case, never by the
        // accused unit of a 检举控告 (第三十条).
        app.set_time("2026-12-30 09:00");
        let dir =
            std::env::temp_dir().join(format!("xinfang-scan-search-{:x}", rand::random::<u64>()));
        app.app
            .attach_search(xinfang_search::SearchIndex::open(&dir).unwrap());
        let cookie = login(&app, "shangcheng_xfj").await;
        let html = page_ok(&app, "/work/register", &cookie).await;
        let csrf = csrf_of(&html);
        // The registrar reads the scan on the form first (as the page does).
        let r = send(
            &app,
            Request::builder()
                .method("POST")
                .uri("/work/register/read")
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf)
                .header("content-type", format!("multipart/form-data; boundary={B}"))
                .body(Body::from(multipart(&[], "file", LETTER)))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // …then registers it as an accusation against a township, in words
        // of their own: the letter's account of 镇劳动保障所 is only in the scan.
        let township = app.unit("杭州市上城区湖滨街道").to_string();
        let id = truth("身份证号：");
        let fields = [
            ("csrf", csrf.as_str()),
            ("channel", "letter"),
            ("kind", "accusation"),
            ("name0", "罗淑珍"),
            ("id0", id.as_str()),
            ("addr0", "新华街道幸福小区"),
            ("region_code", "330102"),
            ("request", "反映街道不作为"),
            ("accused_unit", township.as_str()),
        ];
        let r = send(
            &app,
            Request::builder()
                .method("POST")
                .uri("/work/register")
                .header("cookie", &cookie)
                .header("content-type", format!("multipart/form-data; boundary={B}"))
                .body(Body::from(multipart(&fields, "scan", LETTER)))
                .unwrap(),
        )
        .await;
        let done = r.text();
        assert_eq!(r.status, StatusCode::OK, "{done}");
        assert!(done.contains("识别出的文字已纳入全文检索"), "{done}");
        let case_no = between(&done, "信访编号 <a href=\"/work/cases/", "\"").to_string();
        // The text is stored with the attachment (sealed when keys are loaded).
        let (case_id, case) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
        assert!(!case.content.full_text().contains("劳动保障所"));
        let atts = app.app.store.attachments_for_case(case_id).await.unwrap();
        assert_eq!(atts.len(), 1);
        let stored = app
            .app
            .store
            .attachment_text(case_id, atts[0].id)
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(stored.contains("劳动保障所"), "{stored}");
        app.app.index_pending().await.unwrap();
        let search = |token: String, words: &'static str| {
            let app = &app;
            async move {
                let qs: String = words.bytes().map(|b| format!("%{b:02X}")).collect();
                let (s, v) = app
                    .get(&format!("/api/v1/search?q={qs}"), Some(&token))
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                v
            }
        };
        // The registering bureau finds the case by a phrase only the scan holds…
        let bureau = app.token("shangcheng_xfj").await;
        let v = search(bureau.clone(), "劳动保障所").await;
        let hits = v["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 1, "{v}");
        assert_eq!(hits[0]["case_no"], json!(case_no));
        // …and the snippet shows the letter's words, not the writer's ID number.
        let snippet = hits[0]["snippet"].as_str().unwrap();
        assert!(snippet.contains("<b>"), "{snippet}");
        assert!(!v.to_string().contains(&id), "{v}");
        // The city 信访局 reads its whole area: found — without the writer's
        // name, which only the case's own registrars and handlers see.
        let city = app.token("hangzhou_xfj").await;
        let v = search(city, "劳动保障所").await;
        assert_eq!(v["total"], 1, "{v}");
        assert!(v["hits"][0].get("petitioner_names").is_none(), "{v}");
        assert!(!v.to_string().contains("罗淑珍"), "{v}");
        // The accused township never finds it (第三十条), nor another district.
        let accused = app.token("shangcheng_t1").await;
        assert_eq!(search(accused, "劳动保障所").await["total"], 0);
        let xihu = app.token("xihu_zf").await;
        assert_eq!(search(xihu, "劳动保障所").await["total"], 0);
        // A phrase that is in neither finds nothing (the search is real).
        assert_eq!(search(bureau.clone(), "拆迁安置").await["total"], 0);

        // A scan not read on the form (script off; here the same letter with
        // bytes after its end, so another file) is read when registered, and
        // that read is audited with the new case's number.
        let mut unread = LETTER.to_vec();
        unread.extend_from_slice(b"\0not read on the form");
        let fields = [
            ("csrf", csrf.as_str()),
            ("channel", "letter"),
            ("kind", "claim"),
            ("name0", "王建国"),
            ("addr0", "城关镇和平村三组"),
            ("region_code", "330102"),
            ("request", "反映噪声扰民"),
        ];
        let r = send(
            &app,
            Request::builder()
                .method("POST")
                .uri("/work/register")
                .header("cookie", &cookie)
                .header("content-type", format!("multipart/form-data; boundary={B}"))
                .body(Body::from(multipart(&fields, "scan", &unread)))
                .unwrap(),
        )
        .await;
        let done = r.text();
        assert_eq!(r.status, StatusCode::OK, "{done}");
        assert!(done.contains("识别出的文字已纳入全文检索"), "{done}");
        let second = between(&done, "信访编号 <a href=\"/work/cases/", "\"").to_string();
        let audit = app
            .app
            .store
            .audit_entries("letter_read", 10)
            .await
            .unwrap();
        assert!(
            audit.iter().any(|a| a.payload.contains(&second)),
            "{audit:?}"
        );
        app.app.index_pending().await.unwrap();
        let v = search(bureau, "劳动保障所").await;
        assert_eq!(v["total"], 2, "{v}");
        let _ = std::fs::remove_dir_all(&dir);
    }
);

/// Submit online through the portal with `file` as 证明材料; the new
/// case's number from the receipt.
async fn submit_with_evidence(app: &TestApp, request: &str, file: &[u8]) -> String {
    let fields = [
        ("name", "李红"),
        ("address", "杭州市上城区湖滨街道东湖小区3号"),
        ("region_code", "330102"),
        ("kind", "claim"),
        ("request", request),
    ];
    let body = common::multipart(&fields, &[("证明材料.jpg", file)], "attachments");
    let r = post_multipart(app, "/submit", body).await;
    let receipt = r.text();
    assert_eq!(r.status, StatusCode::OK, "{receipt}");
    between(&receipt, "id=\"receipt-case-no\">", "</strong>").to_string()
}

dual_test!(
    attachments_from_every_path_are_read_once,
    |app: TestApp| async move {
        // A photographed letter sent as 证明材料 through the portal — no
        // registrar read it — is read by the background reader and found by
        // the search like a scan registered at the window (issue #22).
        app.set_time("2026-12-30 09:00");
        let dir =
            std::env::temp_dir().join(format!("xinfang-scan-reader-{:x}", rand::random::<u64>()));
        app.app
            .attach_search(xinfang_search::SearchIndex::open(&dir).unwrap());
        // Bytes of its own: reads are remembered by content within the
        // process, and the other database's variant of this test sends the
        // same letter (the reader would find it read and audit nothing).
        let mut one = LETTER.to_vec();
        one.extend_from_slice(b"\0sent through the portal ");
        one.extend_from_slice(&rand::random::<u64>().to_le_bytes());
        let case_no = submit_with_evidence(&app, "请求督促有关部门处理", &one).await;
        let (case_id, _) = app.app.store.load_case(&case_no).await.unwrap().unwrap();
        let att = app.app.store.attachments_for_case(case_id).await.unwrap()[0].id;
        let text = |app: &TestApp| {
            let store = app.app.store.clone();
            async move { store.attachment_text(case_id, att).await.unwrap() }
        };
        assert_eq!(text(&app).await, None, "not read at upload");
        assert_eq!(app.app.store.unread_scan_count().await.unwrap(), 1);
        // The reader takes it, stores its words, and is done with it.
        assert_eq!(app.app.read_unread_scans(8).await.unwrap(), 1);
        assert!(text(&app).await.unwrap_or_default().contains("劳动保障所"));
        assert_eq!(app.app.read_unread_scans(8).await.unwrap(), 0);
        assert_eq!(app.app.store.unread_scan_count().await.unwrap(), 0);
        let audit = app
            .app
            .store
            .audit_entries("letter_read", 10)
            .await
            .unwrap();
        assert!(
            audit
                .iter()
                .any(|a| a.actor == "system:scan_reader" && a.payload.contains(&case_no)),
            "{audit:?}"
        );
        app.app.index_pending().await.unwrap();
        let token = app.token("shangcheng_xfj").await;
        let qs: String = "劳动保障所".bytes().map(|b| format!("%{b:02X}")).collect();
        let (s, v) = app
            .get(&format!("/api/v1/search?q={qs}"), Some(&token))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["hits"][0]["case_no"], json!(case_no), "{v}");

        // A file with nothing to read (a 1×1 picture) is marked read without
        // text, so it is not tried again.
        submit_with_evidence(&app, "请求修复路灯", PNG).await;
        assert_eq!(app.app.read_unread_scans(8).await.unwrap(), 1);
        assert_eq!(app.app.store.unread_scan_count().await.unwrap(), 0);
        assert_eq!(app.app.read_unread_scans(8).await.unwrap(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
);

dual_test!(
    a_scan_is_claimed_by_one_reader_until_its_claim_lapses,
    |app: TestApp| async move {
        // With several `serve` nodes on one database, each background reader
        // claims what it takes (issue #22): another reader skips those until
        // the claim lapses, and then takes them (a node died mid-read).
        app.set_time("2026-12-30 09:00");
        for topic in ["请求修复路灯", "请求清理河道", "请求整治噪音"] {
            submit_with_evidence(&app, topic, PNG).await;
        }
        let store = &app.app.store;
        let long = std::time::Duration::from_secs(300);
        let ids = |v: Vec<xinfang_store::UnreadScan>| v.iter().map(|s| s.id).collect::<Vec<_>>();
        let first = ids(store.claim_unread_scans(2, long).await.unwrap());
        let second = ids(store.claim_unread_scans(8, long).await.unwrap());
        assert_eq!(first.len(), 2);
        assert_eq!(second.len(), 1);
        assert!(first.iter().all(|id| !second.contains(id)), "disjoint");
        assert!(store.claim_unread_scans(8, long).await.unwrap().is_empty());
        // A reader finds nothing to take while others hold every scan; the
        // scans still wait (claimed is not read).
        assert_eq!(app.app.read_unread_scans(8).await.unwrap(), 0);
        assert_eq!(store.unread_scan_count().await.unwrap(), 3);

        // A claim that lapses at once leaves the scan to the next reader.
        submit_with_evidence(&app, "请求补发工资", PNG).await;
        let lapsed = ids(store
            .claim_unread_scans(8, std::time::Duration::ZERO)
            .await
            .unwrap());
        assert_eq!(lapsed.len(), 1);
        let again = ids(store.claim_unread_scans(8, long).await.unwrap());
        assert_eq!(again, lapsed, "taken over after the claim lapsed");
    }
);
