//! Staff at work in a real browser (issue #15). The two tasks that are
//! typed all day are done by keyboard alone — a registrar registers a
//! letter (Tab, arrow keys, typing, Enter) and a handler drafts the written
//! opinion from the case page's open next step — and every staff page on
//! the way, for each role, is checked with axe-core (no `serious` or
//! `critical` violation) and for sideways overflow at 1440 and 390 wide.
//! Screenshots of every page go to `test-artifacts/` (`staff-*`).

use crate::browser::{login, logout, serve_demo, skip_browser, Driver, DOWN, ENTER, TAB};
use crate::browser_phone::{check, set_window};
use serde_json::json;

/// Press Tab until the focused element satisfies `test` (a JS expression
/// on `e`, the focused element); false after `max` presses.
async fn tab_to(d: &Driver, test: &str, max: usize) -> bool {
    for _ in 0..max {
        d.keys(TAB).await;
        let hit = d
            .js(&format!(
                "var e = document.activeElement; return !!(e && ({test}));"
            ))
            .await;
        if hit == json!(true) {
            return true;
        }
    }
    false
}

/// The first case number on the page.
fn case_no_in(html: &str) -> String {
    let i = html.find("/work/cases/XF").expect("a case link") + "/work/cases/".len();
    html[i..i + 18].to_string()
}

/// The page at desktop and phone width: accessible, no overflow, screenshots.
async fn both_widths(d: &Driver, site: &str, path: &str, name: &str) {
    for (w, h, tag) in [(1440, 1000, "d"), (390, 844, "m")] {
        set_window(d, w, h).await;
        d.go(&format!("{site}{path}")).await;
        d.wait_for(&["</main>"]).await;
        check(d, &format!("staff-{name}-{tag}")).await;
    }
    set_window(d, 1440, 1000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_work_by_keyboard_on_accessible_pages() {
    if skip_browser() {
        return;
    }
    let (app, site, dir) = serve_demo("staff").await;
    let d = Driver::start().await;
    set_window(&d, 1440, 1000).await;

    // The registrar registers a visit by keyboard: channel by arrow key,
    // the petitioner and the request typed, Enter on 登记.
    login(&d, &site, "shangcheng_xfj").await;
    d.go(&format!("{site}/work/register")).await;
    d.wait_for(&["登记来信、来访、来电"]).await;
    check(&d, "staff-01-register").await;
    assert!(
        tab_to(&d, "e.id == 'channel'", 60).await,
        "Tab reaches 渠道"
    );
    d.keys(DOWN).await; // 来信 → 来访
    assert!(tab_to(&d, "e.name == 'name0'", 5).await, "Tab reaches 姓名");
    d.keys("键盘登记人").await;
    d.keys(TAB).await;
    d.keys(&crate::browser::id_with_check("33010219750505123"))
        .await;
    d.keys(TAB).await;
    d.keys("13812345678").await;
    d.keys(TAB).await;
    d.keys("杭州市上城区南星街道").await;
    assert!(
        tab_to(&d, "e.id == 'request'", 40).await,
        "Tab reaches 请求"
    );
    d.keys("要求解决小区冬季供暖不足问题").await;
    d.keys(TAB).await;
    d.keys("今冬室温长期低于16度，多次向物业反映未解决。").await;
    assert!(
        tab_to(
            &d,
            "e.type == 'submit' && e.closest('form[data-assist]')",
            30
        )
        .await,
        "Tab reaches 登记"
    );
    d.keys(ENTER).await;
    let html = d.wait_for(&["已登记", "查询码"]).await;
    let case_no = case_no_in(&html);
    check(&d, "staff-02-registered").await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    let html = d
        .wait_for(&["键盘登记人", "要求解决小区冬季供暖不足问题"])
        .await;
    assert!(html.contains("来访"), "the channel chosen by arrow key");
    logout(&d).await;

    // The case reaches the 住建局 (through the API: not the flow under test).
    let unit = |name: &str| app.org().units().find(|u| u.name == name).unwrap().id;
    let staff_of = |user: &'static str| {
        let app = app.clone();
        async move {
            let u = app.store.user_by_name(user).await.unwrap().unwrap();
            xinfang_domain::Actor::Staff(xinfang_app::auth::staff_of(&u))
        }
    };
    use xinfang_domain::case::{Command, Route, TransferMode};
    let zhujian = unit("杭州市上城区住房和城乡建设局");
    let act = |who: xinfang_domain::Actor, cmd: Command| {
        let (app, no) = (app.clone(), case_no.clone());
        async move { app.act(&who, &no, &cmd).await.expect("act") }
    };
    act(
        staff_of("shangcheng_xfj").await,
        Command::Transfer {
            to: zhujian,
            mode: TransferMode::Forward,
            report_due: None,
        },
    )
    .await;
    let handler = staff_of("shangcheng_zhujian").await;
    act(handler.clone(), Command::Sign).await;
    act(
        handler,
        Command::Notify {
            route: Route::Accept {
                investigate: true,
                litigation_reason: None,
            },
        },
    )
    .await;

    // The handler drafts the written opinion by keyboard in the open next step.
    login(&d, &site, "shangcheng_zhujian").await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    d.wait_for(&["下一步：出具书面意见"]).await;
    check(&d, "staff-03-case-next-step").await;
    assert!(
        tab_to(&d, "e.name == 'outcome' && e.closest('#next')", 150).await,
        "Tab reaches 处理意见"
    );
    d.keys(DOWN).await; // 请选择 → the first outcome
    assert!(tab_to(&d, "e.name == 'basis'", 3).await, "Tab reaches 依据");
    d.keys("《城镇供热管理条例》第十二条").await;
    d.keys(TAB).await;
    d.keys("经核查，责成供热单位十日内整改，室温达标后回访。")
        .await;
    assert!(
        tab_to(&d, "e.type == 'submit' && e.closest('#next')", 3).await,
        "Tab reaches 送审"
    );
    d.keys(ENTER).await;
    d.wait_for(&["书面意见已送审"]).await;
    // What was typed is what waits for the head's sign-off.
    let u = app
        .store
        .user_by_name("shangcheng_zhujian")
        .await
        .unwrap()
        .unwrap();
    let drafts = app
        .drafts_of(&xinfang_app::auth::staff_of(&u), &case_no)
        .await
        .unwrap();
    let draft = drafts.first().expect("a draft");
    assert_eq!(draft.row.status, "submitted");
    assert_eq!(
        draft.row.outcome, "support",
        "the first outcome, chosen by arrow key"
    );
    assert_eq!(draft.row.basis, "《城镇供热管理条例》第十二条");
    assert_eq!(
        draft.row.body,
        "经核查，责成供热单位十日内整改，室温达标后回访。"
    );
    check(&d, "staff-04-draft-submitted").await;

    // Every page of the handler's day, at both widths.
    for (path, name) in [
        ("/work", "handler-inbox"),
        ("/work/cases", "handler-cases"),
        ("/work/supervisions", "handler-supervisions"),
        ("/work/ownerships", "handler-ownerships"),
    ] {
        both_widths(&d, &site, path, name).await;
    }
    logout(&d).await;

    // The head: 待审批 first, and the leader's pages.
    login(&d, &site, "shangcheng_zhujian_ld").await;
    let html = d.wait_for(&["待审批"]).await;
    assert!(html.contains(&case_no), "待审批 lists the draft");
    for (path, name) in [
        ("/work", "head-approvals"),
        ("/work/campaigns", "head-campaigns"),
        ("/work/warnings", "head-warnings"),
    ] {
        both_widths(&d, &site, path, name).await;
    }
    logout(&d).await;

    // The administrator's lists, and a 数据推送 endpoint's page.
    let admin = app.store.user_by_name("admin").await.unwrap().unwrap();
    let token = app
        .issue_token(&admin, xinfang_store::TokenKind::Api)
        .await
        .unwrap()
        .0;
    let bureau = app
        .org()
        .units()
        .find(|u| u.name == "杭州市上城区信访局")
        .unwrap()
        .id
        .0;
    let r = reqwest::Client::new()
        .post(format!("{site}/api/v1/admin/webhooks"))
        .bearer_auth(token)
        .json(&json!({"name": "区社会治理中心", "url": "http://127.0.0.1:9/hook", "kinds": ["registered", "transferred"], "scope_unit": bureau}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    login(&d, &site, "admin").await;
    for (path, name) in [
        ("/admin/users", "admin-users"),
        ("/admin/units", "admin-units"),
        ("/admin/webhooks", "admin-webhooks"),
        ("/admin/webhooks/1", "admin-webhook"),
    ] {
        both_widths(&d, &site, path, name).await;
    }
    logout(&d).await;

    // The leader's dashboard.
    login(&d, &site, "shangcheng_ld").await;
    both_widths(&d, &site, "/work/dashboard", "leader-dashboard").await;
    d.quit().await;
    let _ = std::fs::remove_dir_all(&dir);
}
