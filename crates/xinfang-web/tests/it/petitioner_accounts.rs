//! 我的信访 (issue #19 item 3): a petitioner asks for a code, receives it by
//! SMS through the test HTTP gateway, signs in, and sees exactly the cases
//! of their phone (and, once staff verified their ID at a window, of their
//! ID number) — never another's; each opens the tracking view without the
//! query code. Wrong, expired and too frequent codes are refused in plain
//! words; the sent code is not kept; signing out ends the session.

use crate::common;
use crate::notify::{start_gateway, texts};
use axum::http::StatusCode;
use common::web::{body_of, form, request};
use common::*;
use serde_json::json;

/// The code in the newest SMS to arrive.
pub(crate) fn last_code(g: &crate::notify::Gateway) -> String {
    let t = texts(g)
        .into_iter()
        .rev()
        .find(|t| t.contains("验证码是"))
        .unwrap_or_default();
    let digits: String = t
        .split("验证码是")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(digits.len(), 6, "{t}");
    digits
}

pub(crate) async fn ask_code(app: &TestApp, phone: &str) -> (StatusCode, String) {
    let r = form(app, "/my/code", None, &body_of(&[("phone", phone)])).await;
    (r.status, r.text())
}

pub(crate) async fn sign_in(app: &TestApp, phone: &str, code: &str) -> common::web::Resp {
    form(
        app,
        "/my/signin",
        None,
        &body_of(&[("phone", phone), ("code", code)]),
    )
    .await
}

pub(crate) async fn register(
    app: &TestApp,
    name: &str,
    id17: &str,
    phone: &str,
    request: &str,
) -> String {
    let mut p = online_petition(name, id17, request);
    p["petitioners"][0]["phone"] = json!(phone);
    let (s, r) = app.post("/api/v1/petitions", None, p).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["case_no"].as_str().unwrap().to_string()
}

/// The petitioner cookie of `phone`, signed in through the SMS code.
pub(crate) async fn signed_in(app: &TestApp, g: &crate::notify::Gateway, phone: &str) -> String {
    let (s, html) = ask_code(app, phone).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    app.app.notify_pump().await.unwrap();
    let r = sign_in(app, phone, &last_code(g)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.cookie().expect("the petitioner cookie")
}

dual_test!(
    a_petitioner_signs_in_by_sms_and_sees_only_their_own,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        app.set_time("2026-03-02 10:00");
        let mine1 = register(
            &app,
            "王账户",
            "33010219800103111",
            "13812345678",
            "要求修复小区电梯",
        )
        .await;
        let mine2 = register(
            &app,
            "王账户",
            "33010219800103111",
            "13812345678",
            "要求清理河道垃圾",
        )
        .await;
        let other = register(
            &app,
            "李他人",
            "33010219800104222",
            "13900001111",
            "要求增设公交站",
        )
        .await;
        // Registered under the same ID number with another phone: shown only
        // after the ID is verified at a window.
        let by_id = register(
            &app,
            "王账户",
            "33010219800103111",
            "13700002222",
            "要求维修路灯",
        )
        .await;
        app.app.notify_pump().await.unwrap();

        let r = request(&app, "GET", "/my", None, "").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("获取验证码"), "the sign-in form");

        // A malformed number is refused beside the field.
        let (s, html) = ask_code(&app, "12345").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请填写11位手机号码"), "{html}");

        let (s, html) = ask_code(&app, "13812345678").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("验证码已发送到138****5678"), "{html}");
        app.app.notify_pump().await.unwrap();
        let code = last_code(&g);
        assert_eq!(
            g.got.lock().unwrap().last().unwrap()["phone"],
            "13812345678"
        );
        // Once sent, the outbox keeps no code.
        let kept = app.app.store.recent_messages("sms", 50).await.unwrap();
        assert!(kept.iter().all(|m| !m.body.contains(&code)), "{kept:?}");

        // Again at once: wait a minute.
        let (s, html) = ask_code(&app, "13812345678").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert!(html.contains("请等待60秒"), "{html}");

        // A wrong code, then the right one.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = sign_in(&app, "13812345678", wrong).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("验证码不正确"), "{}", r.text());
        let r = sign_in(&app, "13812345678", &code).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), "/my");
        let cookie = r.cookie().expect("the petitioner cookie");
        assert!(cookie.starts_with("xf_petitioner="), "{cookie}");
        assert!(
            r.header("set-cookie").unwrap().contains("HttpOnly"),
            "not readable by scripts"
        );
        // A code is used once.
        let r = sign_in(&app, "13812345678", &code).await;
        assert!(r.text().contains("验证码已失效"), "{}", r.text());

        // 我的信访: this phone's cases, not another's.
        let (s, html) = common::web::page(&app, "/my", &cookie).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&mine1) && html.contains(&mine2), "{html}");
        assert!(html.contains("手机验证"), "{html}");
        assert!(!html.contains(&other), "another petitioner's case");
        assert!(!html.contains(&by_id), "not yet verified by ID");
        assert!(html.contains("要求修复小区电梯"));

        // Each opens the tracking view without the query code …
        let (s, html) = common::web::page(&app, &format!("/my/cases/{mine1}"), &cookie).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains(&mine1) && html.contains("返回我的信访"),
            "{html}"
        );
        // … and its follow-ups post the number with no code.
        let (s, html) = common::web::form_page(
            &app,
            "/track",
            Some(&cookie),
            &body_of(&[("case_no", &mine1), ("query_code", "")]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        // Not another's case, and not without the session.
        let (s, _) = common::web::page(&app, &format!("/my/cases/{other}"), &cookie).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = common::web::form_page(
            &app,
            "/track",
            None,
            &body_of(&[("case_no", &mine1), ("query_code", "")]),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "the code is asked for");

        // Submitting: name and phone come from the account.
        let (_, html) = common::web::page(&app, "/submit", &cookie).await;
        assert!(
            html.contains("value=\"13812345678\"") && html.contains("value=\"王账户\""),
            "prefilled"
        );

        // Staff verify the ID at a window: the ID's cases join the list.
        let id = id_with_check("33010219800103111");
        let verify = json!({"phone": "13812345678", "id_number": id});
        let leader = app.token("shangcheng_zhujian_ld").await;
        let (s, v) = app
            .post(
                "/api/v1/petitioner-accounts/verify",
                Some(&leader),
                verify.clone(),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let registrar = app.token("shangcheng_xfj").await;
        let (s, v) = app
            .post(
                "/api/v1/petitioner-accounts/verify",
                Some(&registrar),
                json!({"phone": "13600000000", "id_number": id}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "no account yet: {v}");
        let (s, v) = app
            .post(
                "/api/v1/petitioner-accounts/verify",
                Some(&registrar),
                verify,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, html) = common::web::page(&app, "/my", &cookie).await;
        assert!(
            html.contains(&by_id) && html.contains("窗口核验身份"),
            "{html}"
        );
        assert!(!html.contains(&other));

        // An expired code.
        app.set_time("2026-03-02 10:02");
        let (s, _) = ask_code(&app, "13812345678").await;
        assert_eq!(s, StatusCode::OK);
        app.app.notify_pump().await.unwrap();
        let late = last_code(&g);
        app.set_time("2026-03-02 10:08");
        let r = sign_in(&app, "13812345678", &late).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("验证码已失效"), "{}", r.text());

        // Five codes an hour per phone.
        for minute in ["10:10", "10:12", "10:14"] {
            app.set_time(&format!("2026-03-02 {minute}"));
            let (s, html) = ask_code(&app, "13812345678").await;
            assert_eq!(s, StatusCode::OK, "{html}");
        }
        app.set_time("2026-03-02 10:16");
        let (s, html) = ask_code(&app, "13812345678").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert!(html.contains("一小时内获取验证码已达5次"), "{html}");

        // Signing out ends the session.
        let r = form(&app, "/my/signout", Some(&cookie), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
        let (_, html) = common::web::page(&app, "/my", &cookie).await;
        assert!(html.contains("获取验证码") && !html.contains(&mine1));
        let (s, _) = common::web::page(&app, &format!("/my/cases/{mine1}"), &cookie).await;
        assert_eq!(s, StatusCode::SEE_OTHER);

        // A code the gateway could not deliver within 5 minutes is given up
        // and blanked, not sent late.
        *g.down.lock().unwrap() = true;
        app.set_time("2026-03-02 10:20");
        let (s, _) = ask_code(&app, "13900001111").await;
        assert_eq!(s, StatusCode::OK);
        // (The three codes asked for above and never pumped are expired too.)
        assert_eq!(app.app.notify_pump().await.unwrap().failed, 4);
        *g.down.lock().unwrap() = false;
        app.set_time("2026-03-02 10:26");
        let before = texts(&g).len();
        app.app.notify_pump().await.unwrap();
        assert_eq!(texts(&g).len(), before, "not sent late");
        let kept = app.app.store.recent_messages("sms", 50).await.unwrap();
        let late = kept
            .iter()
            .find(|m| m.recipient == "13900001111" && m.notice == "signin_code")
            .unwrap();
        assert_eq!(late.status, "dead");
        assert!(late.body.contains("******"), "{}", late.body);
    }
);
