//! The pure core of xinfang: what a petition case is, what may happen to it and
//! when, according to the 《信访工作条例》(2022). Nothing here does IO, so every
//! rule can be tested in isolation and shared by the API, the pages, the demo
//! generator and the benchmarks.

pub mod actor;
pub mod audit;
pub mod blanks;
pub mod calendar;
pub mod campaign;
pub mod case;
pub mod clock;
pub mod document;
pub mod error;
pub mod hot;
pub mod metrics;
pub mod org;
pub mod outbound;
pub mod ownership;
pub mod reception;
pub mod scope;
pub mod supervision;
pub mod taxonomy;

pub use actor::{Actor, Staff};
pub use error::DomainError;
pub use org::{OrgTree, Role, Unit, UnitId, UnitKind, UnitLevel, UserId};
