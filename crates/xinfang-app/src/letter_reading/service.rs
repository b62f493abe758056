//! The reader as a service: one engine per process, loaded on first use (or
//! at start-up by `warm`), reads one upload at a time — a read holds a few
//! hundred MB and both cores, so two at once would only double the memory
//! and each would take twice as long.

use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use xinfang_domain::Staff;
use xinfang_ocr::{Limits, Ocr, OcrError};

use super::{propose, LetterReading, PageInfo, ReadLine};
use crate::documents::{check_attachments, UploadedFile};
use crate::error::AppError;
use crate::intake::assist::AssistInput;
use crate::state::App;

static ENGINE: OnceLock<Result<Arc<Ocr>, String>> = OnceLock::new();
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

fn engine() -> Result<Arc<Ocr>, AppError> {
    ENGINE
        .get_or_init(|| Ocr::load().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|m| unreadable(&OcrError::Engine(m)))
}

fn unreadable(e: &OcrError) -> AppError {
    AppError::Unreadable {
        code: e.code(),
        message: e.to_string(),
        input_fault: e.is_input_fault(),
    }
}

/// Load the models now (server start-up), off the async threads.
pub async fn warm() {
    let _ = tokio::task::spawn_blocking(engine).await;
}

impl App {
    /// Read an uploaded letter and propose its registration. Staff only;
    /// writes nothing but the audit entry (and the assistant's look-up entry
    /// when the petitioner has earlier cases).
    pub async fn read_letter(
        &self,
        staff: &Staff,
        file: &UploadedFile,
    ) -> Result<LetterReading, AppError> {
        // The attachment path's checks: size, and type by content.
        check_attachments(std::slice::from_ref(file), 0)?;
        let bytes = file.bytes.clone();
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len();
        let permit = ONE_AT_A_TIME
            .acquire()
            .await
            .map_err(|_| unreadable(&OcrError::Engine("队列已关闭".into())))?;
        let started = std::time::Instant::now();
        let reading = tokio::task::spawn_blocking(move || {
            let ocr = engine()?;
            ocr.read_file(&bytes, &Limits::default())
                .map_err(|e| unreadable(&e))
        })
        .await
        .map_err(|e| unreadable(&OcrError::Engine(e.to_string())))?;
        drop(permit);
        let seconds = started.elapsed().as_secs_f64();
        // Audited whether or not it could be read: someone looked at a scan.
        self.store
            .audit(
                "letter_read",
                "letter_read",
                &format!("user:{}", staff.username),
                &serde_json::json!({
                    "sha256": sha256,
                    "bytes": size,
                    "pages": reading.as_ref().map(|r| r.pages.len()).unwrap_or(0),
                    "lines": reading.as_ref().map(|r| r.lines().count()).unwrap_or(0),
                    "refused": reading.as_ref().err().map(|e| e.to_string()),
                }),
            )
            .await?;
        let reading = reading?;
        let lines: Vec<ReadLine> = reading
            .lines()
            .map(|l| ReadLine {
                text: l.text.clone(),
                bbox: l.bbox,
                confidence: (l.confidence * 1000.0).round() / 1000.0,
                page: l.page,
            })
            .collect();
        let registration = propose(&lines, self.now().date());
        let who = registration
            .petitioners
            .first()
            .cloned()
            .unwrap_or_default();
        let analysis = self
            .intake_assist(
                staff,
                &AssistInput {
                    name: who.name,
                    id_number: who.id_number.unwrap_or_default(),
                    phone: who.phone.unwrap_or_default(),
                    address: who.address,
                    request: registration.request.clone(),
                    facts: registration.facts.clone(),
                    reasons: String::new(),
                    region_code: String::new(),
                },
            )
            .await?;
        Ok(LetterReading {
            text: reading.text(),
            pages: reading
                .pages
                .iter()
                .map(|p| PageInfo {
                    width: p.width,
                    height: p.height,
                    skew_degrees: (p.skew_degrees * 100.0).round() / 100.0,
                })
                .collect(),
            lines,
            registration,
            analysis,
            seconds: (seconds * 100.0).round() / 100.0,
        })
    }
}
