//! Application services: the one code path every entry point (HTTP API,
//! pages, CLI, demo generator, and the benchmarks of `xinfang-bench`) goes through. A service call
//! parses nothing and renders nothing: it loads, asks the domain, and stores
//! the event and projection in one transaction.

pub mod accounts;
pub mod actions;
pub mod admin;
pub mod analytics;
pub mod auth;
pub mod campaigns;
pub mod demo;
pub mod directory;
pub mod document_seal;
pub mod documents;
pub mod drafts;
pub mod error;
pub mod events;
pub mod export;
pub mod held_files;
pub mod hot_terms;
pub mod import;
pub mod intake;
pub mod intelligence;
pub mod leadership;
pub mod ledgers;
pub mod letter_reading;
pub mod lockout;
pub mod notify;
pub mod period;
pub mod plain_words;
pub mod projection;
pub mod rankings;
pub mod reception;
pub mod reports;
pub mod scanner;
pub mod scope;
pub mod search;
pub mod sign_in;
pub mod state;
pub mod stats;
pub mod supervision;
pub mod totp;
pub mod views;
pub mod warnings;
pub mod zero_reports;

pub use error::{AppError, FieldError};
pub use state::{App, TimeSource};
