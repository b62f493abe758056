//! The leaders' reception calendar page (`/work/reception`, 第十八条):
//! sessions of 接访 / 下访 / 约访 in the caller's area with their bookings
//! (phones masked), forms to schedule a session and book a petitioner, and
//! the sensitive-period weeks with the areas below the required frequency.
//! The page is an askama template (`templates/ledgers/reception.html`); a
//! form whose post fails comes back filled in as it was typed.

use crate::pages::extract::{SessionForm, StaffPage};
use crate::pages::html::page;
use crate::pages::ledgers::kit::{
    message_page, options, page_form, render as render_template, Banner, Echo, Message, Opt,
};
use crate::pages::session::csrf_ok;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;
use xinfang_app::reception::{AppointmentInput, SessionInput};
use xinfang_app::AppError;
use xinfang_domain::reception::ReceptionKind;
use xinfang_domain::{Staff, UnitKind};

fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

fn range(q: &HashMap<String, String>, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = q.get("from").and_then(|d| d.parse().ok()).unwrap_or(today);
    let to = q
        .get("to")
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| from.checked_add_signed(Duration::days(30)).unwrap_or(from));
    (from, to)
}

/// A sensitive-period week and the areas short of sessions in it.
struct Week {
    period: String,
    from: String,
    to: String,
    /// "杭州市上城区人民政府（已安排 1，缺 1）" …
    below: Vec<String>,
}

struct Booking {
    name: String,
    phone: String,
    matter: String,
    case_no: Option<String>,
    /// Booked by the petitioner online (我的信访).
    online: bool,
}

struct Session {
    id: i64,
    date: String,
    slot: String,
    kind: String,
    unit: String,
    leader: String,
    place: String,
    booked: String,
    capacity: String,
    cancelled: bool,
    /// Open to online booking.
    online: bool,
    bookings: Vec<Booking>,
    /// The booking form is open (its post failed).
    open: bool,
    /// What was typed into the booking form: name, phone, matter, case_no.
    typed: [String; 4],
}

#[derive(Template)]
#[template(path = "ledgers/reception.html")]
struct ReceptionPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    from: NaiveDate,
    to: NaiveDate,
    min_per_week: String,
    weeks: Vec<Week>,
    sessions: Vec<Session>,
    units: Vec<Opt>,
    kinds: Vec<Opt>,
    /// The 安排场次 form as typed: leader, date, slot, place, capacity.
    leader: String,
    date: String,
    slot: String,
    place: String,
    capacity: String,
    /// The 开放网上预约 box as typed (checked by default).
    online: bool,
}

/// A post that failed: what was typed, and into which booking form (none:
/// the form that schedules a session).
struct Typed<'a> {
    form: &'a (dyn Echo + Sync),
    booking: Option<i64>,
}

/// A session scheduled (`templates/ledgers/reception.html`); the 开放网上预约
/// box is posted only when ticked.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SessionFields {
    csrf: String,
    unit_id: String,
    kind: String,
    leader: String,
    date: String,
    slot: String,
    place: String,
    capacity: String,
    online: Option<String>,
}

impl Echo for SessionFields {
    fn echo(&self, name: &str) -> Option<&str> {
        Some(match name {
            "unit_id" => &self.unit_id,
            "kind" => &self.kind,
            "leader" => &self.leader,
            "date" => &self.date,
            "slot" => &self.slot,
            "place" => &self.place,
            "capacity" => &self.capacity,
            "online" => return self.online.as_deref(),
            _ => return None,
        })
    }
}

/// A petitioner booked into a session; a phone or case number left out of
/// the post is none, one posted empty is "" (the service decides).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct BookingFields {
    csrf: String,
    name: String,
    phone: Option<String>,
    matter: String,
    case_no: Option<String>,
}

impl Echo for BookingFields {
    fn echo(&self, name: &str) -> Option<&str> {
        match name {
            "name" => Some(&self.name),
            "phone" => self.phone.as_deref(),
            "matter" => Some(&self.matter),
            "case_no" => self.case_no.as_deref(),
            _ => None,
        }
    }
}

page_form! {
    /// A session cancelled, or opened (`online=1`) or closed to online booking.
    pub struct SessionSwitch {
        csrf,
        online,
    }
}

async fn render(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &HashMap<String, String>,
    outcome: Option<(StatusCode, Banner)>,
    typed: Option<Typed<'_>>,
) -> Response {
    let (from, to) = range(q, st.app.now().date());
    let cal = match st.app.reception_calendar(staff, from, to).await {
        Ok(c) => c,
        Err(e) => {
            return message_page(
                StatusCode::OK,
                "领导接访",
                Some(staff),
                Message {
                    class: "err",
                    text: message(&e),
                    ..Default::default()
                },
            )
        }
    };
    let (status, banner) = match outcome {
        Some((s, b)) => (s, Some(b)),
        None => (StatusCode::OK, None),
    };
    let get = |k: &str| {
        typed
            .as_ref()
            .filter(|t| t.booking.is_none())
            .and_then(|t| t.form.echo(k).map(str::to_string))
    };
    let org = st.app.org();
    let units = options(
        org.subtree(st.app.reception_root(staff))
            .into_iter()
            .filter_map(|u| org.get(u))
            .filter(|u| {
                u.id == staff.unit
                    || matches!(u.kind, UnitKind::Government | UnitKind::PetitionBureau)
            })
            .map(|u| (u.id.0, &u.name)),
        &get("unit_id").unwrap_or_default(),
    );
    let kinds = options(
        ReceptionKind::ALL.iter().map(|k| (k.key(), k.label_zh())),
        &get("kind").unwrap_or_default(),
    );
    let weeks = cal
        .sensitive_weeks
        .iter()
        .map(|w| Week {
            period: w.period.clone(),
            from: w.week_from.to_string(),
            to: w.week_to.to_string(),
            below: w
                .below_minimum
                .iter()
                .map(|b| format!("{}（已安排 {}，缺 {}）", b.unit, b.held, b.missing))
                .collect(),
        })
        .collect();
    let sessions = cal
        .sessions
        .iter()
        .map(|s| {
            let id = s.id;
            let mine = typed
                .as_ref()
                .filter(|t| t.booking == Some(id))
                .map(|t| t.form);
            let kept = |k: &str| {
                mine.and_then(|f| f.echo(k))
                    .map(str::to_string)
                    .unwrap_or_default()
            };
            Session {
                id,
                date: s.date.clone(),
                slot: s.slot.clone(),
                kind: s.kind_label.to_string(),
                unit: s.unit.clone(),
                leader: s.leader.clone(),
                place: s.place.clone(),
                booked: s.booked.to_string(),
                capacity: s.capacity.to_string(),
                cancelled: s.status == "cancelled",
                online: s.online,
                bookings: s
                    .appointments
                    .iter()
                    .map(|a| Booking {
                        name: a.name.clone(),
                        phone: a.phone.clone().unwrap_or_default(),
                        matter: a.matter.clone(),
                        case_no: a.case_no.clone(),
                        online: a.online,
                    })
                    .collect(),
                open: mine.is_some(),
                typed: [kept("name"), kept("phone"), kept("matter"), kept("case_no")],
            }
        })
        .collect();
    let body = render_template(&ReceptionPage {
        banner,
        csrf,
        from,
        to,
        min_per_week: cal.min_per_week_in_sensitive_period.to_string(),
        weeks,
        sessions,
        units,
        kinds,
        leader: get("leader").unwrap_or_default(),
        date: get("date").unwrap_or_default(),
        slot: get("slot").unwrap_or_default(),
        place: get("place").unwrap_or_default(),
        capacity: get("capacity").unwrap_or_else(|| "10".into()),
        online: typed.as_ref().filter(|t| t.booking.is_none()).is_none() || get("online").is_some(),
    });
    (status, Html(page("领导接访", Some(staff), &body))).into_response()
}

pub async fn calendar(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let notice = q
        .contains_key("done")
        .then(|| (StatusCode::OK, Banner::ok("已保存。")));
    render(&st, &staff, &csrf, &q, notice, None).await
}

fn forbidden() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "拒绝",
        None,
        Message {
            class: "err",
            text: "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。".into(),
            ..Default::default()
        },
    )
}

/// After a post: back to the calendar, or the calendar again with the error
/// (the status the API gives) and the form filled in as it was typed.
async fn outcome(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    r: Result<(), AppError>,
    typed: Option<Typed<'_>>,
) -> Response {
    match r {
        Ok(()) => Redirect::to("/work/reception?done=1").into_response(),
        Err(e) => {
            let banner = Banner::err(format!("未保存：{}", message(&e)));
            let status = crate::error::ApiError(e).into_response().status();
            render(
                st,
                staff,
                csrf,
                &HashMap::new(),
                Some((status, banner)),
                typed,
            )
            .await
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<SessionFields>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) {
        return forbidden();
    }
    let r = match (
        ReceptionKind::from_key(&f.kind),
        f.date.parse::<NaiveDate>(),
        f.capacity.trim().parse::<u32>(),
    ) {
        (Some(kind), Ok(date), Ok(capacity)) => st
            .app
            .create_session(
                &staff,
                SessionInput {
                    unit_id: f.unit_id.parse().ok(),
                    kind,
                    leader: f.leader.clone(),
                    date,
                    slot: f.slot.clone(),
                    place: f.place.clone(),
                    capacity,
                    online: f.online.is_some(),
                },
            )
            .await
            .map(|_| ()),
        (None, _, _) => Err(AppError::field("kind", "请选择接访方式")),
        (_, Err(_), _) => Err(AppError::field("date", "日期格式应为 YYYY-MM-DD")),
        (_, _, Err(_)) => Err(AppError::field(
            "capacity",
            "可预约人数应为 1 到 200 的整数",
        )),
    };
    let typed = Typed {
        form: &f,
        booking: None,
    };
    outcome(&st, &staff, &csrf, r, Some(typed)).await
}

pub async fn book(
    State(st): State<AppState>,
    Path(id): Path<String>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<BookingFields>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) {
        return forbidden();
    }
    let booking = id.parse::<i64>().ok();
    let r = match booking {
        Some(id) => st
            .app
            .book_appointment(
                &staff,
                id,
                AppointmentInput {
                    name: f.name.clone(),
                    phone: f.phone.clone(),
                    matter: f.matter.clone(),
                    case_no: f.case_no.clone(),
                },
            )
            .await
            .map(|_| ()),
        None => Err(AppError::NotFound),
    };
    let typed = Typed { form: &f, booking };
    outcome(&st, &staff, &csrf, r, Some(typed)).await
}

pub async fn cancel(
    State(st): State<AppState>,
    Path(id): Path<String>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<SessionSwitch>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) {
        return forbidden();
    }
    let r = match id.parse::<i64>() {
        Ok(id) => st.app.cancel_session(&staff, id).await,
        Err(_) => Err(AppError::NotFound),
    };
    // Nothing is typed to cancel a session.
    outcome(&st, &staff, &csrf, r, None).await
}

/// `POST /work/reception/{id}/online`: open (`online=1`) or close a session
/// to petitioners' online booking; bookings already made stay.
pub async fn set_online(
    State(st): State<AppState>,
    Path(id): Path<String>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<SessionSwitch>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) {
        return forbidden();
    }
    let online = f.online == "1";
    let r = match id.parse::<i64>() {
        Ok(id) => st.app.set_session_online(&staff, id, online).await,
        Err(_) => Err(AppError::NotFound),
    };
    outcome(&st, &staff, &csrf, r, None).await
}
