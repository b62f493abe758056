//! The crate's integration tests, one binary: each module covers one area.
mod calendar_table;
mod clock_properties;
