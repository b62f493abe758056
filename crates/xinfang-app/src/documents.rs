//! Formal documents and attachments as services: the documents an action
//! requires (drafted by `xinfang_domain::document`, numbered by the store in
//! the event's transaction), scoped and audited reads for staff, the
//! petitioner's own documents (never internal 转送/交办单), and attachments
//! checked by their content (magic bytes), never by name or declared type.

use crate::error::{AppError, FieldError};
use crate::state::App;
use serde::Serialize;
use sha2::{Digest, Sha256};
use xinfang_domain::case::{case_clocks, Case, CaseEvent, EventBody};
use xinfang_domain::clock::ClockKind;
use xinfang_domain::document::{
    body_abbr, draft_for, draft_for_registration, DocContent, DocDraft, DocFacts, DocType,
};
use xinfang_domain::Staff;
use xinfang_gongwen::Letter;
use xinfang_store::{AttachmentRow, DocumentRow, NewAttachment, NewDocument};

/// At most this many files per case (issue #5).
pub const MAX_FILES: usize = 5;
/// At most this many bytes per file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// A document ready to show or print.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentView {
    pub id: i64,
    pub doc_no: String,
    pub doc_type: String,
    pub title: String,
    pub issuing_unit: String,
    pub issuing_unit_id: i64,
    pub issued_on: String,
    pub to_petitioner: bool,
    pub content: DocContent,
    /// The names of the 抄送 bodies (版记).
    pub cc: Vec<String>,
    /// The verification code of its 电子签章 (None: not signed yet, or a
    /// preview of a document not issued).
    pub seal_code: Option<String>,
}

impl DocumentView {
    /// The document as GB/T 9704 lays it out: 主送 from the recipient (a
    /// document stored before the 主送 had its own line starts its first
    /// paragraph with "张三：", which is dropped here), the 成文日期 written
    /// out, a correction named in the 附注.
    pub fn letter(&self) -> Letter {
        let recipient = self.content.recipient.trim().to_string();
        let lead = format!("{recipient}：");
        let mut paragraphs: Vec<String> = self
            .content
            .paragraphs
            .iter()
            .flat_map(|p| p.split('\n'))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if paragraphs.first().is_some_and(|p| *p == lead) {
            paragraphs.remove(0);
        }
        Letter {
            issuer: self.issuing_unit.clone(),
            doc_no: self.doc_no.clone(),
            title: self.title.clone(),
            recipient,
            paragraphs,
            attachments: self.content.attachments.clone(),
            date: date_zh(&self.issued_on),
            notes: self
                .content
                .corrects
                .iter()
                .map(|c| format!("本文书更正{c}，原文书作废"))
                .chain(self.seal_code.iter().map(|code| {
                    format!(
                        "本文书加盖电子签章，验证码{code}，可在网上信访平台“文书核验”中核验真伪"
                    )
                }))
                .collect(),
            cc: self.cc.clone(),
        }
    }

    /// The file name of its PDF: the 文号 and the title.
    pub fn pdf_name(&self) -> String {
        format!("{}{}.pdf", self.doc_no, self.title)
    }
}

/// 2026-12-06 → 2026年12月6日 (GB/T 9704 §7.3.5.4: no leading zeros).
pub fn date_zh(day: &str) -> String {
    let mut it = day.split('-').map(|x| x.trim_start_matches('0'));
    match (it.next(), it.next(), it.next()) {
        (Some(y), Some(m), Some(d)) if !m.is_empty() && !d.is_empty() => format!("{y}年{m}月{d}日"),
        _ => day.to_string(),
    }
}

/// The PDF of `d`, made in-process (issue #16 item 3); CPU work, so it runs
/// off the async workers.
pub async fn render_pdf(d: &DocumentView) -> Result<Vec<u8>, AppError> {
    let letter = d.letter();
    let title = format!("{} {}", d.doc_no, d.title);
    tokio::task::spawn_blocking(move || {
        xinfang_gongwen::pdf(&xinfang_gongwen::layout(&letter), &title)
    })
    .await
    .map_err(|e| pdf_failed(e.to_string()))?
    .map_err(|e| pdf_failed(e.to_string()))
}

/// A PDF that cannot be made is a defect (fonts and layout are ours): a 500.
fn pdf_failed(e: String) -> AppError {
    AppError::Store(xinfang_store::StoreError::Corrupt(format!("PDF: {e}")))
}

/// One uploaded file as received (name and declared type are not trusted).
#[derive(Clone, Debug)]
pub struct UploadedFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The type of a file from its first bytes: JPEG, PNG or PDF, else None.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// The extensions a file of `media_type` may carry; the first is the one given.
fn extensions(media_type: &str) -> &'static [&'static str] {
    match media_type {
        "image/jpeg" => &["jpg", "jpeg"],
        "image/png" => &["png"],
        _ => &["pdf"],
    }
}

/// The file name an attachment is stored and downloaded under: the sent
/// name without its path and without characters that break a header, and
/// always with an extension of the type found by content. A PNG with HTML
/// appended, sent as `poly.html`, becomes `poly.png` — it is served as
/// image/png, and a name ending in `.html` would let whoever saves it open
/// it as a page. Applied again on download, so rows stored before this rule
/// are served under a safe name too.
pub fn attachment_name(name: &str, media_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|&c| !matches!(c, '"' | '<' | '>') && !crate::intake::is_hidden_char(c))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().trim_end_matches('.').trim();
    let allowed = extensions(media_type);
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.trim().is_empty() => (stem.trim(), Some(ext)),
        _ => (cleaned, None),
    };
    match ext {
        Some(e) if allowed.iter().any(|a| a.eq_ignore_ascii_case(e)) => cleaned.to_string(),
        _ if stem.is_empty() => format!("附件.{}", allowed[0]),
        _ => format!("{stem}.{}", allowed[0]),
    }
}

/// Check files before anything is stored: count, size, type by content. Every
/// problem is reported (field `attachments`), in Chinese, naming the file.
pub fn check_attachments(
    files: &[UploadedFile],
    already: usize,
) -> Result<Vec<NewAttachment>, AppError> {
    let mut errors = vec![];
    if files.len() + already > MAX_FILES {
        errors.push(FieldError {
            field: "attachments".into(),
            message: format!(
                "附件最多{MAX_FILES}个（已有{already}个，本次{}个）",
                files.len()
            ),
        });
    }
    let mut out = vec![];
    for (i, f) in files.iter().enumerate() {
        let label = format!("第{}个文件「{}」", i + 1, f.file_name);
        if f.bytes.is_empty() {
            errors.push(FieldError {
                field: "attachments".into(),
                message: format!("{label}为空文件"),
            });
            continue;
        }
        if f.bytes.len() > MAX_FILE_BYTES {
            errors.push(FieldError {
                field: "attachments".into(),
                message: format!("{label}超过5MB（{}字节）", f.bytes.len()),
            });
            continue;
        }
        match sniff(&f.bytes) {
            Some(t) => out.push(NewAttachment {
                file_name: attachment_name(&f.file_name, t),
                media_type: t.into(),
                sha256: hex::encode(Sha256::digest(&f.bytes)),
                content: f.bytes.clone(),
            }),
            None => errors.push(FieldError {
                field: "attachments".into(),
                message: format!(
                    "{label}不是JPEG、PNG图片或PDF文件（按文件内容判断，与文件名无关）"
                ),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errors))
    }
}

pub(crate) fn view(app: &App, row: DocumentRow) -> Result<DocumentView, AppError> {
    let content: DocContent = serde_json::from_str(&row.content_json)
        .map_err(|e| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string())))?;
    let unit_name = app.unit_name(xinfang_domain::UnitId(row.issuing_unit));
    let cc = content.cc.iter().map(|u| app.unit_name(*u)).collect();
    Ok(DocumentView {
        cc,
        id: row.id,
        doc_no: row.doc_no,
        doc_type: row.doc_type,
        title: row.title,
        issuing_unit: unit_name,
        issuing_unit_id: row.issuing_unit,
        issued_on: row.issued_at.chars().take(10).collect(),
        to_petitioner: row.to_petitioner,
        content,
        seal_code: None,
    })
}

/// A document not yet issued, shown as it will be: no 文号 yet.
pub(crate) fn preview_view(app: &App, d: NewDocument) -> Result<DocumentView, AppError> {
    let content: DocContent = serde_json::from_str(&d.content_json)
        .map_err(|e| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string())))?;
    let cc = content.cc.iter().map(|u| app.unit_name(*u)).collect();
    Ok(DocumentView {
        cc,
        id: 0,
        doc_no: format!(
            "{}{}〔{}〕　号（签发后编号）",
            d.abbr,
            d.doc_type.no_word(),
            d.year
        ),
        doc_type: d.doc_type.key().to_string(),
        title: d.doc_type.title_zh().to_string(),
        issuing_unit: app.unit_name(d.issuing_unit),
        issuing_unit_id: d.issuing_unit.0,
        issued_on: d.issued_at.chars().take(10).collect(),
        seal_code: None,
        to_petitioner: d.doc_type.to_petitioner(),
        content,
    })
}

impl App {
    /// The documents `ev` requires (at most one), ready for the store.
    pub(crate) fn documents_for_event(
        &self,
        before: &Case,
        after: &Case,
        ev: &CaseEvent,
    ) -> Vec<NewDocument> {
        let org = self.org();
        // Only the 延期告知书 needs the new due date: compute clocks just then.
        let extended = matches!(ev.body, EventBody::ExtensionDecided { approved: true });
        let handling_due = if extended {
            case_clocks(after, &org, &self.calendar(), &self.rules())
                .ok()
                .and_then(|cs| {
                    cs.into_iter()
                        .rev()
                        .find(|c| c.kind.is_answer() && c.stage == after.stage)
                        .map(|c| c.due.due)
                })
        } else {
            None
        };
        let unit_name = |u| self.unit_name(u);
        let rule = self
            .rules()
            .get(xinfang_domain::case::handling_clock(after.kind))
            .clone();
        // After a delivery: the last day of the petitioner's 复查/复核 window.
        let window_until = if matches!(ev.body, EventBody::Delivered { .. }) {
            case_clocks(after, &org, &self.calendar(), &self.rules())
                .ok()
                .and_then(|cs| {
                    cs.into_iter()
                        .find(|c| {
                            !c.duty
                                && c.stage == after.stage
                                && matches!(
                                    c.kind,
                                    ClockKind::ReviewRequest | ClockKind::ReReviewRequest
                                )
                        })
                        .map(|c| c.due.due)
                })
        } else {
            None
        };
        let superior_name = org
            .parent(after.current_stage().unit)
            .map(|u| u.name.clone());
        let facts = DocFacts {
            unit_name: &unit_name,
            handling_due,
            answer_limit: (period_zh(&rule.spec), rule.article),
            superior_name,
            window_until,
        };
        draft_for(before, after, ev, &facts)
            .map(|d| self.new_document(d, ev.at))
            .into_iter()
            .collect()
    }

    /// The documents a registration requires (a case born 不予受理), once
    /// the store has given the case its number.
    pub(crate) fn registration_documents(&self, case: &Case, case_no: &str) -> Vec<NewDocument> {
        if case.status != xinfang_domain::case::Status::NotAccepted {
            return vec![];
        }
        let mut c = case.clone();
        c.case_no = case_no.to_string();
        draft_for_registration(&c)
            .map(|d| self.new_document(d, c.registered_at))
            .into_iter()
            .collect()
    }

    fn new_document(&self, d: DocDraft, at: chrono::NaiveDateTime) -> NewDocument {
        NewDocument {
            doc_type: d.doc_type,
            issuing_unit: d.issuing_unit,
            abbr: body_abbr(&self.unit_name(d.issuing_unit)),
            year: d.year,
            issued_at: xinfang_store::fmt_time(at),
            content_json: serde_json::to_string(&d.content).unwrap_or_default(),
        }
    }

    /// The case when `staff` may see it (the one visibility rule,
    /// `visible_case`), else NotFound as for a number that does not exist.
    async fn staff_case(&self, staff: &Staff, case_no: &str) -> Result<(i64, Case), AppError> {
        self.visible_case(staff, case_no).await
    }

    /// Documents and attachments of a case `staff` may see.
    pub async fn case_documents(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<(Vec<DocumentView>, Vec<AttachmentRow>), AppError> {
        let (id, _) = self.staff_case(staff, case_no).await?;
        let mut docs = vec![];
        for d in self.store.documents_for_case(id).await? {
            docs.push(self.sealed_view(d).await?);
        }
        Ok((docs, self.store.attachments_for_case(id).await?))
    }

    /// One document for staff who may see the case; the read is audited.
    pub async fn document_for_staff(
        &self,
        staff: &Staff,
        case_no: &str,
        doc_id: i64,
    ) -> Result<DocumentView, AppError> {
        let row = self.read_document(staff, case_no, doc_id).await?;
        self.sealed_view(row).await
    }

    /// The stored document for staff who may see the case; the read is
    /// audited (the print view, the PDF and the signed package all read here).
    pub(crate) async fn read_document(
        &self,
        staff: &Staff,
        case_no: &str,
        doc_id: i64,
    ) -> Result<DocumentRow, AppError> {
        let (id, _) = self.staff_case(staff, case_no).await?;
        let row = self
            .store
            .document(id, doc_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.store
            .audit(
                "audit",
                "document_read",
                &format!("user:{}", staff.username),
                &serde_json::json!({ "case_no": case_no, "document": row.doc_no }),
            )
            .await?;
        Ok(row)
    }

    /// Correct a document: a new document of the same type with the edited
    /// paragraphs and a new 文号, naming the one it corrects. Only handlers or
    /// leaders of the issuing body may do this; the original stays unchanged.
    pub async fn correct_document(
        &self,
        staff: &Staff,
        case_no: &str,
        doc_id: i64,
        paragraphs: Vec<String>,
    ) -> Result<DocumentView, AppError> {
        let (case_id, _) = self.staff_case(staff, case_no).await?;
        let old = self
            .store
            .document(case_id, doc_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !Self::may_correct(staff, old.issuing_unit) {
            return Err(AppError::Forbidden);
        }
        let paragraphs: Vec<String> = paragraphs
            .into_iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if paragraphs.is_empty() {
            return Err(AppError::field("paragraphs", "更正后的正文不能为空"));
        }
        let doc_type = DocType::from_key(&old.doc_type).ok_or_else(|| {
            AppError::Store(xinfang_store::StoreError::Corrupt(old.doc_type.clone()))
        })?;
        let mut content: DocContent = serde_json::from_str(&old.content_json)
            .map_err(|e| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string())))?;
        content.paragraphs = paragraphs;
        content.corrects = Some(old.doc_no.clone());
        let now = self.now();
        let draft = DocDraft {
            doc_type,
            issuing_unit: xinfang_domain::UnitId(old.issuing_unit),
            year: chrono::Datelike::year(&now.date()),
            content,
        };
        let doc = self.new_document(draft, now);
        let id = self
            .store
            .insert_correction(
                case_id,
                case_no,
                &doc,
                &old.doc_no,
                &format!("user:{}", staff.username),
            )
            .await?;
        let row = self
            .store
            .document(case_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.sealed_view(row).await
    }

    /// Whether `staff` may correct a document issued by `issuing_unit`.
    pub fn may_correct(staff: &Staff, issuing_unit: i64) -> bool {
        staff.unit.0 == issuing_unit
            && staff.has_any(&[xinfang_domain::Role::Handler, xinfang_domain::Role::Leader])
    }

    /// An attachment for staff who may see the case; the download is audited.
    pub async fn attachment_for_staff(
        &self,
        staff: &Staff,
        case_no: &str,
        att_id: i64,
    ) -> Result<(AttachmentRow, Vec<u8>), AppError> {
        let (id, _) = self.staff_case(staff, case_no).await?;
        let (mut row, bytes) = self
            .store
            .attachment(id, att_id)
            .await?
            .ok_or(AppError::NotFound)?;
        row.file_name = attachment_name(&row.file_name, &row.media_type);
        self.store
            .audit(
                "audit",
                "attachment_download",
                &format!("user:{}", staff.username),
                &serde_json::json!({ "case_no": case_no, "attachment": row.id, "sha256": row.sha256 }),
            )
            .await?;
        Ok((row, bytes))
    }

    /// The documents addressed to the petitioner (after the query code was checked).
    pub async fn petitioner_documents(&self, case_id: i64) -> Result<Vec<DocumentView>, AppError> {
        let mut out = vec![];
        for d in self.store.documents_for_case(case_id).await? {
            if d.to_petitioner {
                out.push(self.sealed_view(d).await?);
            }
        }
        Ok(out)
    }

    /// One document for the petitioner (query code already checked); audited.
    pub async fn petitioner_document(
        &self,
        case_id: i64,
        case_no: &str,
        doc_id: i64,
    ) -> Result<DocumentView, AppError> {
        let row = self
            .store
            .document(case_id, doc_id)
            .await?
            .filter(|d| d.to_petitioner)
            .ok_or(AppError::NotFound)?;
        self.store
            .audit(
                "audit",
                "document_read",
                "petitioner",
                &serde_json::json!({ "case_no": case_no, "document": row.doc_no }),
            )
            .await?;
        self.sealed_view(row).await
    }

    /// Check and store attachments of a case (the petitioner's, by query code,
    /// or at submission). Nothing is stored unless every file passes.
    pub async fn add_attachments(
        &self,
        case_id: i64,
        case_no: &str,
        files: &[UploadedFile],
        by: &str,
    ) -> Result<Vec<AttachmentRow>, AppError> {
        let already = self.store.attachments_for_case(case_id).await?.len();
        let checked = check_attachments(files, already)?;
        if checked.is_empty() {
            return Ok(vec![]);
        }
        let at = xinfang_store::fmt_time(self.now());
        let ids = self
            .store
            .insert_attachments(case_id, case_no, &checked, by, &at)
            .await?;
        let all = self.store.attachments_for_case(case_id).await?;
        Ok(all.into_iter().filter(|a| ids.contains(&a.id)).collect())
    }
}

/// A period as a letter states it: "60日", "15个工作日".
pub fn period_zh(spec: &xinfang_domain::clock::PeriodSpec) -> String {
    match spec.counting {
        xinfang_domain::clock::Counting::WorkingDays => format!("{}个工作日", spec.amount),
        xinfang_domain::clock::Counting::CalendarDays => format!("{}日", spec.amount),
    }
}
