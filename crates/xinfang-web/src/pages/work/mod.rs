//! The workbench: here the case page, actions posted from it, and the
//! official calendar page (`templates/work/calendar*.html`: askama escapes
//! every value). The folder holds the staff's daily pages: the inbox, the
//! case list and 件次 register, registration (with the assistant and letter
//! reading), the case page's parts (`case_page`, `case_flow`, `case_levers`,
//! `documents`, `repeats`, `split_notice`), search, 领导接访, window
//! accounts and 零报告.

pub(crate) mod assist;
pub(crate) mod case_flow;
pub(crate) mod case_levers;
pub(crate) mod case_list;
pub(crate) mod case_page;
pub(crate) mod documents;
pub(crate) mod inbox;
pub(crate) mod letter_read;
pub(crate) mod reception;
pub(crate) mod register;
pub(crate) mod repeats;
pub(crate) mod search;
pub(crate) mod split_notice;
pub(crate) mod submission_list;
pub(crate) mod window_accounts;
pub(crate) mod zero_reports;

use crate::pages::extract::{SessionForm, StaffPage};
use crate::pages::html::page;
use crate::pages::ledgers::kit::page_form;
use crate::pages::session::csrf_ok;
use crate::pages::work::case_page::CaseActionForm;
use crate::pages::work::case_page::{html_of, message_page, render_case, Notice};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use xinfang_domain::{Actor, Role};

pub async fn case_page(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let done = q.get("done").map(String::as_str);
    render_case(&st, &staff, &csrf, &case_no, None, done).await
}

/// A posted action: build the command from the form and ask the app.
/// 审核签发 from the case page (see `xinfang_app::drafts`): draft, sign off, return.
async fn draft_step(
    st: &AppState,
    staff: &xinfang_domain::Staff,
    case_no: &str,
    f: &CaseActionForm,
) -> Result<(), xinfang_app::AppError> {
    use xinfang_app::AppError;
    let draft_id = || {
        f.draft
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::field("draft", "未指定草稿"))
    };
    match f.action.as_str() {
        "submit_draft" => {
            let outcome = xinfang_app::drafts::outcome_of(f.outcome.trim())?;
            let input = xinfang_app::drafts::DraftInput {
                outcome,
                basis: f.basis.trim().to_string(),
                text: f.text.trim().to_string(),
                replaces: f.replaces.trim().parse().ok(),
            };
            st.app.submit_draft(staff, case_no, input).await.map(|_| ())
        }
        "sign_draft" => st.app.sign_draft(staff, draft_id()?).await.map(|_| ()),
        _ => {
            st.app
                .return_draft(staff, draft_id()?, f.comment.trim())
                .await
        }
    }
}

pub async fn act(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<CaseActionForm>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) {
        return (
            StatusCode::FORBIDDEN,
            Html(message_page(
                "拒绝",
                None,
                Notice::err("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。"),
            )),
        )
            .into_response();
    }
    let result = match f.action.as_str() {
        "submit_draft" | "sign_draft" | "return_draft" => {
            draft_step(&st, &staff, &case_no, &f).await
        }
        _ => match crate::pages::work::case_page::command_from_form(&f) {
            Ok(cmd) => st
                .app
                .act(&Actor::Staff(staff.clone()), &case_no, &cmd)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => {
            // The action's key names the result message (case_flow::done_message).
            let action: String = f
                .action
                .chars()
                .filter(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            Redirect::to(&format!(
                "/work/cases/{}?done={action}",
                crate::pages::work::case_list::url_enc(&case_no)
            ))
            .into_response()
        }
        Err(e) => {
            let msg = match &e {
                xinfang_app::AppError::Invalid(list) => list
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"),
                other => other.to_string(),
            };
            let notice = Notice::err(format!("未能办理：{msg}"));
            render_case(&st, &staff, &csrf, &case_no, Some(notice), None).await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "work/calendar.html")]
struct CalendarPage<'a> {
    year: i32,
    first: i32,
    last: i32,
    /// Newest first, for the picker: (year, the one shown).
    years: Vec<(i32, bool)>,
    /// (date, 休息日/调休上班日 and its name).
    days: Vec<(String, String)>,
    error: Option<String>,
    admin: bool,
    csrf: &'a str,
}

/// The official calendar of a year: holidays and make-up working days; import for administrators.
pub async fn calendar_page(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let cal = st.app.calendar();
    let years = cal.years();
    let year: i32 = q
        .get("year")
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| *years.last().unwrap_or(&2026));
    let (days, error) = match cal.year_overview(year) {
        Ok(days) => (
            days.iter()
                .filter(|(_, k)| {
                    matches!(
                        k,
                        xinfang_domain::calendar::DayKind::Holiday(_)
                            | xinfang_domain::calendar::DayKind::MakeUpWorkday(_)
                    )
                })
                .map(|(d, k)| (d.to_string(), k.label_zh()))
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let body = html_of(&CalendarPage {
        year,
        first: *years.first().unwrap_or(&0),
        last: *years.last().unwrap_or(&0),
        years: years.iter().rev().map(|y| (*y, *y == year)).collect(),
        days,
        error,
        admin: staff.has(Role::Admin),
        csrf: &csrf,
    });
    Html(page("节假日安排", Some(&staff), &body)).into_response()
}

#[derive(askama::Template)]
#[template(path = "work/calendar_import.html")]
struct CalendarImported {
    /// (the years loaded, the open cases whose limits were recomputed).
    loaded: Option<(String, usize)>,
    error: String,
}

page_form! {
    /// A year's official calendar pasted by an administrator.
    pub struct CalendarForm {
        csrf,
        text,
    }
}

pub async fn calendar_import(
    State(st): State<AppState>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<CalendarForm>,
) -> Response {
    if !csrf_ok(&csrf, &f.csrf) || !staff.has(Role::Admin) {
        return (
            StatusCode::FORBIDDEN,
            Html(message_page(
                "拒绝",
                Some(&staff),
                Notice::err("仅管理员可载入节假日安排。"),
            )),
        )
            .into_response();
    }
    let result = st
        .app
        .import_calendar(&format!("user:{}", staff.username), &f.text)
        .await;
    let body = html_of(&match result {
        Ok(r) => CalendarImported {
            loaded: Some((format!("{:?}", r.years), r.open_cases)),
            error: String::new(),
        },
        Err(e) => CalendarImported {
            loaded: None,
            error: match &e {
                xinfang_app::AppError::Invalid(list) => list
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"),
                other => other.to_string(),
            },
        },
    });
    Html(page("载入节假日安排", Some(&staff), &body)).into_response()
}
