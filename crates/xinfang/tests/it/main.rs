//! The crate's integration tests, one binary: each module covers one area.
// Helpers outside `#[test]` functions unwrap too: a panic is the test's failure report.
#![allow(clippy::unwrap_used)]
mod bench_classify;
mod browser;
mod browser_accounts;
mod browser_phone;
mod browser_sign_in;
mod browser_staff;
mod chain_key;
mod citus_sql;
mod cli;
mod crash;
mod crypto;
mod documents_verify;
mod events_serve;
mod failover;
mod import_cli;
mod index_key;
mod server;
mod shared_file;
mod sigterm;
mod tls_serve;
mod two_nodes;
