//! The index handle: open or create on disk (or in memory), upsert
//! documents, and commit them together with the outbox cursor as the commit
//! payload — so after a crash the index and its cursor always agree.

use crate::doc::{day_number, IndexDoc};
use crate::schema::{build, fields_of, register_tokenizers, Fields};
use crate::SearchError;
use std::path::Path;
use std::sync::Mutex;
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Writer heap for normal operation (the outbox brings a few cases at a time).
const WRITER_HEAP: usize = 50_000_000;

/// An open search index with its single writer.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Open the index in `dir`, creating the directory and an empty index if
    /// needed. An index with another schema is an error (delete the directory
    /// and run `xinfang reindex`).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        Self::open_with_heap(dir, WRITER_HEAP)
    }

    /// Like [`SearchIndex::open`] with a given writer heap (bulk loads want more).
    pub fn open_with_heap(dir: &Path, heap: usize) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Dir(format!("{}: {e}", dir.display())))?;
        let mmap = MmapDirectory::open(dir).map_err(|e| SearchError::Dir(e.to_string()))?;
        let index = Index::open_or_create(mmap, build().0)?;
        Self::from_index(index, heap)
    }

    /// A throw-away index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        Self::from_index(Index::create_in_ram(build().0), WRITER_HEAP)
    }

    fn from_index(index: Index, heap: usize) -> Result<SearchIndex, SearchError> {
        register_tokenizers(&index);
        let fields = fields_of(&index.schema())
            .ok_or_else(|| SearchError::Dir("索引结构不符，请删除索引目录后重建".into()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer(heap)?;
        crate::merge_priority::lowest_for_merges();
        Ok(SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(writer),
        })
    }

    /// The outbox id of the last committed batch (0 for a new index).
    pub fn cursor(&self) -> Result<i64, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0))
    }

    /// Number of documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Replace the documents of these cases (by case number) and commit with
    /// `cursor` as the payload; searches see the result on return.
    pub fn upsert(&self, docs: &[IndexDoc], cursor: i64) -> Result<(), SearchError> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for d in docs {
            w.delete_term(Term::from_field_text(self.fields.case_no, &d.case_no));
            w.add_document(self.to_doc(d))?;
        }
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload(&cursor.to_string());
        prepared.commit()?;
        drop(w);
        self.reader.reload()?;
        Ok(())
    }

    /// Add documents without deleting first and without committing (bulk
    /// rebuild into an empty index; finish with [`SearchIndex::upsert`] of
    /// nothing to commit the cursor).
    pub fn add_bulk(&self, docs: &[IndexDoc]) -> Result<(), SearchError> {
        let w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for d in docs {
            w.add_document(self.to_doc(d))?;
        }
        Ok(())
    }

    /// Remove every document (a rebuild starts here); not committed until the
    /// next [`SearchIndex::upsert`].
    pub fn clear(&self) -> Result<(), SearchError> {
        let w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.delete_all_documents()?;
        Ok(())
    }

    fn to_doc(&self, d: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.case_no, &d.case_no);
        doc.add_text(f.content, &d.content);
        doc.add_text(f.names, &d.names);
        // Every prefix of the region code, so a city code finds its districts.
        let code = &d.region_code;
        for n in (2..=code.len()).filter(|n| code.is_char_boundary(*n)) {
            doc.add_text(f.region, &code[..n]);
        }
        for u in &d.scope_units {
            doc.add_u64(f.scope_units, *u);
        }
        for u in &d.units {
            doc.add_u64(f.direct_units, *u);
        }
        if let Some(a) = d.accused_unit {
            doc.add_u64(f.accused_unit, a);
        }
        doc.add_u64(f.current_unit, d.current_unit);
        doc.add_text(f.channel, &d.channel);
        doc.add_text(f.kind, &d.kind);
        if let Some(c) = &d.category {
            doc.add_text(f.category, c);
        }
        doc.add_text(f.status, &d.status);
        doc.add_i64(f.registered_on, day_number(d.registered_on));
        for fl in &d.flags {
            doc.add_text(f.flags, fl.key());
        }
        doc
    }
}
