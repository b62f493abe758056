//! Reading a letter (issue #22): a scanned or photographed 来信 becomes text
//! lines with boxes, a proposed registration and — at once — the same
//! assistance the registration form gets as the registrar types (repeat
//! look-up, kind/category suggestion, risk terms). Nothing is registered
//! here (the registrar corrects and registers); the read is audited with the
//! file's SHA-256 like an attachment read, never with its content.
//!
//! When the registrar registers, the scan is attached to the new case and
//! its read text stored with the attachment and fed to the search index
//! (`attach_letter_scans`; deliverable 2: "the scan stays attached to the
//! case; its text is searchable").
//!
//! `propose` is pure text → fields and is always built; the reading itself
//! needs the `ocr` feature (the PP-OCR models and tract, ~23 MB and minutes
//! of build time). Without it a scan is still attached, without text.

pub mod propose;
#[cfg(feature = "ocr")]
mod service;

use serde::Serialize;

pub use propose::{propose, FieldProposal, ProposedRegistration, ReadLine, SourceBox};

use crate::documents::UploadedFile;
use crate::error::AppError;
use crate::intake::assist::Assist;
use crate::state::App;
use xinfang_domain::Staff;
use xinfang_store::AttachmentRow;

/// One page as read.
#[derive(Clone, Debug, Serialize)]
pub struct PageInfo {
    /// Size of the page the boxes refer to (after EXIF orientation and
    /// shrinking to the working size).
    pub width: u32,
    pub height: u32,
    pub skew_degrees: f32,
    /// How far the page as uploaded lies turned clockwise from upright (0,
    /// 90, 180, 270; it was turned back to be read); the boxes refer to the
    /// page as uploaded all the same.
    pub turned_degrees: u16,
}

/// The answer of `POST /api/v1/intake/read`.
#[derive(Clone, Debug, Serialize)]
pub struct LetterReading {
    pub text: String,
    pub lines: Vec<ReadLine>,
    pub pages: Vec<PageInfo>,
    pub registration: ProposedRegistration,
    pub analysis: Assist,
    /// Seconds spent reading (not counting waiting for the reader).
    pub seconds: f64,
}

/// Whether this binary can read letters.
pub const AVAILABLE: bool = cfg!(feature = "ocr");
#[cfg(feature = "ocr")]
pub use service::warm;

/// What became of the scans registered with a letter.
#[derive(Clone, Debug)]
pub struct ScansAttached {
    pub attachments: Vec<AttachmentRow>,
    /// How many of them had their text read and stored (searchable).
    pub with_text: usize,
}

impl App {
    /// Attach the letter's scans to the just-registered case `case_no` (the
    /// attachment path and its limits; the store audits it) and store each
    /// scan's read text with it, which queues the case for the search
    /// index. A scan the registrar had read on the form is not read again
    /// (its text is remembered by content hash for a while); one that was
    /// not is read now. A scan that cannot be read stays attached, without
    /// text.
    pub async fn attach_letter_scans(
        &self,
        staff: &Staff,
        case_no: &str,
        scans: &[UploadedFile],
    ) -> Result<ScansAttached, AppError> {
        let (case_id, _) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let by = format!("user:{}", staff.username);
        let attachments = self.add_attachments(case_id, case_no, scans, &by).await?;
        let mut with_text = 0;
        for row in &attachments {
            let Some(file) = scans.iter().find(|f| sha256_hex(&f.bytes) == row.sha256) else {
                continue;
            };
            let text = self.scan_text(staff, case_no, file).await;
            match text {
                Some(text) => {
                    let stored = self
                        .store
                        .set_attachment_text(case_id, row.id, &text)
                        .await?;
                    with_text += stored as usize;
                }
                // Read, and nothing found: the background reader need not
                // try again. Without the reader built in it stays unread.
                None if AVAILABLE => {
                    self.store
                        .set_attachment_unreadable(case_id, row.id)
                        .await?;
                }
                None => {}
            }
        }
        Ok(ScansAttached {
            attachments,
            with_text,
        })
    }

    #[cfg(not(feature = "ocr"))]
    async fn scan_text(&self, _: &Staff, _: &str, _: &UploadedFile) -> Option<String> {
        None
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
