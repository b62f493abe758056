//! TLS in the binary (issue #20 item 4; GB/T 39786 level 3 wants staff
//! credentials and personal data confidential in transit): `serve
//! --tls-cert PEM --tls-key PEM` terminates TLS 1.2/1.3 itself with rustls
//! (ring provider — rustls cannot speak anything older), and `--listen-http`
//! answers plain HTTP with a redirect to the HTTPS address and nothing
//! else. Handshakes run in their own tasks with a deadline, so a client
//! that opens a connection and stalls holds up no one else.
//!
//! Sites that must use SM2 certificates (国密 TLCP) put a TLCP gateway in
//! front: see `docs/security/sign-in-tls-ldap.md`.

use anyhow::{bail, Context};
use axum::response::{IntoResponse, Redirect, Response};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A handshake that takes longer than this is dropped.
const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(10);

/// The server's TLS settings from a PEM certificate chain and a PEM private key.
pub fn server_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("无法读取证书文件 {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("证书文件不是有效的 PEM：{}", cert.display()))?;
    if certs.is_empty() {
        bail!("证书文件中没有证书：{}", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("无法读取私钥文件（须为 PEM 格式）：{}", key.display()))?;
    // ring, not aws-lc-rs: it is already in the tree (reqwest) and builds
    // without cmake/NASM on an offline build host. Deprecated in rustls
    // 0.23.3x only because it offers no post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .context("TLS 协议版本设置失败")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("证书与私钥不匹配或格式不受支持")?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A listener whose connections arrive already through the TLS handshake.
pub struct TlsListener {
    rx: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    pub fn new(
        tcp: TcpListener,
        config: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(config);
        let (tx, rx) = mpsc::channel(256);
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, go on.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_DEADLINE, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!("TLS handshake with {peer} failed: {e}"),
                        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { rx, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;
    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(x) => x,
            // The acceptor task never ends while the listener lives.
            None => std::future::pending().await,
        }
    }
    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// The peer of a TLS connection, for `into_make_service_with_connect_info`
/// (axum only knows how to name a plain `TcpListener`'s peer).
#[derive(Clone, Copy, Debug)]
pub struct TlsPeer(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TlsListener>>
    for TlsPeer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, TlsListener>) -> Self {
        TlsPeer(*stream.remote_addr())
    }
}

/// The router with the TLS peer re-published as `ConnectInfo<SocketAddr>`,
/// the form the throttles read (`xinfang_web::client`).
pub fn with_peer(router: axum::Router) -> axum::Router {
    router.layer(axum::middleware::map_request(
        |mut req: axum::extract::Request| async move {
            let peer = req
                .extensions()
                .get::<axum::extract::ConnectInfo<TlsPeer>>()
                .map(|c| c.0 .0);
            if let Some(a) = peer {
                req.extensions_mut().insert(axum::extract::ConnectInfo(a));
            }
            req
        },
    ))
}

/// Serve plain HTTP on `listener` that only redirects to `https_port`
/// (same host name as asked for, same path and query).
pub async fn serve_redirect(listener: TcpListener, https_port: u16) -> std::io::Result<()> {
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| async move {
        redirect_target(&req, https_port)
    });
    axum::serve(listener, app).await
}

fn redirect_target(req: &axum::extract::Request, https_port: u16) -> Response {
    let host = req
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    // Strip a port (IPv6 literals keep their brackets).
    let name = match host.rsplit_once(':') {
        Some((h, p))
            if p.bytes().all(|b| b.is_ascii_digit())
                && !h.is_empty()
                && (!h.contains(':') || h.ends_with(']')) =>
        {
            h
        }
        _ => host,
    };
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
    if !valid {
        return (axum::http::StatusCode::BAD_REQUEST, "Host 无效").into_response();
    }
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let port = if https_port == 443 {
        String::new()
    } else {
        format!(":{https_port}")
    };
    Redirect::permanent(&format!("https://{name}{port}{path}")).into_response()
}
