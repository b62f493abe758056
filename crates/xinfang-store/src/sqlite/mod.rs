//! What only a SQLite file has: the intake writer's own rusqlite connection
//! (`write`) and its two threads (`group`: write the next batch while the
//! last one is made durable), the hot-path reads beside it (`read`), the WAL
//! checkpoint thread (`checkpoint`), planner statistics without per-value
//! re-preparing (`analyze`) and fsync through SQLite's own file
//! handles (`file_sync`). Everything else is portable SQL over sqlx.

pub(crate) mod analyze;
pub(crate) mod checkpoint;
pub(crate) mod file_sync;
pub(crate) mod group;
pub(crate) mod read;
pub(crate) mod write;
