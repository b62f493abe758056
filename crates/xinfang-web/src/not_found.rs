//! What an unknown address answers: the API a machine-readable 404, a page a
//! Chinese page that says so and leads back — never the browser's bare 404
//! (the message template of the ledger pages, `templates/ledgers/message.html`).

use crate::pages::html::page;
use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;

pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"errors": [{"field": "path", "message": "接口不存在，请查阅 /api/openapi.json"}]})),
        )
            .into_response();
    }
    let body = NotFound {
        heading: Some("页面不存在"),
        class: "",
        alert: false,
        text: "您访问的页面不存在，可能是地址有误或页面已调整。",
        links: [("/work", "返回工作台"), ("/", "返回网上信访首页")],
    }
    .render()
    .unwrap_or_default();
    (StatusCode::NOT_FOUND, Html(page("页面不存在", None, &body))).into_response()
}

/// The page body: the message template the staff pages use for a page that
/// only says something (its fields as `pages::ledger_kit::Message` has them).
#[derive(Template)]
#[template(path = "ledgers/message.html")]
struct NotFound {
    heading: Option<&'static str>,
    class: &'static str,
    alert: bool,
    text: &'static str,
    links: [(&'static str, &'static str); 2],
}
