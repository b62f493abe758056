//! Full-text search over petitions (信访事项).
//!
//! The index is a cache of the store: the application feeds it from the
//! outbox after each commit and can rebuild it at any time (`xinfang
//! reindex`). Documents carry the content (请求、事实、理由), the case number,
//! petitioner names (queried only for authorised callers), the filters of
//! the case lists, and what the data-scope rule needs — so scope is part of
//! every query, not a filter applied to a page of results afterwards.
//!
//! Chinese is tokenised with jieba plus the project's domain dictionary
//! (`xinfang_text::Segmenter`), in search mode for documents (long words also
//! yield their dictionary sub-words) and precise mode for queries.

mod doc;
mod index;
mod merge_priority;
mod query;
mod schema;
mod tokenizer;

pub use doc::{scope_units, Flag, IndexDoc};
pub use index::SearchIndex;
pub use query::{Scope, SearchHit, SearchQuery, SearchResults, UNRESOLVED_ACCUSED};

/// What can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy failed (I/O, corrupt index, lock held by another process).
    #[error("检索索引错误：{0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be opened or created.
    #[error("检索索引目录错误：{0}")]
    Dir(String),
}

impl SearchError {
    /// Another process (a running `serve`) holds the index's writer lock.
    pub fn is_locked(&self) -> bool {
        matches!(
            self,
            SearchError::Index(tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _
            ))
        )
    }
}

#[cfg(test)]
mod tests;
