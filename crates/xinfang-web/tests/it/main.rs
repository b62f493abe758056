//! The crate's integration tests, one binary: each module covers one area.
#[macro_use]
mod common;
mod admin;
mod admin_pages;
mod analytics;
mod authz_matrix;
mod campaign_period;
mod campaigns;
mod clocks;
mod documents;
mod export;
mod import_history;
mod intake_group;
mod intake_repeats;
mod intelligence;
mod leadership;
mod ledger_pages;
mod lifecycle;
mod nav;
mod pages;
mod refusals;
mod reports;
mod search;
mod security;
mod stats;
mod stats_rollup;
mod supervision;
