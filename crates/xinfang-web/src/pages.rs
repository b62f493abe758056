//! Server-rendered pages (简体中文). This first cut serves the portal landing
//! page with the 信访须知 and the tracking form; the full workbench follows
//! (issue 5).

use crate::AppState;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home() -> Html<&'static str> {
    Html(include_str!("../templates/home.html"))
}
