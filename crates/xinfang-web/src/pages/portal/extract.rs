//! Extractors for the petitioner's own pages (`/my…`, issue #18 item 3):
//! the signed-in petitioner, or a redirect to `/my` (the sign-in form), as
//! the handlers answered by hand. For a posted form the body is read
//! before the session is looked at, as when `Form` was the handler's own
//! extractor. (The portal's forms carry no CSRF token: the petitioner's
//! cookie is SameSite=Strict.)

use crate::pages::extract::PostedForm;
use crate::pages::portal::account::signed_in;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use xinfang_app::accounts::Petitioner;

/// The signed-in petitioner.
pub struct SignedIn(pub Petitioner);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        signed_in(st, &parts.headers)
            .await
            .map(SignedIn)
            .ok_or_else(|| Redirect::to("/my").into_response())
    }
}

/// A form posted by the signed-in petitioner.
pub struct SignedInForm<T> {
    pub petitioner: Petitioner,
    pub form: T,
}

impl<T> FromRequest<AppState> for SignedInForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let PostedForm(form) =
            PostedForm::<T>::from_request(Request::from_parts(parts.clone(), body), st).await?;
        let SignedIn(petitioner) = SignedIn::from_request_parts(&mut parts, st).await?;
        Ok(SignedInForm { petitioner, form })
    }
}
