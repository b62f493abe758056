//! Routes of the supervision, leadership, campaign, dispute, accountability
//! and warning pages, and the ledger downloads, merged into the page router.

use super::ledger_kit::{err_page, staff_or_login, FormMap};
use super::{
    accountability_pages, campaign_pages, case_levers, dispute_pages, ownership_pages,
    supervision_pages, warning_pages,
};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use xinfang_app::ledgers::Ledger;

pub fn routes() -> crate::routes::Routes {
    let mut r = crate::routes::Routes::new()
        .route("/work/supervisions", get(supervision_pages::list))
        .route("/work/supervisions/{id}", get(supervision_pages::detail))
        .route(
            "/work/supervisions/{id}/feedback",
            post(supervision_pages::feedback),
        )
        .route(
            "/work/supervisions/{id}/close",
            post(supervision_pages::close),
        )
        .route("/work/listed", get(supervision_pages::listed))
        .route(
            "/work/cases/{case_no}/supervise",
            post(case_levers::supervise),
        )
        .route(
            "/work/cases/{case_no}/escalate",
            post(case_levers::escalate),
        )
        .route(
            "/work/cases/{case_no}/ownership",
            post(case_levers::take_charge),
        )
        .route(
            "/work/cases/{case_no}/instruct",
            post(case_levers::instruct),
        )
        .route("/work/ownerships", get(ownership_pages::board))
        .route(
            "/work/ownerships/{id}/progress",
            post(ownership_pages::progress),
        )
        .route(
            "/work/ownerships/{id}/resolve",
            post(ownership_pages::resolve),
        )
        .route(
            "/work/campaigns",
            get(campaign_pages::list).post(campaign_pages::create),
        )
        .route("/work/campaigns/{id}", get(campaign_pages::detail))
        .route(
            "/work/campaigns/{id}/items",
            post(campaign_pages::add_items),
        )
        .route("/work/campaign-items/{id}", post(campaign_pages::move_item))
        .route(
            "/work/disputes",
            get(dispute_pages::list).post(dispute_pages::register),
        )
        .route("/work/disputes/{id}", post(dispute_pages::move_dispute))
        .route(
            "/work/accountability",
            get(accountability_pages::list).post(accountability_pages::record),
        )
        .route("/work/reports/annual", get(accountability_pages::annual))
        .route("/work/warnings", get(warning_pages::list))
        .route(
            "/work/warnings/{id}",
            get(warning_pages::detail).post(warning_pages::advance),
        );
    for ledger in Ledger::ALL {
        r = r.route(
            &format!("/work/export/{}.xlsx", ledger.key()),
            get(move |State(st): State<AppState>, headers: HeaderMap| export(st, headers, ledger)),
        );
    }
    r.route("/work/export/rankings.xlsx", get(rankings_xlsx))
        .route("/work/export/trend.xlsx", get(trend_xlsx))
}

/// The dashboard's period: `from`/`to` or this year to date.
fn period(st: &AppState, q: &FormMap) -> (NaiveDate, NaiveDate) {
    let today = st.app.now().date();
    let from = q
        .get("from")
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = q.get("to").and_then(|d| d.parse().ok()).unwrap_or(today);
    (from, to)
}

/// 单位考核排名 from the dashboard, as Excel.
async fn rankings_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (from, to) = period(&st, &q);
    match st.app.export_rankings(&staff, from, to).await {
        Ok(bytes) => crate::api::extract::xlsx_response(bytes, "rankings.xlsx"),
        Err(e) => err_page(&staff, "导出", e, "/work/dashboard"),
    }
}

/// The monthly trend from the dashboard, as Excel.
async fn trend_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (from, to) = period(&st, &q);
    match st.app.export_trend(&staff, from, to).await {
        Ok(bytes) => crate::api::extract::xlsx_response(bytes, "trend.xlsx"),
        Err(e) => err_page(&staff, "导出", e, "/work/dashboard"),
    }
}

/// A ledger's .xlsx from the pages (same rows as the list, audited).
pub async fn export(st: AppState, headers: HeaderMap, ledger: Ledger) -> Response {
    let (staff, _) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match st.app.export_ledger(&staff, ledger).await {
        Ok(bytes) => crate::api::extract::xlsx_response(bytes, &format!("{}.xlsx", ledger.key())),
        Err(e) => err_page(&staff, "导出", e, "/work"),
    }
}
