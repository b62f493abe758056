//! The second sign-in step and the second factor's pages (issue #20 item
//! 3): `/login/code` (动态验证码 or a 恢复码 after the password),
//! `/account/second-factor` (绑定: the secret as a QR code drawn by the
//! binary and as text, confirmed with a first code; the ten recovery codes
//! shown once), and `/admin/sign-in` (which roles must use it). A user
//! whose role requires a factor not set up arrives at the enrolment page
//! with a token good for nothing else.

use crate::client::ClientAddr;
use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, field, role_boxes, Fields, RoleBox};
use crate::pages::html::page;
use crate::pages::ledgers::kit::{render, Banner};
use crate::pages::session::{cookie_value, csrf_ok, current, refusal, session_cookie, COOKIE};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use xinfang_app::sign_in::{Enrolment, PENDING_TTL};
use xinfang_app::AppError;
use xinfang_store::{TokenKind, UserRecord};

/// Max-Age of the cookie holding a pending (code or enrolment) token.
pub const PENDING_SECS: u64 = PENDING_TTL.as_secs();

#[derive(Template)]
#[template(path = "admin/login_code.html")]
struct CodePage<'a> {
    error: Option<&'a str>,
    csrf: &'a str,
    name: &'a str,
}

/// The user and CSRF secret behind the cookie's token of `kind`.
async fn holder(
    st: &AppState,
    headers: &HeaderMap,
    kind: TokenKind,
) -> Option<(UserRecord, String, String)> {
    let token = cookie_value(headers, COOKIE)?;
    let (u, csrf) = st.app.store.user_for_token(&token, kind).await.ok()??;
    Some((u, csrf, token))
}

fn code_page(status: StatusCode, error: Option<&str>, csrf: &str, name: &str) -> Response {
    let body = render(&CodePage { error, csrf, name });
    (status, Html(page("动态验证码", None, &body))).into_response()
}

/// `GET /login/code`.
pub async fn code_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match holder(&st, &headers, TokenKind::PendingCode).await {
        Some((u, csrf, _)) => code_page(StatusCode::OK, None, &csrf, &u.display_name),
        None => Redirect::to("/login").into_response(),
    }
}

/// `POST /login/code`: a right code ends the pending token and starts a new session.
pub async fn code_submit(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let Some((u, csrf, token)) = holder(&st, &headers, TokenKind::PendingCode).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, field(&f, "csrf")) {
        return code_page(
            StatusCode::FORBIDDEN,
            Some("表单已过期，请重新登录"),
            &csrf,
            &u.display_name,
        );
    }
    match st
        .app
        .sign_in_code(&st.login_throttle, &client, &token, field(&f, "code"))
        .await
    {
        Ok((token, _, _)) => {
            let age = st.app.session_policy().absolute.as_secs();
            (
                [(header::SET_COOKIE, session_cookie(&st, &token, age))],
                Redirect::to("/work"),
            )
                .into_response()
        }
        Err(e) => {
            let (status, msg) = refusal(&e);
            code_page(status, Some(&msg), &csrf, &u.display_name)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/second_factor.html")]
struct FactorPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    enrolled: bool,
    required: bool,
    recovery_left: i64,
    /// The QR code as an `<img>` data URI (SVG drawn by the binary).
    qr: String,
    secret: String,
    /// Shown once, right after enrolment.
    codes: Vec<String>,
    /// Came here from the password step (no full session yet).
    forced: bool,
}

/// Who is on the enrolment page: a signed-in staff member, or one holding
/// an enrolment token (forced). (user, csrf, token, forced)
async fn enroller(
    st: &AppState,
    headers: &HeaderMap,
) -> Option<(UserRecord, String, String, bool)> {
    if let Some((staff, csrf)) = current(st, headers).await {
        let u = st.app.store.user_by_id(staff.user).await.ok()??;
        let token = cookie_value(headers, COOKIE)?;
        return Some((u, csrf, token, false));
    }
    let (u, csrf, token) = holder(st, headers, TokenKind::Enrol).await?;
    Some((u, csrf, token, true))
}

/// The QR code of an `otpauth://` URI as a data URI of an SVG image.
fn qr_data_uri(uri: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    let mut out = String::from("data:image/svg+xml,");
    for b in svg.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b' '
            | b'/'
            | b'='
            | b':' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out.replace(' ', "%20")
}

#[allow(clippy::too_many_arguments)]
async fn factor_page(
    st: &AppState,
    u: &UserRecord,
    csrf: &str,
    forced: bool,
    status: StatusCode,
    banner: Option<Banner>,
    pending: Option<Enrolment>,
    codes: Vec<String>,
) -> Response {
    let state = match st.app.factor_state(u).await {
        Ok(s) => s,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, Html(e.to_string())).into_response(),
    };
    let (qr, secret) = match &pending {
        Some(p) => (qr_data_uri(&p.uri), p.secret_b32.clone()),
        None => (String::new(), String::new()),
    };
    let body = render(&FactorPage {
        banner,
        csrf,
        enrolled: state.enrolled,
        required: state.required,
        recovery_left: state.recovery_left,
        qr,
        secret,
        codes,
        forced,
    });
    let staff = (!forced).then(|| xinfang_app::auth::staff_of(u));
    (status, Html(page("动态验证码", staff.as_ref(), &body))).into_response()
}

/// `GET /account/second-factor`: the state, or a secret to bind.
pub async fn factor_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some((u, csrf, _, forced)) = enroller(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let enrolled = st
        .app
        .factor_state(&u)
        .await
        .map(|s| s.enrolled)
        .unwrap_or(false);
    let pending = if enrolled {
        None
    } else {
        match st.app.pending_enrolment(&u).await {
            Ok(Some(p)) => Some(p),
            _ => st.app.begin_enrolment(&u).await.ok(),
        }
    };
    factor_page(
        &st,
        &u,
        &csrf,
        forced,
        StatusCode::OK,
        None,
        pending,
        vec![],
    )
    .await
}

/// `POST /account/second-factor`: confirm with the first code; the
/// recovery codes are shown this once. From the forced path, the
/// enrolment token ends and a full session begins.
pub async fn factor_confirm(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let Some((u, csrf, token, forced)) = enroller(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, field(&f, "csrf")) {
        let b = Some(Banner::err("表单已过期，请刷新页面后重试"));
        return factor_page(
            &st,
            &u,
            &csrf,
            forced,
            StatusCode::FORBIDDEN,
            b,
            None,
            vec![],
        )
        .await;
    }
    match st
        .app
        .confirm_enrolment(&st.login_throttle, &client, &u, field(&f, "code"))
        .await
    {
        Ok(codes) => {
            let b = Some(Banner::ok(
                "已绑定动态验证码。请妥善保存下列恢复码，每个只能使用一次，离开本页后不再显示。",
            ));
            if forced {
                return match st.app.finish_enrolment_sign_in(&token, &u, &client).await {
                    Ok((session, fresh_csrf)) => {
                        let age = st.app.session_policy().absolute.as_secs();
                        let mut r = factor_page(
                            &st,
                            &u,
                            &fresh_csrf,
                            false,
                            StatusCode::OK,
                            b,
                            None,
                            codes,
                        )
                        .await;
                        if let Ok(v) = session_cookie(&st, &session, age).parse() {
                            r.headers_mut().insert(header::SET_COOKIE, v);
                        }
                        r
                    }
                    Err(e) => {
                        (StatusCode::INTERNAL_SERVER_ERROR, Html(e.to_string())).into_response()
                    }
                };
            }
            factor_page(&st, &u, &csrf, false, StatusCode::OK, b, None, codes).await
        }
        Err(e) => {
            let (status, msg) = match &e {
                AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, refusal(&e).1),
                _ => refusal(&e),
            };
            let pending = st.app.pending_enrolment(&u).await.ok().flatten();
            factor_page(
                &st,
                &u,
                &csrf,
                forced,
                status,
                Some(Banner::err(msg)),
                pending,
                vec![],
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/sign_in_policy.html")]
struct PolicyPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    roles: Vec<RoleBox>,
    idle_minutes: u64,
    absolute_hours: u64,
}

async fn policy_page(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    csrf: &str,
    status: StatusCode,
    banner: Option<Banner>,
) -> Response {
    let keys: Vec<String> = st
        .app
        .second_factor_roles()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.key().to_string())
        .collect();
    let p = st.app.session_policy();
    let body = render(&PolicyPage {
        banner,
        csrf,
        roles: role_boxes(&keys),
        idle_minutes: p.idle.as_secs() / 60,
        absolute_hours: p.absolute.as_secs() / 3600,
    });
    admin_page(staff, "登录安全", status, &body)
}

/// `GET /admin/sign-in`.
pub async fn policy_form(
    State(st): State<AppState>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    policy_page(&st, &staff, &csrf, StatusCode::OK, None).await
}

/// `POST /admin/sign-in`: the roles that must use a second factor.
pub async fn policy_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
    let keys: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "roles")
        .map(|(_, v)| v.clone())
        .collect();
    let csrf = crate::pages::admin::session_csrf(&st, &headers).await;
    match st.app.set_second_factor_roles(&staff, &keys).await {
        Ok(_) => {
            policy_page(
                &st,
                &staff,
                &csrf,
                StatusCode::OK,
                Some(Banner::ok("已保存")),
            )
            .await
        }
        Err(e) => {
            let b = Some(Banner::err(format!(
                "未保存：{}",
                crate::pages::admin::message(&e)
            )));
            policy_page(&st, &staff, &csrf, StatusCode::UNPROCESSABLE_ENTITY, b).await
        }
    }
}
