//! The staff API under `/api/v1/` (bearer token, `crate::auth::ApiUser`),
//! one file per resource, decided by the URL prefix — a case's
//! sub-resources (`/api/v1/cases/{case_no}/documents`, `…/drafts`,
//! `…/supervisions`, …) live with the resource they are:
//!
//! | file | paths |
//! |---|---|
//! | `auth` | `/auth/login` |
//! | `cases` | `/cases`, `/cases/{case_no}`, `…/actions`, `/export/cases.xlsx` |
//! | `intake` | `/intake/analyze`, `/intake/read` (scanned letters, issue #22) |
//! | `documents` | `/cases/{case_no}/documents…`, `…/attachments/{id}`, the petitioner's `/petitions/{case_no}/attachments` and `…/documents/{id}`; the body-size rule |
//! | `drafts` | `/cases/{case_no}/drafts`, `/drafts/…` (公文 drafts, sign or return) |
//! | `search` | `/search`, `/cases/{case_no}/similar` |
//! | `supervisions` | `/supervisions…`, `/cases/{case_no}/supervisions` (第四十条) |
//! | `leadership` | `/ownerships…`, `/cases/{case_no}/ownership`, `…/instructions` (包案, 批示) |
//! | `campaigns` | `/campaigns…`, `/campaign-items/{id}` |
//! | `disputes` | `/disputes…` |
//! | `accountability` | `/accountability` (约谈 / 通报, 第三十九条) |
//! | `warnings` | `/alerts`, `/warnings…`, `/sensitive-periods` |
//! | `stats` | `/stats/…`, `/export/stats/…` |
//! | `ledgers` | `/export/{ledger}.xlsx` |
//! | `reports` | `/reports/annual` (第四十一条) |
//! | `reception` | `/receptions…` (领导接访) |
//! | `notify` | `/cases/{case_no}/messages`, `/admin/notices…`, `/admin/gateways`, `/notifications/opt-out`, `/petitioner-accounts/verify` |
//! | `events` | `/admin/webhooks…`, `/work-orders` |
//! | `calendar` | `/calendar…`, `/clock-rules`, `/deadline` |
//! | `units` | `/units` |
//! | `import` | `/import/cases` |
//! | `admin` | `/admin/units…`, `/admin/users…`, `/admin/second-factor`, `/taxonomy…`, `/risk-lexicon`, `/zero-reports` |
//!
//! Shared helpers are in [`extract`], the error answers of the OpenAPI
//! document in [`responses`]; the petitioner's own API (online
//! submission, status by query code) is `crate::public`, the OpenAPI
//! document `crate::openapi`. A family whose handlers carry
//! `#[utoipa::path]` has its own `Api` (`#[derive(OpenApi)]`), gathered by
//! [`openapi`].

use utoipa::OpenApi;

mod accountability;
pub(crate) mod admin;
mod auth;
mod calendar;
mod campaigns;
pub(crate) mod cases;
mod disputes;
pub(crate) mod documents;
mod drafts;
pub(crate) mod events;
pub(crate) mod extract;
pub(crate) mod import;
pub(crate) mod intake;
mod leadership;
pub(crate) mod ledgers;
pub(crate) mod notify;
pub(crate) mod reception;
mod reports;
pub(crate) mod responses;
pub(crate) mod search;
pub(crate) mod stats;
mod supervisions;
mod units;
mod warnings;

/// Every route of the staff API.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .merge(auth::routes())
        .merge(cases::routes())
        .merge(units::routes())
        .merge(warnings::routes())
        .merge(supervisions::routes())
        .merge(accountability::routes())
        .merge(reports::routes())
        .merge(campaigns::routes())
        .merge(disputes::routes())
        .merge(leadership::routes())
        .merge(calendar::routes())
        .merge(ledgers::routes())
        .merge(admin::routes())
        .merge(documents::routes())
        .merge(drafts::routes())
        .merge(notify::routes())
        .merge(events::routes())
        .merge(stats::routes())
        .merge(import::routes())
        .merge(reception::routes())
        .merge(search::routes())
        .merge(intake::routes())
}

/// The part of the OpenAPI document generated from the handlers' types:
/// every converted family's operations, the schemas they name, and the
/// common error body.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = Shared::openapi();
    for family in [
        calendar::Api::openapi(),
        units::Api::openapi(),
        warnings::Api::openapi(),
        search::Api::openapi(),
        supervisions::Api::openapi(),
        leadership::Api::openapi(),
        campaigns::Api::openapi(),
        accountability::Api::openapi(),
        disputes::Api::openapi(),
        drafts::Api::openapi(),
        notify::Api::openapi(),
        import::Api::openapi(),
        reception::Api::openapi(),
        events::Api::openapi(),
        stats::Api::openapi(),
        admin::Api::openapi(),
        cases::Api::openapi(),
        reports::Api::openapi(),
        intake::Api::openapi(),
        documents::Api::openapi(),
        crate::public::Api::openapi(),
    ] {
        doc.merge(family);
    }
    doc
}

/// What every family shares: the body of an error answer.
#[derive(OpenApi)]
#[openapi(components(schemas(crate::error::Errors)))]
struct Shared;
