//! What an unknown address answers: the API a machine-readable 404, a page a
//! Chinese page that says so and leads back — never the browser's bare 404.

use crate::pages::html::page;
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
    (
        StatusCode::NOT_FOUND,
        Html(page(
            "页面不存在",
            None,
            "<section><h2>页面不存在</h2><p>您访问的页面不存在，可能是地址有误或页面已调整。</p><p><a href=\"/work\">返回工作台</a> · <a href=\"/\">返回网上信访首页</a></p></section>",
        )),
    )
        .into_response()
}
