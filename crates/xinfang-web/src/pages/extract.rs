//! Extractors for the staff pages (issue #18 item 3). Every staff handler
//! used to look the session up by hand (`staff_or_login`) and every POST
//! handler to check the CSRF token by hand (`staff_for_post`); these do it
//! once, in the handler's signature, with exactly the old answers: no
//! session is a redirect to `/login`, a missing or wrong `csrf` field is
//! the 403 page, and a body that is not a form is refused before the
//! session is looked at (as when `Form` was the handler's own extractor).
//!
//! Put [`StaffPage`] AFTER `Path`/`Query` in a handler's arguments so a
//! malformed path is still refused before the session is looked at.
//!
//! A posted form is a struct naming its fields (`String` with
//! `#[serde(default)]`, "" when absent as a map's missing key was, or
//! `Option<String>` where presence matters), read by [`typed_form`]: it
//! takes what a map took — unknown fields ignored, a repeated field's last
//! value — so a handler answers bad input with its own Chinese message,
//! never with axum's plain-text 422. [`PostedForm`] is that for the pages
//! without a staff session.

use crate::pages::ledgers::kit::{message_page, FormMap, Message};
use crate::pages::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use xinfang_domain::Staff;

/// The logged-in staff member and the session's CSRF secret; without a
/// session, a redirect to the login page.
pub struct StaffPage {
    pub staff: Staff,
    pub csrf: String,
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        match current(st, &parts.headers).await {
            Some((staff, csrf)) => Ok(StaffPage { staff, csrf }),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A posted form (`T`, a map by default) from a logged-in staff member
/// whose `csrf` field matches the session's (else the 403 page, and
/// nothing changes).
pub struct StaffForm<T = FormMap> {
    pub staff: Staff,
    pub csrf: String,
    pub form: T,
}

/// The 403 page of a form whose CSRF token does not match the session's.
pub fn csrf_refused(staff: &Staff) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "拒绝",
        Some(staff),
        Message::alert("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。"),
    )
}

/// A posted form read once (content type and size checked as `Form` does)
/// and parsed twice: as `T` ([`typed_form`]), and as its list of fields
/// (for the token). The form is refused before the session is looked at,
/// as when `Form` was the handler's own extractor.
pub(crate) async fn read_form<T: DeserializeOwned>(
    req: Request,
    st: &AppState,
) -> Result<(Parts, T, Vec<(String, String)>), Response> {
    let (parts, body) = req.into_parts();
    let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts.clone(), body), st)
        .await
        .map_err(IntoResponse::into_response)?;
    let form = typed_form::<T>(&bytes).map_err(IntoResponse::into_response)?;
    let fields = serde_urlencoded::from_bytes(&bytes).map_err(|_| Unreadable.into_response())?;
    Ok((parts, form, fields))
}

/// `T` from a url-encoded form body. A body that does not fit `T` as it
/// stands — a struct refuses a field posted twice, where a map kept the
/// last value — is read again with each name once, its last value; what
/// still does not fit (a form type that is not all text) is the Chinese
/// page of [`Unreadable`], never axum's plain-text 422.
pub(crate) fn typed_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, Unreadable> {
    if let Ok(form) = serde_urlencoded::from_bytes(body) {
        return Ok(form);
    }
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| Unreadable)?;
    let once = serde_urlencoded::to_string(last_of_each(fields)).map_err(|_| Unreadable)?;
    serde_urlencoded::from_str(&once).map_err(|e| {
        tracing::warn!(
            "a posted form does not fit {}: {e}",
            std::any::type_name::<T>()
        );
        Unreadable
    })
}

/// Each name once, with its last value, in the order the names first came.
fn last_of_each(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut once: Vec<(String, String)> = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        match once.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => once.push((name, value)),
        }
    }
    once
}

/// A form that cannot be read at all: answered with a Chinese page (400).
pub(crate) struct Unreadable;

impl IntoResponse for Unreadable {
    fn into_response(self) -> Response {
        message_page(
            StatusCode::BAD_REQUEST,
            "无法办理",
            None,
            Message::alert("提交的表单无法识别，请返回刷新页面后重新填写。"),
        )
    }
}

/// A posted form as `T` ([`typed_form`]), for the pages without a staff
/// session (the portal); content type and size are checked as `Form` does.
pub struct PostedForm<T>(pub T);

impl<T, S> FromRequest<S> for PostedForm<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &S) -> Result<Self, Response> {
        let RawForm(bytes) = RawForm::from_request(req, st)
            .await
            .map_err(IntoResponse::into_response)?;
        typed_form(&bytes)
            .map(PostedForm)
            .map_err(IntoResponse::into_response)
    }
}

/// A posted form and the logged-in staff member, for the few handlers that
/// answer a wrong CSRF token in their own way (they check it themselves).
/// As with [`StaffForm`], the form is read before the session.
pub struct SessionForm<T = FormMap> {
    pub staff: Staff,
    pub csrf: String,
    pub form: T,
}

impl<T> FromRequest<AppState> for SessionForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, form, _) = read_form::<T>(req, st).await?;
        let StaffPage { staff, csrf } = StaffPage::from_request_parts(&mut parts, st).await?;
        Ok(SessionForm { staff, csrf, form })
    }
}

impl<T> FromRequest<AppState> for StaffForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, form, fields) = read_form::<T>(req, st).await?;
        // The last `csrf` field, as a map of the form kept it.
        let given = fields
            .iter()
            .rev()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        let StaffPage { staff, csrf } = StaffPage::from_request_parts(&mut parts, st).await?;
        if !csrf_ok(&csrf, given) {
            return Err(csrf_refused(&staff));
        }
        Ok(StaffForm { staff, csrf, form })
    }
}
