//! 文书核验 (`/verify`, issue #20 item 6): anyone holding a document — the
//! petitioner, a lawyer, a court — types the verification code printed in
//! its 附注 and learns which body issued which document when, and whether
//! the 电子签章 holds over the document as stored. The check itself is
//! `xinfang_app::document_seal`; no content of the document is shown, and
//! wrong codes are throttled per client like query codes.

use crate::client::ClientAddr;
use crate::pages::extract::PostedForm;
use crate::pages::ledgers::kit::{page_form, Echo};
use crate::pages::portal::kit::{plain_error, respond, Errors, Field, SummaryItem};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use xinfang_app::document_seal::SealCheck;

page_form! {
    /// The verification code typed.
    pub struct VerifyForm {
        code,
    }
}

#[derive(Template)]
#[template(path = "portal/verify.html")]
struct Page {
    summary: Vec<SummaryItem>,
    code: Field,
    result: Option<SealCheck>,
}

fn page(status: StatusCode, f: &dyn Echo, errors: &Errors, result: Option<SealCheck>) -> Response {
    let body = Page {
        summary: errors.summary(&[("code", "验证码")]),
        code: Field::new("code", f, errors),
        result,
    };
    respond(status, "文书核验", &body)
}

/// `GET /verify`.
pub async fn form() -> Response {
    page(
        StatusCode::OK,
        &VerifyForm::default(),
        &Errors::default(),
        None,
    )
}

/// `POST /verify`: check a code.
pub async fn check(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    PostedForm(f): PostedForm<VerifyForm>,
) -> Response {
    let code = xinfang_app::document_seal::normalize_code(&f.code);
    let mut errors = Errors::default();
    if code.len() != 14 {
        errors.add("code", "验证码是12位字母和数字，请对照文书附注核对");
        return page(StatusCode::UNPROCESSABLE_ENTITY, &f, &errors, None);
    }
    if st
        .portal_throttle
        .check_guess("seal", &client, &code, &LIMITS)
        .is_err()
    {
        errors.add("code", "核验次数过多，请15分钟后再试");
        return page(StatusCode::TOO_MANY_REQUESTS, &f, &errors, None);
    }
    match st.app.check_seal_code(&code).await {
        Ok(Some(r)) => page(StatusCode::OK, &f, &errors, Some(r)),
        Ok(None) => {
            st.portal_throttle
                .fail_guess("seal", &client, &code, &LIMITS);
            errors.add(
                "code",
                "没有找到这个验证码对应的文书，请核对后重新输入；如仍查不到，请向出具机关核实",
            );
            page(StatusCode::NOT_FOUND, &f, &errors, None)
        }
        Err(e) => {
            errors.add("code", &plain_error(&e));
            page(StatusCode::INTERNAL_SERVER_ERROR, &f, &errors, None)
        }
    }
}

/// Wrong codes: 20 per client per 15 minutes (a code space of 32¹² needs no more).
pub const LIMITS: xinfang_app::auth::GuessLimits = xinfang_app::auth::GuessLimits {
    pair: 20,
    client: 20,
    target: 1000,
    window: std::time::Duration::from_secs(15 * 60),
    target_window: std::time::Duration::from_secs(15 * 60),
};
