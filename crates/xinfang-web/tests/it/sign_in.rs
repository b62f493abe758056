//! Staff sign-in for 等保 level 3 (issue #20 item 3), through the pages
//! and the API on both databases: TOTP enrolment with the QR code and
//! recovery codes, the two-step sign-in (wrong, reused and recovery codes),
//! a role requirement that forces enrolment before anything else, an
//! administrator's reset, the idle and absolute session timeouts, the new
//! session id at sign-in, server-side sign-out, and the lockout with its
//! back-off — each step in the audit chain.

use super::common::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use serde_json::json;
use std::net::SocketAddr;
use xinfang_app::sign_in::SessionPolicy;
use xinfang_app::totp;

/// A page form posted from `peer` (the throttles key on the real client).
async fn form_from(
    app: &TestApp,
    peer: &str,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> Resp {
    let mut req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let mut req = req.body(Body::from(body.to_string())).unwrap();
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    send(app, req).await
}

async fn password_step(app: &TestApp, peer: &str, user: &str, pw: &str) -> Resp {
    form_from(
        app,
        peer,
        "/login",
        None,
        &body_of(&[("username", user), ("password", pw)]),
    )
    .await
}

/// The code the authenticator shows now (`ahead` steps later).
fn code_now(app: &TestApp, secret: &str, ahead: i64) -> String {
    let key = totp::base32_decode(secret).unwrap();
    totp::code_at(&key, totp::step_of(app.app.unix_now()) + ahead)
}

fn advance(app: &TestApp, secs: i64) {
    let mut c = app.clock.lock().unwrap();
    *c += chrono::Duration::seconds(secs);
}

async fn works(app: &TestApp, cookie: &str) -> bool {
    let r = request(app, "GET", "/work", Some(cookie), "").await;
    r.status == StatusCode::OK
}

async fn audit_kinds(app: &TestApp) -> Vec<String> {
    app.app
        .store
        .audit_entries("audit", 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// Enrol `cookie`'s user at the enrolment page: (secret, recovery codes, response).
async fn enrol(app: &TestApp, cookie: &str) -> (String, Vec<String>, Resp) {
    let r = request(app, "GET", "/account/second-factor", Some(cookie), "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains("<img src=\"data:image/svg+xml,"),
        "QR code drawn inline"
    );
    let secret = between(&html, "<code id=\"secret\">", "</code>").to_string();
    assert_eq!(totp::base32_decode(&secret).unwrap().len(), 20);
    let csrf = csrf_of(&html);
    // A wrong first code binds nothing.
    let wrong = code_now(app, &secret, 5);
    let r = form_from(
        app,
        "192.0.2.50",
        "/account/second-factor",
        Some(cookie),
        &body_of(&[("csrf", &csrf), ("code", &wrong)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("验证码错误"));
    let code = code_now(app, &secret, 0);
    let r = form_from(
        app,
        "192.0.2.50",
        "/account/second-factor",
        Some(cookie),
        &body_of(&[("csrf", &csrf), ("code", &code)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    let list = between(&html, "<ol class=\"recovery-codes\">", "</ol>");
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{list}");
    (secret, codes, r)
}

dual_test!(
    totp_enrolment_and_two_step_sign_in,
    |app: TestApp| async move {
        let peer = "192.0.2.50";
        let cookie = password_step(&app, peer, "admin", PASSWORD)
            .await
            .cookie()
            .unwrap();
        let (secret, codes, _) = enrol(&app, &cookie).await;
        // Shown once: the page now only says it is bound.
        let again = page_ok(&app, "/account/second-factor", &cookie).await;
        assert!(again.contains("已绑定") && !again.contains(&codes[0]));
        // Sign out deletes the session on the server: the old cookie is dead.
        let r = form(&app, "/logout", Some(&cookie), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            !works(&app, &cookie).await,
            "signed-out session still works"
        );

        // Two steps now: the password gives a token good for the code form only.
        let r = password_step(&app, peer, "admin", PASSWORD).await;
        assert_eq!(r.location(), "/login/code");
        let set = r.header("set-cookie").unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        let pending = r.cookie().unwrap();
        assert!(
            !works(&app, &pending).await,
            "the password alone opened the workbench"
        );
        let html = page_ok(&app, "/login/code", &pending).await;
        let csrf = csrf_of(&html);
        // Wrong code.
        let wrong = code_now(&app, &secret, 7);
        let r = form_from(
            &app,
            peer,
            "/login/code",
            Some(&pending),
            &body_of(&[("csrf", &csrf), ("code", &wrong)]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("验证码错误"));
        // The enrolment's code again, within its window: refused as reused.
        let used = code_now(&app, &secret, 0);
        let r = form_from(
            &app,
            peer,
            "/login/code",
            Some(&pending),
            &body_of(&[("csrf", &csrf), ("code", &used)]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("已使用过"), "{}", r.text());
        // The next step's code: signed in, with a NEW session id.
        advance(&app, 30);
        let fresh = code_now(&app, &secret, 0);
        let r = form_from(
            &app,
            peer,
            "/login/code",
            Some(&pending),
            &body_of(&[("csrf", &csrf), ("code", &fresh)]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), "/work");
        let session = r.cookie().unwrap();
        assert_ne!(session, pending, "session id not renewed at sign-in");
        assert!(works(&app, &session).await);
        let r = request(&app, "GET", "/login/code", Some(&pending), "").await;
        assert_eq!(
            r.location(),
            "/login",
            "the pending token outlived the sign-in"
        );

        // A recovery code signs in once, never twice.
        for (i, expect) in [(0, StatusCode::SEE_OTHER), (1, StatusCode::UNAUTHORIZED)] {
            let pending = password_step(&app, peer, "admin", PASSWORD)
                .await
                .cookie()
                .unwrap();
            let csrf = csrf_of(&page_ok(&app, "/login/code", &pending).await);
            let r = form_from(
                &app,
                peer,
                "/login/code",
                Some(&pending),
                &body_of(&[("csrf", &csrf), ("code", &codes[0].to_lowercase())]),
            )
            .await;
            assert_eq!(r.status, expect, "recovery code use {i}: {}", r.text());
        }
        let admin_id = app
            .app
            .store
            .user_by_name("admin")
            .await
            .unwrap()
            .unwrap()
            .id;
        let left = app.app.store.recovery_codes_left(admin_id).await.unwrap();
        assert_eq!(left, 9);

        // The API wants the code too.
        let (s, v) = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({ "username": "admin", "password": PASSWORD }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "code");
        advance(&app, 30);
        let (s, v) = app.post("/api/v1/auth/login", None, json!({ "username": "admin", "password": PASSWORD, "code": code_now(&app, &secret, 0) })).await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let kinds = audit_kinds(&app).await;
        for k in [
            "second_factor_enrolled",
            "login",
            "login_failed",
            "recovery_code_used",
            "logout",
        ] {
            assert!(
                kinds.iter().any(|x| x == k),
                "no {k} in the audit log: {kinds:?}"
            );
        }
        assert!(app.app.store.verify_chain().await.unwrap().is_ok());
    }
);

dual_test!(
    a_role_requirement_forces_enrolment_first,
    |app: TestApp| async move {
        let peer = "192.0.2.60";
        // The demo signs in without a second factor until one is required.
        let r = password_step(&app, peer, "shangcheng_ld", PASSWORD).await;
        assert_eq!(r.location(), "/work");
        let admin = app.token("admin").await;
        let leader = app.token("shangcheng_ld").await;
        let (s, _) = app
            .call(
                "PUT",
                "/api/v1/admin/second-factor",
                Some(&leader),
                Some(json!({ "roles": ["leader"] })),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .call(
                "PUT",
                "/api/v1/admin/second-factor",
                Some(&admin),
                Some(json!({ "roles": ["领导"] })),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = app
            .call(
                "PUT",
                "/api/v1/admin/second-factor",
                Some(&admin),
                Some(json!({ "roles": ["leader", "admin"] })),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, v) = app.get("/api/v1/admin/second-factor", Some(&admin)).await;
        assert_eq!(v["roles"], json!(["leader", "admin"]));
        assert_eq!(v["idle_timeout_secs"], 1800);

        // A leader without a factor: to enrolment, and nowhere else.
        let r = password_step(&app, peer, "shangcheng_ld", PASSWORD).await;
        assert_eq!(r.location(), "/account/second-factor");
        let enrol_cookie = r.cookie().unwrap();
        assert!(!works(&app, &enrol_cookie).await);
        let r = request(&app, "GET", "/work/cases", Some(&enrol_cookie), "").await;
        assert_eq!(r.location(), "/login");
        let (s, v) = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({ "username": "shangcheng_ld", "password": PASSWORD }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let page_html = page_ok(&app, "/account/second-factor", &enrol_cookie).await;
        assert!(page_html.contains("须使用动态验证码登录"));
        let (secret, _, r) = enrol(&app, &enrol_cookie).await;
        let session = r.cookie().expect("a full session after enrolment");
        assert_ne!(session, enrol_cookie);
        assert!(works(&app, &session).await);
        assert!(!works(&app, &enrol_cookie).await);
        // A registrar's role is not listed: one step as before.
        assert_eq!(
            password_step(&app, peer, "shangcheng_xfj", PASSWORD)
                .await
                .location(),
            "/work"
        );

        // The administrator resets the leader's factor (lost phone): their
        // sessions end, and the next sign-in enrols again.
        let id = app
            .app
            .store
            .user_by_name("shangcheng_ld")
            .await
            .unwrap()
            .unwrap()
            .id
            .0;
        let admin_cookie = {
            // The admin must enrol too now.
            let c = password_step(&app, peer, "admin", PASSWORD)
                .await
                .cookie()
                .unwrap();
            enrol(&app, &c).await.2.cookie().unwrap()
        };
        let html = page_ok(&app, &format!("/admin/users/{id}"), &admin_cookie).await;
        assert!(html.contains("重置动态验证码"));
        let (s, html) = post_pairs(
            &app,
            &format!("/admin/users/{id}"),
            &admin_cookie,
            &[("csrf", &csrf_of(&html)), ("op", "reset_factor")],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("已重置动态验证码"), "{html}");
        assert!(!works(&app, &session).await, "sessions survived the reset");
        assert_eq!(
            password_step(&app, peer, "shangcheng_ld", PASSWORD)
                .await
                .location(),
            "/account/second-factor"
        );
        let _ = secret;
        let (s, v) = app
            .post(
                &format!("/api/v1/admin/users/{id}/second-factor/reset"),
                Some(&leader),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let kinds = audit_kinds(&app).await;
        for k in [
            "second_factor_policy",
            "second_factor_reset",
            "login_needs_enrolment",
        ] {
            assert!(kinds.iter().any(|x| x == k), "no {k}: {kinds:?}");
        }
        // The policy page shows the choice.
        let html = page_ok(&app, "/admin/sign-in", &admin_cookie).await;
        assert!(
            html.contains("value=\"leader\" id=\"r_leader\" checked"),
            "{html}"
        );
    }
);

dual_test!(
    sessions_end_after_idle_and_absolute_timeouts,
    |app: TestApp| async move {
        app.app.set_session_policy(SessionPolicy {
            idle: std::time::Duration::from_secs(4),
            absolute: std::time::Duration::from_secs(3600),
        });
        let cookie = login(&app, "shangcheng_xfj").await;
        // Used every 2 seconds, the session lives on.
        for _ in 0..3 {
            assert!(works(&app, &cookie).await);
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
        assert!(works(&app, &cookie).await);
        tokio::time::sleep(std::time::Duration::from_secs(6)).await;
        assert!(!works(&app, &cookie).await, "idle session still works");
        // Absolute: ends however busy.
        app.app.set_session_policy(SessionPolicy {
            idle: std::time::Duration::from_secs(3600),
            absolute: std::time::Duration::from_secs(3),
        });
        let r = password_step(&app, "192.0.2.70", "shangcheng_xfj", PASSWORD).await;
        let set = r.header("set-cookie").unwrap();
        assert!(set.split(';').any(|p| p.trim() == "Max-Age=3"), "{set}");
        let cookie = r.cookie().unwrap();
        assert!(works(&app, &cookie).await);
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        assert!(
            !works(&app, &cookie).await,
            "session outlived its absolute timeout"
        );
    }
);

dual_test!(
    lockout_backs_off_per_client_and_spares_the_owner,
    |app: TestApp| async move {
        let attacker = "203.0.113.77";
        for _ in 0..5 {
            let r = password_step(&app, attacker, "shangcheng_xfj", "wrong-pass1").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(r.text().contains("用户名或密码错误"));
        }
        // Locked for this client, even with the right password, saying for how long.
        let r = password_step(&app, attacker, "shangcheng_xfj", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            r.text().contains("账户已临时锁定，请 1 分钟后再试"),
            "{}",
            r.text()
        );
        // The API says so in machine-readable form.
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({ "username": "shangcheng_xfj", "password": PASSWORD }).to_string(),
            ))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo::<SocketAddr>(
            format!("{attacker}:1").parse().unwrap(),
        ));
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.json()["code"], "locked_out");
        // The owner, from their own desk, is not locked out.
        let r = password_step(&app, "198.51.100.7", "shangcheng_xfj", PASSWORD).await;
        assert_eq!(r.location(), "/work");
        let kinds = audit_kinds(&app).await;
        assert!(kinds.iter().any(|k| k == "login_locked"), "{kinds:?}");
        assert!(kinds.iter().filter(|k| *k == "login_failed").count() >= 5);
    }
);
