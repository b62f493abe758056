//! 每日零报告: during a sensitive period every 信访局 records, once a day,
//! its warnings or "零报告"; any staff member sees which bureaus of their
//! area have and have not reported.

use crate::pages::admin::{banner, field, kept, Fields, Kept};
use crate::pages::extract::{SessionForm, StaffPage};
use crate::pages::html::page;
use crate::pages::ledgers::kit::{render, Banner};
use crate::pages::session::csrf_ok;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use std::collections::HashMap;
use xinfang_app::zero_reports::ZeroReportStatus;
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// One bureau's report on the day.
struct Reported {
    unit: String,
    /// "零报告" or "预警：…".
    what: String,
    by: String,
    at: String,
}

/// Who has reported on a day, and (for a 信访局 during a sensitive period)
/// the form for today's report, kept as typed when it is refused.
#[derive(Template)]
#[template(path = "ledgers/zero_reports.html")]
struct ZeroPage<'a> {
    banner: Option<Banner>,
    day: NaiveDate,
    status: Result<DayStatus, String>,
    /// The staff member's 信访局 reports today.
    can_report: bool,
    csrf: &'a str,
    nothing: bool,
    note: String,
}

/// The day: its sensitive period (or why nothing is due), who reported,
/// and the bureaus that did not.
struct DayStatus {
    period: String,
    reported: Vec<Reported>,
    missing: Vec<String>,
}

fn status_rows(z: ZeroReportStatus) -> DayStatus {
    let period = z
        .period
        .as_ref()
        .map(|p| format!("敏感时期：{}（{} 至 {}）", p.name, p.from, p.to))
        .unwrap_or_else(|| "该日不在敏感时期，无需报告。".into());
    let reported = z
        .reported
        .into_iter()
        .filter_map(|b| {
            let r = b.report?;
            Some(Reported {
                unit: b.unit_name,
                what: if r.nothing_to_report {
                    "零报告".to_string()
                } else {
                    format!("预警：{}", r.note)
                },
                by: r.reported_by,
                at: r.reported_at,
            })
        })
        .collect();
    let missing = z.missing.into_iter().map(|b| b.unit_name).collect();
    DayStatus {
        period,
        reported,
        missing,
    }
}

async fn render_zero(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    day: NaiveDate,
    outcome: Option<Result<String, AppError>>,
    typed: Kept<'_>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let today = st.app.now().date();
    let report = st
        .app
        .zero_report_status(staff, day)
        .await
        .map(status_rows)
        .map_err(|e| crate::pages::admin::message(&e));
    let bureau = st
        .app
        .org()
        .get(staff.unit)
        .map(|u| u.kind == xinfang_domain::UnitKind::PetitionBureau)
        .unwrap_or(false);
    let body = render(&ZeroPage {
        banner,
        day,
        status: report,
        can_report: bureau && st.app.sensitive_period_on(today).is_some(),
        csrf,
        nothing: typed.or("nothing", "1") == "1",
        note: typed.get("note"),
    });
    (status, Html(page("每日零报告", Some(staff), &body))).into_response()
}

/// `/work/zero-reports?day=`: who has reported (any staff; their area).
pub async fn zero_page(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let day = q
        .get("day")
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or_else(|| st.app.now().date());
    render_zero(&st, &staff, &csrf, day, None, Kept(None)).await
}

/// Record today's report for the staff member's 信访局.
pub async fn zero_post(
    State(st): State<AppState>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<Fields>,
) -> Response {
    if !csrf_ok(&csrf, field(&f, "csrf")) {
        return crate::pages::admin::forbidden(&staff, "表单已过期，请刷新页面后重试。");
    }
    let r = st
        .app
        .record_zero_report(&staff, field(&f, "nothing") == "1", field(&f, "note"))
        .await
        .map(|r| {
            if r.nothing_to_report {
                "已报送零报告".to_string()
            } else {
                "已报送预警情况".to_string()
            }
        });
    let today = st.app.now().date();
    let typed = kept(&r, &f);
    render_zero(&st, &staff, &csrf, today, Some(r), typed).await
}
