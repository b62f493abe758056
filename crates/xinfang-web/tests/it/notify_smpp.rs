//! SMS over SMPP 3.4 (issue #19) against a gateway process the test starts
//! (scripts/smpp-test-server.py, an SMSC of Python's standard library): the
//! registration notice goes out end to end in UCS2 and arrives intact, a
//! long text arrives whole from its concatenated parts, a refused bind and
//! an error status are failed messages retried later and shown to
//! administrators, an idle session is checked with enquire_link and a
//! replaced gateway is unbound.

use crate::common;
use axum::http::StatusCode;
use common::*;
use serde_json::Value;
use xinfang_app::notify::gateway::Gateways;
use xinfang_app::notify::smpp::SmppConfig;

struct Smsc {
    child: std::process::Child,
    dir: std::path::PathBuf,
    port: u16,
}

impl Drop for Smsc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Smsc {
    fn start() -> Smsc {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let dir = std::env::temp_dir().join(format!(
            "xinfang-smpp-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/smpp-test-server.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string()])
            .args(["--system-id", "xinfang", "--password", "s3cret"])
            .arg("--out")
            .arg(dir.join("smsc.jsonl"))
            .arg("--status-file")
            .arg(dir.join("status"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMPP server did not start");
        Smsc { child, dir, port }
    }

    fn config(&self, password: &str) -> SmppConfig {
        let mut c = SmppConfig::new("127.0.0.1", self.port, "xinfang");
        c.password = password.into();
        c.system_type = "xf".into();
        c.source = "10690000".into();
        c
    }

    fn log(&self, pdu: &str) -> Vec<Value> {
        std::fs::read_to_string(self.dir.join("smsc.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["pdu"] == pdu)
            .collect()
    }

    fn answer_status(&self, status: Option<&str>) {
        match status {
            Some(s) => std::fs::write(self.dir.join("status"), s).unwrap(),
            None => {
                let _ = std::fs::remove_file(self.dir.join("status"));
            }
        }
    }
}

fn smpp(c: SmppConfig) -> Gateways {
    Gateways {
        smtp: None,
        sms: None,
        smpp: Some(c),
    }
}

async fn sms_of(app: &TestApp, token: &str, case_no: &str) -> Value {
    let (s, v) = app
        .get(&format!("/api/v1/cases/{case_no}/messages"), Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["messages"][0].clone()
}

dual_test!(sms_goes_out_over_smpp_in_ucs2, |app: TestApp| async move {
    let smsc = Smsc::start();
    // A wrong password: the bind is refused, the message waits and says why.
    app.app.configure_gateways(smpp(smsc.config("wrong")));
    let (s, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("短信人", "33010219800101999", "要求修缮小区围墙"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let case_no = r["case_no"].as_str().unwrap().to_string();
    let code = r["query_code"].as_str().unwrap().to_string();
    let pump = app.app.notify_pump().await.unwrap();
    assert_eq!((pump.sent, pump.failed), (0, 1));
    let bureau = app.token("shangcheng_xfj").await;
    let m = sms_of(&app, &bureau, &case_no).await;
    assert_eq!(m["status"], "failed");
    assert!(
        m["last_error"].as_str().unwrap().contains("0x0000000E"),
        "{m}"
    );
    let admin = app.token("admin").await;
    let (_, v) = app.get("/api/v1/admin/gateways", Some(&admin)).await;
    assert_eq!(v["gateways"][0]["configured"], true, "{v}");
    assert!(
        v["gateways"][0]["recent_failures"]
            .to_string()
            .contains("0x0000000E"),
        "the administrator sees the refusal: {v}"
    );

    // The right password: after the back-off the registration notice goes
    // out end to end, the Chinese text intact, from the 1069 number.
    let mut good = smsc.config("s3cret");
    good.enquire_after = std::time::Duration::ZERO;
    app.app.configure_gateways(smpp(good));
    app.set_time("2026-03-02 09:05");
    assert_eq!(app.app.notify_pump().await.unwrap().sent, 1);
    let got = smsc.log("message");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["to"], "13812345678");
    let text = got[0]["text"].as_str().unwrap();
    assert!(
        text.contains(&case_no) && text.contains(&code) && text.contains("已登记"),
        "{text}"
    );
    let binds = smsc.log("bind");
    assert_eq!(binds.last().unwrap()["system_type"], "xf");
    assert_eq!(binds.last().unwrap()["version"], 0x34);
    let submit = &smsc.log("submit")[0];
    assert_eq!(
        (submit["coding"].as_u64(), submit["source"].as_str()),
        (Some(8), Some("10690000"))
    );
    assert_eq!(sms_of(&app, &bureau, &case_no).await["status"], "sent");

    // A long text (with a character outside the BMP) arrives whole from
    // its parts; the kept session is checked with enquire_link first.
    let long = format!(
        "【上城信访】您反映的小区围墙问题，{}请于收到答复之日起三十日内提出复查请求。𠀀完",
        "经现场核查已责成物业公司限期修缮，".repeat(6)
    );
    let m = xinfang_store::NewMessage {
        case_id: None,
        notice: "registered",
        channel: "sms",
        recipient: "13900002222",
        subject: "",
        body: &long,
        dedupe: "long-smpp",
    };
    assert!(app
        .app
        .store
        .queue_message(&m, "2026-03-02 09:05:00")
        .await
        .unwrap());
    assert_eq!(app.app.notify_send().await.unwrap().sent, 1);
    let got = smsc.log("message");
    assert_eq!(got.last().unwrap()["text"].as_str(), Some(long.as_str()));
    let parts: Vec<_> = smsc
        .log("submit")
        .into_iter()
        .filter(|s| s["to"] == "13900002222")
        .collect();
    assert!(parts.len() >= 2, "{parts:?}");
    assert!(parts
        .iter()
        .all(|p| p["esm"] == 0x40 && p["octets"].as_u64() <= Some(140)));
    assert!(
        !smsc.log("enquire_link").is_empty(),
        "the idle session was checked"
    );

    // The gateway answers an error status: a failed message with the
    // code, retried later.
    smsc.answer_status(Some("45"));
    let (_, r) = app
        .post(
            "/api/v1/petitions",
            None,
            online_petition("短信人二", "33010219800102003", "要求修复破损路面"),
        )
        .await;
    let second = r["case_no"].as_str().unwrap().to_string();
    let pump = app.app.notify_pump().await.unwrap();
    assert_eq!((pump.sent, pump.failed), (0, 1));
    let m = sms_of(&app, &bureau, &second).await;
    assert!(
        m["status"] == "failed" && m["last_error"].as_str().unwrap().contains("0x00000045"),
        "{m}"
    );
    smsc.answer_status(None);
    assert_eq!(app.app.notify_pump().await.unwrap().sent, 0, "back-off");
    app.set_time("2026-03-02 09:10");
    assert_eq!(app.app.notify_pump().await.unwrap().sent, 1);
    assert_eq!(sms_of(&app, &bureau, &second).await["status"], "sent");

    // Replacing the gateway unbinds its session.
    app.app.configure_gateways(Gateways::default());
    for _ in 0..50 {
        if !smsc.log("unbind").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(smsc.log("unbind").len(), 1);
});
