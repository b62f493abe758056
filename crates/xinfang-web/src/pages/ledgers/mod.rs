//! The ledgers (台账) and their pages: 督办 (`supervisions.rs`), 领导包案
//! (`ownerships.rs`), 专项攻坚 (`campaigns.rs`), 矛盾纠纷排查
//! (`disputes.rs`), 约谈 / 通报 (`accountability.rs`) and 预警
//! (`warnings.rs`), what they share (`kit.rs`: the signed-in staff, forms,
//! error pages), and here their routes and the ledger downloads, merged into
//! the page router.

pub(crate) mod accountability;
pub(crate) mod campaigns;
pub(crate) mod disputes;
pub(crate) mod kit;
pub(crate) mod ownerships;
pub(crate) mod supervisions;
pub(crate) mod warnings;

use crate::pages::extract::StaffPage;
use crate::pages::ledgers::kit::FormMap;
use crate::pages::page_error::{OrPage, PageResult};
use crate::pages::work::case_levers;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use xinfang_app::ledgers::Ledger;

pub fn routes() -> crate::routes::Routes {
    let mut r = crate::routes::Routes::new()
        .route("/work/supervisions", get(supervisions::list))
        .route("/work/supervisions/{id}", get(supervisions::detail))
        .route(
            "/work/supervisions/{id}/feedback",
            post(supervisions::feedback),
        )
        .route("/work/supervisions/{id}/close", post(supervisions::close))
        .route("/work/listed", get(supervisions::listed))
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
        .route("/work/ownerships", get(ownerships::board))
        .route("/work/ownerships/{id}/progress", post(ownerships::progress))
        .route("/work/ownerships/{id}/resolve", post(ownerships::resolve))
        .route(
            "/work/campaigns",
            get(campaigns::list).post(campaigns::create),
        )
        .route("/work/campaigns/{id}", get(campaigns::detail))
        .route("/work/campaigns/{id}/items", post(campaigns::add_items))
        .route("/work/campaign-items/{id}", post(campaigns::move_item))
        .route(
            "/work/disputes",
            get(disputes::list).post(disputes::register),
        )
        .route("/work/disputes/{id}", post(disputes::move_dispute))
        .route(
            "/work/accountability",
            get(accountability::list).post(accountability::record),
        )
        .route("/work/reports/annual", get(accountability::annual))
        .route("/work/warnings", get(warnings::list))
        .route(
            "/work/warnings/{id}",
            get(warnings::detail).post(warnings::advance),
        );
    for ledger in Ledger::ALL {
        r = r.route(
            &format!("/work/export/{}.xlsx", ledger.key()),
            get(move |State(st): State<AppState>, page: StaffPage| export(st, page, ledger)),
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
    Query(q): Query<FormMap>,
    StaffPage { staff, .. }: StaffPage,
) -> PageResult {
    let (from, to) = period(&st, &q);
    let bytes = st.app.export_rankings(&staff, from, to).await.or_page(
        &staff,
        "导出",
        "/work/dashboard",
    )?;
    Ok(crate::api::extract::xlsx_response(bytes, "rankings.xlsx"))
}

/// The monthly trend from the dashboard, as Excel.
async fn trend_xlsx(
    State(st): State<AppState>,
    Query(q): Query<FormMap>,
    StaffPage { staff, .. }: StaffPage,
) -> PageResult {
    let (from, to) = period(&st, &q);
    let bytes =
        st.app
            .export_trend(&staff, from, to)
            .await
            .or_page(&staff, "导出", "/work/dashboard")?;
    Ok(crate::api::extract::xlsx_response(bytes, "trend.xlsx"))
}

/// A ledger's .xlsx from the pages (same rows as the list, audited).
pub async fn export(
    st: AppState,
    StaffPage { staff, .. }: StaffPage,
    ledger: Ledger,
) -> PageResult {
    let bytes = st
        .app
        .export_ledger(&staff, ledger)
        .await
        .or_page(&staff, "导出", "/work")?;
    Ok(crate::api::extract::xlsx_response(
        bytes,
        &format!("{}.xlsx", ledger.key()),
    ))
}
