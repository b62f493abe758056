//! 我的信访 (issue #19 item 3): the petitioner's optional account. Sign-in
//! is a mobile number and a 6-digit SMS code (`xinfang_app::accounts` has
//! the rules); the session is its own cookie (`xf_petitioner`, HttpOnly,
//! SameSite=Lax), never a staff session. Signed in, the citizen sees all
//! their petitions and opens each in the same tracking view as `/track`
//! (`track::view`) without the query code: every follow-up form
//! posts the case number with an empty code, and [`check_visit`] accepts
//! it for a case of theirs. Query-code tracking is unchanged.

use crate::client::ClientAddr;
use crate::pages::extract::PostedForm;
use crate::pages::ledgers::kit::{page_form, Echo};
use crate::pages::portal::extract::SignedIn;
use crate::pages::portal::kit::{
    cn_date, form_errors, plain_error, respond, Errors, Field, SummaryItem,
};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_app::accounts::Petitioner;
use xinfang_app::AppError;
use xinfang_domain::case::Case;

pub const COOKIE: &str = "xf_petitioner";

fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == COOKIE && !v.is_empty()).then(|| v.to_string())
        })
}

/// The signed-in petitioner, if any.
pub async fn signed_in(st: &AppState, headers: &HeaderMap) -> Option<Petitioner> {
    let token = token_of(headers)?;
    st.app.petitioner_of(&token).await.ok().flatten()
}

/// The case of a tracking visit: by its query code, or — with no code —
/// because it is a case of the signed-in petitioner. Anything else is
/// "not found", as a wrong code is.
pub async fn check_visit(
    st: &AppState,
    client: &str,
    headers: &HeaderMap,
    visit: &crate::pages::portal::kit::Visit,
) -> Result<(i64, Case), AppError> {
    if visit.query_code.is_empty() {
        let Some(p) = signed_in(st, headers).await else {
            return Err(AppError::NotFound);
        };
        return st
            .app
            .my_case(&p, &visit.case_no)
            .await?
            .ok_or(AppError::NotFound);
    }
    st.app
        .check_query_code(
            &st.portal_throttle,
            client,
            &visit.case_no,
            &visit.query_code,
        )
        .await
}

#[derive(Template)]
#[template(path = "portal/account_signin.html")]
struct SignIn {
    summary: Vec<SummaryItem>,
    notice: Option<String>,
    alert: Option<String>,
    phone: Field,
    code: Field,
}

const FIELDS: &[(&str, &str)] = &[("phone", "手机号码"), ("code", "验证码")];

page_form! {
    /// The sign-in form: the mobile number, and the code sent to it.
    pub struct SignInForm {
        phone,
        code,
    }
}

fn sign_in_page(
    status: StatusCode,
    f: &dyn Echo,
    errors: &Errors,
    notice: Option<String>,
    alert: Option<String>,
) -> Response {
    let page = SignIn {
        summary: errors.summary(FIELDS),
        notice,
        alert,
        phone: Field::new("phone", f, errors),
        code: Field {
            id: "code",
            value: String::new(),
            error: errors.get("code").cloned(),
        },
    };
    respond(status, "我的信访", &page)
}

/// One petition in the list.
struct Item {
    case_no: String,
    request: String,
    status_label: &'static str,
    stage: &'static str,
    registered_at: String,
}

#[derive(Template)]
#[template(path = "portal/account_home.html")]
struct Home {
    phone: String,
    level_label: &'static str,
    items: Vec<Item>,
    alert: Option<String>,
}

/// `GET /my`: the list when signed in, else the sign-in form.
pub async fn home(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some(p) = signed_in(&st, &headers).await else {
        return sign_in_page(
            StatusCode::OK,
            &HashMap::new(),
            &Errors::default(),
            None,
            None,
        );
    };
    let mut alert = None;
    let mut items = vec![];
    match st.app.my_cases(&p).await {
        Ok(cases) => {
            for (id, case) in cases {
                match st.app.public_view(id, &case).await {
                    Ok(v) => items.push(Item {
                        case_no: v.case_no,
                        request: v.request,
                        status_label: v.status_label,
                        stage: v.stage,
                        registered_at: cn_date(&v.registered_at),
                    }),
                    Err(e) => alert = Some(plain_error(&e)),
                }
            }
        }
        Err(e) => alert = Some(plain_error(&e)),
    }
    let page = Home {
        phone: xinfang_text::phone::mask_phone(&p.phone),
        level_label: p.level_label,
        items,
        alert,
    };
    respond(StatusCode::OK, "我的信访", &page)
}

/// The form's errors from a service error.
fn errors_of(e: AppError) -> (StatusCode, Errors, Option<String>) {
    form_errors(e, |e| {
        matches!(e, AppError::TooManyAttempts).then_some((
            StatusCode::TOO_MANY_REQUESTS,
            "验证码输错次数过多，请15分钟后再试。",
        ))
    })
}

/// `POST /my/code`: send a sign-in code.
pub async fn request_code(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    PostedForm(f): PostedForm<SignInForm>,
) -> Response {
    match st.app.request_signin_code(&client, &f.phone).await {
        Ok(()) => {
            let to = xinfang_text::phone::mask_phone(f.phone.trim());
            let notice = format!("验证码已发送到{to}，5分钟内有效。收到后请填写下面的验证码。");
            sign_in_page(StatusCode::OK, &f, &Errors::default(), Some(notice), None)
        }
        Err(e) => {
            let (mut status, errors, alert) = errors_of(e);
            // Too many codes asked for is a rate limit, said beside the number.
            if errors
                .get("phone")
                .is_some_and(|m| m.contains("再试") || m.contains("再重新获取"))
            {
                status = StatusCode::TOO_MANY_REQUESTS;
            }
            sign_in_page(status, &f, &errors, None, alert)
        }
    }
}

/// `POST /my/signin`: check the code, set the petitioner cookie.
pub async fn sign_in(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    PostedForm(f): PostedForm<SignInForm>,
) -> Response {
    let mut missing = Errors::default();
    if f.code.trim().is_empty() {
        missing.add("code", "请填写短信中的6位验证码");
    }
    if !missing.is_empty() {
        return sign_in_page(StatusCode::UNPROCESSABLE_ENTITY, &f, &missing, None, None);
    }
    match st
        .app
        .sign_in_petitioner(&st.portal_throttle, &client, &f.phone, &f.code)
        .await
    {
        Ok(token) => {
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
                xinfang_app::accounts::SESSION_HOURS * 3600,
                crate::pages::session::secure_flag(&st)
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/my")).into_response()
        }
        Err(e) => {
            let (status, errors, alert) = errors_of(e);
            sign_in_page(status, &f, &errors, None, alert)
        }
    }
}

/// `POST /my/signout`: end the session.
pub async fn sign_out(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = token_of(&headers) {
        let _ = st.app.sign_out_petitioner(&token).await;
    }
    let cookie = format!(
        "{COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
        crate::pages::session::secure_flag(&st)
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to("/my")).into_response()
}

/// `GET /my/cases/{case_no}`: the tracking view of one of their cases.
pub async fn case_view(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    _: SignedIn,
) -> Response {
    let f = crate::pages::portal::track::TrackVisit {
        case_no,
        ..Default::default()
    };
    crate::pages::portal::track::view(&st, &client, &headers, f).await
}

/// The submission form's identity fields for a signed-in petitioner: the
/// verified phone, and the name on their newest petition.
pub async fn prefill(st: &AppState, headers: &HeaderMap) -> HashMap<String, String> {
    let mut f = HashMap::new();
    let Some(p) = signed_in(st, headers).await else {
        return f;
    };
    if let Ok(cases) = st.app.my_cases(&p).await {
        let named = cases.iter().find_map(|(_, c)| {
            c.petitioners
                .iter()
                .find(|x| x.phone.as_deref() == Some(p.phone.as_str()))
        });
        if let Some(x) = named {
            f.insert("name".into(), x.name.clone());
        }
    }
    f.insert("phone".into(), p.phone);
    f
}
