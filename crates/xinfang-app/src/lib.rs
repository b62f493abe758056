//! Application services: the one code path every entry point (HTTP API,
//! pages, CLI, demo generator, benchmarks) goes through. A service call
//! parses nothing and renders nothing: it loads, asks the domain, and stores
//! the event and projection in one transaction.

pub mod actions;
pub mod admin;
pub mod auth;
pub mod bench;
pub mod bench_classify;
pub mod bench_gen;
pub mod calendar_admin;
pub mod campaigns;
pub mod demo;
pub mod error;
pub mod export;
pub mod intake;
pub mod intelligence;
pub mod leadership;
pub mod projection;
pub mod repeats;
pub mod reports;
pub mod scanner;
pub mod state;
pub mod stats;
pub mod supervision;
pub mod views;
pub mod warnings;

pub use error::{AppError, FieldError};
pub use state::{App, TimeSource};
