//! Security fixes (throttles, query codes in URLs, hidden characters, stored
//! HTML injection, session revocation, attachment names): each scenario
//! failed before its fix. Requests carry the TCP peer as axum's
//! `ConnectInfo`, as `serve` gives it; runs on SQLite and PostgreSQL.

use crate::common;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tower::ServiceExt;

/// Sends `req` through `router` as if it came over TCP from `peer`.
async fn send_from(router: &Router, peer: &str, mut req: Request<Body>) -> Resp {
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

/// `POST /api/v1/petitions/{case_no}` with the code in the body, from `peer`
/// with an optional `X-Forwarded-For`.
async fn track_from(
    router: &Router,
    peer: &str,
    forwarded: Option<&str>,
    case_no: &str,
    code: &str,
) -> StatusCode {
    let mut req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/petitions/{case_no}"))
        .header("content-type", "application/json");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let req = req
        .body(Body::from(json!({ "query_code": code }).to_string()))
        .unwrap();
    send_from(router, peer, req).await.status
}

/// The API login from `peer` with an optional `X-Forwarded-For`.
async fn api_login_from(
    router: &Router,
    peer: &str,
    forwarded: Option<&str>,
    user: &str,
    password: &str,
) -> StatusCode {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header("content-type", "application/json");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let body = json!({ "username": user, "password": password }).to_string();
    send_from(router, peer, req.body(Body::from(body)).unwrap())
        .await
        .status
}

/// The page login from `peer`.
async fn page_login_from(router: &Router, peer: &str, user: &str, password: &str) -> Resp {
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body_of(&[
            ("username", user),
            ("password", password),
        ])))
        .unwrap();
    send_from(router, peer, req).await
}

/// An online petition; returns case number and query code.
async fn submit(app: &TestApp, name: &str, id17: &str) -> (String, String) {
    let (s, v) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition(name, id17, "要求开发商按合同约定交付住房"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["case_no"].as_str().unwrap().to_string(),
        v["query_code"].as_str().unwrap().to_string(),
    )
}

// 1. Tracking: a stranger's wrong codes — from one address under changing
// X-Forwarded-For, or from many addresses — never lock the petitioner out;
// forwarded headers count only from a configured trusted proxy.
dual_test!(
    stranger_cannot_lock_petitioner_out_of_tracking,
    |app: TestApp| async move {
        let (case_no, code) = submit(&app, "林晓", "33010219800202123").await;
        let r = &app.router;
        // One stranger, a new X-Forwarded-For each time: all counted for the peer.
        let mut last = StatusCode::OK;
        for i in 0..12 {
            let xff = format!("198.18.0.{i}");
            last = track_from(r, "203.0.113.9", Some(&xff), &case_no, "WRONG234").await;
        }
        assert_eq!(
            last,
            StatusCode::TOO_MANY_REQUESTS,
            "X-Forwarded-For reset the count"
        );
        // Even the right code is refused to that client for now…
        assert_eq!(
            track_from(r, "203.0.113.9", Some("198.18.1.1"), &case_no, &code).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // …but the petitioner, from their own address, is not locked out.
        assert_eq!(
            track_from(r, "198.51.100.7", None, &case_no, &code).await,
            StatusCode::OK
        );
        // Many strangers (past the case-wide cap of 100 wrong codes) still do not.
        for peer in 1..=11 {
            for _ in 0..10 {
                track_from(r, &format!("192.0.2.{peer}"), None, &case_no, "WRONG234").await;
            }
        }
        assert_eq!(
            track_from(r, "192.0.2.1", None, &case_no, &code).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            track_from(r, "198.51.100.8", None, &case_no, &code).await,
            StatusCode::OK,
            "a clean client is never refused for what others did"
        );
        // The tracking page (/track) follows the same rule.
        let wrong = body_of(&[("case_no", &case_no), ("query_code", "WRONG234")]);
        let right = body_of(&[("case_no", &case_no), ("query_code", &code)]);
        let post = |b: &str| {
            Request::builder()
                .method("POST")
                .uri("/track")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(b.to_string()))
                .unwrap()
        };
        for _ in 0..10 {
            send_from(r, "203.0.113.50", post(&wrong)).await;
        }
        assert_eq!(
            send_from(r, "203.0.113.50", post(&right)).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            send_from(r, "198.51.100.9", post(&right)).await.status,
            StatusCode::OK
        );

        // Behind a trusted proxy, the forwarded client is the key.
        let config = xinfang_web::WebConfig {
            trusted_proxies: xinfang_web::TrustedProxies::parse("10.0.0.1").unwrap(),
            ..Default::default()
        };
        let proxied = xinfang_web::router_with(app.app.clone(), config);
        let (case2, code2) = submit(&app, "林晓", "33010219800303123").await;
        for _ in 0..10 {
            track_from(
                &proxied,
                "10.0.0.1",
                Some("203.0.113.77"),
                &case2,
                "WRONG234",
            )
            .await;
        }
        assert_eq!(
            track_from(&proxied, "10.0.0.1", Some("203.0.113.77"), &case2, &code2).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            track_from(&proxied, "10.0.0.1", Some("198.51.100.70"), &case2, &code2).await,
            StatusCode::OK
        );
        // A client-written hop left of the proxy's entry does not choose the key.
        assert_eq!(
            track_from(
                &proxied,
                "10.0.0.1",
                Some("198.51.100.71, 203.0.113.77"),
                &case2,
                &code2
            )
            .await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
);

// 2. The query code is never accepted in a URL; body and X-Query-Code work.
dual_test!(query_code_is_refused_in_urls, |app: TestApp| async move {
    let (case_no, code) = submit(&app, "许明", "33010219810404123").await;
    let (s, v) = app
        .get(
            &format!("/api/v1/petitions/{case_no}?query_code={code}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["code"], "query_code_in_url", "{v}");
    assert_eq!(v["errors"][0]["field"], "query_code");
    assert_eq!(
        v["errors"][0]["message"],
        "查询码不得放在网址中，请放在请求正文或 X-Query-Code 头中"
    );
    // Also beside a header, percent-encoded, in other cases, and on the other routes.
    for url in [
        format!("/api/v1/petitions/{case_no}?QUERY%5Fcode={code}"),
        format!("/api/v1/petitions/{case_no}/review?query_code={code}"),
        format!("/api/v1/petitions/{case_no}/evaluation?x=1&query_code={code}"),
    ] {
        let (s, v) = app
            .post(
                &url,
                None,
                json!({ "query_code": code, "satisfaction": "satisfied" }),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{url}: {v}");
        assert_eq!(v["code"], "query_code_in_url", "{url}");
    }
    let page = request(&app, "GET", &format!("/track?query_code={code}"), None, "").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text().contains("查询码不得放在网址中"));
    // The header and the body are the ways in.
    let req = Request::builder()
        .uri(format!("/api/v1/petitions/{case_no}"))
        .header("x-query-code", code.as_str())
        .body(Body::empty())
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["case_no"], case_no.as_str());
    let (s, v) = app.track(&case_no, &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The OpenAPI document offers no query parameter for it.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let track = &doc["paths"]["/api/v1/petitions/{case_no}"];
    assert!(!doc
        .to_string()
        .contains(r#""in":"query","name":"query_code""#));
    assert!(!doc
        .to_string()
        .contains(r#""name":"query_code","in":"query""#));
    assert!(track["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "X-Query-Code" && p["in"] == "header"));
    assert!(track["post"]["requestBody"].is_object());
});

// 5. Login: keyed on the real client and the user name.
dual_test!(
    login_throttle_keys_on_the_real_client,
    |app: TestApp| async move {
        let r = &app.router;
        // Changing X-Forwarded-For from an untrusted peer does not reset the count.
        for i in 0..5 {
            let xff = format!("198.18.0.{i}");
            let s = api_login_from(
                r,
                "203.0.113.5",
                Some(&xff),
                "shangcheng_xfj",
                "wrong-pass1",
            )
            .await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
        }
        let s = api_login_from(
            r,
            "203.0.113.5",
            Some("198.18.9.9"),
            "shangcheng_xfj",
            PASSWORD,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::TOO_MANY_REQUESTS,
            "X-Forwarded-For reset the count"
        );
        let page = page_login_from(r, "203.0.113.5", "shangcheng_xfj", PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::TOO_MANY_REQUESTS,
            "page and API count together"
        );
        // …while the real user, from another client, logs in.
        let page = page_login_from(r, "198.51.100.20", "shangcheng_xfj", PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        assert!(page.cookie().is_some());
        // Strangers from many addresses (past the user-wide limit) do not lock them out.
        for peer in 1..=30 {
            api_login_from(
                r,
                &format!("192.0.2.{peer}"),
                None,
                "shangcheng_zhujian",
                "wrong-pass1",
            )
            .await;
        }
        assert_eq!(
            api_login_from(r, "192.0.2.31", None, "shangcheng_zhujian", "wrong-pass1").await,
            StatusCode::UNAUTHORIZED,
            "a new address gets one try"
        );
        assert_eq!(
            api_login_from(r, "192.0.2.31", None, "shangcheng_zhujian", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS,
            "…and no more while the user is under attack"
        );
        assert_eq!(
            api_login_from(r, "198.51.100.21", None, "shangcheng_zhujian", PASSWORD).await,
            StatusCode::OK
        );
        // Without ConnectInfo (no peer), forwarded headers are ignored too.
        for i in 0..5 {
            let body = body_of(&[("username", "shangcheng_ld"), ("password", "wrong-pass1")]);
            let req = Request::builder()
                .method("POST")
                .uri("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-forwarded-for", format!("198.18.0.{i}"))
                .body(Body::from(body))
                .unwrap();
            assert_eq!(send(&app, req).await.status, StatusCode::UNAUTHORIZED);
        }
        let r = login_response(&app, "shangcheng_ld", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    }
);

// 3. Control and invisible format characters in identity fields are refused
// on every path: API, portal, window registration, import.
dual_test!(
    hidden_characters_in_names_and_addresses_are_refused,
    |app: TestApp| async move {
        let before = app.app.store.count("cases").await.unwrap();
        for (name, address, field) in [
            ("张\u{202E}三", "杭州市上城区", "petitioners[0].name"),
            ("张\u{200D}三", "杭州市上城区", "petitioners[0].name"),
            ("张三\u{0}", "杭州市上城区", "petitioners[0].name"),
            (
                "张三",
                "杭州市\u{2066}上城区\u{2069}",
                "petitioners[0].address",
            ),
            ("张三", "杭州市\u{85}上城区", "petitioners[0].address"),
        ] {
            let mut p = online_petition(name, "33010219820505123", "要求退还押金");
            p["petitioners"][0]["address"] = json!(address);
            let (s, v) = app.post("/api/v1/petitions", None, p).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name:?} {address:?}: {v}"
            );
            assert_eq!(v["code"], "invalid");
            assert!(
                v["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == field
                        && e["message"].as_str().unwrap().contains("控制字符")),
                "{v}"
            );
        }
        // Window registration (staff API) and the accused of an accusation.
        let xfj = app.token("shangcheng_xfj").await;
        let mut body = online_petition("李\u{202D}四", "33010219820606123", "要求退还押金");
        body["channel"] = json!("letter");
        let (s, v) = app.post("/api/v1/cases", Some(&xfj), body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "petitioners[0].name", "{v}");
        let mut body = online_petition("李四", "33010219820606123", "举报某局长受贿");
        body["kind"] = json!("accusation");
        body["accused"] = json!({ "person": "王\u{2067}五" });
        let (s, v) = app.post("/api/v1/petitions", None, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "accused.person", "{v}");
        // The portal shows the message next to the field.
        let form_body = body_of(&[
            ("name", "赵\u{202E}六"),
            ("address", "杭州市上城区"),
            ("region_code", "330102"),
            ("kind", "claim"),
            ("request", "要求退还押金"),
        ]);
        let (s, html) = form_page(&app, "/submit", None, &form_body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let err = between(&html, "<p class=\"field-error\" id=\"name-err\">", "</p>");
        assert!(err.contains("姓名含有控制字符"), "{err}");
        // The window registration page.
        let cookie = login(&app, "shangcheng_xfj").await;
        let csrf = csrf_of(&page_ok(&app, "/work/register", &cookie).await);
        let (s, html) = post_pairs(
            &app,
            "/work/register",
            &cookie,
            &[
                ("csrf", &csrf),
                ("channel", "visit"),
                ("kind", "claim"),
                ("name0", "孙七"),
                ("addr0", "杭州市\u{1B}[2J上城区"),
                ("region_code", "330102"),
                ("request", "要求退还押金"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        let err = between(&html, "<span class=\"err\" id=\"addr0-err\">", "</span>");
        assert!(err.contains("住址含有控制字符"), "{html}");
        // Import: the row is rejected with the reason.
        let admin = app.token("admin").await;
        let cols = xinfang_app::import::row::COLUMNS;
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, (h, _)) in cols.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let mut row = vec![""; cols.len()];
        row[..11].copy_from_slice(&[
            "2025-06-03",
            "来信",
            "申诉求决类",
            "周\u{202E}八",
            "",
            "",
            "",
            "330102",
            "杭州市上城区信访局",
            "",
            "要求支付拖欠工资",
        ]);
        for (c, v) in row.iter().enumerate() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/import/cases?dry_run=true")
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "application/octet-stream")
            .body(Body::from(wb.save_to_buffer().unwrap()))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        assert!(
            v["rejected"][0]["reasons"].to_string().contains("控制字符"),
            "{v}"
        );
        assert_eq!(app.app.store.count("cases").await.unwrap(), before);
    }
);

// 4. A petitioner's name is escaped on the split notice; the CSP forbids
// foreign form targets and <base>.
dual_test!(
    split_notice_escapes_petitioner_names,
    |app: TestApp| async move {
        let name = "<meta http-equiv=refresh content=0>";
        let letter = |request: &str, facts: &str| {
            json!({
                "channel": "letter", "kind": "claim",
                "petitioners": [{ "name": name, "id_number": id_with_check("33010219700101234"), "phone": "13912345678", "address": "杭州市上城区" }],
                "request": request, "facts": facts, "reasons": "请依法处理。", "region_code": "330102"
            })
        };
        let xfj = app.token("shangcheng_xfj").await;
        let (s, first) = app
            .post("/api/v1/cases", Some(&xfj), letter("要求开发商按合同约定时间交付东湖小区商品房", "本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月，开发商以资金困难为由拒不交房，多次协商无果。"))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{first}");
        let case_no = first["case_no"].as_str().unwrap().to_string();
        app.set_time("2026-03-05 10:00");
        let (_, second) = app
            .post("/api/v1/cases", Some(&xfj), letter("要求开发商按合同约定时间交付东湖小区商品房和车位", "本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月，开发商拒不交房，车位也未交付。"))
            .await;
        assert_eq!(
            second["repeat_of"].as_str(),
            Some(case_no.as_str()),
            "{second}"
        );
        let cookie = login(&app, "shangcheng_xfj").await;
        let path = format!("/work/cases/{case_no}/repeats");
        let csrf = csrf_of(&page_ok(&app, &path, &cookie).await);
        let r = form(
            &app,
            &path,
            Some(&cookie),
            &format!("csrf={csrf}&action=split_repeat&submission=1"),
        )
        .await;
        let html = r.text();
        assert_eq!(r.status, StatusCode::OK, "{html}");
        assert!(html.contains("信访事项另行登记告知书"), "{html}");
        assert!(!html.contains("<meta http-equiv=refresh"), "{html}");
        assert!(
            html.contains("&lt;meta http-equiv=refresh content=0&gt;："),
            "{html}"
        );
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.contains("form-action 'self'") && csp.contains("base-uri 'none'"),
            "{csp}"
        );
    }
);

/// `GET /work` with `cookie` is a page (true) or a redirect to the login.
async fn session_works(app: &TestApp, cookie: &str) -> bool {
    let r = fetch(app, "/work", cookie).await;
    if r.status == StatusCode::OK {
        return true;
    }
    assert_eq!(r.location(), "/login", "{}", r.status);
    false
}

async fn token_works(app: &TestApp, token: &str) -> bool {
    let (s, _) = app.get("/api/v1/cases", Some(token)).await;
    assert!(s == StatusCode::OK || s == StatusCode::UNAUTHORIZED, "{s}");
    s == StatusCode::OK
}

async fn api_login(app: &TestApp, user: &str, password: &str) -> String {
    let (s, v) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "username": user, "password": password }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_string()
}

// 6. A password reset or a deactivation ends the user's sessions and tokens;
// reactivating does not revive them; API tokens live days, not a year.
dual_test!(
    reset_and_deactivation_revoke_sessions_and_tokens,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let user = "shangcheng_zhujian";
        let id = app
            .app
            .store
            .user_by_name(user)
            .await
            .unwrap()
            .unwrap()
            .id
            .0;
        let change = |body: Value| {
            let admin = admin.clone();
            let app = &app;
            async move {
                let (s, v) = app
                    .post(&format!("/api/v1/admin/users/{id}"), Some(&admin), body)
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
            }
        };
        let cookie = login(&app, user).await;
        let token = api_login(&app, user, PASSWORD).await;
        assert!(session_works(&app, &cookie).await && token_works(&app, &token).await);
        // An unrelated change (the display name) keeps them.
        change(json!({ "display_name": "上城住建经办" })).await;
        assert!(session_works(&app, &cookie).await && token_works(&app, &token).await);

        change(json!({ "password": "NewPassw0rd2026" })).await;
        assert!(
            !session_works(&app, &cookie).await,
            "session survived a reset"
        );
        assert!(!token_works(&app, &token).await, "token survived a reset");

        let cookie = try_login(&app, user, "NewPassw0rd2026").await.unwrap();
        let token = api_login(&app, user, "NewPassw0rd2026").await;
        assert!(session_works(&app, &cookie).await && token_works(&app, &token).await);
        change(json!({ "active": false })).await;
        assert!(!session_works(&app, &cookie).await);
        assert!(!token_works(&app, &token).await);
        change(json!({ "active": true })).await;
        assert!(
            !session_works(&app, &cookie).await,
            "reactivation revived a session"
        );
        assert!(
            !token_works(&app, &token).await,
            "reactivation revived a token"
        );
        let token = api_login(&app, user, "NewPassw0rd2026").await;
        assert!(token_works(&app, &token).await);

        // API tokens expire within days (7 by default).
        let rows = sqlx::query("SELECT expires_at FROM tokens WHERE kind = 'api'")
            .fetch_all(app.app.store.pool())
            .await
            .unwrap();
        let limit = xinfang_store::shanghai_now()
            + chrono::Duration::days(7)
            + chrono::Duration::minutes(5);
        for r in rows {
            let at: String = sqlx::Row::get(&r, 0);
            let at = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S%.f"))
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S%.f"))
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            assert!(at <= limit, "API token valid until {at}");
        }
    }
);

// 7. A PNG with HTML appended, sent as poly.html, is stored and served as poly.png.
dual_test!(
    attachment_name_follows_the_detected_type,
    |app: TestApp| async move {
        let (case_no, code) = submit(&app, "周强", "33010219830707123").await;
        let mut poly = PNG.to_vec();
        poly.extend_from_slice(b"<html><script>alert(document.domain)</script></html>");
        let mut body = format!(
            "--BND\r\nContent-Disposition: form-data; name=\"query_code\"\r\n\r\n{code}\r\n\
             --BND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"poly.html\"\r\nContent-Type: text/html\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&poly);
        body.extend_from_slice(b"\r\n--BND--\r\n");
        let req = Request::builder()
            .method("POST")
            .uri(format!("/api/v1/petitions/{case_no}/attachments"))
            .header("content-type", "multipart/form-data; boundary=BND")
            .body(Body::from(body))
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        assert_eq!(v["attachments"][0]["media_type"], "image/png", "{v}");
        assert_eq!(v["attachments"][0]["file_name"], "poly.png", "{v}");
        let id = v["attachments"][0]["id"].as_i64().unwrap();
        // Staff download (page and API): the name ends in .png.
        let cookie = login(&app, "shangcheng_xfj").await;
        let r = fetch(
            &app,
            &format!("/work/cases/{case_no}/attachments/{id}"),
            &cookie,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type").unwrap(), "image/png");
        let cd = r.header("content-disposition").unwrap();
        assert!(cd.ends_with("''poly.png") && !cd.contains("html"), "{cd}");
        let token = app.token("shangcheng_xfj").await;
        let req = Request::builder()
            .uri(format!("/api/v1/cases/{case_no}/attachments/{id}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::OK);
        let cd = r.header("content-disposition").unwrap();
        assert!(cd.ends_with("''poly.png"), "{cd}");
        // Names that already fit keep their extension; others get the right one.
        for (sent, stored) in [
            ("合同.PNG", "合同.PNG"),
            ("scan", "scan.png"),
            ("a.b.pdf", "a.b.png"),
            (".html", ".html.png"),
        ] {
            assert_eq!(
                xinfang_app::documents::attachment_name(sent, "image/png"),
                stored
            );
        }
        assert_eq!(
            xinfang_app::documents::attachment_name("photo.jpeg", "image/jpeg"),
            "photo.jpeg"
        );
        assert_eq!(
            xinfang_app::documents::attachment_name("x.svg", "application/pdf"),
            "x.pdf"
        );
    }
);
