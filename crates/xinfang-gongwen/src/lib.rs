//! 公文 as GB/T 9704-2012 lays them out, and their PDF, made by the binary
//! itself (issue #16 items 2–3): a petitioner must be able to keep the
//! decision that starts their 30-day window as a file, and a printed letter
//! must look like one a government office sends.
//!
//! [`layout`] places every element of a [`Letter`] on A4 pages (信函格式,
//! §10.1, on the standard page of §5.2); the print view (an SVG per page in
//! `xinfang-web`) and [`pdf`] draw that one layout, so they agree line for line.
//!
//! PDF: [krilla](https://crates.io/crates/krilla) (MIT/Apache-2.0), without its
//! default features — no image decoders, no shaping engine; it subsets the
//! fonts per document and writes CID fonts with ToUnicode maps. Chosen over
//! printpdf (whose current version pulls in an HTML layout engine and
//! allsorts; older ones embed whole fonts) and over pdf-writer + subsetter
//! alone (krilla is their maintained high-level layer: the same two crates
//! plus font handling we would otherwise write).
//!
//! Fonts (subsets made by `scripts/vendor-fonts.sh`, embedded with
//! `include_bytes!`, licences in `fonts/`):
//! - 仿宋: FandolFang Regular (Fandol team; GPL with the GPL font exception,
//!   so a PDF embedding it is not covered by the GPL), from Debian's
//!   `texlive-lang-chinese`;
//! - 小标宋: Noto Serif CJK SC Bold (Adobe/Google; SIL OFL 1.1), from Debian's
//!   `fonts-noto-cjk`;
//! - 黑体: Noto Sans CJK SC Regular (SIL OFL 1.1), same package.

pub mod fonts;
pub mod layout;
pub mod pdf;

pub use fonts::Face;
pub use layout::{layout, Layout, Letter};
pub use pdf::{pdf, PdfError};
