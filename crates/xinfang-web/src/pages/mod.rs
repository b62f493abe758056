//! Server-rendered pages in 简体中文: the portal landing page, and the staff
//! workbench (login, inbox, case page with every clock explained, actions,
//! calendar administration). Every asset is inline or embedded; forms carry a
//! CSRF token bound to the session.

mod case_page;
mod dashboard;
pub(crate) mod documents;
mod html;
mod portal;
mod portal_documents;
mod register;
mod session;
mod work;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::home))
        .route(
            "/submit",
            get(portal::submit_page).post(portal::submit).layer(
                axum::extract::DefaultBodyLimit::max(crate::api_documents::UPLOAD_LIMIT),
            ),
        )
        .route("/track/documents", post(portal_documents::portal_document))
        .route(
            "/track/attachments",
            post(portal_documents::portal_upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api_documents::UPLOAD_LIMIT,
            )),
        )
        .route("/assets/documents.js", get(documents::script))
        .route(
            "/work/cases/{case_no}/documents/{id}",
            get(documents::staff_document),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/correct",
            post(documents::correct_document),
        )
        .route(
            "/work/cases/{case_no}/attachments/{id}",
            get(documents::staff_attachment),
        )
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
            "/admin/calendar",
            get(work::calendar_page).post(work::calendar_import),
        )
}
