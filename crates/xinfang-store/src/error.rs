//! Store errors: database failures, optimistic-concurrency conflicts and
//! corrupt stored data (and values that cannot be encoded), kept apart so the web layer can answer 409 vs 500.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the case was changed by someone else; reload and try again")]
    Conflict,
    #[error("not found")]
    NotFound,
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    #[error("unsupported database url: {0}")]
    Url(String),
    /// The database cannot be reached or is read-only for now (a failover
    /// under way): the outcome is not stored, the client should retry.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A value could not be written as JSON (a map with non-string keys, a
    /// failing `Serialize`): nothing is stored rather than a silent null.
    #[error("could not encode as JSON: {0}")]
    Encode(String),
}

/// `value` as a JSON value for a stored column or an audit entry; a
/// serialisation failure is [`StoreError::Encode`], never a silent null.
pub fn json_value<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Encode(e.to_string()))
}

/// `value` as JSON text for a stored setting; a serialisation failure is
/// [`StoreError::Encode`], never an empty string.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Encode(e.to_string()))
}

impl StoreError {
    /// Whether the failure is the database being away (connection lost or
    /// refused, pool timed out, server shutting down or read-only) rather
    /// than the request: answered 503 + `Retry-After`, worth retrying.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Db(e) => is_unavailable(e),
            _ => false,
        }
    }
}

/// SQLSTATE classes and codes that mean "not now, try again elsewhere/later":
/// 08 connection exception, 57P01–57P03 shutdown / cannot connect now,
/// 25006 read-only transaction (a standby), 53300 too many connections.
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Protocol(m) => m.contains("standby") || m.contains("connection"),
        sqlx::Error::Database(d) => d.code().is_some_and(|c| {
            c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03" | "25006" | "53300")
        }),
        _ => false,
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl From<xinfang_crypto::CryptoError> for StoreError {
    fn from(e: xinfang_crypto::CryptoError) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
