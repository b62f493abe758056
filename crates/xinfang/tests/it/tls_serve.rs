//! `serve --tls-cert --tls-key --listen-http` as a real process (issue #20
//! item 4): a certificate made with `openssl` for this test, handshakes
//! pinned to TLS 1.3 and to TLS 1.2 that succeed, TLS 1.1 refused (asked
//! with `openssl s_client`), HSTS on responses, the `Secure` session cookie,
//! and the plain-HTTP listener that only redirects to HTTPS.

use super::server::bin;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

struct Tls {
    child: Child,
    https: String,
    http: String,
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(url: &str, cert: &str, key: &str) -> Tls {
    let mut child = Command::new(bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args([
            "--tls-cert",
            cert,
            "--tls-key",
            key,
            "--listen-http",
            "127.0.0.1:0",
        ])
        .env("XINFANG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut http, mut https) = (String::new(), String::new());
    while https.is_empty() {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "server exited");
        if let Some((_, a)) = line.trim().rsplit_once("http://") {
            http = format!("http://{}", a.trim_end_matches('/'));
        }
        if let Some((_, a)) = line.trim().rsplit_once("https://") {
            https = format!("https://{}", a.trim_end_matches('/'));
        }
    }
    Tls { child, https, http }
}

fn client_config(
    cert: &CertificateDer<'static>,
    v: &'static rustls::SupportedProtocolVersion,
) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[v])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_speaks_tls_12_and_13_only_with_hsts_secure_cookies_and_a_redirect() {
    let dir = std::env::temp_dir().join(format!("xinfang-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key, ca) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("ca.pem"),
    );
    // A test CA and a server certificate it signs (webpki refuses a CA
    // certificate used as the server's own).
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let ok = Command::new("openssl")
            .current_dir(&dir)
            .args(args)
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
        "/CN=xinfang test CA",
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
    let url = format!("sqlite://{}/t.db", dir.display());
    let ok = Command::new(bin())
        .args(["demo", "--cases", "0", "--database-url", &url])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    let node = start(&url, cert.to_str().unwrap(), key.to_str().unwrap());
    let addr = node.https.trim_start_matches("https://").to_string();
    let der = CertificateDer::from_pem_file(&ca).unwrap();

    // Handshakes pinned to one version each.
    for (v, want) in [
        (&rustls::version::TLS13, rustls::ProtocolVersion::TLSv1_3),
        (&rustls::version::TLS12, rustls::ProtocolVersion::TLSv1_2),
    ] {
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(&der, v)));
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let tls = connector.connect(name, tcp).await.expect("handshake");
        assert_eq!(tls.get_ref().1.protocol_version(), Some(want));
    }
    // TLS 1.1 refused (openssl may need security level 0 to even offer it).
    let out = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &addr,
            "-tls1_1",
            "-cipher",
            "DEFAULT@SECLEVEL=0",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if text.contains("no protocols available") || text.contains("unknown option") {
        eprintln!("this openssl cannot offer TLS 1.1: not asked");
    } else {
        assert!(!out.status.success(), "TLS 1.1 accepted: {text}");
        // No session: the server answered the 1.1 hello with an alert.
        assert!(
            text.contains("Cipher is (NONE)") && text.contains("alert"),
            "{text}"
        );
    }

    // Over HTTPS: HSTS everywhere, and the session cookie is Secure.
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(client_config(&der, &rustls::version::TLS13))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http
        .get(format!("{}/login", node.https))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let r = http
        .post(format!("{}/login", node.https))
        .form(&[("username", "shangcheng_xfj"), ("password", "xinfang2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("; Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    // Plain HTTP only redirects, keeping host, path and query.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let port = addr.rsplit_once(':').unwrap().1;
    let r = plain
        .get(format!("{}/work/cases?page=2", node.http))
        .header("host", "xinfang.example.gov.cn:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(
        r.headers()["location"],
        format!("https://xinfang.example.gov.cn:{port}/work/cases?page=2")
    );
    let r = plain
        .post(format!("{}/api/v1/auth/login", node.http))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        308,
        "plain HTTP served something besides the redirect"
    );
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}
