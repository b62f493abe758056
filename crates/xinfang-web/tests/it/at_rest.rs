//! Personal data at rest (issue #20 item 1), every path that stores it:
//! an online submission (with an idempotency key), a staff registration,
//! a 12345 work order, the documents and drafts of handling, a petitioner
//! account (SMS code, session, window ID check), an online reception
//! booking, an import file, the SMS outbox and webhook deliveries, a
//! staff TOTP secret, a webhook secret and the query code an
//! idempotency replay keeps. Then
//! the raw database — the SQLite file and its WAL after a checkpoint, or a
//! `pg_dump` — is searched for each petitioner's ID number and phone (and
//! the ID's 17 leading digits, whatever its check character's case): none
//! is there (nor the addresses, nor the secrets), while the staff API
//! still reads them. The harness installs
//! keys for every web test (`common::install_test_keys`).

use crate::common;
use crate::events_kit::{subscribe, Receiver};
use crate::notify::start_gateway;
use crate::petitioner_accounts::signed_in;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::web::{body_of, form, send};
use common::*;
use serde_json::json;

const BUREAU: &str = "杭州市上城区信访局";

/// The raw bytes of the test database: file + WAL (SQLite) or a dump.
async fn raw_database(app: &TestApp) -> Vec<u8> {
    let url = app.app.store.url().to_string();
    if let Some(path) = url.strip_prefix("sqlite://") {
        app.app
            .store
            .execute_raw("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        let mut all = std::fs::read(path).unwrap();
        for ext in ["-wal", "-shm", "-journal"] {
            if let Ok(b) = std::fs::read(format!("{path}{ext}")) {
                all.extend(b);
            }
        }
        all
    } else {
        let o = std::process::Command::new("pg_dump")
            .arg(&url)
            .output()
            .expect("pg_dump (Debian postgresql-client)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn workbook(id: &str, phone: &str) -> Vec<u8> {
    let cols = xinfang_app::import::row::COLUMNS;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, _)) in cols.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let row = [
        "2025-06-03",
        "来信",
        "申诉求决类",
        "导入丁",
        id,
        phone,
        "杭州市上城区导入路4号",
        "330102",
        BUREAU,
        "",
        "要求支付拖欠工资",
    ];
    for (c, v) in row.iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

dual_test!(
    no_plain_id_or_phone_on_any_path,
    |app: TestApp| async move {
        assert!(
            xinfang_store::installed_keys().is_some(),
            "the harness installs keys"
        );
        let g = start_gateway(&app).await;
        let rx = Receiver::start().await;
        let admin = app.token("admin").await;
        let bureau = app.token("shangcheng_xfj").await;
        let (_, hook_secret) =
            subscribe(&app, &admin, "加密推送", &rx.url("sealed"), BUREAU, None).await;
        // A staff TOTP secret (enrolment begun).
        let totp = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let clerk = app
            .app
            .store
            .user_by_name("shangcheng_xfj")
            .await
            .unwrap()
            .unwrap();
        assert!(app
            .app
            .store
            .begin_second_factor(clerk.id, totp)
            .await
            .unwrap());
        app.set_time("2026-03-02 10:00");

        // (ID number, phone) of each path's petitioner.
        let online = (id_with_check("33010219700101234"), "13511112222");
        let staff = (id_with_check("33010219710202345"), "13622223333");
        let order = (id_with_check("33010219720303456"), "13733334444");
        let imported = (id_with_check("33010219730404567"), "13944445555");

        // 1. Online submission with an idempotency key.
        let mut p = online_petition("网上甲", "33010219700101234", "要求开发商按期交付住房");
        p["petitioners"][0]["phone"] = json!(online.1);
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/petitions")
            .header("content-type", "application/json")
            .header("idempotency-key", "at-rest-0001-key-abcdef")
            .body(Body::from(p.to_string()))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let online_case = r.json()["case_no"].as_str().unwrap().to_string();
        let query_code = r.json()["query_code"].as_str().unwrap().to_string();

        // 2. Staff registration.
        let (s, v) = app
            .post(
                "/api/v1/cases",
                Some(&bureau),
                json!({"channel": "letter", "petitioners": [{"name": "来信乙", "id_number": staff.0,
                       "phone": staff.1, "address": "上城区来信路2号"}],
                       "request": "要求维修小区路面", "facts": "路面破损半年。", "region_code": "330102"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let staff_case = v["case_no"].as_str().unwrap().to_string();

        // 3. A 12345 work order.
        let platform = app.token("hangzhou_xfj").await;
        let (s, v) = app
            .post(
                "/api/v1/work-orders",
                Some(&platform),
                json!({"source": "12345", "external_id": "AT-REST-1", "channel": "phone", "kind": "claim",
                       "petitioners": [{"name": "来电丙", "id_number": order.0, "phone": order.1,
                                        "address": "杭州市上城区来电路3号"}],
                       "request": "要求维修小区电梯", "facts": "电梯停运两周。", "region_code": "330102"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");

        // 4. Handling: documents (告知书, 答复意见书) and a signed-off draft.
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        let handler = app.token("shangcheng_zhujian").await;
        app.set_time("2026-03-03 10:00");
        app.act_ok(
            &bureau,
            &online_case,
            json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
        )
        .await;
        app.act_ok(&handler, &online_case, json!({"action": "sign"}))
            .await;
        app.act_ok(
            &handler,
            &online_case,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        app.act_ok(
            &handler,
            &online_case,
            json!({"action": "reply", "outcome": "support", "basis": "《城市房地产开发经营管理条例》第三十条",
                   "text": "责成开发商于2026年8月底前交房。"}),
        )
        .await;
        app.app.seal_pending(100).await.unwrap();

        // 5. The petitioner's account: code, session, window ID check, booking.
        let me = signed_in(&app, &g, online.1).await;
        let (s, v) = app
            .post(
                "/api/v1/petitioner-accounts/verify",
                Some(&bureau),
                json!({"phone": online.1, "id_number": online.0}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = app
            .post(
                "/api/v1/receptions",
                Some(&bureau),
                json!({"kind": "hall", "leader": "张区长", "date": "2026-03-04", "slot": "09:00-11:30",
                       "place": "加密厅", "capacity": 5, "online": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let session = v["id"].as_i64().unwrap().to_string();
        let r = form(
            &app,
            "/my/reception",
            Some(&me),
            &body_of(&[
                ("session", &session),
                ("name", "网上甲"),
                ("matter", "请求当面反映交房问题"),
                ("case_no", &online_case),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

        // 6. An import file.
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/import/cases?dry_run=false")
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "application/octet-stream")
            .body(Body::from(workbook(&imported.0, imported.1)))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let import_case = r.json()["case_nos"][0].as_str().unwrap().to_string();

        // 7. The outbox sends its SMS, webhooks deliver.
        app.app.notify_pump().await.unwrap();
        app.app
            .webhook_pump(&xinfang_app::events::webhook::client())
            .await
            .unwrap();
        assert!(!rx.accepted("sealed").is_empty(), "webhooks delivered");

        // The staff API still reads them in full (so they were stored).
        let order_case = app
            .app
            .store
            .case_ids_of_petitioner(order.1, None, 10)
            .await
            .unwrap();
        assert_eq!(
            order_case.len(),
            1,
            "the work order's petitioner is indexed"
        );
        for (case_no, (id, phone)) in [(&staff_case, &staff), (&import_case, &imported)] {
            let (_, v) = app
                .get(&format!("/api/v1/cases/{case_no}"), Some(&bureau))
                .await;
            assert_eq!(v["case"]["petitioners"][0]["id_number"], id.as_str(), "{v}");
            assert_eq!(v["case"]["petitioners"][0]["phone"], *phone, "{v}");
        }
        // The account kept its ID check (level 窗口核验身份).
        let acct = app.app.store.petitioner_account(online.1).await.unwrap();
        assert_eq!(
            acct.and_then(|a| a.id_number).as_deref(),
            Some(online.0.as_str())
        );

        let sf = app.app.store.second_factor(clerk.id).await.unwrap();
        assert_eq!(sf.unwrap().secret, totp, "the TOTP secret reads back");
        assert!(
            rx.accepted("sealed").len() == rx.got("sealed").len()
                && rx.got("sealed").iter().all(|g| g.signed_with(&hook_secret)),
            "deliveries signed with the (sealed) secret"
        );

        // A retry is still answered with the same code (the sealed replay).
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/petitions")
            .header("content-type", "application/json")
            .header("idempotency-key", "at-rest-0001-key-abcdef")
            .body(Body::from(p.to_string()))
            .unwrap();
        let again = send(&app, req).await.json();
        assert_eq!(again["query_code"], query_code.as_str(), "{again}");

        let raw = raw_database(&app).await;
        assert!(
            !contains(&raw, &query_code),
            "the query code (idempotency replay) in the database"
        );
        assert!(!contains(&raw, totp), "the TOTP secret in the database");
        assert!(
            !contains(&raw, &hook_secret),
            "the webhook secret in the database"
        );
        assert!(contains(&raw, &online_case), "the search itself works");
        for (what, (id, phone)) in [
            ("online", &online),
            ("staff", &staff),
            ("work order", &order),
            ("import", &imported),
        ] {
            assert!(
                !contains(&raw, id),
                "{what}: ID number {id} in the database"
            );
            assert!(
                !contains(&raw, &id[..17]),
                "{what}: ID number {id} (17 digits) in the database"
            );
            assert!(
                !contains(&raw, phone),
                "{what}: phone {phone} in the database"
            );
        }
    }
);
