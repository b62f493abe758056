//! 信访人账号核验 (`/work/accounts`, issue #19 item 3): the reception window
//! looks up a petitioner's account by the mobile number they give, and —
//! after checking the 居民身份证 in front of them — records the ID number
//! (窗口核验身份). From then on 我的信访 also lists the cases registered
//! under that ID number. Look-ups go by POST so no phone sits in a URL or
//! an access log; each look-up and each verification is a chained audit
//! entry (`xinfang_app::accounts`).

use crate::pages::extract::{StaffForm, StaffPage};
use crate::pages::html::page;
use crate::pages::ledgers::kit::{err_msg, render, Banner};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use xinfang_app::accounts::AccountView;
use xinfang_app::AppError;
use xinfang_domain::Staff;

#[derive(Template)]
#[template(path = "work/accounts.html")]
struct AccountsPage<'a> {
    csrf: &'a str,
    banner: Option<Banner>,
    /// The number looked up ("" before the first look-up).
    phone: String,
    /// Looked up and found.
    account: Option<AccountView>,
    /// Looked up and not found.
    missing: bool,
    /// The ID number as typed, when verification failed.
    id_number: String,
}

fn respond(status: StatusCode, staff: &Staff, p: &AccountsPage<'_>) -> Response {
    (
        status,
        Html(page("信访人账号核验", Some(staff), &render(p))),
    )
        .into_response()
}

/// The status the API gives for `e`, and its words.
fn status_and_words(e: AppError) -> (StatusCode, String) {
    let words = err_msg(&e);
    (crate::error::ApiError(e).into_response().status(), words)
}

/// `GET /work/accounts`: the look-up form.
pub async fn accounts(
    State(_st): State<AppState>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    if let Err(e) = xinfang_app::accounts::may_verify(&staff) {
        return crate::pages::ledgers::kit::err_page(&staff, "信访人账号核验", e, "/work");
    }
    let p = AccountsPage {
        csrf: &csrf,
        banner: None,
        phone: String::new(),
        account: None,
        missing: false,
        id_number: String::new(),
    };
    respond(StatusCode::OK, &staff, &p)
}

/// Look the number up again and render, with `banner` and the typed ID.
async fn show(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    phone: &str,
    banner: Option<(StatusCode, Banner)>,
    id_number: &str,
) -> Response {
    let (status, banner) = match banner {
        Some((s, b)) => (s, Some(b)),
        None => (StatusCode::OK, None),
    };
    match st.app.account_for_window(staff, phone).await {
        Ok(account) => {
            let p = AccountsPage {
                csrf,
                banner,
                phone: phone.trim().to_string(),
                missing: account.is_none(),
                account,
                id_number: id_number.to_string(),
            };
            respond(status, staff, &p)
        }
        Err(e) => {
            let (status, words) = status_and_words(e);
            let p = AccountsPage {
                csrf,
                banner: Some(Banner::err(words)),
                phone: phone.trim().to_string(),
                account: None,
                missing: false,
                id_number: String::new(),
            };
            respond(status, staff, &p)
        }
    }
}

/// `POST /work/accounts`: look a number up.
pub async fn lookup(
    State(st): State<AppState>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<LookupForm>,
) -> Response {
    show(&st, &staff, &csrf, f.phone.trim(), None, "").await
}

/// `POST /work/accounts/verify`: record the ID number checked at the window.
pub async fn verify(
    State(st): State<AppState>,
    StaffForm {
        staff,
        csrf,
        form: f,
    }: StaffForm<VerifyForm>,
) -> Response {
    let phone = f.phone.trim();
    let id = f.id_number.trim();
    if f.checked.trim() != "1" {
        let b = Banner::err("请先当面查验信访人的居民身份证原件，并勾选“已当面查验”");
        return show(
            &st,
            &staff,
            &csrf,
            phone,
            Some((StatusCode::UNPROCESSABLE_ENTITY, b)),
            id,
        )
        .await;
    }
    match st.app.verify_petitioner_identity(&staff, phone, id).await {
        Ok(()) => {
            let b = Banner::ok(
                "已核验身份。信访人登录“我的信访”后，也能看到用这个身份证号码登记的信访事项。",
            );
            show(&st, &staff, &csrf, phone, Some((StatusCode::OK, b)), "").await
        }
        Err(e) => {
            let (status, words) = status_and_words(e);
            let b = Banner::err(format!("未核验：{words}"));
            show(&st, &staff, &csrf, phone, Some((status, b)), id).await
        }
    }
}

/// The phone number looked up at the window.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LookupForm {
    phone: String,
}

/// The identity checked face to face at the window.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerifyForm {
    phone: String,
    id_number: String,
    checked: String,
}
