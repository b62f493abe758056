//! The crate's integration tests, one binary: each module covers one area.
// Helpers outside `#[test]` functions unwrap too: a panic is the test's failure report.
#![allow(clippy::unwrap_used)]
mod calendar_table;
mod clock_properties;
