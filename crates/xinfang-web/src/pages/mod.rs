//! Server-rendered pages in 简体中文: the portal landing page, and the staff
//! workbench (login, inbox, case page with every clock explained, actions,
//! calendar administration). Every asset is inline or embedded; forms carry a
//! CSRF token bound to the session.

mod case_page;
mod dashboard;
mod html;
mod portal;
mod register;
mod repeats;
mod session;
mod work;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::home))
        .route("/submit", get(portal::submit_page).post(portal::submit))
        .route("/track", get(portal::track_page).post(portal::track))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/work", get(work::inbox))
        .route(
            "/work/register",
            get(register::register_form).post(register::register),
        )
        .route("/work/dashboard", get(dashboard::dashboard))
        .route("/work/cases", get(dashboard::case_list))
        .route("/work/cases.xlsx", get(dashboard::cases_xlsx))
        .route("/work/stats.xlsx", get(dashboard::stats_xlsx))
        .route("/work/cases/{case_no}", get(work::case_page))
        .route("/work/cases/{case_no}/act", post(work::act))
        .route(
            "/work/cases/{case_no}/repeats",
            get(repeats::repeats_page).post(repeats::repeats_decide),
        )
        .route(
            "/admin/calendar",
            get(work::calendar_page).post(work::calendar_import),
        )
}
