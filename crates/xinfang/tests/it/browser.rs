//! Real headless Chromium (Debian's chromium + chromedriver, W3C WebDriver
//! over HTTP) against the real server: a petitioner submits online and tracks
//! with the query code; a registrar logs in, finds it in the inbox and
//! forwards it with the unit picker; the handler signs it. Screenshots go to
//! `test-artifacts/`. Set XINFANG_SKIP_BROWSER=1 to skip on a machine without
//! Chromium; otherwise a missing browser fails the test.

use base64::Engine;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use xinfang_app::{App, TimeSource};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver's key codes.
pub(crate) const TAB: &str = "\u{E004}";
pub(crate) const ENTER: &str = "\u{E007}";
pub(crate) const DOWN: &str = "\u{E015}";

pub(crate) struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
    _chromedriver: ChildGuard,
}

struct ChildGuard(Child);
impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    pub(crate) async fn start() -> Driver {
        let port = free_port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (run scripts/install-browser.sh)");
        let guard = ChildGuard(child);
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("xinfang-chrome-{port}"));
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1100,1400",
                     format!("--user-data-dir={}", profile.display())]}}}});
        let v: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Driver {
            http,
            base,
            session,
            _chromedriver: guard,
        }
    }
    pub(crate) async fn cmd(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = self.http.request(method, url);
        let req = if body.is_null() { req } else { req.json(&body) };
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        v["value"].clone()
    }
    pub(crate) async fn go(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", json!({"url": url}))
            .await;
    }
    pub(crate) async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }
    pub(crate) async fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{e}/value"),
            json!({"text": text}),
        )
        .await;
    }
    pub(crate) async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{e}/click"),
            json!({}),
        )
        .await;
    }
    pub(crate) async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", json!(null))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    /// Poll the page until it contains every needle (navigation after a click
    /// may still be in flight); panics with the page after ten seconds.
    pub(crate) async fn wait_for(&self, needles: &[&str]) -> String {
        let mut html = String::new();
        for _ in 0..100 {
            html = self.source().await;
            if needles.iter().all(|n| html.contains(n)) {
                return html;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let main = html.find("<main>").unwrap_or(0);
        let end = html
            .char_indices()
            .map(|(i, _)| i)
            .find(|i| *i >= main + 3000)
            .unwrap_or(html.len());
        panic!("page never showed {needles:?}: {}", &html[main..end]);
    }
    pub(crate) async fn screenshot(&self, name: &str) {
        let b64 = self
            .cmd(reqwest::Method::GET, "/screenshot", json!(null))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
    /// Keys as a keyboard sends them (WebDriver actions): text, or the
    /// special keys [`TAB`], [`ENTER`], [`DOWN`].
    pub(crate) async fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.cmd(
            reqwest::Method::POST,
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .await;
    }
    /// Run a script in the page and return its value.
    pub(crate) async fn js(&self, script: &str) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
        .await
    }
    pub(crate) async fn quit(&self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
    }
}

pub(crate) fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    let j = html[i..].find(end).unwrap() + i;
    &html[i..j]
}

pub(crate) async fn login(d: &Driver, site: &str, user: &str) {
    d.go(&format!("{site}/login")).await;
    d.type_in("#username", user).await;
    d.type_in("#password", "xinfang2026").await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["我的待办"]).await;
}

pub(crate) async fn logout(d: &Driver) {
    d.click("header form button[type=submit]").await;
    d.wait_for(&["工作人员登录"]).await;
}

/// A letter registered forty days ago at the district bureau and never
/// forwarded: its 15-day forwarding limit (第二十二条) is long past.
async fn overdue_case(app: &App) -> String {
    let past = xinfang_store::shanghai_now() - chrono::Duration::days(40);
    let mut sim = app.clone();
    sim.time = TimeSource::Manual(std::sync::Arc::new(std::sync::Mutex::new(past)));
    let u = app
        .store
        .user_by_name("shangcheng_xfj")
        .await
        .unwrap()
        .unwrap();
    let staff = xinfang_app::auth::staff_of(&u);
    let req = xinfang_app::intake::IntakeRequest {
        channel: xinfang_domain::case::Channel::Letter,
        kind: None,
        petitioners: vec![xinfang_app::intake::PetitionerInput {
            name: "逾期测试".into(),
            id_number: None,
            phone: Some("13800001111".into()),
            address: "杭州市上城区".into(),
            email: None,
        }],
        persons: None,
        request: "要求维修小区破损道路".into(),
        facts: "小区道路破损多年。".into(),
        reasons: String::new(),
        region_code: "330102".into(),
        accused: None,
        category: None,
        registering_unit: None,
        new_matter_reason: None,
    };
    sim.intake(&xinfang_domain::Actor::Staff(staff), req)
        .await
        .unwrap()
        .case_no
}

pub(crate) fn id_with_check(body17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{body17}{}", C[(sum % 11) as usize])
}

/// Whether to skip: XINFANG_SKIP_BROWSER=1; a missing Chromium fails.
pub(crate) fn skip_browser() -> bool {
    if std::env::var("XINFANG_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("XINFANG_SKIP_BROWSER=1: browser test not run");
        return true;
    }
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists(),
        "Chromium missing: run scripts/install-browser.sh"
    );
    false
}

/// The real server on a fresh SQLite store with the demo organisation:
/// the app, the site's base URL and the store's folder (remove when done).
pub(crate) async fn serve_demo(name: &str) -> (App, String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("xinfang-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = xinfang_store::Store::connect(&format!("sqlite://{}/b.db", dir.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let app = App::new(store, TimeSource::System).await.unwrap();
    xinfang_app::demo::generate(&app, 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let router = xinfang_web::router(app.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    (app, site, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn petitioner_and_staff_in_a_real_browser() {
    if skip_browser() {
        return;
    }
    let (app, site, dir) = serve_demo("browser").await;

    let d = Driver::start().await;
    // The petitioner submits online.
    d.go(&format!("{site}/submit")).await;
    d.type_in("#name", "浏览器测试").await;
    d.type_in("#id_number", &id_with_check("33010219800101123"))
        .await;
    d.type_in("#phone", "13912345678").await;
    d.type_in("#address", "杭州市上城区湖滨街道").await;
    d.click("#region_code option[value='330102']").await;
    d.type_in("#request", "要求开发商按合同约定时间交付商品房")
        .await;
    d.type_in("#facts", "合同约定交房日期已过半年。").await;
    d.screenshot("01-portal-submit").await;
    d.click("form button[type=submit]").await;
    let html = d.wait_for(&["回执", "查询码"]).await;
    let case_no = between(&html, "id=\"receipt-case-no\">", "</strong>").to_string();
    let code = between(&html, "id=\"receipt-code\" class=\"code\">", "</strong>").to_string();
    d.screenshot("02-portal-receipt").await;
    // ... and tracks it.
    d.go(&format!("{site}/track")).await;
    d.type_in("#case_no", &case_no).await;
    d.type_in("#query_code", &code).await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["已登记", "民法典第二百零一条"]).await;
    d.screenshot("03-portal-track").await;

    // The registrar finds it in the inbox and forwards it.
    d.go(&format!("{site}/login")).await;
    d.type_in("#username", "shangcheng_xfj").await;
    d.type_in("#password", "xinfang2026").await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["我的待办", &case_no]).await;
    d.screenshot("04-work-inbox").await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    let zhujian = app
        .org()
        .units()
        .find(|u| u.name == "杭州市上城区住房和城乡建设局")
        .unwrap()
        .id
        .0;
    // 转送 is the case's next step: its form is open at the top.
    d.wait_for(&["下一步：转送 / 交办"]).await;
    // The long unit list filters as the registrar types a name.
    d.type_in("#next input.select-filter", "住房和城乡建设")
        .await;
    let shown = d
        .js("return Array.from(document.querySelectorAll('#next select[name=to] option')).filter(function (o) { return o.value && !o.hidden; }).map(function (o) { return o.text; });")
        .await;
    let shown: Vec<&str> = shown
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        !shown.is_empty() && shown.iter().all(|t| t.contains("住房和城乡建设")),
        "{shown:?}"
    );
    d.click(&format!("#next select[name=to] option[value='{zhujian}']"))
        .await;
    d.screenshot("05-work-case-transfer").await;
    d.click("#next button[type=submit]").await;
    // It cannot be taken back: a dialog asks first.
    d.click("#confirm-ok").await;
    d.wait_for(&["已转送", "转送至杭州市上城区住房和城乡建设局"])
        .await;
    d.click("header form button[type=submit]").await;
    d.wait_for(&["工作人员登录"]).await;

    // The handler signs it.
    d.go(&format!("{site}/login")).await;
    d.type_in("#username", "shangcheng_zhujian").await;
    d.type_in("#password", "xinfang2026").await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["我的待办", "待签收", &case_no]).await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    d.wait_for(&["下一步：签收"]).await;
    d.click("#next button[type=submit]").await;
    // The result says what was done and what comes next.
    d.wait_for(&["已签收。", "下一步：书面告知"]).await;
    d.screenshot("06-work-case-signed").await;

    // ... notifies acceptance (第二十三条) and asks for an extension (第三十四条).
    d.click("#next select[name=route] option[value=accept]")
        .await;
    d.click("#next button[type=submit]").await;
    d.click("#confirm-ok").await;
    d.wait_for(&["已出具书面告知", "办理中"]).await;
    d.click("details:has(input[value=request_extension]) summary")
        .await;
    d.type_in(
        "details:has(input[value=request_extension]) input[name=days]",
        "20",
    )
    .await;
    d.type_in(
        "details:has(input[value=request_extension]) input[name=reason]",
        "需现场核查交房条件",
    )
    .await;
    d.click("details:has(input[value=request_extension]) button[type=submit]")
        .await;
    d.wait_for(&["需现场核查交房条件"]).await;
    logout(&d).await;

    // The body's head approves the extension.
    login(&d, &site, "shangcheng_zhujian_ld").await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    d.wait_for(&["下一步：审批延期"]).await;
    d.click("#next button[type=submit]").await;
    d.click("#confirm-ok").await;
    d.wait_for(&["已审批延期申请"]).await;
    d.screenshot("07-work-extension-approved").await;
    logout(&d).await;

    // The handler drafts the written opinion and sends it for sign-off (审核签发).
    login(&d, &site, "shangcheng_zhujian").await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    d.wait_for(&["下一步：出具书面意见"]).await;
    d.click("#next select[name=outcome] option[value=support]")
        .await;
    d.type_in(
        "details:has(input[value=submit_draft]) input[name=basis]",
        "《商品房买卖合同》约定及《城市房地产开发经营管理条例》",
    )
    .await;
    d.type_in(
        "details:has(input[value=submit_draft]) textarea[name=text]",
        "经核查，开发商已承诺于三十日内交付，予以支持。",
    )
    .await;
    d.click("details:has(input[value=submit_draft]) button[type=submit]")
        .await;
    d.wait_for(&["待签发"]).await;
    logout(&d).await;

    // The head finds it in 待审批, reads it as it will be issued and signs it off.
    login(&d, &site, "shangcheng_zhujian_ld").await;
    d.go(&format!("{site}/work")).await;
    let html = d.wait_for(&["待审批"]).await;
    assert!(
        between(&html, "<section id=\"sign\">", "</section>").contains(&case_no),
        "待审批 lists the draft"
    );
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    d.wait_for(&["开发商已承诺于三十日内交付"]).await;
    d.screenshot("07b-work-draft-to-sign").await;
    // The preview is the letter exactly as it will be issued; 签发 there.
    d.click("a[href*='/drafts/']").await;
    d.wait_for(&["签发后编号"]).await;
    d.screenshot("07c-work-draft-preview").await;
    d.click("form:has(input[value=sign_draft]) button[type=submit]")
        .await;
    d.wait_for(&["已出具意见待送达"]).await;
    logout(&d).await;

    // The handler delivers the reply.
    login(&d, &site, "shangcheng_zhujian").await;
    d.go(&format!("{site}/work/cases/{case_no}")).await;
    d.wait_for(&["下一步：送达书面答复"]).await;
    d.click("#next button[type=submit]").await;
    d.click("#confirm-ok").await;
    d.wait_for(&["已送达"]).await;
    d.screenshot("08-work-delivered").await;
    // The delivered reply now waits for the follow-up call in the handler's inbox.
    d.go(&format!("{site}/work?tab=visit")).await;
    let html = d.wait_for(&["待回访"]).await;
    let follow_up = between(&html, "<h2 id=\"list-title\">待回访</h2>", "</section>");
    assert!(
        follow_up.contains(&case_no),
        "待回访 lists the delivered case"
    );
    logout(&d).await;

    // The petitioner evaluates and asks for 复查 while the window is open (第三十五条).
    d.go(&format!("{site}/track")).await;
    d.type_in("#case_no", &case_no).await;
    d.type_in("#query_code", &code).await;
    d.click("form button[type=submit]").await;
    d.wait_for(&["提交评价", "请求复查"]).await;
    d.click("input[name=satisfaction][value=dissatisfied]")
        .await;
    d.type_in("#reason", "交房时间仍无保障").await;
    d.click("form:has(input[value=evaluate]) button[type=submit]")
        .await;
    d.wait_for(&["请求复查"]).await;
    d.screenshot("09-portal-evaluated").await;
    d.type_in("#review_reason", "交房时间仍无保障，请求复查")
        .await;
    d.click("form:has(input[value=review]) button[type=submit]")
        .await;
    d.click("#confirm-ok").await;
    d.wait_for(&["复查复核中"]).await;
    d.screenshot("10-portal-review-requested").await;

    // A registrar registers a collective visit; the assistance panel finds the
    // petitioner's earlier case as he types.
    login(&d, &site, "shangcheng_xfj").await;
    d.go(&format!("{site}/work/register")).await;
    d.click("#channel option[value=visit]").await;
    d.type_in("input[name=name0]", "浏览器测试").await;
    d.type_in("input[name=id0]", &id_with_check("33010219800101123"))
        .await;
    d.type_in("input[name=name1]", "集体代表二").await;
    d.type_in("input[name=id1]", &id_with_check("33010219810202234"))
        .await;
    d.type_in("#persons", "8").await;
    d.click("#region_code option[value='330102']").await;
    d.type_in("#request", "要求开发商按合同约定时间交付商品房")
        .await;
    d.type_in("#facts", "合同约定交房日期已过半年，业主八人来访。")
        .await;
    d.wait_for(&["该信访人既往事项", &case_no, "同一事项"])
        .await;
    d.screenshot("11-work-register-assist").await;
    d.click("form[data-assist] button[type=submit]").await;
    d.wait_for(&["已登记", "集体访"]).await;
    d.screenshot("12-work-collective-registered").await;
    logout(&d).await;

    // A supervisor sees an overdue case in the inbox.
    let overdue_no = overdue_case(&app).await;
    app.scan_clocks().await.unwrap();
    login(&d, &site, "shangcheng_dc").await;
    d.go(&format!("{site}/work?tab=alerts")).await;
    let html = d.wait_for(&["时限提醒", &overdue_no]).await;
    assert!(html.contains("超期"), "supervisor inbox shows 超期");
    d.screenshot("13-work-supervisor-overdue").await;
    d.quit().await;
    let _ = std::fs::remove_dir_all(&dir);
}
