//! The receipt of an online submission: the case number and query code
//! (shown once: the code is stored only as a hash), when it was submitted,
//! and what happens next with the time limits of 第二十二、二十三、三十四、
//! 三十五条. The citizen prints it (`data-print`; the print style leaves only
//! the receipt) or saves it: `POST /submit/receipt` with number and code
//! returns the same receipt as a self-contained HTML file to keep.

use crate::client::ClientAddr;
use crate::pages::extract::PostedForm;
use crate::pages::portal::documents::Attached;
use crate::pages::portal::kit::VisitForm;
use crate::pages::portal::kit::{cn_date, message, render, respond, Visit};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use xinfang_app::intake::IntakeOutcome;
use xinfang_app::AppError;

/// What a receipt says.
pub struct Receipt {
    pub case_no: String,
    /// None when the submission joined an open case of the same matter
    /// (the citizen keeps using that case's code).
    pub query_code: Option<String>,
    pub submitted_at: String,
    pub status: &'static str,
    /// The last day for the 信访部门 to forward it (第二十二条), when known.
    pub forward_due: Option<String>,
    pub not_accepted_reason: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/receipt.html")]
struct ReceiptPage<'a> {
    r: &'a Receipt,
    visit: Visit,
    attached: Option<Attached>,
}

#[derive(Template)]
#[template(path = "portal/receipt_file.html")]
struct ReceiptFile<'a> {
    r: &'a Receipt,
    saved_at: String,
}

/// The page after a registered submission: its attachments stored, then
/// the receipt.
pub async fn after_submit(
    st: &AppState,
    out: IntakeOutcome,
    files: &[xinfang_app::documents::UploadedFile],
) -> Response {
    let attached =
        crate::pages::portal::documents::attach_after_submit(st, &out.case_no, files).await;
    let r = Receipt {
        submitted_at: cn_date(&st.app.now().format("%Y-%m-%d %H:%M").to_string()),
        status: out.status.label_zh(),
        forward_due: out.notice_due.map(|d| cn_date(&d.to_string())),
        not_accepted_reason: out.not_accepted_reason,
        case_no: out.case_no,
        query_code: out.query_code,
    };
    let visit = Visit {
        case_no: r.case_no.clone(),
        query_code: r.query_code.clone().unwrap_or_default(),
    };
    let page = ReceiptPage {
        r: &r,
        visit,
        attached,
    };
    respond(StatusCode::OK, "回执", &page)
}

/// `POST /submit/receipt`: the receipt as a file (`信访回执-编号.html`),
/// for the case number and query code in the body.
pub async fn download(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    PostedForm(f): PostedForm<VisitForm>,
) -> Response {
    let visit = Visit::from_form(&f);
    let checked = st
        .app
        .check_query_code(
            &st.portal_throttle,
            &client,
            &visit.case_no,
            &visit.query_code,
        )
        .await;
    let (id, case) = match checked {
        Ok(x) => x,
        Err(AppError::TooManyAttempts) => {
            let text = "尝试次数过多，请15分钟后再试。";
            return message(StatusCode::TOO_MANY_REQUESTS, "保存回执", text, true, None);
        }
        Err(_) => {
            let text = "信访编号或查询码不正确，请核对后再试。";
            return message(StatusCode::NOT_FOUND, "保存回执", text, true, None);
        }
    };
    let forward_due = match st.app.public_view(id, &case).await {
        Ok(v) => v
            .due_dates
            .iter()
            .find(|c| c.kind == "forward")
            .map(|c| cn_date(&c.due)),
        Err(_) => None,
    };
    let r = Receipt {
        case_no: case.case_no.clone(),
        query_code: Some(visit.query_code.to_uppercase()),
        submitted_at: cn_date(&case.registered_at.format("%Y-%m-%d %H:%M").to_string()),
        status: case.status.label_zh(),
        forward_due,
        not_accepted_reason: case.not_accepted_reason.clone(),
    };
    let file = ReceiptFile {
        r: &r,
        saved_at: cn_date(&st.app.now().format("%Y-%m-%d %H:%M").to_string()),
    };
    let name = format!("信访回执-{}.html", r.case_no);
    crate::pages::work::documents::download(
        "text/html; charset=utf-8",
        &name,
        render(&file).into_bytes(),
    )
}
