//! The crate's integration tests, one binary: each module covers one area.
// Helpers outside `#[test]` functions unwrap too: a panic is the test's failure report.
#![allow(clippy::unwrap_used)]
mod bench_classify;
mod browser;
mod browser_accounts;
mod browser_phone;
mod browser_sign_in;
mod browser_staff;
mod citus_sql;
mod cli;
mod crash;
mod crypto;
mod documents_verify;
mod events_serve;
mod failover;
mod import_cli;
mod server;
mod shared_file;
mod tls_serve;
mod two_nodes;
