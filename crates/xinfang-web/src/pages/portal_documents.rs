//! The petitioner's side of documents and attachments on the portal: the
//! documents listed in the tracking view and read/printed/downloaded by POST
//! with case number + query code (never in a URL), supplementary materials,
//! and the attachments of the online submission form (checked by content
//! before anything is registered).

use super::documents::{corrected_title, not_found, render_document};
use super::html::{esc, page};
use crate::client::ClientAddr;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_app::documents::DocumentView;
use xinfang_app::AppError;

/// The tracking view's list of the petitioner's documents, each with a form
/// that re-posts the case number and query code (never in a URL).
pub fn portal_documents(docs: &[DocumentView], hidden: &str) -> String {
    let mut s = String::from("<h3>文书</h3>");
    if docs.is_empty() {
        s.push_str("<p>暂无送达给您的文书。</p>");
        return s;
    }
    s.push_str("<table><tr><th>文号</th><th>文书</th><th>出具机关</th><th>日期</th><th></th></tr>");
    for d in docs {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"/track/documents\">{hidden}<input type=\"hidden\" name=\"id\" value=\"{}\"><button type=\"submit\">阅读、打印</button><button type=\"submit\" name=\"download\" value=\"1\">下载PDF</button></form></td></tr>",
            esc(&d.doc_no),
            esc(&corrected_title(d)),
            esc(&d.issuing_unit),
            esc(&d.issued_on),
            d.id
        ));
    }
    s.push_str("</table>");
    s
}

/// The tracking view's form for supplementary materials (补充材料).
pub fn portal_upload_form(hidden: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/track/attachments\" enctype=\"multipart/form-data\">{hidden}\
         <label for=\"more-attachments\">补充材料（JPEG、PNG图片或PDF，每个不超过5MB，每件最多5个）</label>\
         <input type=\"file\" id=\"more-attachments\" name=\"attachments\" multiple accept=\"image/jpeg,image/png,application/pdf\" required>\
         <button type=\"submit\">上传补充材料</button></form>"
    )
}

/// `POST /track/attachments`: the petitioner adds materials by case number + query code.
pub async fn portal_upload(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let msg = |status: StatusCode, html: String| {
        (status, Html(page("补充材料", None, &html))).into_response()
    };
    let form = match crate::api_documents::read_multipart(&headers, &body) {
        Ok(f) => f,
        Err(e) => {
            return msg(
                StatusCode::BAD_REQUEST,
                format!(
                    "<p class=\"err\" role=\"alert\">{}</p>",
                    esc(&e.to_string())
                ),
            )
        }
    };
    let (case_no, code) = (
        form.field("case_no").trim().to_string(),
        form.field("query_code").trim().to_string(),
    );
    let case_id = match st
        .app
        .check_query_code(&st.portal_throttle, &client, &case_no, &code)
        .await
    {
        Ok((id, _)) => id,
        Err(AppError::TooManyAttempts) => {
            return msg(
                StatusCode::TOO_MANY_REQUESTS,
                "<p class=\"err\" role=\"alert\">尝试次数过多，请15分钟后再试。</p>".into(),
            )
        }
        Err(_) => {
            return msg(
                StatusCode::NOT_FOUND,
                "<p class=\"err\" role=\"alert\">信访编号或查询码不正确。</p>".into(),
            )
        }
    };
    let back = format!(
        "<form method=\"post\" action=\"/track\"><input type=\"hidden\" name=\"case_no\" value=\"{}\"><input type=\"hidden\" name=\"query_code\" value=\"{}\"><button type=\"submit\">返回办理情况</button></form>",
        esc(&case_no),
        esc(&code)
    );
    if form.files.is_empty() {
        return msg(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("<p class=\"err\" role=\"alert\">请选择要上传的文件。</p>{back}"),
        );
    }
    match st
        .app
        .add_attachments(case_id, &case_no, &form.files, "petitioner")
        .await
    {
        Ok(rows) => msg(
            StatusCode::OK,
            format!(
                "<p class=\"ok\" role=\"status\">已保存补充材料{}个：{}</p>{back}",
                rows.len(),
                rows.iter()
                    .map(|r| esc(&r.file_name))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        ),
        Err(AppError::Invalid(list)) => msg(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "<p class=\"err\" role=\"alert\">未保存：{}</p>{back}",
                esc(&list
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"))
            ),
        ),
        Err(e) => msg(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "<p class=\"err\" role=\"alert\">{}</p>{back}",
                esc(&e.to_string())
            ),
        ),
    }
}

/// `POST /track/documents`: one of the petitioner's documents (audited).
pub async fn portal_document(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let (case_no, code) = (get("case_no"), get("query_code"));
    let checked = st
        .app
        .check_query_code(&st.portal_throttle, &client, &case_no, &code)
        .await;
    let case_id = match checked {
        Ok((id, _)) => id,
        Err(AppError::TooManyAttempts) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                Html(page(
                    "文书",
                    None,
                    "<p class=\"err\" role=\"alert\">尝试次数过多，请15分钟后再试。</p>",
                )),
            )
                .into_response()
        }
        Err(_) => return not_found(None),
    };
    let Ok(id) = get("id").parse::<i64>() else {
        return not_found(None);
    };
    match st.app.petitioner_document(case_id, &case_no, id).await {
        Ok(d) if get("download") == "1" => super::documents::pdf_response(&d, None).await,
        Ok(d) => {
            // The PDF by the same POST (case number and query code never in a URL).
            let toolbar = format!(
                "<form method=\"post\" action=\"/track/documents\"><input type=\"hidden\" name=\"case_no\" value=\"{}\"><input type=\"hidden\" name=\"query_code\" value=\"{}\"><input type=\"hidden\" name=\"id\" value=\"{}\"><button type=\"submit\" name=\"download\" value=\"1\">下载PDF</button></form> <a href=\"/track\">返回查询</a>",
                esc(&case_no),
                esc(&code),
                d.id
            );
            Html(render_document(&d, &toolbar, "")).into_response()
        }
        Err(_) => not_found(None),
    }
}

/// The file input of the submission form, with its field-level error.
pub fn attachment_input(errors: &HashMap<String, String>) -> String {
    let err = errors
        .get("attachments")
        .map(|e| {
            format!(
                "<span class=\"err\" id=\"attachments-err\">{}（请重新选择附件）</span>",
                esc(e)
            )
        })
        .unwrap_or_default();
    let described = if err.is_empty() {
        ""
    } else {
        " aria-describedby=\"attachments-err\" aria-invalid=\"true\""
    };
    format!(
        "<label for=\"attachments\">附件（JPEG、PNG图片或PDF，每个不超过5MB，最多5个）</label>\
         <input type=\"file\" id=\"attachments\" name=\"attachments\" multiple accept=\"image/jpeg,image/png,application/pdf\"{described}>{err}"
    )
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
    let bad = |msg: &str| {
        (
            StatusCode::BAD_REQUEST,
            Html(page(
                "网上信访",
                None,
                &format!("<p class=\"err\" role=\"alert\">{}</p>", esc(msg)),
            )),
        )
            .into_response()
    };
    let headers = req.headers().clone();
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    if !is_multipart {
        return match Form::<HashMap<String, String>>::from_request(req, st).await {
            Ok(Form(f)) => Ok((f, vec![])),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                Html(page(
                    "网上信访",
                    None,
                    "<p class=\"err\" role=\"alert\">提交内容过大。</p>",
                )),
            )
                .into_response()),
            Err(e) => Err(bad(&e.body_text())),
        };
    }
    let body = match axum::body::to_bytes(req.into_body(), crate::api_documents::UPLOAD_LIMIT).await
    {
        Ok(b) => b,
        Err(_) => return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            Html(page(
                "网上信访",
                None,
                "<p class=\"err\" role=\"alert\">提交内容过大：附件每个不超过5MB，最多5个。</p>",
            )),
        )
            .into_response()),
    };
    match crate::api_documents::read_multipart(&headers, &body) {
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
) -> String {
    if files.is_empty() {
        return String::new();
    }
    let stored = match st.app.store.load_case(case_no).await {
        Ok(Some((id, _))) => {
            st.app
                .add_attachments(id, case_no, files, "petitioner")
                .await
        }
        _ => Err(AppError::NotFound),
    };
    match stored {
        Ok(rows) => format!(
            "<p class=\"ok\">已保存附件{}个：{}</p>",
            rows.len(),
            rows.iter()
                .map(|r| esc(&r.file_name))
                .collect::<Vec<_>>()
                .join("、")
        ),
        Err(AppError::Invalid(list)) => format!(
            "<p class=\"err\">信访事项已登记，但附件未保存：{}</p>",
            esc(&list
                .iter()
                .map(|x| x.message.clone())
                .collect::<Vec<_>>()
                .join("；"))
        ),
        Err(e) => format!(
            "<p class=\"err\">信访事项已登记，但附件未保存：{}</p>",
            esc(&e.to_string())
        ),
    }
}
