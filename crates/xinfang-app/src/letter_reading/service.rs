//! The reader as a service: one engine per process, loaded on first use (or
//! at start-up by `warm`), reads one upload at a time — a read holds a few
//! hundred MB and both cores, so two at once would only double the memory
//! and each would take twice as long. The text of the last few reads is
//! remembered by the file's SHA-256, so registering the scan the registrar
//! has just read stores its text without reading it twice.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use xinfang_domain::Staff;
use xinfang_ocr::{Limits, Ocr, OcrError, Reading};

use super::{propose, LetterReading, PageInfo, ReadLine};
use crate::documents::{check_attachments, UploadedFile};
use crate::error::AppError;
use crate::intake::assist::AssistInput;
use crate::state::App;

static ENGINE: OnceLock<Result<Arc<Ocr>, String>> = OnceLock::new();
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);
/// (SHA-256, text) of the last reads, newest last.
static RECENT: Mutex<VecDeque<(String, String)>> = Mutex::new(VecDeque::new());
/// How many reads are remembered (a registrar reads, corrects, registers;
/// a few windows may do so at once).
const REMEMBERED: usize = 16;

fn remember(sha256: &str, text: &str) {
    let mut recent = RECENT.lock().unwrap_or_else(|e| e.into_inner());
    recent.retain(|(h, _)| h != sha256);
    if recent.len() >= REMEMBERED {
        recent.pop_front();
    }
    recent.push_back((sha256.to_string(), text.to_string()));
}

fn remembered(sha256: &str) -> Option<String> {
    let recent = RECENT.lock().unwrap_or_else(|e| e.into_inner());
    recent
        .iter()
        .find(|(h, _)| h == sha256)
        .map(|(_, t)| t.clone())
}

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

fn queue_closed() -> AppError {
    unreadable(&OcrError::Engine("队列已关闭".into()))
}

/// Read `bytes` on a blocking thread (the caller holds [`ONE_AT_A_TIME`]).
/// `Err`: the engine is not there; `Ok(Err)`: the file was refused.
async fn read_blocking(bytes: Vec<u8>) -> Result<Result<Reading, OcrError>, AppError> {
    tokio::task::spawn_blocking(move || Ok(engine()?.read_file(&bytes, &Limits::default())))
        .await
        .map_err(|e| unreadable(&OcrError::Engine(e.to_string())))?
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
        let permit = ONE_AT_A_TIME.acquire().await.map_err(|_| queue_closed())?;
        let started = std::time::Instant::now();
        let reading = read_blocking(bytes)
            .await
            .and_then(|r| r.map_err(|e| unreadable(&e)));
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
        remember(&sha256, &reading.text());
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
                    turned_degrees: p.turned_degrees,
                })
                .collect(),
            lines,
            registration,
            analysis,
            seconds: (seconds * 100.0).round() / 100.0,
        })
    }
}

impl App {
    /// The text of a file: remembered by its SHA-256 from an earlier read
    /// (the registrar's on the form, or the background reader's), else read
    /// now, one read at a time. A read is audited as `actor`, with `about`
    /// (case number, attachment) besides hash, size, lines and any refusal
    /// — never the text. `Err` when the engine is not there; `Ok(Err)` when
    /// the file was refused.
    async fn text_of(
        &self,
        actor: &str,
        sha256: &str,
        bytes: &[u8],
        about: serde_json::Value,
    ) -> Result<Result<String, OcrError>, AppError> {
        if let Some(text) = remembered(sha256) {
            return Ok(Ok(text));
        }
        let permit = ONE_AT_A_TIME.acquire().await.map_err(|_| queue_closed())?;
        // Another read of the same file may have finished while this waited.
        if let Some(text) = remembered(sha256) {
            return Ok(Ok(text));
        }
        let read = read_blocking(bytes.to_vec()).await;
        drop(permit);
        let refused = match &read {
            Err(e) => Some(e.to_string()),
            Ok(Err(e)) => Some(e.to_string()),
            Ok(Ok(_)) => None,
        };
        let mut entry = serde_json::json!({
            "sha256": sha256,
            "bytes": bytes.len(),
            "lines": read.as_ref().ok().and_then(|r| r.as_ref().ok()).map(|r| r.lines().count()).unwrap_or(0),
            "refused": refused,
        });
        if let (Some(entry), serde_json::Value::Object(about)) = (entry.as_object_mut(), about) {
            entry.extend(about);
        }
        self.store
            .audit("letter_read", "letter_read", actor, &entry)
            .await?;
        let text = read?.map(|r| r.text());
        if let Ok(t) = &text {
            remember(sha256, t);
        }
        Ok(text)
    }

    /// The read text of a scan registered with a letter ([`App::text_of`],
    /// audited with the case number). None when it cannot be read or holds
    /// no text.
    pub(super) async fn scan_text(
        &self,
        staff: &Staff,
        case_no: &str,
        file: &UploadedFile,
    ) -> Option<String> {
        let sha256 = hex::encode(Sha256::digest(&file.bytes));
        let actor = format!("user:{}", staff.username);
        let about = serde_json::json!({ "case_no": case_no });
        let text = self.text_of(&actor, &sha256, &file.bytes, about).await;
        text.ok()?.ok().filter(|t| !t.trim().is_empty())
    }

    /// Read up to `limit` attachments not yet read (issue #22: a scan's text
    /// is searchable whichever path brought it — the registration form, the
    /// portal's 证明材料, the API) and store their text, or mark them read
    /// without text, claiming them first so that another `serve` node on the
    /// same database does not read them too. Each read is audited as the reader's
    /// (`system:scan_reader`) with case number, attachment and hash. Returns
    /// how many were read. Stops without marking anything when the engine
    /// itself cannot load (the files are not at fault); a file the engine
    /// refuses is marked read without text, so it cannot hold up the rest.
    pub async fn read_unread_scans(&self, limit: i64) -> Result<usize, AppError> {
        // Claimed for longer than a few reads take, so that another node
        // does not read them too; a node that dies mid-read leaves them to
        // the others when the claim lapses.
        let lease = std::time::Duration::from_secs(300);
        let waiting = self.store.claim_unread_scans(limit, lease).await?;
        for scan in &waiting {
            let about = serde_json::json!({ "case_no": scan.case_no, "attachment": scan.id });
            let text = self
                .text_of("system:scan_reader", &scan.sha256, &scan.content, about)
                .await?;
            match text {
                Ok(t) if !t.trim().is_empty() => {
                    self.store
                        .set_attachment_text(scan.case_id, scan.id, &t)
                        .await?;
                }
                _ => {
                    self.store
                        .set_attachment_unreadable(scan.case_id, scan.id)
                        .await?;
                }
            }
        }
        Ok(waiting.len())
    }
}
