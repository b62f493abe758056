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
