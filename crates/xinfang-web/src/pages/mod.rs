//! Server-rendered pages in 简体中文: the portal landing page, and the staff
//! workbench (login, inbox, case page with every clock explained, actions,
//! calendar administration). Every asset is inline or embedded; forms carry a
//! CSRF token bound to the session.

mod case_list;
mod case_page;
mod charts;
mod dashboard;
mod html;
mod import;
mod portal;
mod reception;
mod register;
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
        .route("/work/cases", get(case_list::case_list))
        .route("/work/cases.xlsx", get(case_list::cases_xlsx))
        .route("/work/stats.xlsx", get(case_list::stats_xlsx))
        .route("/work/stats/tables.xlsx", get(case_list::tables_xlsx))
        .route(
            "/work/reception",
            get(reception::calendar).post(reception::create),
        )
        .route("/work/reception/{id}/book", post(reception::book))
        .route("/work/reception/{id}/cancel", post(reception::cancel))
        .route("/admin/import", get(import::form).post(import::upload))
        .route("/work/cases/{case_no}", get(work::case_page))
        .route("/work/cases/{case_no}/act", post(work::act))
        .route(
            "/admin/calendar",
            get(work::calendar_page).post(work::calendar_import),
        )
}
