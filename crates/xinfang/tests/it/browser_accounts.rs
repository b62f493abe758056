//! 我的信访 on a phone (390×844) and on a desktop (1440), issue #19 item 3:
//! the sign-in form, the code asked for and typed, the list of the
//! petitioner's cases and one case opened without the query code. Each page:
//! nothing wider than the screen, no serious accessibility violation (axe),
//! a screenshot in `test-artifacts/`.

use crate::browser::{id_with_check, serve_demo, skip_browser, Driver};
use crate::browser_phone::{check, set_window};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn petitioner_signs_in_to_my_petitions() {
    if skip_browser() {
        return;
    }
    let (app, site, dir) = serve_demo("accounts").await;
    let phone = "13655554444";
    let r = reqwest::Client::new()
        .post(format!("{site}/api/v1/petitions"))
        .json(&json!({
            "petitioners": [{ "name": "账户测试", "id_number": id_with_check("33010219800105123"), "phone": phone, "address": "杭州市上城区湖滨街道东坡路8号" }],
            "kind": "claim",
            "request": "要求修复小区破损道路",
            "facts": "小区主干道破损已有半年。",
            "reasons": "影响出行安全。",
            "region_code": "330102"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let case_no = r.json::<serde_json::Value>().await.unwrap()["case_no"]
        .as_str()
        .unwrap()
        .to_string();

    let d = Driver::start().await;
    for (width, tag) in [(390, "phone"), (1440, "desktop")] {
        set_window(&d, width, 900).await;
        d.go(&format!("{site}/my")).await;
        d.wait_for(&["我的信访", "获取验证码"]).await;
        check(&d, &format!("a01-{tag}-my-signin")).await;
        d.type_in("#phone", phone).await;
        d.click("button[formaction='/my/code']").await;
        d.wait_for(&["验证码已发送到136****4444"]).await;
        check(&d, &format!("a02-{tag}-my-code-sent")).await;
        // No gateway in this server: the code is read from the outbox.
        let code = app
            .store
            .recent_messages("sms", 20)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.notice == "signin_code" && m.recipient == phone)
            .map(|m| {
                m.body
                    .split("验证码是")
                    .nth(1)
                    .unwrap()
                    .chars()
                    .take(6)
                    .collect::<String>()
            })
            .unwrap();
        d.type_in("#code", &code).await;
        d.click("button.primary").await;
        let html = d.wait_for(&["已登录", &case_no]).await;
        assert!(html.contains("要求修复小区破损道路"));
        check(&d, &format!("a03-{tag}-my-list")).await;
        d.click(&format!("a[href='/my/cases/{case_no}']")).await;
        d.wait_for(&["返回我的信访", "办理过程"]).await;
        check(&d, &format!("a04-{tag}-my-case")).await;
        d.click("a[href='/my']").await;
        d.wait_for(&["退出登录"]).await;
        d.click("form[action='/my/signout'] button").await;
        d.wait_for(&["获取验证码"]).await;
        // The next round asks for a new code: wait out the minute.
        if tag == "phone" {
            tokio::time::sleep(std::time::Duration::from_secs(61)).await;
        }
    }
    d.quit().await;
    let _ = std::fs::remove_dir_all(&dir);
}
