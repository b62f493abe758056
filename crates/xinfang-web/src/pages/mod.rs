//! Server-rendered pages in 简体中文: the portal landing page, and the staff
//! workbench (login, inbox, case page with every clock explained, actions,
//! calendar administration). Every asset is inline or embedded; forms carry a
//! CSRF token bound to the session.

mod accountability_pages;
mod admin;
mod admin_data;
mod admin_events;
mod admin_notices;
mod admin_rules;
mod admin_seals;
mod admin_units;
mod admin_users;
mod admin_webhook;
mod assist;
mod campaign_pages;
mod case_flow;
mod case_levers;
mod case_list;
mod case_page;
mod charts;
mod dashboard;
mod dispute_pages;
pub(crate) mod documents;
pub(crate) mod frame;
pub(crate) mod html;
mod import;
mod inbox;
mod ledger_kit;
mod ledger_routes;
mod letter_read;
mod list_view;
mod ownership_pages;
mod portal;
mod portal_account;
mod portal_documents;
mod portal_form;
mod portal_kit;
mod portal_receipt;
mod portal_reception;
mod portal_track;
mod portal_verify;
mod reception;
mod register;
mod repeats;
mod search;
mod session;
pub(crate) mod sign_in_pages;
mod split_notice;
mod submission_list;
mod supervision_pages;
mod tabs;
mod visit;
mod warning_pages;
mod window_accounts;
mod work;
mod zero_reports;

use axum::routing::{get, post};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .merge(ledger_routes::routes())
        .route("/", get(portal::home))
        .route(
            "/submit",
            get(portal::submit_page).post(portal::submit).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::documents::UPLOAD_LIMIT),
            ),
        )
        .route("/submit/receipt", post(portal_receipt::download))
        .route("/track/documents", post(portal_documents::portal_document))
        .route(
            "/track/attachments",
            post(portal_documents::portal_upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::documents::UPLOAD_LIMIT,
            )),
        )
        .route("/assets/documents.js", get(documents::script))
        .route("/assets/document.css", get(documents::stylesheet))
        .route("/assets/fonts/{file}", get(documents::font))
        .route(
            "/work/cases/{case_no}/documents/{id}",
            get(documents::staff_document),
        )
        .route(
            "/work/cases/{case_no}/drafts/{id}",
            get(documents::draft_preview),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/pdf",
            get(documents::staff_document_pdf),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/signed",
            get(documents::staff_signed_package),
        )
        .route(
            "/work/cases/{case_no}/documents/{id}/correct",
            post(documents::correct_document),
        )
        .route(
            "/work/cases/{case_no}/attachments/{id}",
            get(documents::staff_attachment),
        )
        .route(
            "/track",
            get(portal_track::track_page).post(portal_track::track),
        )
        .route(
            "/verify",
            get(portal_verify::form).post(portal_verify::check),
        )
        .route("/my", get(portal_account::home))
        .route("/my/code", post(portal_account::request_code))
        .route("/my/signin", post(portal_account::sign_in))
        .route("/my/signout", post(portal_account::sign_out))
        .route("/my/cases/{case_no}", get(portal_account::case_view))
        .route(
            "/my/reception",
            get(portal_reception::reception).post(portal_reception::book),
        )
        .route("/my/reception/cancel", post(portal_reception::cancel))
        .route(
            "/visit/{token}",
            get(visit::visit_page).post(visit::visit_submit),
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
        .route("/work", get(inbox::inbox))
        .route(
            "/work/register",
            get(register::register_form).post(register::register),
        )
        .route("/work/register/assist", post(assist::assist))
        .route(
            "/work/register/read",
            post(letter_read::read).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::documents::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/work/accounts",
            get(window_accounts::accounts).post(window_accounts::lookup),
        )
        .route("/work/accounts/verify", post(window_accounts::verify))
        .route("/static/register.js", get(assist::script))
        .route("/static/console.css", get(frame::stylesheet))
        .route("/static/console.js", get(frame::script))
        .route("/work/dashboard", get(dashboard::dashboard))
        .route("/work/dashboard/definitions", get(dashboard::definitions))
        .route("/work/cases", get(case_list::case_list))
        .route("/work/cases.xlsx", get(case_list::cases_xlsx))
        .route("/work/submissions", get(submission_list::submission_list))
        .route("/work/stats.xlsx", get(case_list::stats_xlsx))
        .route("/work/stats/tables.xlsx", get(case_list::tables_xlsx))
        .route(
            "/work/reception",
            get(reception::calendar).post(reception::create),
        )
        .route("/work/reception/{id}/book", post(reception::book))
        .route("/work/reception/{id}/cancel", post(reception::cancel))
        .route("/work/reception/{id}/online", post(reception::set_online))
        .route("/admin/import", get(import::form).post(import::upload))
        .route("/work/search", get(search::search_page))
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
            get(admin_units::units_page).post(admin_units::units_add),
        )
        .route("/admin/units/{id}", post(admin_units::units_change))
        .route(
            "/admin/users",
            get(admin_users::users_page).post(admin_users::users_add),
        )
        .route(
            "/admin/users/{id}",
            get(admin_users::user_page).post(admin_users::user_change),
        )
        .route(
            "/admin/taxonomy",
            get(admin_data::taxonomy_page).post(admin_data::taxonomy_post),
        )
        .route(
            "/admin/lexicon",
            get(admin_data::lexicon_page).post(admin_data::lexicon_post),
        )
        .route(
            "/admin/notices",
            get(admin_notices::notices_page).post(admin_notices::notices_post),
        )
        .route(
            "/admin/seals",
            get(admin_seals::seals_page).post(admin_seals::seals_post),
        )
        .route(
            "/admin/webhooks",
            get(admin_events::list_page).post(admin_events::create),
        )
        .route(
            "/admin/webhooks/{id}",
            get(admin_webhook::one_page).post(admin_webhook::change),
        )
        .route(
            "/admin/rules",
            get(admin_rules::rules_page).post(admin_rules::rules_post),
        )
        .route(
            "/admin/sensitive-periods",
            get(admin_rules::periods_page).post(admin_rules::periods_post),
        )
        .route(
            "/work/zero-reports",
            get(zero_reports::zero_page).post(zero_reports::zero_post),
        )
}
