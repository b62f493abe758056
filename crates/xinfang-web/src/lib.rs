//! The HTTP layer: handlers parse, call an application service, render.
//! No business rule lives here.

// The hand-written OpenAPI document is one large `json!` literal.
#![recursion_limit = "1024"]

mod api;
mod auth;
mod client;
mod error;
mod multipart;
mod not_found;
mod openapi;
mod pages;
mod public;
mod read_routing;
mod routes;

use axum::Router;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use xinfang_app::auth::Throttle;
use xinfang_app::App;

pub use client::{TrustedProxies, TRUSTED_PROXIES_ENV};
pub use error::ApiError;

/// Shared request state.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub portal_throttle: Arc<Throttle>,
    pub login_throttle: Arc<Throttle>,
    /// Proxies whose `X-Forwarded-For` is believed (see `client`).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Served over TLS: cookies carry `Secure`, responses HSTS.
    pub secure_cookies: bool,
}

/// Settings of the HTTP layer that come from the deployment.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    pub trusted_proxies: TrustedProxies,
    /// The binary terminates TLS itself (`serve --tls-cert`): `Secure`
    /// cookies and `Strict-Transport-Security` on every response.
    pub tls: bool,
}

impl WebConfig {
    /// `XINFANG_TRUSTED_PROXIES`; an unparsable value is an error.
    pub fn from_env() -> Result<WebConfig, String> {
        Ok(WebConfig {
            trusted_proxies: TrustedProxies::from_env()?,
            tls: false,
        })
    }
}

/// The whole application router with the default settings (no trusted
/// proxy). Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so the throttles see the real peer.
pub fn router(app: App) -> Router {
    router_with(app, WebConfig::default())
}

/// Every route of the application: the public portal, the API and the
/// staff pages, as one table that remembers its paths.
fn table() -> routes::Routes {
    routes::Routes::new()
        .merge(public::routes())
        .merge(api::routes())
        .merge(pages::routes())
        .route("/api/openapi.json", axum::routing::get(openapi::document))
}

/// Every path the router serves (axum's own `{param}` syntax), read from
/// the same table the router is built from — for tests that must walk all
/// of them.
pub fn route_paths() -> Vec<String> {
    table().into_parts().1
}

/// The whole application router.
pub fn router_with(app: App, config: WebConfig) -> Router {
    let state = AppState {
        app,
        portal_throttle: Arc::new(Throttle::default()),
        login_throttle: Arc::new(Throttle::default()),
        trusted_proxies: Arc::new(config.trusted_proxies),
        secure_cookies: config.tls,
    };
    use axum::http::{header, HeaderValue};
    let (routes, _) = table().into_parts();
    let hsts = config.tls.then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        )
    });
    routes
        .fallback(not_found::fallback)
        // Pages learn the path and unit names for their frame (pages/frame.rs).
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::frame::page_context))
        // Writes and a client's reads right after its own write: primary only.
        .layer(axum::middleware::from_fn(read_routing::route_reads))
        // 2 MB, except the two upload routes (five files of 5 MB).
        .layer(axum::middleware::from_fn(api::documents::body_limit))
        // A query code in a URL ends up in logs, history and proxies: refused.
        .layer(axum::middleware::from_fn(public::no_query_code_in_url))
        // A bug must cost one request a 500, never the connection or the process.
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        // form-action: an injected form cannot post (a password, a query code)
        // to another site; base-uri: an injected <base> cannot re-point the
        // pages' relative links and scripts.
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
        ))
        .layer(tower::util::option_layer(hsts))
        .with_state(state)
}
