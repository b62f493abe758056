//! The public landing page (信访须知).

use axum::response::Html;

pub async fn home() -> Html<&'static str> {
    Html(include_str!("../../templates/home.html"))
}
