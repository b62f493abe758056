//! Extractors for the administration pages (issue #18 item 3), so no admin
//! handler looks the session up or checks the CSRF token by hand: the same
//! answers as the hand-written checks had — no session is a redirect to
//! `/login`, a non-administrator the 403 page, a stale token the 403 page
//! saying the form expired.

use super::{admin_session, field, forbidden, Fields};
use crate::pages::extract::read_form;
use crate::pages::session::csrf_ok;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;
use xinfang_domain::Staff;

/// The logged-in administrator and the session's CSRF secret.
pub struct AdminSession {
    pub staff: Staff,
    pub csrf: String,
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let (staff, csrf) = admin_session(st, &parts.headers).await?;
        Ok(AdminSession { staff, csrf })
    }
}

/// A posted form (`T`, the list of fields by default) from an
/// administrator with a valid CSRF token.
pub struct AdminForm<T = Fields> {
    pub staff: Staff,
    pub form: T,
}

impl<T> FromRequest<AppState> for AdminForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (parts, form, fields) = read_form::<T>(req, st).await?;
        let (staff, csrf) = admin_session(st, &parts.headers).await?;
        if !csrf_ok(&csrf, field(&fields, "csrf")) {
            return Err(forbidden(&staff, "表单已过期，请刷新页面后重试。"));
        }
        Ok(AdminForm { staff, form })
    }
}
