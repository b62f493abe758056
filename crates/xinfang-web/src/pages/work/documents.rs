//! Formal documents and attachments on the staff pages: the documents panel
//! of the case page, the printable A4 document (also used by the portal, see
//! `portal_documents`), corrections, attachment downloads, the reply templates
//! (第三十二条) and the small script served by the binary (CSP
//! `default-src 'self'`: no inline JS) that prints and fills a template.
//! The HTML is askama templates (`templates/document.html`,
//! `templates/case/document*.html`): every value escaped where it is written.

use crate::pages::extract::{SessionForm, StaffPage};
use crate::pages::work::case_page::{html_of, message_page, Notice};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use xinfang_app::documents::DocumentView;
use xinfang_app::AppError;

use xinfang_domain::Staff;
use xinfang_gongwen::{self as gongwen, Face, Letter};

const SCRIPT: &str = "document.addEventListener('DOMContentLoaded',function(){\
var b=document.getElementById('print-doc');if(b){b.addEventListener('click',function(){\
if(document.fonts&&document.fonts.ready){document.fonts.ready.then(function(){window.print();});}else{window.print();}});}\
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

/// The title, with the 文号 a correcting document replaces.
pub(crate) fn corrected_title(d: &DocumentView) -> String {
    match &d.content.corrects {
        Some(c) => format!("{}（更正{c}）", d.title),
        None => d.title.clone(),
    }
}

/// A document as the 文书 panel lists it.
struct DocRow<'a> {
    id: i64,
    doc_no: &'a str,
    title: String,
    issuing_unit: &'a str,
    issued_on: &'a str,
    to_petitioner: bool,
}

/// An attachment as the panel lists it.
struct AttachmentRow<'a> {
    id: i64,
    file_name: &'a str,
    media_type: &'a str,
    size_bytes: i64,
    /// The first 16 hex digits.
    sha256: &'a str,
    uploaded_at: &'a str,
}

#[derive(Template)]
#[template(path = "case/documents.html")]
struct DocumentsPanel<'a> {
    case_no: &'a str,
    docs: Vec<DocRow<'a>>,
    attachments: Vec<AttachmentRow<'a>>,
}

/// The documents panel of the case page (documents with 文号, attachments).
pub async fn panel(st: &AppState, staff: &Staff, case_no: &str) -> String {
    let Ok((docs, atts)) = st.app.case_documents(staff, case_no).await else {
        return String::new();
    };
    html_of(&DocumentsPanel {
        case_no,
        docs: docs
            .iter()
            .map(|d| DocRow {
                id: d.id,
                doc_no: &d.doc_no,
                title: corrected_title(d),
                issuing_unit: &d.issuing_unit,
                issued_on: &d.issued_on,
                to_petitioner: d.to_petitioner,
            })
            .collect(),
        attachments: atts
            .iter()
            .map(|a| AttachmentRow {
                id: a.id,
                file_name: &a.file_name,
                media_type: &a.media_type,
                size_bytes: a.size_bytes,
                sha256: a.sha256.get(..16).unwrap_or(&a.sha256),
                uploaded_at: &a.uploaded_at,
            })
            .collect(),
    })
}

/// Numbers in the SVG: millimetres to a hundredth.
fn mm(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

struct SpanView {
    class: &'static str,
    xs: String,
    text: String,
}
struct RunView {
    y: String,
    size: String,
    fill: &'static str,
    spans: Vec<SpanView>,
}
struct RectView {
    x: String,
    y: String,
    w: String,
    h: String,
    fill: &'static str,
}
struct GlyphView {
    ch: char,
    x: String,
    y: String,
    angle: String,
}
struct SealView {
    cx: String,
    cy: String,
    r: String,
    ring: String,
    size: String,
    star: String,
    glyphs: Vec<GlyphView>,
}
struct PageView {
    number: usize,
    runs: Vec<RunView>,
    rules: Vec<RectView>,
    seal: Option<SealView>,
}

fn class_of(f: Face) -> &'static str {
    match f {
        Face::Fang => "fang",
        Face::SongBold => "song",
        Face::Hei => "hei",
    }
}

fn page_view(p: &gongwen::layout::Page) -> PageView {
    PageView {
        number: p.number,
        runs: p
            .runs
            .iter()
            .map(|r| RunView {
                y: mm(r.baseline),
                size: mm(r.size),
                fill: r.color.hex(),
                spans: r
                    .spans
                    .iter()
                    .map(|s| SpanView {
                        class: class_of(s.face),
                        xs: s.xs.iter().map(|x| mm(*x)).collect::<Vec<_>>().join(" "),
                        text: s.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
        rules: p
            .rules
            .iter()
            .map(|r| RectView {
                x: mm(r.x),
                y: mm(r.y),
                w: mm(r.w),
                h: mm(r.h),
                fill: r.color.hex(),
            })
            .collect(),
        seal: p.seal.as_ref().map(|s| SealView {
            cx: mm(s.cx),
            cy: mm(s.cy),
            r: mm(s.r - s.ring / 2.0),
            ring: mm(s.ring),
            size: mm(s.glyph_size),
            star: s
                .star
                .iter()
                .map(|(x, y)| format!("{},{}", mm(*x), mm(*y)))
                .collect::<Vec<_>>()
                .join(" "),
            glyphs: s
                .glyphs
                .iter()
                .map(|g| GlyphView {
                    ch: g.ch,
                    x: mm(g.x),
                    y: mm(g.y),
                    angle: mm(g.angle),
                })
                .collect(),
        }),
    }
}

/// The print view (`templates/document.html`): values escaped by askama.
#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    doc_no: &'a str,
    title: &'a str,
    toolbar: &'a str,
    extra: &'a str,
    pages: Vec<PageView>,
    letter: Letter,
    /// (run-in heading, rest) per paragraph, for the reading version.
    paragraphs: Vec<(String, String)>,
}

/// A document as printable A4 pages (GB/T 9704-2012, the layout its PDF
/// has). `toolbar` (links, forms) and `extra` (below the pages, not printed)
/// are HTML the caller rendered with its own templates.
pub fn render_document(d: &DocumentView, toolbar: &str, extra: &str) -> String {
    let letter = d.letter();
    let layout = gongwen::layout(&letter);
    let paragraphs = letter
        .paragraphs
        .iter()
        .map(|p| match p.split_once('：') {
            Some((h, rest)) if gongwen::layout::is_heading(&format!("{h}：")) => {
                (format!("{h}："), rest.to_string())
            }
            _ => (String::new(), p.clone()),
        })
        .collect();
    let page = DocumentPage {
        doc_no: &d.doc_no,
        title: &d.title,
        toolbar,
        extra,
        pages: layout.pages.iter().map(page_view).collect(),
        letter,
        paragraphs,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!("document template: {e}");
        String::from("<!doctype html><p>文书显示失败。</p>")
    })
}

/// `/assets/document.css`: the print view's fonts, frame and print rules.
pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../document.css"),
    )
        .into_response()
}

/// `/assets/fonts/{file}`: the embedded font subsets the print view uses, so
/// the screen shows the faces the PDF has (their licences: xinfang-gongwen).
pub async fn font(Path(file): Path<String>) -> Response {
    match Face::from_file_name(&file) {
        Some(f) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("font/otf")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            f.bytes(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Template)]
#[template(path = "case/document_toolbar.html")]
struct StaffToolbar<'a> {
    case_no: &'a str,
    /// The document whose PDF is offered (none for a draft).
    pdf: Option<i64>,
}

/// The toolbar of a staff view: the PDF and the way back to the case.
fn staff_toolbar(case_no: &str, pdf: Option<i64>) -> String {
    html_of(&StaffToolbar { case_no, pdf })
}

#[derive(Template)]
#[template(path = "case/document_correct.html")]
struct CorrectForm<'a> {
    case_no: &'a str,
    id: i64,
    csrf: &'a str,
    /// The current text, a paragraph a line.
    text: String,
}

#[derive(Template)]
#[template(path = "case/draft_preview.html")]
struct DraftBar<'a> {
    status: &'static str,
    by: &'a str,
    can_review: bool,
    case_no: &'a str,
    csrf: &'a str,
    draft: i64,
}

/// `GET /work/cases/{case_no}/documents/{id}/pdf`: the document as a PDF
/// made by the binary (audited like the page; 404 out of scope, as for nothing).
pub async fn staff_document_pdf(
    State(st): State<AppState>,
    Path((case_no, id)): Path<(String, String)>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff));
    };
    let d = match st.app.document_for_staff(&staff, &case_no, id).await {
        Ok(d) => d,
        Err(_) => return not_found(Some(&staff)),
    };
    pdf_response(&d, Some(&staff)).await
}

/// `GET /work/cases/{case_no}/documents/{id}/signed`: the signed package
/// (电子签章文件) of an issued document, for `xinfang documents verify`.
pub async fn staff_signed_package(
    State(st): State<AppState>,
    Path((case_no, id)): Path<(String, String)>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff));
    };
    match st.app.signed_package(&staff, &case_no, id).await {
        Ok(p) => {
            let name = format!("{}{}.签章.json", p.doc_no, p.title);
            let bytes = serde_json::to_vec_pretty(&p).unwrap_or_default();
            download("application/json", &name, bytes)
        }
        Err(xinfang_app::AppError::BadRequest(m)) => (
            StatusCode::CONFLICT,
            Html(message_page("文书", Some(&staff), Notice::err(&m))),
        )
            .into_response(),
        Err(_) => not_found(Some(&staff)),
    }
}

/// A document's PDF as a download.
pub(crate) async fn pdf_response(d: &DocumentView, user: Option<&Staff>) -> Response {
    match xinfang_app::documents::render_pdf(d).await {
        Ok(bytes) => download("application/pdf", &d.pdf_name(), bytes),
        Err(e) => {
            tracing::error!("PDF of {}: {e}", d.doc_no);
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(message_page(
                    "文书",
                    user,
                    Notice::err("PDF生成失败，请稍后再试或使用打印功能。"),
                )),
            )
                .into_response()
        }
    }
}

pub(crate) fn not_found(user: Option<&Staff>) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(message_page(
            "未找到",
            user,
            Notice::err("未找到该文书或附件，或您无权查看。"),
        )),
    )
        .into_response()
}

/// `GET /work/cases/{case_no}/documents/{id}`: the printable document (audited).
pub async fn staff_document(
    State(st): State<AppState>,
    Path((case_no, id)): Path<(String, String)>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff));
    };
    match st.app.document_for_staff(&staff, &case_no, id).await {
        Ok(d) => {
            let extra = if xinfang_app::App::may_correct(&staff, d.issuing_unit_id) {
                html_of(&CorrectForm {
                    case_no: &case_no,
                    id: d.id,
                    csrf: &csrf,
                    text: d.content.paragraphs.join("\n"),
                })
            } else {
                String::new()
            };
            let toolbar = staff_toolbar(&case_no, Some(d.id));
            Html(render_document(&d, &toolbar, &extra)).into_response()
        }
        Err(_) => not_found(Some(&staff)),
    }
}

/// `GET /work/cases/{case_no}/drafts/{id}`: a draft opinion laid out
/// exactly as signing it off would issue it (审核签发), with the head's
/// 签发 / 退回 forms under it when they may review it.
pub async fn draft_preview(
    State(st): State<AppState>,
    Path((case_no, id)): Path<(String, String)>,
    StaffPage { staff, csrf }: StaffPage,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff));
    };
    match st.app.draft_preview(&staff, &case_no, id).await {
        Ok((draft, d)) => {
            let extra = html_of(&DraftBar {
                status: draft.status_label,
                by: &draft.drafted_by_name,
                can_review: draft.can_review,
                case_no: &case_no,
                csrf: &csrf,
                draft: id,
            });
            let toolbar = staff_toolbar(&case_no, None);
            Html(render_document(&d, &toolbar, &extra)).into_response()
        }
        Err(_) => not_found(Some(&staff)),
    }
}

/// `GET /work/cases/{case_no}/attachments/{id}`: download (audited), never rendered inline.
pub async fn staff_attachment(
    State(st): State<AppState>,
    Path((case_no, id)): Path<(String, String)>,
    StaffPage { staff, .. }: StaffPage,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff));
    };
    match st.app.attachment_for_staff(&staff, &case_no, id).await {
        Ok((row, bytes)) => download(&row.media_type, &row.file_name, bytes),
        Err(_) => not_found(Some(&staff)),
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

crate::pages::ledgers::kit::page_form! {
    /// The corrected text of a document, a paragraph a line.
    pub struct CorrectionForm {
        csrf,
        paragraphs,
    }
}

/// `POST /work/cases/{case_no}/documents/{id}/correct`: issue a correcting document.
pub async fn correct_document(
    State(st): State<AppState>,
    Path((case_no, id)): Path<(String, String)>,
    SessionForm {
        staff,
        csrf,
        form: f,
    }: SessionForm<CorrectionForm>,
) -> Response {
    if !crate::pages::session::csrf_ok(&csrf, &f.csrf) {
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
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Some(&staff));
    };
    let paragraphs: Vec<String> = f.paragraphs.lines().map(str::to_string).collect();
    match st
        .app
        .correct_document(&staff, &case_no, id, paragraphs)
        .await
    {
        Ok(d) => Redirect::to(&format!(
            "/work/cases/{}/documents/{}",
            crate::pages::work::case_list::url_enc(&case_no),
            d.id
        ))
        .into_response(),
        Err(AppError::NotFound) => not_found(Some(&staff)),
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
                Html(message_page(
                    "更正文书",
                    Some(&staff),
                    Notice::err(format!("未能更正：{msg}")),
                )),
            )
                .into_response()
        }
    }
}
