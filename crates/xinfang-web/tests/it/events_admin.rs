//! 系统管理 › 数据推送 (issue #19): only administrators manage endpoints;
//! every field is checked at once (address, events, a scope inside the
//! administrator's own area); the page registers an endpoint and shows its
//! secret once, changes, disables and re-keys it; an unreachable receiver
//! shows as such in the log.

use crate::common;
use crate::events_kit::petition;
use axum::http::StatusCode;
use common::web::{body_of, csrf_of, form_page, login, page, page_ok};
use common::*;
use serde_json::json;

fn secret_in(html: &str) -> Option<String> {
    let i = html.find("<code>")? + "<code>".len();
    let j = html[i..].find("</code>")? + i;
    Some(html[i..j].to_string())
}

dual_test!(
    administrators_manage_endpoints_on_the_page,
    |app: TestApp| async move {
        let admin = app.token("admin").await;
        let clerk = app.token("shangcheng_xfj").await;
        let (s, _) = app.get("/api/v1/admin/webhooks", Some(&clerk)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let clerk_cookie = login(&app, "shangcheng_xfj").await;
        let (s, _) = page(&app, "/admin/webhooks", &clerk_cookie).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let (s, v) = app
            .post(
                "/api/v1/admin/webhooks",
                Some(&admin),
                json!({"name": "", "url": "ftp://example.org/x", "kinds": [], "scope_unit": app.unit("国务院")}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["name", "url", "kinds", "scope_unit"], "{v}");
        let (s, v) = app
            .post(
                "/api/v1/admin/webhooks",
                Some(&admin),
                json!({"name": "甲", "url": "https://user:pw@example.org/x", "kinds": ["registered"], "scope_unit": app.unit("杭州市信访局"), "secret": "short"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"].as_array().unwrap().len(), 2, "{v}");

        // The page: register, the secret shown once.
        let cookie = login(&app, "admin").await;
        let html = page_ok(&app, "/admin/webhooks", &cookie).await;
        assert!(
            html.contains("数据推送")
                && html.contains("尚未登记接收地址")
                && html.contains("第二十一条")
        );
        let csrf = csrf_of(&html);
        let scope = app.unit("杭州市上城区信访局").to_string();
        let (s, html) = form_page(
            &app,
            "/admin/webhooks",
            Some(&cookie),
            &body_of(&[
                ("csrf", &csrf),
                ("name", "区社会治理中心"),
                ("url", "http://127.0.0.1:9/hook"),
                ("scope_unit", &scope),
                ("kinds", "registered"),
                ("kinds", "transferred"),
                ("secret", ""),
            ]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("已登记“区社会治理中心”"), "{html}");
        let secret = secret_in(&html).expect("the secret, once");
        assert_eq!(secret.len(), 64);
        let list = page_ok(&app, "/admin/webhooks", &cookie).await;
        assert!(
            list.contains("区社会治理中心") && list.contains("推送中") && !list.contains(&secret)
        );
        let (_, v) = app.get("/api/v1/admin/webhooks", Some(&admin)).await;
        let id = v["webhooks"][0]["id"].as_i64().unwrap();
        assert_eq!(
            v["webhooks"][0]["kinds"],
            json!(["registered", "transferred"])
        );
        assert!(
            !v.to_string().contains(&secret),
            "the API never returns it again"
        );

        // An unreachable receiver: the log says so.
        petition(&app, "推送戊", "33010219840505123", "要求疏通小区下水道").await;
        let r = app
            .app
            .webhook_pump(&xinfang_app::events::webhook::client())
            .await
            .unwrap();
        assert_eq!(r.failed, 1, "{r:?}");
        let one = page_ok(&app, &format!("/admin/webhooks/{id}"), &cookie).await;
        assert!(
            one.contains("无法连接接收方")
                && one.contains("最近推送记录")
                && one.contains("连续失败 1 次"),
            "{one}"
        );
        assert!(!one.contains(&secret));

        // Change: refused as typed, then saved; disable; a new secret.
        let csrf = csrf_of(&one);
        let (s, html) = form_page(
            &app,
            &format!("/admin/webhooks/{id}"),
            Some(&cookie),
            &body_of(&[
                ("csrf", &csrf),
                ("op", "save"),
                ("name", "区社会治理中心"),
                ("url", "not a url"),
                ("scope_unit", &scope),
                ("kinds", "registered"),
            ]),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("推送地址格式不正确") && html.contains("value=\"not a url\""));
        let (s, html) = form_page(
            &app,
            &format!("/admin/webhooks/{id}"),
            Some(&cookie),
            &body_of(&[("csrf", &csrf), ("op", "disable")]),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("已停用") && html.contains("启用"));
        let (s, html) = form_page(
            &app,
            &format!("/admin/webhooks/{id}"),
            Some(&cookie),
            &body_of(&[("csrf", &csrf), ("op", "secret"), ("secret", "")]),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let fresh = secret_in(&html).expect("the new secret, once");
        assert_ne!(fresh, secret);
        let (s, v) = app
            .post(
                &format!("/api/v1/admin/webhooks/{id}/secret"),
                Some(&admin),
                json!({"secret": "a-given-secret-of-24-ch"}),
            )
            .await;
        assert_eq!(
            (s, v["secret"].clone()),
            (StatusCode::OK, json!("a-given-secret-of-24-ch"))
        );
        // Every change is in the audit chain; the secret is not.
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT kind, payload FROM events WHERE stream = 'webhook' ORDER BY seq",
        )
        .fetch_all(app.app.store.pool())
        .await
        .unwrap();
        let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            kinds,
            vec![
                "webhook_created",
                "webhook_disabled",
                "webhook_secret_changed",
                "webhook_secret_changed"
            ]
        );
        assert!(rows
            .iter()
            .all(|r| !r.1.contains(&secret) && !r.1.contains("a-given-secret")));
        let (s, _) = app.get("/api/v1/admin/webhooks/999", Some(&admin)).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Every route of this feature is in the OpenAPI document.
        let (_, doc) = app.get("/api/openapi.json", None).await;
        for path in xinfang_web::route_paths() {
            if path.starts_with("/api/v1/admin/webhooks") || path == "/api/v1/work-orders" {
                assert!(doc["paths"][&path].is_object(), "{path} not documented");
            }
        }
    }
);
