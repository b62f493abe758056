//! TestApp: a fresh database (SQLite file, or a new PostgreSQL database when
//! `XINFANG_TEST_PG_URL` is set), the demo organisation, a manual clock, and
//! in-process HTTP via `tower::ServiceExt::oneshot`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::NaiveDateTime;
use http_body_util::BodyExt;
use rand::Rng;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;
use xinfang_app::{App, TimeSource};
use xinfang_store::{Store, TokenKind};

pub mod web;
#[allow(unused_imports)]
pub use web::*;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub clock: Arc<Mutex<NaiveDateTime>>,
    _dir: Option<tempdir::Dir>,
}

pub mod tempdir {
    /// A temporary directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn pg_url() -> Option<String> {
    std::env::var("XINFANG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh database URL for one test.
pub async fn fresh_db(backend: Backend) -> Option<(String, Option<tempdir::Dir>)> {
    let tag: u64 = rand::thread_rng().gen();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("xinfang-test-{tag:x}"));
            std::fs::create_dir_all(&dir).ok()?;
            Some((
                format!("sqlite://{}/t.db", dir.display()),
                Some(tempdir::Dir(dir)),
            ))
        }
        Backend::Postgres => {
            let admin = pg_url()?;
            let name = format!("xinfang_t_{tag:x}");
            let store = Store::connect(&admin)
                .await
                .expect("connect to XINFANG_TEST_PG_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(store.pool())
                .await
                .expect("create test database");
            store.pool().close().await;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            Some((format!("{base}/{name}"), None))
        }
    }
}

pub fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
}

/// One generated key set for the whole test process, installed before the
/// first store opens (the store's keys are process-wide, as in `serve`), so
/// every web test runs with personal data sealed, the blind index and the
/// keyed chain — what a deployment runs.
pub fn install_test_keys() -> &'static xinfang_crypto::keys::KeyFile {
    static KEYS: std::sync::OnceLock<xinfang_crypto::keys::KeyFile> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let kf = xinfang_crypto::keys::KeyFile::generate().expect("test keys");
        xinfang_store::install_keys(kf.ring().expect("test key ring"));
        kf
    })
}

impl TestApp {
    /// None when the backend is not configured (PostgreSQL without XINFANG_TEST_PG_URL).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_demo_cases(backend, 0).await
    }

    /// As [`TestApp::new`], with `cases` demo cases made through the services.
    pub async fn with_demo_cases(backend: Backend, cases: usize) -> Option<TestApp> {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
        let keys = install_test_keys();
        let (url, dir) = fresh_db(backend).await?;
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        // As `serve` does on start: the chain cut over to HMAC-SM3.
        store.protect().await.expect("protect");
        let clock = Arc::new(Mutex::new(t("2026-03-02 09:00")));
        let app = App::new(store, TimeSource::Manual(clock.clone()))
            .await
            .expect("app");
        // The platform's SM2 root key, as serve reads it from the key file.
        app.set_signing_root(
            xinfang_crypto::sm2::Sm2KeyPair::from_secret_hex(&keys.sm2.secret).expect("root key"),
        );
        xinfang_app::demo::generate(&app, cases)
            .await
            .expect("demo org");
        let router = xinfang_web::router(app.clone());
        Some(TestApp {
            app,
            router,
            clock,
            _dir: dir,
        })
    }

    pub fn set_time(&self, s: &str) {
        *self.clock.lock().unwrap() = t(s);
    }

    pub async fn token(&self, user: &str) -> String {
        let u = self
            .app
            .store
            .user_by_name(user)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {user}"));
        self.app.issue_token(&u, TokenKind::Api).await.unwrap().0
    }

    pub fn unit(&self, name: &str) -> i64 {
        self.app
            .org()
            .units()
            .find(|u| u.name == name)
            .unwrap_or_else(|| panic!("no unit {name}"))
            .id
            .0
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(tk) = token {
            req = req.header("authorization", format!("Bearer {tk}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, v)
    }

    /// GET returning status, content type and raw bytes.
    pub async fn get_raw(&self, path: &str, token: Option<&str>) -> (StatusCode, String, Vec<u8>) {
        let mut req = Request::builder().method("GET").uri(path);
        if let Some(tk) = token {
            req = req.header("authorization", format!("Bearer {tk}"));
        }
        let r = send(self, req.body(Body::empty()).unwrap()).await;
        let ct = r.header("content-type").unwrap_or_default();
        (r.status, ct, r.body)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }
    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call("GET", path, token, None).await
    }

    /// The petitioner's tracking view: the query code in the body, never in the URL.
    pub async fn track(&self, case_no: &str, code: &str) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/petitions/{case_no}"),
            None,
            serde_json::json!({ "query_code": code }),
        )
        .await
    }

    /// Staff action; panics with the body unless 200.
    /// Perform an action and assert it succeeded. A written opinion
    /// (`reply`) goes the way the product requires: drafted by `token`'s
    /// user, signed off by the head of the body that holds the case.
    pub async fn act_ok(&self, token: &str, case_no: &str, body: Value) -> Value {
        if body["action"] == "reply" {
            return self.reply_signed(token, case_no, body).await;
        }
        let (s, v) = self
            .post(
                &format!("/api/v1/cases/{case_no}/actions"),
                Some(token),
                body.clone(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "action {body} failed: {v}");
        v
    }
}

impl TestApp {
    /// Draft a reply as `token`'s user and have the head of the drafting body sign it off.
    pub async fn reply_signed(&self, token: &str, case_no: &str, body: Value) -> Value {
        let (s, v) = self
            .post(
                &format!("/api/v1/cases/{case_no}/drafts"),
                Some(token),
                body.clone(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "draft {body} failed: {v}");
        let id = v["id"].as_i64().unwrap();
        let (_, list) = self
            .get(&format!("/api/v1/cases/{case_no}/drafts"), Some(token))
            .await;
        let unit = list["drafts"][0]["unit"].as_i64().unwrap();
        let head = self.head_of(unit).await;
        let (s, v) = self
            .post(
                &format!("/api/v1/drafts/{id}/sign"),
                Some(&head),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "sign-off of {body} failed: {v}");
        v
    }

    /// An API token of a head (leader role) of `unit`.
    pub async fn head_of(&self, unit: i64) -> String {
        let users = self.app.store.list_users().await.unwrap();
        let head = users
            .iter()
            .find(|u| {
                u.unit.0 == unit && u.active && u.roles.contains(&xinfang_domain::Role::Leader)
            })
            .unwrap_or_else(|| panic!("no head in unit {unit}"));
        self.token(&head.username).await
    }
}

/// GB 11643 check digit.
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

pub fn online_petition(name: &str, id17: &str, request: &str) -> Value {
    serde_json::json!({
        "petitioners": [{ "name": name, "id_number": id_with_check(id17), "phone": "13812345678", "address": "杭州市上城区湖滨街道东湖小区3号" }],
        "kind": "claim",
        "request": request,
        "facts": "本人于2019年购买东湖小区住宅一套，合同约定交房日期已过18个月，开发商拒不交房。",
        "reasons": "开发商违反合同约定。",
        "region_code": "330102"
    })
}

/// Run a scenario on SQLite, and on PostgreSQL when configured.
#[macro_export]
macro_rules! dual_test {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match TestApp::new(Backend::Postgres).await {
                    Some(app) => ($body)(app).await,
                    None => eprintln!("XINFANG_TEST_PG_URL not set: PostgreSQL variant not run"),
                }
            }
        }
    };
}
