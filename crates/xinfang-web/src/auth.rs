//! Extracting the caller: a bearer token for the API, a session cookie for pages.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use xinfang_app::AppError;
use xinfang_domain::Staff;
use xinfang_store::TokenKind;

/// A staff member authenticated by `Authorization: Bearer …`.
pub struct ApiUser(pub Staff);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError(AppError::Unauthenticated))?;
        let (staff, _) = state.app.authenticate(token.trim(), TokenKind::Api).await?;
        Ok(ApiUser(staff))
    }
}

/// The client address for throttling (first X-Forwarded-For hop behind a proxy, else "direct").
pub fn client_key(parts_headers: &axum::http::HeaderMap) -> String {
    parts_headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "direct".into())
}
