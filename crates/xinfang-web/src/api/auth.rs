//! Staff sign-in for the API: `POST /api/v1/auth/login` answers a bearer
//! token, through the same throttle, lockout and second factor (TOTP or a
//! recovery code) as the sign-in page.

use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::public::parse_json;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/auth/login", post(login))
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
    /// The TOTP or recovery code of a user with a second factor.
    #[serde(default)]
    code: Option<String>,
}

async fn login(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let b: LoginBody = parse_json(&body)?;
    let (token, _, user) = st
        .app
        .login_throttled(
            &st.login_throttle,
            &client,
            &b.username,
            &b.password,
            b.code.as_deref(),
        )
        .await?;
    Ok(Json(json!({ "token": token, "user": user.username, "unit": user.unit.0 })).into_response())
}
