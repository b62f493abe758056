//! Notifications to petitioners (issue #19), against a real HTTP SMS
//! gateway process peer (an HTTP server in the test, answering like a
//! gateway): every step a petitioner must know about becomes one message
//! from the outbox, with its delivery state; a dead gateway is retried with
//! back-off and never touches a registration; an opted-out petitioner gets
//! nothing; 检举控告 messages name no body; 回访 by a one-time link, and a
//! 不满意 opens a 督办 (第四十条).

use crate::common;
use axum::extract::State;
use axum::http::StatusCode;
use common::web::{body_of, form_page};
use common::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use xinfang_app::notify::gateway::{Gateways, HttpSmsConfig};

/// A gateway: records what it was sent; answers 500 while `down`.
#[derive(Clone, Default)]
pub(crate) struct Gateway {
    pub(crate) got: Arc<Mutex<Vec<Value>>>,
    pub(crate) down: Arc<Mutex<bool>>,
}

async fn receive(State(g): State<Gateway>, body: String) -> (StatusCode, String) {
    if *g.down.lock().unwrap() {
        return (StatusCode::SERVICE_UNAVAILABLE, "gateway busy".into());
    }
    g.got
        .lock()
        .unwrap()
        .push(serde_json::from_str(&body).unwrap_or(json!(body)));
    (StatusCode::OK, r#"{"result":"ok"}"#.into())
}

pub(crate) async fn start_gateway(app: &TestApp) -> Gateway {
    let g = Gateway::default();
    let router = axum::Router::new()
        .route("/send", axum::routing::post(receive))
        .with_state(g.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    app.app.configure_gateways(Gateways {
        smtp: None,
        sms: Some(HttpSmsConfig {
            url,
            body: HttpSmsConfig::DEFAULT_BODY.into(),
            ok_contains: Some("\"ok\"".into()),
        }),
        smpp: None,
    });
    app.app.set_public_url("https://xinfang.example.gov.cn");
    g
}

pub(crate) fn texts(g: &Gateway) -> Vec<String> {
    g.got
        .lock()
        .unwrap()
        .iter()
        .map(|v| v["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn messages(app: &TestApp, token: &str, case_no: &str) -> Vec<Value> {
    let (s, v) = app
        .get(&format!("/api/v1/cases/{case_no}/messages"), Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["messages"].as_array().unwrap().clone()
}

dual_test!(
    every_step_reaches_the_petitioner_once,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        let (s, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("通知人", "33010219800101123", "要求开发商按期交房"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let code = r["query_code"].as_str().unwrap().to_string();
        let pump = app.app.notify_pump().await.unwrap();
        assert_eq!((pump.queued, pump.sent), (1, 1), "the registration notice");
        let sent = texts(&g);
        assert!(
            sent[0].contains(&case_no) && sent[0].contains(&code),
            "{sent:?}"
        );
        assert_eq!(g.got.lock().unwrap()[0]["phone"], "13812345678");
        // A second pump sends nothing twice.
        assert_eq!(app.app.notify_pump().await.unwrap().sent, 0);

        let bureau = app.token("shangcheng_xfj").await;
        let zj = app.token("shangcheng_zhujian").await;
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        app.act_ok(
            &bureau,
            &case_no,
            json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
        )
        .await;
        app.act_ok(&zj, &case_no, json!({"action": "sign"})).await;
        app.act_ok(
            &zj,
            &case_no,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        app.act_ok(
            &zj,
            &case_no,
            json!({"action": "request_extension", "days": 20, "reason": "需现场核查交房条件"}),
        )
        .await;
        let head = app.token("shangcheng_zhujian_ld").await;
        app.act_ok(
            &head,
            &case_no,
            json!({"action": "decide_extension", "approved": true}),
        )
        .await;
        app.act_ok(&zj, &case_no, json!({"action": "reply", "outcome": "support", "basis": "合同第八条", "text": "责成开发商三十日内交房。"})).await;
        app.act_ok(&zj, &case_no, json!({"action": "deliver"}))
            .await;
        let pump = app.app.notify_pump().await.unwrap();
        assert_eq!(pump.sent, 5, "转送, 告知, 延期, 答复, 回访");
        let sent = texts(&g);
        assert!(sent[1].contains("已转送有权处理的机关"), "{sent:?}");
        assert!(sent[2].contains("予以受理"), "{sent:?}");
        assert!(
            sent[3].contains("延长20日") && sent[3].contains("需现场核查交房条件"),
            "第三十四条: {sent:?}"
        );
        assert!(sent[4].contains("书面答复意见"), "{sent:?}");
        assert!(
            sent[5].contains("https://xinfang.example.gov.cn/visit/"),
            "{sent:?}"
        );

        // The case timeline shows each message and its state; the sent
        // registration notice no longer holds the query code.
        let list = messages(&app, &zj, &case_no).await;
        assert_eq!(list.len(), 6);
        assert!(list
            .iter()
            .all(|m| m["status"] == "sent" && m["status_label"] == "已发送"));
        assert!(
            !list[0]["body"].as_str().unwrap().contains(&code),
            "{}",
            list[0]
        );
        assert_eq!(
            list[0]["recipient"], "13812345678",
            "the holder sees the number"
        );
        let other = app.token("shangcheng_xfj").await;
        assert_eq!(
            messages(&app, &other, &case_no).await[0]["recipient"],
            "138****5678",
            "masked for others"
        );
        // … and on the case page, for the handler.
        let cookie = common::web::login(&app, "shangcheng_zhujian").await;
        let (_, html) = common::web::page(&app, &format!("/work/cases/{case_no}"), &cookie).await;
        let section = &html[html
            .find("<section id=\"messages\">")
            .expect("the messages section")..];
        assert!(
            section.contains("回访评价邀请") && section.contains("已发送"),
            "{section}"
        );

        // 回访 by the one-time link: 不满意 with a reason opens a 督办.
        let link = sent[5].split("/visit/").nth(1).unwrap();
        let token: String = link.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        let (s, _, page) = app.get_raw(&format!("/visit/{token}"), None).await;
        let page = String::from_utf8(page).unwrap();
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains(&case_no) && page.contains("要求开发商按期交房"));
        let path = format!("/visit/{token}");
        let form = |pairs: &[(&str, &str)]| body_of(pairs);
        let (s, page) = form_page(
            &app,
            &path,
            None,
            &form(&[("satisfaction", "dissatisfied"), ("reason", "")]),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is needed: {page}"
        );
        let (s, page) = form_page(
            &app,
            &path,
            None,
            &form(&[("satisfaction", "dissatisfied"), ("reason", "交房仍无保障")]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(page.contains("感谢您的评价"));
        let (s, _) = form_page(
            &app,
            &path,
            None,
            &form(&[("satisfaction", "satisfied"), ("reason", "")]),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the link is spent");
        app.app.notify_pump().await.unwrap();
        let dc = app.token("shangcheng_dc").await;
        let (_, v) = app.get("/api/v1/supervisions", Some(&dc)).await;
        let sups = v["supervisions"].as_array().unwrap();
        let s = sups
            .iter()
            .find(|s| s["case_no"] == case_no.as_str())
            .unwrap_or_else(|| panic!("a 督办 for the 不满意: {v}"));
        assert!(
            s["requirement"].as_str().unwrap().contains("交房仍无保障"),
            "{s}"
        );
        assert_eq!(s["to_unit"], zhujian);
    }
);

dual_test!(
    a_dead_gateway_never_blocks_and_is_retried,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        *g.down.lock().unwrap() = true;
        let (s, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("重试人", "33010219800101235", "要求维修漏水屋顶"),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::CREATED,
            "registration does not wait for the gateway"
        );
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let pump = app.app.notify_pump().await.unwrap();
        assert_eq!((pump.sent, pump.failed), (0, 1));
        let bureau = app.token("shangcheng_xfj").await;
        let m = &messages(&app, &bureau, &case_no).await[0];
        assert_eq!(m["status"], "failed");
        assert!(m["last_error"].as_str().unwrap().contains("503"), "{m}");
        // Not due again at once (back-off) …
        assert_eq!(app.app.notify_pump().await.unwrap().failed, 0);
        // … the administrator sees the gateway failing; the petitioner does not.
        let admin = app.token("admin").await;
        let (_, v) = app.get("/api/v1/admin/gateways", Some(&admin)).await;
        assert_eq!(v["gateways"][0]["channel"], "sms");
        assert!(
            !v["gateways"][0]["recent_failures"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{v}"
        );
        // The gateway comes back; after the back-off the message goes.
        *g.down.lock().unwrap() = false;
        app.set_time("2026-03-02 09:05");
        assert_eq!(app.app.notify_pump().await.unwrap().sent, 1);
        assert_eq!(messages(&app, &bureau, &case_no).await[0]["status"], "sent");
        // A gateway down for good: the message is given up after 8 attempts.
        *g.down.lock().unwrap() = true;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("放弃人", "33010219800101347", "要求修复路灯"),
            )
            .await;
        let lost = r["case_no"].as_str().unwrap().to_string();
        for day in 3..15 {
            app.set_time(&format!("2026-03-{day:02} 10:00"));
            app.app.notify_pump().await.unwrap();
        }
        let m = &messages(&app, &bureau, &lost).await[0];
        assert_eq!(
            (m["status"].as_str(), m["attempts"].as_i64()),
            (Some("dead"), Some(8)),
            "{m}"
        );
    }
);

dual_test!(
    opted_out_and_accusations_say_nothing_more,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("退订人", "33010219800101459", "要求清理楼道杂物"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let code = r["query_code"].as_str().unwrap().to_string();
        let (s, v) = app
            .post(
                "/api/v1/notifications/opt-out",
                None,
                json!({"case_no": case_no, "query_code": "WRONG123"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        // The petitioner opts out on the tracking page (number and code checked there).
        let (s, page) = form_page(
            &app,
            "/track",
            None,
            &body_of(&[
                ("case_no", &case_no),
                ("query_code", &code),
                ("op", "opt_out"),
            ]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(page.contains("已为您退订本件的短信和邮件通知"), "{page}");
        // The API does the same; a second time changes nothing.
        let (s, v) = app
            .post(
                "/api/v1/notifications/opt-out",
                None,
                json!({"case_no": case_no, "query_code": code}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        app.app.notify_pump().await.unwrap();
        assert!(texts(&g).is_empty(), "nothing after opting out");
        let bureau = app.token("shangcheng_xfj").await;
        assert_eq!(
            messages(&app, &bureau, &case_no).await[0]["status"],
            "opted_out"
        );

        // 第三十条: an accusation's messages name no body at all.
        let mut p = online_petition(
            "检举人",
            "33010219800101561",
            "检举住建局工作人员索要好处费",
        );
        p["kind"] = json!("accusation");
        p["petitioners"][0]["phone"] = json!("13900001111");
        p["accused"] = json!({"unit_name": "杭州市上城区住房和城乡建设局", "person": "某科长"});
        let (s, r) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let acc = r["case_no"].as_str().unwrap().to_string();
        let jw = app.unit("中共杭州市上城区纪律检查委员会（杭州市上城区监察委员会）");
        app.act_ok(
            &bureau,
            &acc,
            json!({"action": "transfer", "to": jw, "mode": "forward", "report_due": null}),
        )
        .await;
        app.app.notify_pump().await.unwrap();
        let sent = texts(&g);
        assert_eq!(sent.len(), 2, "registered and transferred: {sent:?}");
        for t in &sent {
            for secret in ["住房和城乡建设局", "某科长", "纪律检查", "监察委员会"]
            {
                assert!(!t.contains(secret), "第三十条: {t}");
            }
        }
    }
);

dual_test!(administrators_edit_the_texts, |app: TestApp| async move {
    let g = start_gateway(&app).await;
    let admin = app.token("admin").await;
    let (s, v) = app
        .call(
            "PUT",
            "/api/v1/admin/notices/transferred",
            Some(&admin),
            Some(json!({"text": "已转送{被反映单位}"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown placeholder: {v}"
    );
    let (s, v) = app
        .call(
            "PUT",
            "/api/v1/admin/notices/transferred",
            Some(&admin),
            Some(json!({"text": "【上城信访】{信访编号}已转办，请留意。"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let clerk = app.token("shangcheng_xfj").await;
    let (s, _) = app
        .call(
            "PUT",
            "/api/v1/admin/notices/transferred",
            Some(&clerk),
            Some(json!({"text": "x{信访编号}"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("模板人", "33010219800101673", "要求修缮公厕"),
        )
        .await;
    let case_no = r["case_no"].as_str().unwrap().to_string();
    let zhujian = app.unit("杭州市上城区住房和城乡建设局");
    app.act_ok(
        &clerk,
        &case_no,
        json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
    )
    .await;
    app.app.notify_pump().await.unwrap();
    assert_eq!(
        texts(&g)[1],
        format!("【上城信访】{case_no}已转办，请留意。")
    );
    let (_, v) = app.get("/api/v1/admin/notices", Some(&admin)).await;
    assert_eq!(
        v["notices"].as_array().unwrap().len(),
        9,
        "every notice kind, 接访预约确认 included"
    );
    // The same on the 系统管理 › 通知 page: a refused text comes back as typed.
    let cookie = common::web::login(&app, "admin").await;
    let (s, html) = common::web::page(&app, "/admin/notices", &cookie).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("短信网关与邮件服务器") && html.contains("已转办，请留意"),
        "{html}"
    );
    let csrf = common::web::csrf_of(&html);
    let (s, html) = common::web::post_pairs(
        &app,
        "/admin/notices",
        &cookie,
        &[
            ("csrf", &csrf),
            ("notice", "extended"),
            ("text", "延长{天数}日"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("不能使用占位符{天数}") && html.contains("延长{天数}日"),
        "{html}"
    );
    let (s, html) = common::web::post_pairs(
        &app,
        "/admin/notices",
        &cookie,
        &[
            ("csrf", &csrf),
            ("notice", "extended"),
            ("text", "【信访】{信访编号}延长{延期天数}日：{延期理由}"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("已保存“延期通知”"), "{html}");
});

dual_test!(
    the_review_window_reminder_comes_three_days_before,
    |app: TestApp| async move {
        let g = start_gateway(&app).await;
        let (_, r) = app
            .post(
                "/api/v1/petitions",
                None,
                online_petition("复查人", "33010219800101785", "要求退还押金"),
            )
            .await;
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let bureau = app.token("shangcheng_xfj").await;
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        let zj = app.token("shangcheng_zhujian").await;
        app.act_ok(
            &bureau,
            &case_no,
            json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}),
        )
        .await;
        app.act_ok(&zj, &case_no, json!({"action": "sign"})).await;
        app.act_ok(
            &zj,
            &case_no,
            json!({"action": "notify", "route": {"route": "accept", "investigate": true}}),
        )
        .await;
        app.act_ok(&zj, &case_no, json!({"action": "reply", "outcome": "support", "basis": "《中华人民共和国民法典》第五百零九条", "text": "予以退还。"})).await;
        app.act_ok(&zj, &case_no, json!({"action": "deliver"}))
            .await;
        app.app.notify_pump().await.unwrap();
        let before = texts(&g).len();
        // Received 2026-03-02: the window closes 2026-04-01; reminded from 03-29.
        app.set_time("2026-03-28 09:00");
        app.app.notify_pump().await.unwrap();
        assert_eq!(texts(&g).len(), before, "not yet");
        app.set_time("2026-03-29 09:00");
        app.app.notify_pump().await.unwrap();
        let sent = texts(&g);
        assert_eq!(sent.len(), before + 1, "{sent:?}");
        assert!(
            sent.last().unwrap().contains("2026年4月1日")
                && sent.last().unwrap().contains("请求复查"),
            "{sent:?}"
        );
        app.set_time("2026-03-30 09:00");
        app.app.notify_pump().await.unwrap();
        assert_eq!(texts(&g).len(), before + 1, "once");
    }
);

/// A real SMTP server (scripts/smtp-test-server.py, aiosmtpd) with a
/// certificate of our own CA: STARTTLS and AUTH, as a government relay.
struct Smtp {
    child: std::process::Child,
    out: std::path::PathBuf,
    port: u16,
    ca: Vec<u8>,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_smtp(dir: &std::path::Path) -> Smtp {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    // A CA of our own and a server certificate it signed (as an intranet has).
    let (ca, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    let (cert, key, csr, ext) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("leaf.csr"),
        dir.join("ext.cnf"),
    );
    std::fs::write(
        &ext,
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let ok = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl (scripts/test.sh installs it)");
        assert!(ok.success(), "openssl {args:?}");
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=xinfang-test-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    let _ = (&ca_key, &csr);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = dir.join("mail.jsonl");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/smtp-test-server.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .args([
            "--port",
            &port.to_string(),
            "--user",
            "xinfang",
            "--password",
            "s3cret-mail",
        ])
        .arg("--cert")
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP server did not start (pip install aiosmtpd: scripts/test.sh)"
    );
    Smtp {
        child,
        out,
        port,
        ca: std::fs::read(&ca).unwrap(),
    }
}

fn mails(s: &Smtp) -> Vec<Value> {
    std::fs::read_to_string(&s.out)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

dual_test!(
    e_mail_goes_through_a_real_smtp_server_with_starttls_and_auth,
    |app: TestApp| async move {
        use xinfang_app::notify::gateway::SmtpConfig;
        let dir = std::env::temp_dir().join(format!(
            "xinfang-smtp-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let smtp = start_smtp(&dir);
        let config = |password: &str| SmtpConfig {
            host: "localhost".into(),
            port: smtp.port,
            user: "xinfang".into(),
            password: password.into(),
            from: "xinfang@localhost".into(),
            starttls: true,
            ca_pem: Some(smtp.ca.clone()),
        };
        // The relay is down: the message waits and says why; the petition is registered.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut down = config("s3cret-mail");
        down.port = closed;
        app.app.configure_gateways(Gateways {
            smtp: Some(down),
            sms: None,
            smpp: None,
        });
        let mut p = online_petition("邮件人", "33010219800101897", "要求公开小区维修资金账目");
        p["petitioners"][0]["email"] = json!("youjian@example.com");
        let (s, r) = app.post("/api/v1/petitions", None, p).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let case_no = r["case_no"].as_str().unwrap().to_string();
        let code = r["query_code"].as_str().unwrap().to_string();
        let pump = app.app.notify_pump().await.unwrap();
        assert_eq!((pump.sent, pump.failed), (0, 1), "the relay is down");
        assert!(mails(&smtp).is_empty());
        // The right password: sent over STARTTLS, authenticated.
        app.app.configure_gateways(Gateways {
            smtp: Some(config("s3cret-mail")),
            sms: None,
            smpp: None,
        });
        app.set_time("2026-03-02 09:10");
        let pump = app.app.notify_pump().await.unwrap();
        assert_eq!(pump.sent, 1);
        let got = mails(&smtp);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["to"][0], "youjian@example.com");
        assert_eq!(
            (got[0]["tls"].as_bool(), got[0]["auth"].as_bool()),
            (Some(true), Some(true))
        );
        let data = got[0]["data"].as_str().unwrap();
        assert!(data.contains("From: xinfang@localhost"), "{data}");
        let bureau = app.token("shangcheng_xfj").await;
        let list = messages(&app, &bureau, &case_no).await;
        let mail = list
            .iter()
            .find(|m| m["channel"] == "email")
            .expect("the e-mail on the timeline");
        assert_eq!(mail["status"], "sent");
        assert!(
            !mail["body"].as_str().unwrap().contains(&code),
            "no code kept once sent"
        );
        // A malformed address is refused at registration, beside its field.
        let mut bad = online_petition("错邮件", "33010219800101901", "要求修缮道路");
        bad["petitioners"][0]["email"] = json!("not an address");
        let (s, v) = app.post("/api/v1/petitions", None, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("petitioners[0].email"), "{v}");
        drop(smtp);
        let _ = std::fs::remove_dir_all(&dir);
    }
);

dual_test!(
    messages_waiting_for_an_unconfigured_gateway_hold_up_no_other,
    |app: TestApp| async move {
        // Hundreds of e-mails queued while no mail server is configured…
        let now = "2026-01-01 08:00:00";
        for i in 0..250 {
            let dedupe = format!("waiting-mail-{i}");
            let m = xinfang_store::NewMessage {
                case_id: None,
                notice: "registered",
                channel: "email",
                recipient: "someone@example.cn",
                subject: "信访事项已登记",
                body: "您的信访事项已登记。",
                dedupe: &dedupe,
            };
            assert!(app.app.store.queue_message(&m, now).await.unwrap());
        }
        // …and then a text message, with an SMS gateway that works.
        let g = start_gateway(&app).await;
        let sms = xinfang_store::NewMessage {
            case_id: None,
            notice: "registered",
            channel: "sms",
            recipient: "13812345678",
            subject: "信访事项已登记",
            body: "短信在邮件之后排队",
            dedupe: "the-sms",
        };
        assert!(app.app.store.queue_message(&sms, now).await.unwrap());
        let r = app.app.notify_send().await.unwrap();
        assert_eq!((r.sent, r.failed), (1, 0), "the SMS went out");
        assert_eq!(texts(&g), vec!["短信在邮件之后排队".to_string()]);
    }
);

dual_test!(
    a_round_of_notices_is_written_in_one_transaction_with_the_same_rules,
    |app: TestApp| async move {
        // Issue #17: the notifier writes a round's messages together. The
        // rules of the one-at-a-time path still hold inside the batch: a
        // dedupe key already written (earlier or earlier in the same batch)
        // is skipped, an opted-out recipient gets an `opted_out` row.
        let now = "2026-01-01 08:00:00";
        app.app.store.opt_out("13900000009").await.unwrap();
        let msg = |to: &'static str, dedupe: &'static str| xinfang_store::NewMessage {
            case_id: None,
            notice: "registered",
            channel: "sms",
            recipient: to,
            subject: "信访事项已登记",
            body: "您的信访事项已登记。",
            dedupe,
        };
        assert!(app
            .app
            .store
            .queue_message(&msg("13900000001", "earlier"), now)
            .await
            .unwrap());
        let batch = [
            msg("13900000001", "earlier"), // written before: skipped
            msg("13900000002", "first"),   // new
            msg("13900000002", "first"),   // same key in the same batch: skipped
            msg("13900000009", "opted"),   // opted out: written as such
            msg("13900000003", "second"),  // new
        ];
        let written = app.app.store.queue_messages(&batch, now).await.unwrap();
        assert_eq!(written, 3);
        let counts = app.app.store.message_counts("sms").await.unwrap();
        assert_eq!(
            counts,
            vec![("opted_out".to_string(), 1), ("queued".to_string(), 3)]
        );
        // Nothing written twice by a replay of the whole batch.
        assert_eq!(app.app.store.queue_messages(&batch, now).await.unwrap(), 0);
        assert_eq!(app.app.store.queue_messages(&[], now).await.unwrap(), 0);
    }
);

dual_test!(
    every_registration_handed_over_gets_its_notice_in_one_feed_round,
    |app: TestApp| async move {
        // Registrations over HTTP hand their notices (with the query code)
        // to the notifier; one feed round writes all of them, each tied to
        // its case, and a second round writes nothing more.
        let mut case_nos = vec![];
        for i in 0..12 {
            let mut p = online_petition(
                &format!("批量{i}"),
                &format!("3301021980010{:04}", 1000 + i),
                &format!("要求修缮第{i}号楼的屋顶漏水"),
            );
            p["petitioners"][0]["phone"] = json!(format!("139{:08}", 10_000 + i));
            let (s, v) = app.post("/api/v1/petitions", None, p).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            case_nos.push(v["case_no"].as_str().unwrap().to_string());
        }
        let queued = app.app.notify_feed().await.unwrap();
        assert!(queued >= 12, "{queued}");
        for no in &case_nos {
            let id = app.app.store.case_id_of(no).await.unwrap().unwrap();
            let msgs = app.app.store.case_messages(id).await.unwrap();
            let reg: Vec<_> = msgs.iter().filter(|m| m.notice == "registered").collect();
            assert_eq!(reg.len(), 1, "{no}: {msgs:?}");
            assert!(reg[0].body.contains(no.as_str()), "{}", reg[0].body);
        }
        assert_eq!(app.app.notify_feed().await.unwrap(), 0);
    }
);

dual_test!(
    a_round_larger_than_one_statement_is_written_whole,
    |app: TestApp| async move {
        // Issue #17: a round's look-ups and inserts are split into
        // statements of bounded size; a round larger than any of them is
        // still written whole, once, with the opt-outs honoured throughout.
        let now = "2026-01-01 08:00:00";
        app.app.store.opt_out("13900000007").await.unwrap();
        let rows: Vec<(String, String)> = (0..700)
            .map(|i| (format!("139{:08}", i % 650), format!("round-{i}")))
            .collect();
        let batch: Vec<_> = rows
            .iter()
            .map(|(to, key)| xinfang_store::NewMessage {
                case_id: None,
                notice: "registered",
                channel: "sms",
                recipient: to,
                subject: "信访事项已登记",
                body: "您的信访事项已登记。",
                dedupe: key,
            })
            .collect();
        assert_eq!(
            app.app.store.queue_messages(&batch, now).await.unwrap(),
            700
        );
        let counts = app.app.store.message_counts("sms").await.unwrap();
        // 13900000007 is recipient 7 and 657.
        assert_eq!(
            counts,
            vec![("opted_out".to_string(), 2), ("queued".to_string(), 698)]
        );
        assert_eq!(app.app.store.queue_messages(&batch, now).await.unwrap(), 0);
    }
);

dual_test!(
    the_notifier_reads_only_the_event_kinds_it_asks_for,
    |app: TestApp| async move {
        // Issue #17: the feed asks for a few kinds; what it gets is exactly
        // the log's events of those kinds, and the window it reports covers
        // the events it skipped, so its cursor moves past them.
        for i in 0..5 {
            let p = online_petition(
                &format!("种类{i}"),
                &format!("3301021980020{:04}", 1000 + i),
                &format!("要求处理第{i}号路灯不亮"),
            );
            let (s, v) = app.post("/api/v1/petitions", None, p).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let store = &app.app.store;
        let all = store.log_events_after(0, 100_000).await.unwrap();
        let last = all.last().map(|e| e.seq);
        assert!(last.is_some());
        for kinds in [
            vec!["registered"],
            vec!["transferred", "delivered"],
            vec!["no_such_kind"],
            vec![],
        ] {
            let (got, reached) = store
                .log_events_of_kinds_after(0, 100_000, &kinds)
                .await
                .unwrap();
            let want: Vec<i64> = all
                .iter()
                .filter(|e| kinds.contains(&e.kind.as_str()))
                .map(|e| e.seq)
                .collect();
            assert_eq!(got.iter().map(|e| e.seq).collect::<Vec<_>>(), want);
            assert!(reached >= last, "{kinds:?}: {reached:?} < {last:?}");
            // Payloads come back as written (unsealed), like the full read.
            for e in &got {
                let full = all.iter().find(|x| x.seq == e.seq).unwrap();
                assert_eq!(e.payload, full.payload);
            }
        }
        // A window of two events reports how far it reached.
        let first = all[0].seq;
        let (_, reached) = store
            .log_events_of_kinds_after(first - 1, 2, &["registered"])
            .await
            .unwrap();
        assert!(reached.is_some_and(|r| r > first));
        let (none, end) = store
            .log_events_of_kinds_after(i64::MAX - 1, 10, &["registered"])
            .await
            .unwrap();
        assert!(none.is_empty() && end.is_none());
    }
);
