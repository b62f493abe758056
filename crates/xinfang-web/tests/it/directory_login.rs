//! Directory (LDAP) sign-in against a real OpenLDAP (issue #20 item 5), on
//! both databases: `scripts/ldap-test-server.sh` starts Debian's slapd with
//! its own configuration, certificates and data on a free port, requiring
//! StartTLS for every operation; the test kills it at the end. A directory
//! user signs in with the mapped roles and unit (a shadow record is made,
//! audited); a wrong password and a user in no mapped group are refused;
//! the server refuses a bind in clear; a local account still signs in; and
//! with the directory down the page says so and no stale password works.

use super::common::*;
use axum::http::StatusCode;
use std::process::Command;
use xinfang_app::directory::{DirectoryConfig, GroupMap};
use xinfang_domain::{Role, UnitId};

/// The running slapd; killed on drop.
struct Slapd {
    pid: String,
    dir: std::path::PathBuf,
    port: u16,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(&self.pid).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_slapd() -> Slapd {
    let dir = std::env::temp_dir().join(format!("xinfang-ldap-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/ldap-test-server.sh"
    );
    let out = Command::new(script)
        .arg(&dir)
        .arg(port.to_string())
        .output()
        .expect("run scripts/ldap-test-server.sh");
    assert!(
        out.status.success(),
        "slapd did not start (scripts/test.sh installs slapd): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // Wait until it accepts connections.
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Slapd { pid, dir, port }
}

fn config(s: &Slapd, registrar_unit: UnitId, leader_unit: UnitId) -> DirectoryConfig {
    let ca = std::fs::read(s.dir.join("ca.pem")).unwrap();
    DirectoryConfig {
        url: format!("ldap://127.0.0.1:{}", s.port),
        starttls: true,
        bind_dn: "cn=reader,dc=xinfang,dc=test".into(),
        bind_password: "reader-pass-2026".into(),
        base_dn: "ou=people,dc=xinfang,dc=test".into(),
        user_filter: "(&(objectClass=inetOrgPerson)(uid={uid}))".into(),
        group_base_dn: "ou=groups,dc=xinfang,dc=test".into(),
        groups: vec![
            GroupMap {
                group: "xfj-registrars".into(),
                roles: vec![Role::Registrar, Role::Handler],
                unit: registrar_unit,
            },
            GroupMap {
                group: "county-leaders".into(),
                roles: vec![Role::Leader],
                unit: leader_unit,
            },
        ],
        tls: DirectoryConfig::tls_trusting(&ca).unwrap(),
        timeout: std::time::Duration::from_secs(5),
    }
}

dual_test!(
    directory_users_sign_in_with_mapped_roles,
    |app: TestApp| async move {
        let slapd = start_slapd();
        let xfj = app
            .app
            .store
            .user_by_name("shangcheng_xfj")
            .await
            .unwrap()
            .unwrap()
            .unit;
        let gov = app
            .app
            .store
            .user_by_name("shangcheng_ld")
            .await
            .unwrap()
            .unwrap()
            .unit;
        app.app.set_directory(Some(config(&slapd, xfj, gov)));

        // The server itself refuses a bind in clear (StartTLS required).
        let clear = Command::new("ldapsearch")
            .args(["-x", "-H", &format!("ldap://127.0.0.1:{}", slapd.port)])
            .args([
                "-D",
                "cn=reader,dc=xinfang,dc=test",
                "-w",
                "reader-pass-2026",
            ])
            .args(["-b", "dc=xinfang,dc=test", "(uid=wangfang)"])
            .output()
            .expect("ldapsearch (ldap-utils)");
        let text = String::from_utf8_lossy(&clear.stderr).to_string()
            + &String::from_utf8_lossy(&clear.stdout);
        assert!(text.contains("Confidentiality required"), "{text}");

        // A directory user: signed in with the mapped roles and unit.
        assert!(app
            .app
            .store
            .user_by_name("wangfang")
            .await
            .unwrap()
            .is_none());
        let r = login_response(&app, "wangfang", "Directory-pass-1").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), "/work");
        let cookie = r.cookie().unwrap();
        assert_eq!(page(&app, "/work", &cookie).await.0, StatusCode::OK);
        let shadow = app
            .app
            .store
            .user_by_name("wangfang")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(shadow.roles, vec![Role::Registrar, Role::Handler]);
        assert_eq!(shadow.unit, xfj);
        assert_eq!(shadow.display_name, "王芳");
        let r = login_response(&app, "lisi", "Directory-pass-2").await;
        assert_eq!(r.location(), "/work", "{}", r.text());
        let lisi = app.app.store.user_by_name("lisi").await.unwrap().unwrap();
        assert_eq!((lisi.roles.clone(), lisi.unit), (vec![Role::Leader], gov));
        // The API signs in the same way.
        let (s, v) = app
            .post(
                "/api/v1/auth/login",
                None,
                serde_json::json!({ "username": "wangfang", "password": "Directory-pass-1" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        // Wrong password; a user in no mapped group.
        let r = login_response(&app, "wangfang", "Directory-pass-x").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("用户名或密码错误"));
        let r = login_response(&app, "zhaoliu", "Directory-pass-3").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.text().contains("未分配本系统的角色"), "{}", r.text());
        assert!(app
            .app
            .store
            .user_by_name("zhaoliu")
            .await
            .unwrap()
            .is_none());
        // An empty password is no anonymous bind.
        let r = login_response(&app, "wangfang", "").await;
        assert_ne!(r.status, StatusCode::SEE_OTHER);

        // Local accounts keep working beside the directory.
        assert_eq!(
            login_response(&app, "admin", PASSWORD).await.location(),
            "/work"
        );

        let kinds: Vec<String> = app
            .app
            .store
            .audit_entries("audit", 200)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds
                .iter()
                .filter(|k| *k == "directory_user_created")
                .count(),
            2,
            "{kinds:?}"
        );

        // The directory down: it says so, and the shadow record has no password to fall back on.
        let port = slapd.port;
        drop(slapd);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let r = login_response(&app, "wangfang", "Directory-pass-1").await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "port {port}: {}",
            r.text()
        );
        assert!(r.text().contains("目录服务暂不可用"));
        let (s, v) = app
            .post(
                "/api/v1/auth/login",
                None,
                serde_json::json!({ "username": "wangfang", "password": "Directory-pass-1" }),
            )
            .await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(v["code"], "directory_unavailable");
        assert_eq!(
            login_response(&app, "admin", PASSWORD).await.location(),
            "/work"
        );
    }
);
