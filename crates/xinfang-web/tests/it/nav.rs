//! One staff nav on every staff page: an administrator sees 系统管理 on each
//! (workbench, case list, dashboard, ledgers, administration), others never,
//! and the nav is the same on every page (built by one function).

use crate::common;
use axum::http::StatusCode;
use common::*;

/// The `<nav>` of a page.
async fn nav_of(app: &TestApp, path: &str, cookie: &str) -> String {
    let r = fetch(app, path, cookie).await;
    let status = r.status;
    let html = String::from_utf8_lossy(&r.body).to_string();
    assert!(
        status == StatusCode::OK || status == StatusCode::FORBIDDEN,
        "{path}: {status}"
    );
    // The left menu; the entry of the page itself is marked, the rest is the same.
    let a = html
        .find("<nav class=\"side\"")
        .unwrap_or_else(|| panic!("{path}: no nav"));
    let b = a + html[a..].find("</nav>").unwrap();
    html[a..b].replace(" aria-current=\"page\"", "")
}

const PAGES: &[&str] = &[
    "/work",
    "/work/register",
    "/work/cases",
    "/work/search",
    "/work/dashboard",
    "/work/reception",
    "/work/supervisions",
    "/work/campaigns",
    "/work/disputes",
    "/work/warnings",
    "/work/zero-reports",
    "/admin/calendar",
    "/admin",
    "/admin/import",
];

dual_test!(one_nav_on_every_staff_page, |app: TestApp| async move {
    let admin = login(&app, "admin").await;
    let first = nav_of(&app, PAGES[0], &admin).await;
    assert!(first.contains("href=\"/admin\">系统管理</a>"), "{first}");
    for p in PAGES {
        assert_eq!(nav_of(&app, p, &admin).await, first, "{p}");
    }
    let clerk = login(&app, "shangcheng_xfj").await;
    let first = nav_of(&app, PAGES[0], &clerk).await;
    assert!(!first.contains("系统管理"), "{first}");
    for p in PAGES {
        assert_eq!(nav_of(&app, p, &clerk).await, first, "{p}");
    }
});

dual_test!(
    each_role_sees_the_menu_of_its_work,
    |app: TestApp| async move {
        // The menu follows the roles (issue #15): a handler is not offered 登记
        // or 零报告; a registrar registers; a supervisor files 零报告; only an
        // administrator sees 系统管理. Every link offered opens (no 403 behind a
        // menu entry), enumerated over the demo's roles.
        for (user, must, must_not) in [
            (
                "shangcheng_zhujian",
                &["我的待办", "信访事项", "督办"][..],
                &["零报告", "系统管理", "统计分析"][..],
            ),
            (
                "shangcheng_xfj",
                &["登记", "信访事项", "领导接访"][..],
                &["零报告", "系统管理"][..],
            ),
            (
                "shangcheng_dc",
                &["零报告", "风险预警", "统计分析", "督办"][..],
                &["登记", "系统管理"][..],
            ),
            (
                "shangcheng_zhujian_ld",
                &["统计分析", "专项攻坚", "我的待办"][..],
                &["登记", "零报告", "系统管理"][..],
            ),
            ("admin", &["系统管理", "统计分析"][..], &["登记"][..]),
        ] {
            let cookie = login(&app, user).await;
            let nav = nav_of(&app, "/work/cases", &cookie).await;
            for label in must {
                assert!(
                    nav.contains(&format!(">{label}</a>")),
                    "{user} should see {label}: {nav}"
                );
            }
            for label in must_not {
                assert!(
                    !nav.contains(&format!(">{label}</a>")),
                    "{user} should not see {label}: {nav}"
                );
            }
            let mut rest = nav.as_str();
            while let Some(i) = rest.find("href=\"") {
                let tail = &rest[i + 6..];
                let end = tail.find('"').unwrap();
                let href = &tail[..end];
                let status = fetch(&app, href, &cookie).await.status;
                assert_eq!(status, StatusCode::OK, "{user}: the menu offers {href}");
                rest = &tail[end..];
            }
        }
    }
);

dual_test!(
    unknown_addresses_say_so_in_chinese,
    |app: TestApp| async move {
        // An unknown page is a Chinese page leading back; an unknown API path is
        // a machine-readable 404 — never an empty body.
        for (path, expect) in [
            ("/work/no-such-page", "页面不存在"),
            ("/no/such/thing", "页面不存在"),
            ("/api/v1/no-such-endpoint", "接口不存在"),
        ] {
            let resp = request(&app, "GET", path, None, "").await;
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                resp.headers.contains_key("content-security-policy"),
                "{path}"
            );
            let body = resp.text();
            assert!(body.contains(expect), "{path}: {body}");
        }
    }
);
