//! The second factor in real Chromium (issue #20 item 3): an administrator
//! requires it for 领导; a leader signing in is taken to 绑定动态验证码,
//! reads the key from the page, confirms with a code, sees the recovery
//! codes once, signs out, and signs in again in two steps. Each page passes
//! the overflow and accessibility checks of the other browser tests.

use crate::browser::{serve_demo, skip_browser, Driver};
use crate::browser_phone::{check, set_window};

/// The code the leader's authenticator shows at `step`.
fn code(secret: &str, step: i64) -> String {
    let key = xinfang_app::totp::base32_decode(secret).unwrap();
    xinfang_app::totp::code_at(&key, step)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_enrols_and_signs_in_with_a_code() {
    if skip_browser() {
        return;
    }
    let (app, site, dir) = serve_demo("signin").await;
    let admin = app.store.user_by_name("admin").await.unwrap().unwrap();
    app.set_second_factor_roles(
        &xinfang_app::auth::staff_of(&admin),
        &["leader".to_string()],
    )
    .await
    .unwrap();
    let d = Driver::start().await;
    set_window(&d, 1440, 1000).await;

    d.go(&format!("{site}/login")).await;
    d.type_in("#username", "shangcheng_ld").await;
    d.type_in("#password", "xinfang2026").await;
    d.click("form button[type=submit]").await;
    let html = d
        .wait_for(&["绑定动态验证码", "须使用动态验证码登录"])
        .await;
    assert!(
        html.contains("data:image/svg+xml"),
        "the QR code is on the page"
    );
    check(&d, "signin-01-enrol").await;
    let secret = crate::browser::between(&html, "<code id=\"secret\">", "</code>").to_string();
    let step = xinfang_app::totp::step_of(app.unix_now());
    d.type_in("#code", &code(&secret, step)).await;
    d.click("form button[type=submit]").await;
    let html = d.wait_for(&["恢复码", "进入工作台"]).await;
    assert_eq!(html.matches("<li><code>").count(), 10);
    check(&d, "signin-02-recovery-codes").await;
    crate::browser::logout(&d).await;

    // Two steps now; wait for the next code (the first one is used).
    while xinfang_app::totp::step_of(app.unix_now()) == step {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    d.type_in("#username", "shangcheng_ld").await;
    d.type_in("#password", "xinfang2026").await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["请输入手机验证器"]).await;
    check(&d, "signin-03-code").await;
    // A wrong code (one far outside the window), then the right one.
    let now = xinfang_app::totp::step_of(app.unix_now());
    let valid: Vec<String> = (now - 1..=now + 2).map(|s| code(&secret, s)).collect();
    let wrong = (5..)
        .map(|k| code(&secret, now + k))
        .find(|c| !valid.contains(c))
        .unwrap();
    d.type_in("#code", &wrong).await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["验证码错误"]).await;
    d.type_in(
        "#code",
        &code(&secret, xinfang_app::totp::step_of(app.unix_now())),
    )
    .await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["我的待办"]).await;
    d.quit().await;
    let _ = std::fs::remove_dir_all(&dir);
}
