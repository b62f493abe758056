//! The crate's integration tests, one binary: each module covers one area.
// Helpers outside `#[test]` functions unwrap too: a panic is the test's failure report.
#![allow(clippy::unwrap_used)]
#[macro_use]
mod common;
mod accusation_paths;
mod admin;
mod admin_pages;
mod analytics;
mod at_rest;
mod authz_matrix;
mod campaign_period;
mod campaigns;
mod clocks;
mod dashboard;
mod directory_login;
mod document_seal;
mod documents;
mod documents_pdf;
mod events;
mod events_admin;
mod events_amqp;
mod events_example;
mod events_kit;
mod events_scope;
mod export;
mod idempotency;
mod import_history;
mod intake_group;
mod intake_repeats;
mod intelligence;
mod law_rules;
mod leadership;
mod ledger_pages;
#[cfg(feature = "ocr")]
mod letter_reading;
mod lifecycle;
mod nav;
mod notify;
mod notify_smpp;
mod openapi_snapshot;
mod pages;
mod petitioner_accounts;
mod portal;
mod reception_online;
mod refusals;
mod reports;
mod scope_area;
mod search;
mod security;
mod sign_in;
mod sign_off;
mod stats;
mod stats_rollup;
mod supervision;
mod window_accounts;
mod work_orders;
mod workbench;
