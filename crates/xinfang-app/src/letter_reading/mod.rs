//! Reading a letter (issue #22): a scanned or photographed 来信 becomes text
//! lines with boxes, a proposed registration and — at once — the same
//! assistance the registration form gets as the registrar types (repeat
//! look-up, kind/category suggestion, risk terms). Nothing is registered
//! here (the registrar corrects and registers); the read is audited with the
//! file's SHA-256 like an attachment read, never with its content.
//!
//! `propose` is pure text → fields and is always built; the reading itself
//! needs the `ocr` feature (the PP-OCR models and tract, ~23 MB and minutes
//! of build time).

pub mod propose;
#[cfg(feature = "ocr")]
mod service;

use serde::Serialize;

pub use propose::{propose, FieldProposal, ProposedRegistration, ReadLine, SourceBox};

use crate::intake::assist::Assist;

/// One page as read.
#[derive(Clone, Debug, Serialize)]
pub struct PageInfo {
    /// Size of the page the boxes refer to (after EXIF orientation and
    /// shrinking to the working size).
    pub width: u32,
    pub height: u32,
    pub skew_degrees: f32,
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
