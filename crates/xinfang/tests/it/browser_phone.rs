//! A citizen on a phone (390×844, issue #15): submits online (first with a
//! blank name and a mistyped ID number, told beside the fields), reads the
//! receipt, tracks the case, opens a document and comes back without typing
//! the number and code again, evaluates, and asks for 复查 with a reason,
//! accepting the confirmation. On every portal page: nothing wider than the
//! screen, and no `serious` or `critical` accessibility violation found by
//! axe-core (vendored in `tests/assets/`, see its README). Screenshots go to
//! `test-artifacts/` (phone, then the same pages at 1440 wide).

use crate::browser::{between, id_with_check, serve_demo, skip_browser, Driver};
use serde_json::{json, Value};
use std::time::Duration;

const AXE: &str = include_str!("../assets/axe.min.js");

pub(crate) async fn exec(d: &Driver, script: &str) -> Value {
    d.cmd(
        reqwest::Method::POST,
        "/execute/sync",
        json!({"script": script, "args": []}),
    )
    .await
}

pub(crate) async fn set_window(d: &Driver, width: u32, height: u32) {
    d.cmd(
        reqwest::Method::POST,
        "/window/rect",
        json!({"width": width, "height": height}),
    )
    .await;
}

async fn clear(d: &Driver, css: &str) {
    let e = d.find(css).await;
    d.cmd(
        reqwest::Method::POST,
        &format!("/element/{e}/clear"),
        json!({}),
    )
    .await;
}

/// The page is no wider than the window (nothing to scroll sideways), and
/// no element reaches under the scroll bar either.
pub(crate) async fn assert_no_overflow(d: &Driver, page: &str) {
    let v = exec(
        d,
        "var w = document.documentElement.clientWidth, out = [];
         // Inside a region that scrolls (or clips) sideways on its own — a wide
         // table in its scroll box — only the region itself must fit.
         function boxed(e) {
           for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
             var o = getComputedStyle(p).overflowX;
             if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
           }
           return false;
         }
         document.querySelectorAll('body *').forEach(function (e) {
           var r = e.getBoundingClientRect();
           if (r.width > 1 && r.right > w + 0.5 && !boxed(e)) out.push(e.tagName + '.' + e.className + ' right ' + r.right);
         });
         return [document.documentElement.scrollWidth, window.innerWidth, out.slice(0, 8)];",
    )
    .await;
    let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
    assert!(
        scroll <= inner,
        "{page}: {scroll}px wide in a {inner}px window"
    );
    assert_eq!(v[2], json!([]), "{page}: wider than the screen");
}

/// axe-core on the current page: no `serious` or `critical` violation.
pub(crate) async fn assert_accessible(d: &Driver, page: &str) {
    let loaded = exec(d, &format!("{AXE}\nreturn typeof window.axe;")).await;
    assert_eq!(loaded, "object", "{page}: axe did not load: {loaded}");
    let found = d
        .cmd(
            reqwest::Method::POST,
            "/execute/async",
            json!({"script": "var done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(function (r) {
                  done(r.violations.map(function (v) {
                    return {id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); })};
                  }));
                }).catch(function (e) { done('axe failed: ' + e); });", "args": []}),
        )
        .await;
    let list = found
        .as_array()
        .unwrap_or_else(|| panic!("{page}: {found}"));
    let bad: Vec<&Value> = list
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious") | Some("critical")))
        .collect();
    assert!(bad.is_empty(), "{page}: accessibility violations {bad:#?}");
    if !list.is_empty() {
        eprintln!("{page}: minor accessibility findings {list:?}");
    }
}

/// A screenshot of the whole page, not only the window (Chromium's
/// DevTools command through chromedriver), to `test-artifacts/`.
pub(crate) async fn shot(d: &Driver, name: &str) {
    let cdp = |cmd: &str, params: Value| {
        d.cmd(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            json!({"cmd": cmd, "params": params}),
        )
    };
    // Captured beyond the window, the page has no scroll bar: the window's width.
    let m = cdp("Page.getLayoutMetrics", json!({})).await;
    let width = exec(d, "return window.innerWidth;").await;
    let height = &m["cssContentSize"]["height"];
    let clip = json!({"x": 0, "y": 0, "width": width, "height": height, "scale": 1});
    let v = cdp(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true, "clip": clip}),
    )
    .await;
    let Some(b64) = v["data"].as_str() else {
        // An older chromedriver: the window only.
        return d.screenshot(name).await;
    };
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Overflow, accessibility and a screenshot of the page now shown.
pub(crate) async fn check(d: &Driver, name: &str) {
    assert_no_overflow(d, name).await;
    assert_accessible(d, name).await;
    shot(d, name).await;
}

/// Staff handle the case through the JSON API: forward, accept, a signed
/// written reply, delivery (the phone only sees the result).
async fn handle_to_delivery(app: &xinfang_app::App, site: &str, case_no: &str) {
    let http = reqwest::Client::new();
    let token = |user: &'static str| {
        let app = app.clone();
        async move {
            let u = app.store.user_by_name(user).await.unwrap().unwrap();
            let kind = xinfang_store::TokenKind::Api;
            app.issue_token(&u, kind).await.unwrap().0
        }
    };
    let post = |path: String, tk: String, body: Value| {
        let req = http
            .post(format!("{site}{path}"))
            .bearer_auth(tk)
            .json(&body);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{path}: {status} {v}");
            v
        }
    };
    let zhujian = app
        .org()
        .units()
        .find(|u| u.name == "杭州市上城区住房和城乡建设局")
        .unwrap()
        .id
        .0;
    let act = format!("/api/v1/cases/{case_no}/actions");
    let bureau = token("shangcheng_xfj").await;
    post(
        act.clone(),
        bureau,
        json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
    )
    .await;
    let h = token("shangcheng_zhujian").await;
    post(act.clone(), h.clone(), json!({"action": "sign"})).await;
    post(
        act.clone(),
        h.clone(),
        json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
    )
    .await;
    let draft = post(
        format!("/api/v1/cases/{case_no}/drafts"),
        h.clone(),
        json!({"outcome": "support", "basis": "《商品房买卖合同》第八条", "text": "经核查，责成开发商于三十日内交付房屋。"}),
    )
    .await;
    let id = draft["id"].as_i64().unwrap();
    let head = token("shangcheng_zhujian_ld").await;
    post(format!("/api/v1/drafts/{id}/sign"), head, json!({})).await;
    post(act, h, json!({"action": "deliver"})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn petitioner_on_a_phone() {
    if skip_browser() {
        return;
    }
    let (app, site, dir) = serve_demo("phone").await;
    let d = Driver::start().await;
    set_window(&d, 390, 844).await;
    let width = exec(&d, "return window.innerWidth;").await;
    assert!(
        width.as_i64().unwrap() <= 390,
        "a phone-wide window: {width}"
    );

    // The landing page: two ways in, nothing technical.
    d.go(&format!("{site}/")).await;
    let html = d.wait_for(&["我要反映问题", "查询办理情况"]).await;
    assert!(!html.contains("openapi"));
    check(&d, "p01-phone-home").await;

    // A blank name (spaces only) and a mistyped ID number: told beside the fields.
    d.click("a[href='/submit']").await;
    d.wait_for(&["您的信息"]).await;
    let id = id_with_check("33010219800101123");
    let wrong_last = if id.ends_with('0') { "1" } else { "0" };
    d.type_in("#name", "   ").await;
    d.type_in("#id_number", &format!("{}{wrong_last}", &id[..17]))
        .await;
    d.type_in("#phone", "13912345678").await;
    d.type_in("#address", "杭州市上城区湖滨街道东坡路8号").await;
    d.click("#region_code option[value='330102']").await;
    d.type_in("#request", "要求开发商按合同约定时间交付商品房")
        .await;
    d.type_in("#facts", "合同约定交房日期已过半年。").await;
    check(&d, "p02-phone-submit").await;
    d.click("form button[type=submit]").await;
    let html = d.wait_for(&["有2处需要修改", "name-err"]).await;
    let id_err = between(&html, "id=\"id_number-err\">", "</p>");
    assert!(
        id_err.contains("身份证号码有误") && !id_err.contains(&id[17..]),
        "{id_err}"
    );
    check(&d, "p03-phone-submit-errors").await;
    // Corrected: the receipt.
    clear(&d, "#name").await;
    d.type_in("#name", "手机测试").await;
    clear(&d, "#id_number").await;
    d.type_in("#id_number", &id).await;
    d.click("form button[type=submit]").await;
    let html = d.wait_for(&["网上信访回执", "请保存好查询码"]).await;
    let case_no = between(&html, "id=\"receipt-case-no\">", "</strong>").to_string();
    let code = between(&html, "id=\"receipt-code\" class=\"code\">", "</strong>").to_string();
    assert!(html.contains("打印回执") && html.contains("保存回执"));
    check(&d, "p04-phone-receipt").await;
    // Printed, the receipt is all there is on the paper.
    let media = |m: &'static str| {
        d.cmd(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": m}}),
        )
    };
    media("print").await;
    let shown = exec(
        &d,
        "return ['header.top', '.receipt-page > .actions', '.receipt-page > .ok', '.receipt']
           .map(function (s) { return getComputedStyle(document.querySelector(s)).display; });",
    )
    .await;
    assert_eq!(
        shown,
        json!(["none", "none", "none", "block"]),
        "print style"
    );
    shot(&d, "p04b-phone-receipt-print").await;
    media("").await;

    // Staff do their part; the citizen comes back later and types the two once.
    handle_to_delivery(&app, &site, &case_no).await;
    d.go(&format!("{site}/track")).await;
    d.wait_for(&["查询办理情况"]).await;
    check(&d, "p05-phone-track-form").await;
    d.type_in("#case_no", &case_no).await;
    d.type_in("#query_code", &code).await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["书面答复", "责成开发商于三十日内交付房屋", "请求复查"])
        .await;
    check(&d, "p06-phone-case").await;

    // A document, and back to the case without typing anything.
    d.click("form[action='/track/documents'] button:not([name])")
        .await;
    d.wait_for(&["返回办理情况", "print-doc"]).await;
    assert_no_overflow(&d, "p07-phone-document").await;
    shot(&d, "p07-phone-document").await;
    d.click("form[action='/track'] button[type=submit]").await;
    d.wait_for(&["书面答复", &case_no, "评价办理情况"]).await;

    // Evaluate.
    d.click("input[name=satisfaction][value=dissatisfied]")
        .await;
    d.type_in("#reason", "交房时间仍无保障").await;
    d.click("form:has(input[value=evaluate]) button[type=submit]")
        .await;
    d.wait_for(&["您的评价已提交"]).await;
    check(&d, "p08-phone-evaluated").await;

    // 复查: a reason, the deadline, a confirmation.
    let html = d.source().await;
    assert!(html.contains("自收到书面答复之日起30日内") && html.contains("最后一天"));
    d.type_in(
        "#review_reason",
        "开发商承诺的交房时间没有保障，请求上一级机关复查",
    )
    .await;
    d.click("form:has(input[value=review]) button[type=submit]")
        .await;
    for _ in 0..50 {
        if exec(&d, "return document.getElementById('confirm-dialog').open;").await == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = exec(
        &d,
        "return document.getElementById('confirm-text').textContent;",
    )
    .await;
    assert!(
        text.as_str().unwrap_or_default().contains("确定请求复查"),
        "{text}"
    );
    d.screenshot("p09-phone-review-confirm").await;
    d.click("#confirm-ok").await;
    d.wait_for(&["您的复查请求已提交", "复查复核中"]).await;
    check(&d, "p10-phone-review-requested").await;

    // The same pages on a desktop screen.
    set_window(&d, 1440, 1000).await;
    d.go(&format!("{site}/")).await;
    d.wait_for(&["我要反映问题"]).await;
    shot(&d, "p11-desktop-home").await;
    d.go(&format!("{site}/submit")).await;
    d.wait_for(&["您的信息"]).await;
    shot(&d, "p12-desktop-submit").await;
    d.go(&format!("{site}/track")).await;
    d.type_in("#case_no", &case_no).await;
    d.type_in("#query_code", &code).await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["书面答复", "复查复核中"]).await;
    check(&d, "p13-desktop-case").await;
    d.quit().await;
    let _ = std::fs::remove_dir_all(&dir);
}
