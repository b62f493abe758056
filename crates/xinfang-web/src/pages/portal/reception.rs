//! 预约领导接访 in 我的信访 (issue #19 item 3): a signed-in petitioner sees
//! the sessions the reception calendar opened to online booking, books a
//! place (name, the matter in a few words, optionally one of their own
//! petitions), sees their bookings and cancels one before its day. The
//! rules are in `xinfang_app::reception::online`; this file only renders.

use crate::pages::ledgers::kit::{page_form, Echo};
use crate::pages::portal::extract::{SignedIn, SignedInForm};
use crate::pages::portal::kit::{
    form_errors, get, plain_error, respond, Errors, Field, SummaryItem,
};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_app::accounts::Petitioner;
use xinfang_app::reception::online::{MyAppointment, OpenSession, BOOK_DAYS_AHEAD};
use xinfang_app::AppError;

const FIELDS: &[(&str, &str)] = &[
    ("session", "接访场次"),
    ("name", "姓名"),
    ("matter", "反映事项"),
    ("case_no", "关联信访事项"),
    ("appointment", "预约"),
];

/// A body receiving visitors, and how many of its sessions are open.
struct Area {
    id: i64,
    name: String,
    sessions: usize,
}

/// One of the petitioner's petitions to link the booking to.
struct CaseChoice {
    case_no: String,
    request: String,
}

#[derive(Template)]
#[template(path = "portal/account_reception.html")]
struct Page {
    summary: Vec<SummaryItem>,
    notice: Option<&'static str>,
    alert: Option<String>,
    days_ahead: i64,
    mine: Vec<MyAppointment>,
    /// Every body with open sessions (a picker when more than one).
    areas: Vec<Area>,
    /// The body chosen (or the only one).
    area: Option<i64>,
    /// Its sessions.
    sessions: Vec<OpenSession>,
    chosen: String,
    session_error: Option<String>,
    name: Field,
    matter: Field,
    case_no: Field,
    cases: Vec<CaseChoice>,
}

async fn page(
    st: &AppState,
    p: &Petitioner,
    status: StatusCode,
    f: &(dyn Echo + Sync),
    errors: &Errors,
    notice: Option<&'static str>,
    mut alert: Option<String>,
) -> Response {
    let mine = st.app.my_appointments(p).await.unwrap_or_else(|e| {
        alert = Some(plain_error(&e));
        vec![]
    });
    let all = st.app.open_sessions(p).await.unwrap_or_else(|e| {
        alert = Some(plain_error(&e));
        vec![]
    });
    let mut areas: Vec<Area> = vec![];
    for s in &all {
        match areas.iter_mut().find(|a| a.id == s.unit_id) {
            Some(a) => a.sessions += 1,
            None => areas.push(Area {
                id: s.unit_id,
                name: s.unit.clone(),
                sessions: 1,
            }),
        }
    }
    let chosen_area = get(f, "area").trim().parse::<i64>().ok();
    let area = match areas.as_slice() {
        [only] => Some(only.id),
        _ => chosen_area.filter(|a| areas.iter().any(|x| x.id == *a)),
    };
    let sessions = all
        .into_iter()
        .filter(|s| Some(s.unit_id) == area)
        .collect();
    let mut cases = vec![];
    if let Ok(list) = st.app.my_cases(p).await {
        for (id, c) in list {
            if let Ok(v) = st.app.public_view(id, &c).await {
                let request: String = v.request.chars().take(24).collect();
                cases.push(CaseChoice {
                    case_no: v.case_no,
                    request,
                });
            }
        }
    }
    let body = Page {
        summary: errors.summary(FIELDS),
        notice,
        alert,
        days_ahead: BOOK_DAYS_AHEAD,
        mine,
        areas,
        area,
        sessions,
        chosen: get(f, "session").to_string(),
        session_error: errors.get("session").cloned(),
        name: Field::new("name", f, errors),
        matter: Field::new("matter", f, errors),
        case_no: Field::new("case_no", f, errors),
        cases,
    };
    respond(status, "预约领导接访", &body)
}

/// `GET /my/reception`: open sessions, my bookings, the booking form.
pub async fn reception(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    SignedIn(p): SignedIn,
) -> Response {
    let notice = match get(&q, "done") {
        "booked" => Some("预约成功。确认短信已发送到您的手机，请携带身份证件按时到场。"),
        "cancelled" => Some("已取消预约。"),
        _ => None,
    };
    let mut f = HashMap::new();
    if let Some(a) = q.get("area") {
        f.insert("area".to_string(), a.clone());
    }
    if let Some(name) = crate::pages::portal::account::prefill(&st, &headers)
        .await
        .remove("name")
    {
        f.insert("name".to_string(), name);
    }
    page(
        &st,
        &p,
        StatusCode::OK,
        &f,
        &Errors::default(),
        notice,
        None,
    )
    .await
}

fn errors_of(e: AppError) -> (StatusCode, Errors, Option<String>) {
    form_errors(e, |e| {
        matches!(e, AppError::NotFound).then_some((StatusCode::NOT_FOUND, "没有找到这个预约。"))
    })
}

page_form! {
    /// A place booked: the session (its area picked first), who comes, about what.
    pub struct BookingForm {
        area,
        session,
        name,
        matter,
        case_no,
    }
}

/// `POST /my/reception`: book a place.
pub async fn book(
    State(st): State<AppState>,
    SignedInForm {
        petitioner: p,
        form: f,
    }: SignedInForm<BookingForm>,
) -> Response {
    let Ok(session) = f.session.trim().parse::<i64>() else {
        let mut errors = Errors::default();
        errors.add("session", "请选择一个接访场次");
        return page(
            &st,
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            &errors,
            None,
            None,
        )
        .await;
    };
    match st
        .app
        .book_online(&p, session, &f.name, &f.matter, &f.case_no)
        .await
    {
        Ok(_) => Redirect::to("/my/reception?done=booked").into_response(),
        Err(e) => {
            let (status, errors, alert) = errors_of(e);
            page(&st, &p, status, &f, &errors, None, alert).await
        }
    }
}

/// `POST /my/reception/cancel`: cancel one of my bookings.
pub async fn cancel(
    State(st): State<AppState>,
    SignedInForm {
        petitioner: p,
        form: f,
    }: SignedInForm<CancelForm>,
) -> Response {
    let id = f.appointment.trim().parse::<i64>().unwrap_or(0);
    match st.app.cancel_my_appointment(&p, id).await {
        Ok(()) => Redirect::to("/my/reception?done=cancelled").into_response(),
        Err(e) => {
            let (status, errors, alert) = errors_of(e);
            page(&st, &p, status, &HashMap::new(), &errors, None, alert).await
        }
    }
}

/// The booking a petitioner cancels.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    appointment: String,
}
