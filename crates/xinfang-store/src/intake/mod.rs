//! Writing registrations: group commit (`group`: one writer, one
//! transaction per batch of waiting registrations, each caller acknowledged
//! once durable) and its fast path (`batch`: one multi-row statement per
//! table). On a SQLite file the writer is `crate::sqlite::group`.

pub(crate) mod batch;
pub(crate) mod group;
