//! The petitioner's side of documents and attachments on the portal: a
//! document read/printed/downloaded by POST with the visit (case number +
//! query code, never in a URL), supplementary materials, and the
//! attachments of the online submission form (checked by content before
//! anything is registered). Every page leads back to the case by re-posting
//! the visit, so the citizen never types the number and code again.

use crate::client::ClientAddr;
use crate::pages::extract::PostedForm;
use crate::pages::portal::kit::{message, render, Visit};
use crate::pages::work::documents::{not_found, render_document};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_app::AppError;

/// What became of the files sent with a submission or as materials.
pub struct Attached {
    pub text: String,
    pub failed: bool,
}

impl Attached {
    fn of(result: Result<Vec<xinfang_store::AttachmentRow>, AppError>, what: &str) -> Attached {
        match result {
            Ok(rows) => Attached {
                text: format!(
                    "已保存{what}{}个：{}",
                    rows.len(),
                    rows.iter()
                        .map(|r| r.file_name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                failed: false,
            },
            Err(AppError::Invalid(list)) => Attached {
                text: format!(
                    "{what}没有保存：{}",
                    list.iter()
                        .map(|x| x.message.as_str())
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                failed: true,
            },
            Err(e) => Attached {
                text: format!(
                    "{what}没有保存：{}",
                    crate::pages::portal::kit::plain_error(&e)
                ),
                failed: true,
            },
        }
    }
}

/// `POST /track/attachments`: the petitioner adds materials to their case.
pub async fn portal_upload(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    const TITLE: &str = "补充材料";
    let form = match crate::api::documents::read_multipart(&headers, &body) {
        Ok(f) => f,
        Err(e) => return message(StatusCode::BAD_REQUEST, TITLE, &e.to_string(), true, None),
    };
    let visit = Visit {
        case_no: form.field("case_no").trim().to_string(),
        query_code: form.field("query_code").trim().to_string(),
    };
    let checked = crate::pages::portal::account::check_visit(&st, &client, &headers, &visit).await;
    let case_id = match checked {
        Ok((id, _)) => id,
        Err(AppError::TooManyAttempts) => {
            let text = "尝试次数过多，请15分钟后再试。";
            return message(StatusCode::TOO_MANY_REQUESTS, TITLE, text, true, None);
        }
        Err(_) => {
            let text = "信访编号或查询码不正确。";
            return message(StatusCode::NOT_FOUND, TITLE, text, true, None);
        }
    };
    if form.files.is_empty() {
        let text = "请先选择要上传的文件。";
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            TITLE,
            text,
            true,
            Some(&visit),
        );
    }
    let stored = st
        .app
        .add_attachments(case_id, &visit.case_no, &form.files, "petitioner")
        .await;
    let a = Attached::of(stored, "补充材料");
    let status = if a.failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    message(status, TITLE, &a.text, a.failed, Some(&visit))
}

/// The bar above a document: its PDF, and the way back to the case.
#[derive(Template)]
#[template(path = "portal/document_toolbar.html")]
struct Toolbar<'a> {
    visit: &'a Visit,
    id: i64,
}

crate::pages::ledgers::kit::page_form! {
    /// A document asked for: the visit, which document, and whether as a PDF (`download=1`).
    pub struct DocumentRequest {
        case_no,
        query_code,
        id,
        download,
    }
}

/// `POST /track/documents`: one of the petitioner's documents (audited).
pub async fn portal_document(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PostedForm(f): PostedForm<DocumentRequest>,
) -> Response {
    let visit = Visit::from_form(&f);
    let checked = crate::pages::portal::account::check_visit(&st, &client, &headers, &visit).await;
    let case_id = match checked {
        Ok((id, _)) => id,
        Err(AppError::TooManyAttempts) => {
            let text = "尝试次数过多，请15分钟后再试。";
            return message(StatusCode::TOO_MANY_REQUESTS, "文书", text, true, None);
        }
        Err(_) => return not_found(None),
    };
    let id = f.id.trim().parse::<i64>().ok();
    let Some(id) = id else {
        return not_found(None);
    };
    let download = f.download == "1";
    match st
        .app
        .petitioner_document(case_id, &visit.case_no, id)
        .await
    {
        Ok(d) if download => crate::pages::work::documents::pdf_response(&d, None).await,
        Ok(d) => {
            let toolbar = render(&Toolbar {
                visit: &visit,
                id: d.id,
            });
            Html(render_document(&d, &toolbar, "")).into_response()
        }
        Err(_) => {
            let text = "没有找到这份文书。";
            message(StatusCode::NOT_FOUND, "文书", text, true, Some(&visit))
        }
    }
}

/// The submission form's fields and files, from a multipart or url-encoded body.
pub async fn read_submit_form(
    st: &AppState,
    req: axum::extract::Request,
) -> Result<
    (
        HashMap<String, String>,
        Vec<xinfang_app::documents::UploadedFile>,
    ),
    Response,
> {
    use axum::extract::FromRequest;
    const TITLE: &str = "网上信访";
    const TOO_LARGE: &str =
        "提交的内容太大：证明材料每个不超过5MB，最多5个。请返回减少或压缩文件后再提交。";
    let bad = |msg: &str| message(StatusCode::BAD_REQUEST, TITLE, msg, true, None);
    let headers = req.headers().clone();
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    if !is_multipart {
        return match Form::<HashMap<String, String>>::from_request(req, st).await {
            Ok(Form(f)) => Ok((f, vec![])),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(message(
                StatusCode::PAYLOAD_TOO_LARGE,
                TITLE,
                TOO_LARGE,
                true,
                None,
            )),
            Err(e) => Err(bad(&e.body_text())),
        };
    }
    let limit = crate::api::documents::UPLOAD_LIMIT;
    let Ok(body) = axum::body::to_bytes(req.into_body(), limit).await else {
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        return Err(message(status, TITLE, TOO_LARGE, true, None));
    };
    match crate::api::documents::read_multipart(&headers, &body) {
        Ok(form) => Ok((form.fields.into_iter().collect(), form.files)),
        Err(e) => Err(bad(&e.to_string())),
    }
}

/// Store the (already checked) attachments of a just-registered submission;
/// the receipt says what was kept.
pub async fn attach_after_submit(
    st: &AppState,
    case_no: &str,
    files: &[xinfang_app::documents::UploadedFile],
) -> Option<Attached> {
    if files.is_empty() {
        return None;
    }
    let stored = match st.app.store.load_case(case_no).await {
        Ok(Some((id, _))) => {
            st.app
                .add_attachments(id, case_no, files, "petitioner")
                .await
        }
        _ => Err(AppError::NotFound),
    };
    let mut a = Attached::of(stored, "证明材料");
    if a.failed {
        a.text = format!("信访事项已登记，但{}", a.text);
    }
    Some(a)
}
