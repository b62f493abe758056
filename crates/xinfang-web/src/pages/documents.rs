//! Formal documents and attachments on the pages: the documents panel of the
//! case page, the printable A4 document (staff: by session and scope; the
//! petitioner: by case number + query code posted from the tracking view),
//! attachment downloads, the reply templates (第三十二条) and the small script
//! served by the binary (CSP `default-src 'self'`: no inline JS) that prints
//! and fills a template.

use super::html::{esc, page};
use super::session::current;
use crate::auth::client_key;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
use xinfang_app::documents::DocumentView;
use xinfang_app::AppError;
use xinfang_domain::document::reply_templates;
use xinfang_domain::Staff;

const SCRIPT: &str = "document.addEventListener('DOMContentLoaded',function(){\
var b=document.getElementById('print-doc');if(b){b.addEventListener('click',function(){window.print();});}\
var s=document.getElementById('reply-template');if(s){s.addEventListener('change',function(){\
var o=s.options[s.selectedIndex];if(!o.value){return;}var f=s.form;\
f.elements['outcome'].value=o.value;f.elements['basis'].value=o.getAttribute('data-basis');f.elements['text'].value=o.getAttribute('data-text');});}});";

/// `/assets/documents.js`: print button and reply templates.
pub async fn script() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        SCRIPT,
    )
        .into_response()
}

/// The inner fields of the reply form, with templates for 支持/解释说明/不予支持
/// that prefill outcome, basis and text (all editable before sending).
pub fn reply_form_inner() -> String {
    let mut opts = String::from("<option value=\"\">（不使用模板）</option>");
    let mut plain = String::new();
    for t in reply_templates() {
        let key = serde_json::to_value(t.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        opts.push_str(&format!(
            "<option value=\"{key}\" data-basis=\"{}\" data-text=\"{}\">{}</option>",
            esc(t.basis),
            esc(t.text),
            t.label
        ));
        plain.push_str(&format!(
            "<dt>{}</dt><dd>依据：{}<br>正文：{}</dd>",
            t.label,
            esc(t.basis),
            esc(t.text)
        ));
    }
    format!(
        "<label>处理意见书模板（选择后预填，可修改）<select id=\"reply-template\">{opts}</select></label>\
         <details><summary>模板文字</summary><dl>{plain}</dl></details>\
         <label>处理意见<select name=\"outcome\"><option value=\"support\">予以支持</option><option value=\"explain\">解释说明</option><option value=\"not_support\">不予支持</option><option value=\"mediated\">调解达成协议</option><option value=\"settled\">和解达成协议</option><option value=\"adopted\">采纳</option><option value=\"partly_adopted\">部分采纳</option><option value=\"not_adopted\">未采纳</option><option value=\"accusation_concluded\">已办理并反馈（检举控告）</option></select></label>\
         <label>法律法规依据（第三十二条）<input name=\"basis\"></label><label>意见正文<textarea name=\"text\" required></textarea></label>\
         <script src=\"/assets/documents.js\" defer></script>"
    )
}

/// The title, with the 文号 a correcting document replaces.
fn corrected_title(d: &DocumentView) -> String {
    match &d.content.corrects {
        Some(c) => format!("{}（更正{c}）", d.title),
        None => d.title.clone(),
    }
}

/// The documents panel of the case page (documents with 文号, attachments).
pub async fn panel(st: &AppState, staff: &Staff, case_no: &str) -> String {
    let Ok((docs, atts)) = st.app.case_documents(staff, case_no).await else {
        return String::new();
    };
    let mut s = String::from("<section><h2>文书</h2>");
    if docs.is_empty() {
        s.push_str("<p>暂无文书。</p>");
    } else {
        s.push_str("<table><tr><th>文号</th><th>文书</th><th>出具机关</th><th>日期</th><th>送达对象</th></tr>");
        for d in &docs {
            s.push_str(&format!(
                "<tr><td><a href=\"/work/cases/{}/documents/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(case_no),
                d.id,
                esc(&d.doc_no),
                esc(&corrected_title(d)),
                esc(&d.issuing_unit),
                esc(&d.issued_on),
                if d.to_petitioner { "信访人" } else { "内部（接收单位）" }
            ));
        }
        s.push_str("</table>");
    }
    s.push_str("<h3>附件</h3>");
    if atts.is_empty() {
        s.push_str("<p>无附件。</p>");
    } else {
        s.push_str("<table><tr><th>文件</th><th>类型（按内容识别）</th><th>大小</th><th>SHA-256</th><th>上传</th></tr>");
        for a in &atts {
            s.push_str(&format!(
                "<tr><td><a href=\"/work/cases/{}/attachments/{}\">{}</a></td><td>{}</td><td>{} 字节</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(case_no),
                a.id,
                esc(&a.file_name),
                esc(&a.media_type),
                a.size_bytes,
                esc(&a.sha256[..a.sha256.len().min(16)]),
                esc(&a.uploaded_at)
            ));
        }
        s.push_str("</table>");
    }
    s.push_str("</section>");
    s
}

const PRINT_CSS: &str = "@page{size:A4;margin:30mm 25mm 25mm 25mm}\
body{font-family:'FangSong','STFangsong','Noto Serif CJK SC',serif;font-size:16pt;line-height:1.8;margin:0;background:#eee;color:#000}\
.sheet{background:#fff;width:210mm;min-height:297mm;margin:1rem auto;padding:30mm 25mm;box-sizing:border-box}\
.head{color:#c00;text-align:center;font-size:26pt;font-weight:bold;letter-spacing:.1em}\
.no{text-align:center;margin:.5rem 0}.rule{border-top:2px solid #c00;margin:.3rem 0 1.2rem}\
h1{text-align:center;font-size:20pt;margin:1rem 0}p{text-indent:2em;margin:.2rem 0}p.to{text-indent:0}\
.sign{text-align:right;margin-top:2.5rem}.seal{display:inline-block;width:42mm;height:42mm;border:2px dashed #c00;border-radius:50%;color:#c00;text-align:center;line-height:42mm;font-size:12pt;margin:1rem 0 0 auto}\
.foot{font-size:10.5pt;margin-top:2rem;border-top:1px solid #000}.bar{text-align:center;margin:1rem}\
button{font-size:1rem;padding:.4rem 1rem}\
@media print{body{background:#fff}.sheet{margin:0;padding:0;width:auto;min-height:0}.bar{display:none}}";

/// A document as a printable A4 page; `extra` goes below the sheet (not printed).
pub fn render_document(d: &DocumentView, back: &str, extra: &str) -> String {
    let mut paras = String::new();
    for (i, p) in d.content.paragraphs.iter().enumerate() {
        for (j, line) in p.split('\n').enumerate() {
            let class = if i == 0 && j == 0 && line.ends_with('：') {
                " class=\"to\""
            } else {
                ""
            };
            paras.push_str(&format!("<p{class}>{}</p>", esc(line)));
        }
    }
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{} {}</title><style>{PRINT_CSS}</style></head><body>\
         <div class=\"bar\"><button type=\"button\" id=\"print-doc\">打印</button> {back}</div>\
         <div class=\"sheet\"><div class=\"head\">{}</div><div class=\"no\">{}</div><div class=\"rule\"></div>\
         <h1>{}</h1>{paras}\
         <div class=\"sign\"><div>{}</div><div>{}</div><div class=\"seal\">（印章）</div></div>\
         <div class=\"foot\">信访编号：{} · 主送：{} · 依据：《信访工作条例》{}{}</div></div>{extra}\
         <script src=\"/assets/documents.js\" defer></script></body></html>",
        esc(&d.doc_no),
        esc(&d.title),
        esc(&d.issuing_unit),
        esc(&d.doc_no),
        esc(&d.title),
        esc(&d.issuing_unit),
        esc(&issued_zh(&d.issued_on)),
        esc(&d.content.case_no),
        esc(&d.content.recipient),
        esc(&d.content.articles.join("、")),
        d.content
            .corrects
            .as_ref()
            .map(|c| format!(" · 本文书更正{}", esc(c)))
            .unwrap_or_default(),
    )
}

fn issued_zh(day: &str) -> String {
    let mut it = day.split('-').map(|x| x.trim_start_matches('0'));
    match (it.next(), it.next(), it.next()) {
        (Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
        _ => day.to_string(),
    }
}

fn not_found(user: Option<&str>) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(page(
            "未找到",
            user,
            "<p class=\"err\">未找到该文书或附件，或您无权查看。</p>",
        )),
    )
        .into_response()
}

/// `GET /work/cases/{case_no}/documents/{id}`: the printable document (audited).
pub async fn staff_document(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((case_no, id)): Path<(String, String)>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff.name));
    };
    match st.app.document_for_staff(&staff, &case_no, id).await {
        Ok(d) => {
            let extra = if xinfang_app::App::may_correct(&staff, d.issuing_unit_id) {
                let text: Vec<&str> = d.content.paragraphs.iter().map(String::as_str).collect();
                format!(
                    "<div class=\"bar\"><details><summary>更正本文书（出具新文书、新文号，原文书保留）</summary>\
                     <form method=\"post\" action=\"/work/cases/{}/documents/{}/correct\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                     <label for=\"paragraphs\">正文（每行一段）</label><br><textarea id=\"paragraphs\" name=\"paragraphs\" rows=\"12\" cols=\"60\" required>{}</textarea><br>\
                     <button type=\"submit\">出具更正文书</button></form></details></div>",
                    esc(&case_no),
                    d.id,
                    esc(&csrf),
                    esc(&text.join("\n"))
                )
            } else {
                String::new()
            };
            Html(render_document(
                &d,
                &format!("<a href=\"/work/cases/{}\">返回信访事项</a>", esc(&case_no)),
                &extra,
            ))
            .into_response()
        }
        Err(_) => not_found(Some(&staff.name)),
    }
}

/// `GET /work/cases/{case_no}/attachments/{id}`: download (audited), never rendered inline.
pub async fn staff_attachment(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((case_no, id)): Path<(String, String)>,
) -> Response {
    let Some((staff, _)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff.name));
    };
    match st.app.attachment_for_staff(&staff, &case_no, id).await {
        Ok((row, bytes)) => download(&row.media_type, &row.file_name, bytes),
        Err(_) => not_found(Some(&staff.name)),
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Bytes as a download: never rendered inline, never sniffed.
pub(crate) fn download(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{}",
        percent_encode(file_name)
    );
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

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
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"/track/documents\">{hidden}<input type=\"hidden\" name=\"id\" value=\"{}\"><button type=\"submit\">阅读、打印</button><button type=\"submit\" name=\"download\" value=\"1\">下载</button></form></td></tr>",
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
        .check_query_code(&st.portal_throttle, &client_key(&headers), &case_no, &code)
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
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let (case_no, code) = (get("case_no"), get("query_code"));
    let checked = st
        .app
        .check_query_code(&st.portal_throttle, &client_key(&headers), &case_no, &code)
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
        Ok(d) => {
            let html = render_document(&d, "<a href=\"/track\">返回查询</a>", "");
            if get("download") == "1" {
                download(
                    "text/html; charset=utf-8",
                    &format!("{}.html", d.doc_no),
                    html.into_bytes(),
                )
            } else {
                Html(html).into_response()
            }
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

/// `POST /work/cases/{case_no}/documents/{id}/correct`: issue a correcting document.
pub async fn correct_document(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((case_no, id)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !super::session::csrf_ok(&csrf, f.get("csrf").map(String::as_str).unwrap_or("")) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                "拒绝",
                None,
                "<p class=\"err\">表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。</p>",
            )),
        )
            .into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff.name));
    };
    let paragraphs: Vec<String> = f
        .get("paragraphs")
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    match st
        .app
        .correct_document(&staff, &case_no, id, paragraphs)
        .await
    {
        Ok(d) => Redirect::to(&format!("/work/cases/{}/documents/{}", esc(&case_no), d.id))
            .into_response(),
        Err(AppError::NotFound) => not_found(Some(&staff.name)),
        Err(e) => {
            let status = match e {
                AppError::Forbidden => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let msg = match &e {
                AppError::Invalid(list) => list
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；"),
                other => other.to_string(),
            };
            (
                status,
                Html(page(
                    "更正文书",
                    Some(&staff.name),
                    &format!(
                        "<p class=\"err\" role=\"alert\">未能更正：{}</p>",
                        esc(&msg)
                    ),
                )),
            )
                .into_response()
        }
    }
}
