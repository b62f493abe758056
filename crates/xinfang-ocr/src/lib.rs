//! Reading scanned and photographed letters inside the binary (issue #22).
//!
//! Letters (来信) are still a main channel and registrars type them in by
//! hand. This crate turns a JPEG, PNG or image PDF into text lines with boxes
//! and confidences, offline: PaddleOCR's PP-OCRv4 Chinese detection (DB) and
//! recognition (CTC) models, vendored under `models/` (see PROVENANCE.md) and
//! embedded with `include_bytes!`, run on tract — a pure-Rust ONNX runtime, so
//! nothing native is shipped and nothing is fetched at run time.
//!
//! A leaf crate: it knows nothing of cases; `xinfang-app` turns the text into
//! a proposed registration.

mod det;
mod engine;
mod error;
mod geometry;
mod input;
pub mod metrics;
mod order;
mod orient;
mod rec;
pub mod synth;

pub use engine::{Line, Ocr, Page, Reading};
pub use error::OcrError;
pub use input::{decode_pages, sniff, Kind, Limits};
