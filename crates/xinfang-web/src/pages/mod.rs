//! Server-rendered pages in 简体中文: the portal landing page, and the staff
//! workbench (login, inbox, case page with every clock explained, actions,
//! calendar administration). Every asset is inline or embedded; forms carry a
//! CSRF token bound to the session.
//!
//! By area: `portal/` (the public, petitioner-facing pages), `work/` (the
//! staff workbench), `ledgers/` (台账 pages: supervision, leadership,
//! campaigns, disputes, accountability, warnings), `admin/` (系统管理), and
//! `dashboard/`. Shared kit stays here: the page frame (`frame`), HTML
//! helpers (`html`), list views and tabs, charts, the staff session and
//! sign-in (`session`, `sign_in_pages`).

pub(crate) mod admin;
mod charts;
mod dashboard;
pub(crate) mod extract;
pub(crate) mod frame;
pub(crate) mod held_files;
pub(crate) mod html;
pub(crate) mod ledgers;
mod list_view;
pub(crate) mod page_error;
pub(crate) mod portal;
mod session;
pub(crate) mod sign_in_pages;
mod tabs;
pub(crate) mod work;

// `dashboard/sections.rs` still names the case list here: the dashboard is
// being changed on main, so it keeps its `use` lines until that work lands.
use work::case_list;

use axum::routing::{get, post};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .merge(ledgers::routes())
        .route("/", get(portal::home))
        .route(
            "/submit",
            get(portal::submit_page).post(portal::submit).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::documents::UPLOAD_LIMIT),
            ),
        )
        .route("/submit/receipt", post(portal::receipt::download))
        .route("/track/documents", post(portal::documents::portal_document))
        .route(
            "/track/attachments",
            post(portal::documents::portal_upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::documents::UPLOAD_LIMIT,
            )),
        )
        .route("/assets/documents.js", get(work::documents::script))
        .route("/assets/document.css", get(work::documents::stylesheet))
        .route("/assets/fonts/{file}", get(work::documents::font))
        .route(
            "/work/cases/{case_no}/documents/{id}",
            get(work::documents::staff_document),
        )
        .route(
            "/work/cases/{case_no}/drafts/{id}",
            get(work::documents::draft_preview),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/pdf",
            get(work::documents::staff_document_pdf),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/signed",
            get(work::documents::staff_signed_package),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/correct",
            post(work::documents::correct_document),
        )
        .route(
            "/work/cases/{case_no}/attachments/{id}",
            get(work::documents::staff_attachment),
        )
        .route(
            "/track",
            get(portal::track::track_page).post(portal::track::track),
        )
        .route(
            "/verify",
            get(portal::verify::form).post(portal::verify::check),
        )
        .route("/my", get(portal::account::home))
        .route("/my/code", post(portal::account::request_code))
        .route("/my/signin", post(portal::account::sign_in))
        .route("/my/signout", post(portal::account::sign_out))
        .route("/my/cases/{case_no}", get(portal::account::case_view))
        .route(
            "/my/reception",
            get(portal::reception::reception).post(portal::reception::book),
        )
        .route("/my/reception/cancel", post(portal::reception::cancel))
        .route(
            "/visit/{token}",
            get(portal::visit::visit_page).post(portal::visit::visit_submit),
        )
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route(
            "/login/code",
            get(sign_in_pages::code_form).post(sign_in_pages::code_submit),
        )
        .route(
            "/account/second-factor",
            get(sign_in_pages::factor_form).post(sign_in_pages::factor_confirm),
        )
        .route("/work", get(work::inbox::inbox))
        .route(
            "/work/register",
            get(work::register::register_form).post(work::register::register),
        )
        .route("/work/register/assist", post(work::assist::assist))
        .route("/work/register/held/{token}", get(held_files::picture))
        .route(
            "/work/register/read",
            post(work::letter_read::read).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::documents::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/work/accounts",
            get(work::window_accounts::accounts).post(work::window_accounts::lookup),
        )
        .route("/work/accounts/verify", post(work::window_accounts::verify))
        .route("/static/register.js", get(work::assist::script))
        .route("/static/console.css", get(frame::stylesheet))
        .route("/static/console.js", get(frame::script))
        .route("/work/dashboard", get(dashboard::dashboard))
        .route("/work/dashboard/definitions", get(dashboard::definitions))
        .route("/work/cases", get(work::case_list::case_list))
        .route("/work/cases.xlsx", get(work::case_list::cases_xlsx))
        .route(
            "/work/submissions",
            get(work::submission_list::submission_list),
        )
        .route("/work/stats.xlsx", get(work::case_list::stats_xlsx))
        .route("/work/stats/tables.xlsx", get(work::case_list::tables_xlsx))
        .route(
            "/work/reception",
            get(work::reception::calendar).post(work::reception::create),
        )
        .route("/work/reception/{id}/book", post(work::reception::book))
        .route("/work/reception/{id}/cancel", post(work::reception::cancel))
        .route(
            "/work/reception/{id}/online",
            post(work::reception::set_online),
        )
        .route(
            "/admin/import",
            get(admin::import::form).post(admin::import::upload),
        )
        .route("/work/search", get(work::search::search_page))
        .route("/work/cases/{case_no}", get(work::case_page))
        .route("/work/cases/{case_no}/act", post(work::act))
        .route(
            "/work/cases/{case_no}/repeats",
            get(work::repeats::repeats_page).post(work::repeats::repeats_decide),
        )
        .route(
            "/admin/calendar",
            get(work::calendar_page).post(work::calendar_import),
        )
        .merge(admin_routes())
}

/// 系统管理 (administrators) and the 零报告 page.
fn admin_routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/admin", get(admin::index))
        .route(
            "/admin/sign-in",
            get(sign_in_pages::policy_form).post(sign_in_pages::policy_save),
        )
        .route(
            "/admin/units",
            get(admin::units::units_page).post(admin::units::units_add),
        )
        .route("/admin/units/{id}", post(admin::units::units_change))
        .route(
            "/admin/users",
            get(admin::users::users_page).post(admin::users::users_add),
        )
        .route(
            "/admin/users/{id}",
            get(admin::users::user_page).post(admin::users::user_change),
        )
        .route(
            "/admin/taxonomy",
            get(admin::data::taxonomy_page).post(admin::data::taxonomy_post),
        )
        .route(
            "/admin/lexicon",
            get(admin::data::lexicon_page).post(admin::data::lexicon_post),
        )
        .route(
            "/admin/notices",
            get(admin::notices::notices_page).post(admin::notices::notices_post),
        )
        .route(
            "/admin/seals",
            get(admin::seals::seals_page).post(admin::seals::seals_post),
        )
        .route(
            "/admin/webhooks",
            get(admin::events::list_page).post(admin::events::create),
        )
        .route(
            "/admin/webhooks/{id}",
            get(admin::webhook::one_page).post(admin::webhook::change),
        )
        .route(
            "/admin/rules",
            get(admin::rules::rules_page).post(admin::rules::rules_post),
        )
        .route(
            "/admin/sensitive-periods",
            get(admin::rules::periods_page).post(admin::rules::periods_post),
        )
        .route(
            "/work/zero-reports",
            get(work::zero_reports::zero_page).post(work::zero_reports::zero_post),
        )
}
