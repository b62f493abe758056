//! Storage for xinfang. One implementation in portable SQL over sqlx's `Any`
//! driver serves both SQLite (embedded default, WAL, fsync on commit) and
//! PostgreSQL (and its wire-compatible distributed relatives); the dialects
//! differ only in their migration files (`migrations/<dialect>/`). Placeholders
//! are `$N`, which both drivers accept. Every change to a case is one
//! transaction: projection row + hash-chained event + search outbox row.

mod accounts;
mod admin;
mod alerts;
pub mod anchors;
mod area;
mod backup;
mod bulk;
mod campaigns;
mod case_rows;
mod cases;
mod chain;
mod chain_rotation;
mod connect;
mod db;
mod deliveries;
mod documents;
mod drafts;
mod error;
mod failover;
mod filter;
mod held_uploads;
mod idempotency;
mod imports;
mod intake;
mod keys;
mod leadership;
mod messages;
mod org;
pub mod pii;
mod protect;
mod protect_accounts;
mod protect_secrets;
mod pumps;
mod reblind;
mod reception;
mod replicas;
mod reports;
mod rows;
mod scope;
mod search_feed;
mod second_factor;
mod settings;
mod signatures;
mod sqlite;
mod stats;
mod submission_list;
mod supervisions;
mod tokens;
mod unread_scans;
mod upkeep;
mod warnings;
mod webhooks;
mod work_orders;

pub use accounts::{PetitionerAccountRow, SignInCodeRow};
pub use admin::{NewZeroReport, UserChange, ZeroReportRow};
pub use alerts::{AlertRow, NewAlert};
pub use area::common_area;
pub use campaigns::{CampaignItemRow, CampaignRow, DisputeChange, DisputeRow, NewDispute};
pub use cases::{CaseListRow, NewCaseRecord, Projection, StoredEvent};
pub use chain::AuditEntry;
pub use chain_rotation::CHAIN_KEY_CHANGED;
pub use connect::{Dialect, Store};
pub use deliveries::{Attempt, DeliveryRow, NewDelivery};
pub use documents::{AttachmentRow, DocumentRow, NewAttachment, NewDocument};
pub use drafts::{DraftRow, NewDraft};
pub use error::{json_text, json_value, StoreError};
pub use failover::split_hosts;
pub use filter::{CaseFilter, CaseSort, DateBasis, SubmissionFilter, FACTS};
pub use held_uploads::HeldUpload;
pub use idempotency::{Idempotency, Replay};
pub use imports::{ImportedCase, ImportedStep};
pub use intake::group::{GroupStats, IntakeWrite, IntakeWritten, MAX_BATCH};
pub use keys::{install_keys, installed_keys, set_key_reloader};
pub use leadership::{InstructionRow, OwnershipRow, ProgressRow};
pub use messages::{MessageRow, NewMessage};
pub use org::{NewUser, UserRecord};
pub use protect::{HeadState, ProtectReport};
pub use pumps::LogEvent;
pub use reblind::ReblindReport;
pub use reception::{AppointmentRow, NewAppointment, NewSession, SessionRow};
pub use replicas::{on_primary, on_primary_now, OWN_WRITES_WINDOW};
pub use reports::{AccountabilityRow, AnnualCounts};
pub use scope::CaseScope;
pub use search_feed::OutboxRow;
pub use second_factor::SecondFactorRow;
pub use signatures::{NewSigningKey, SignatureRow, SigningKeyRow};
pub use stats::breakdown::BreakdownRow;
pub use stats::rollup::FoldReport;
pub use stats::rollup_breakdown::{RollupBreakdowns, DIMENSIONS as BREAKDOWN_DIMENSIONS};
pub use stats::{OverviewCounts, StatsScope};
pub use submission_list::SubmissionListRow;
pub use supervisions::{NewSupervision, SupervisionRow};
pub use tokens::TokenKind;
pub use unread_scans::UnreadScan;
pub use upkeep::Upkeep;
pub use warnings::{NewWarning, WarningRow};
pub use webhooks::{WebhookFields, WebhookRow};
pub use work_orders::Reservation;

/// Current time in Asia/Shanghai (UTC+8, no DST) as stored text.
pub fn now_text() -> String {
    fmt_time(shanghai_now())
}

/// Current wall-clock time in Asia/Shanghai.
pub fn shanghai_now() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc()
}

/// Stored text form of a time.
pub fn fmt_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}
