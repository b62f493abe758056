//! A real `xinfang serve` process for the tests that need one (crash
//! safety, two nodes, CLI commands beside a server), and the petition
//! bodies they submit.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_xinfang")
}

/// One `xinfang serve` on a free port; killed when dropped.
pub struct Node {
    pub child: Child,
    pub base: String,
}

impl Node {
    /// Start a server on `url` with extra environment (`XINFANG_LOG=warn`).
    pub fn start(url: &str, env: &[(&str, &str)]) -> Node {
        let mut child = Command::new(bin())
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
            .env("XINFANG_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server");
        let out = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .expect("read banner");
        let base = line
            .trim()
            .rsplit_once("http://")
            .map(|(_, a)| format!("http://{}", a.trim_end_matches('/')))
            .expect("url in banner");
        Node { child, base }
    }

    /// An API token of demo user `user`, signed in on this node (must succeed).
    pub async fn api_token(&self, http: &reqwest::Client, user: &str) -> String {
        let r = http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"username": user, "password": "xinfang2026"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login {user}");
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// SIGTERM (what a service manager sends) and wait for the exit, at
    /// most 30 s.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "kill -TERM {pid}");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < until,
                "serve did not stop on SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// SIGKILL (std's `Child::kill` on Unix) and reap.
    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A valid 18-digit ID number from its first 17 digits (GB 11643 check digit).
pub fn id_with_check(body17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{body17}{}", C[(sum % 11) as usize])
}

/// An online petition of client `w`, number `i`: a different person and matter each time.
pub fn petition(w: u32, i: u32) -> serde_json::Value {
    let id = id_with_check(&format!(
        "3301021980{:02}{:02}{:03}",
        w + 1,
        (i % 28) + 1,
        i % 1000
    ));
    serde_json::json!({
        "petitioners": [{"name": format!("测试{w}号{i}"), "id_number": id, "address": "上城区"}],
        "request": format!("第{w}组第{i}件：要求解决小区第{i}号楼漏水问题"),
        "region_code": "330102"
    })
}
