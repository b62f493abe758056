//! The error of a page handler (issue #18 item 3), so handlers can use `?`
//! instead of `match … { Err(r) => return r }`. A service error becomes the
//! same Chinese message page, with the status the API gives for it, that
//! handlers built by hand with `kit::err_page`.

use crate::error::ApiError;
use crate::pages::ledgers::kit::{err_msg, err_page, message_page, Message};
use axum::response::{IntoResponse, Response};
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// What a page handler answers instead of its page (boxed: a `Response`
/// is large, and every `PageResult` carries room for one).
pub struct PageError(Box<Response>);

/// A page handler's answer.
pub type PageResult<T = Response> = Result<T, PageError>;

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// An answer already made (a redirect, a re-rendered form).
impl From<Response> for PageError {
    fn from(r: Response) -> Self {
        PageError(Box::new(r))
    }
}

/// A service error without a page around it (no staff known): the message
/// page with the API's status.
impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        let msg = err_msg(&e);
        let status = ApiError(e).into_response().status();
        PageError::from(message_page(
            status,
            "未能办理",
            None,
            Message::alert(format!("未能办理：{msg}")),
        ))
    }
}

/// A service result turned into a page error in the staff member's frame.
pub trait OrPage<T> {
    /// As `kit::err_page(staff, title, e, back)`.
    fn or_page(self, staff: &Staff, title: &str, back: &str) -> PageResult<T>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, staff: &Staff, title: &str, back: &str) -> PageResult<T> {
        self.map_err(|e| PageError::from(err_page(staff, title, e, back)))
    }
}
