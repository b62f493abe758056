//! Store errors: database failures, optimistic-concurrency conflicts and
//! corrupt stored data, kept apart so the web layer can answer 409 vs 500.

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
