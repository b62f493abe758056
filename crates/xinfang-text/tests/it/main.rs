//! The crate's integration tests, one binary: each module covers one area.
// Helpers outside `#[test]` functions unwrap too: a panic is the test's failure report.
#![allow(clippy::unwrap_used)]
#[macro_use]
mod common;
mod analyze;
mod classify;
mod corpus_cv;
mod id_number;
mod phone_mask;
mod risk;
mod segment;
mod signature;
