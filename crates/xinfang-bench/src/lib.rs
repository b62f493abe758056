//! The benchmarks behind `xinfang bench …`, in their own crate so that the
//! services (`xinfang-app`) and the web layer carry no measuring code and a
//! change to a benchmark rebuilds only this crate and the binary. Each
//! benchmark drives the same service path a user's request takes — nothing
//! here is a shortcut into the store — and returns a report the binary
//! prints as one JSON line.
//!
//! - [`intake`]: registrations through `App::intake` (closed or open loop),
//!   with the repeat check scored against [`synthetic`]'s ground truth;
//!   also the process RSS and percentile helpers the others use.
//! - [`synthetic`]: the intake benchmark's generated submissions.
//! - [`stats`]: the statistics overview, rankings and clock scanner over a
//!   store filled to N cases.
//! - [`classify`]: cross-validation of the intake suggestions on the
//!   labelled corpus `data/bench/petitions.tsv`.
//! - [`search`]: indexing and querying N synthetic petitions.
//! - [`ocr`] (feature `ocr`): reading synthetic letters under degradations.
//! - [`http`]: a real `xinfang serve` child under load from this process.
//! - [`setup`]: the fresh or filled store a benchmark runs on.

pub mod classify;
pub mod http;
pub mod intake;
#[cfg(feature = "ocr")]
pub mod ocr;
pub mod search;
pub mod setup;
pub mod stats;
pub mod synthetic;
