//! 窗口核验身份 (issue #19 item 3): the registrar at the reception window
//! looks a petitioner's account up by phone (a POST, audited), records the
//! ID number only after ticking that the 居民身份证 was checked in person,
//! and the account's level then shows on the case page and in 我的信访.
//! Only registrars (and administrators) may; the menu offers it to them only.

use crate::common;
use crate::notify::start_gateway;
use crate::petitioner_accounts::{register, signed_in};
use axum::http::StatusCode;
use common::web::{csrf_of, login, page_ok, post_pairs};
use common::*;

dual_test!(
    the_window_verifies_a_petitioners_identity,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        app.set_time("2026-03-02 10:00");
        let case_no = register(
            &app,
            "王核验",
            "33010219800103111",
            "13812345678",
            "要求修复小区电梯",
        )
        .await;
        let desk = login(&app, "shangcheng_xfj").await;
        let html = page_ok(&app, "/work/accounts", &desk).await;
        assert!(html.contains("信访人账号核验"), "{html}");
        let csrf = csrf_of(&html);
        let work = page_ok(&app, "/work", &desk).await;
        assert!(
            work.contains("href=\"/work/accounts\""),
            "in the registrar's menu"
        );

        // No account yet.
        let (s, html) = post_pairs(
            &app,
            "/work/accounts",
            &desk,
            &[("csrf", &csrf), ("phone", "13812345678")],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("还没有注册账号"), "{html}");
        let (s, html) = post_pairs(
            &app,
            "/work/accounts",
            &desk,
            &[("csrf", &csrf), ("phone", "1381234")],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请填写11位手机号码"), "{html}");

        let _cookie = signed_in(&app, &g, "13812345678").await;
        let (s, html) = post_pairs(
            &app,
            "/work/accounts",
            &desk,
            &[("csrf", &csrf), ("phone", "13812345678")],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("手机验证") && html.contains("注册时间"),
            "{html}"
        );
        let case = page_ok(&app, &format!("/work/cases/{case_no}"), &desk).await;
        assert!(case.contains("已注册“我的信访”账号：手机验证"), "{case}");

        // Not without the in-person check; not with a wrong number.
        let id = id_with_check("33010219800103111");
        let (s, html) = post_pairs(
            &app,
            "/work/accounts/verify",
            &desk,
            &[
                ("csrf", &csrf),
                ("phone", "13812345678"),
                ("id_number", &id),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请先当面查验"), "{html}");
        let (s, html) = post_pairs(
            &app,
            "/work/accounts/verify",
            &desk,
            &[
                ("csrf", &csrf),
                ("phone", "13812345678"),
                ("id_number", "330102198001031112"),
                ("checked", "1"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("身份证号码无效"), "{html}");
        // Without the CSRF token nothing changes.
        let (s, _) = post_pairs(
            &app,
            "/work/accounts/verify",
            &desk,
            &[
                ("phone", "13812345678"),
                ("id_number", &id),
                ("checked", "1"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, html) = post_pairs(
            &app,
            "/work/accounts/verify",
            &desk,
            &[
                ("csrf", &csrf),
                ("phone", "13812345678"),
                ("id_number", &id),
                ("checked", "1"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("已核验身份") && html.contains("窗口核验身份"),
            "{html}"
        );
        assert!(!html.contains(&id), "the ID number is shown masked");
        assert!(html.contains("核验人"), "{html}");
        let case = page_ok(&app, &format!("/work/cases/{case_no}"), &desk).await;
        assert!(
            case.contains("已注册“我的信访”账号：窗口核验身份"),
            "{case}"
        );

        // Every look-up and the verification are in the audit chain.
        let audit = app.app.store.audit_entries("accounts", 50).await.unwrap();
        let viewed = audit
            .iter()
            .filter(|e| e.kind == "petitioner_account_viewed")
            .count();
        assert!(viewed >= 4, "{audit:?}");
        assert!(audit
            .iter()
            .any(|e| e.kind == "petitioner_id_verified" && e.actor == "user:shangcheng_xfj"));
        assert!(
            audit.iter().all(|e| !e.payload.contains("13812345678")),
            "masked in the log"
        );

        // A leader has no business here.
        let handler = login(&app, "shangcheng_zhujian_ld").await;
        let work = page_ok(&app, "/work", &handler).await;
        assert!(!work.contains("href=\"/work/accounts\""));
        let (s, _) = common::web::page(&app, "/work/accounts", &handler).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let hcsrf = csrf_of(&page_ok(&app, "/work/reception", &handler).await);
        let (s, html) = post_pairs(
            &app,
            "/work/accounts",
            &handler,
            &[("csrf", &hcsrf), ("phone", "13812345678")],
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(!html.contains("手机验证"), "{html}");
    }
);
