//! Queries: the user's words and phrases, the filters, and the viewer's
//! data scope — all inside one tantivy query, so paging and totals only
//! ever count what the viewer may see.
//!
//! Scope (see `xinfang_domain::scope::can_see`): a viewer sees a case iff
//! their unit is an ancestor-or-self of one of the case's units, and never a
//! 检举控告 whose accused unit is their unit or one of its ancestors
//! (第三十条). Petitioner names are searched and shown only where the viewer
//! is authorised: their unit is one of the case's own units.

use crate::doc::{day_number, from_day_number, Flag};
use crate::index::SearchIndex;
use crate::schema::Fields;
use crate::tokenizer::tokens;
use crate::SearchError;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

/// The `accused_unit` term of a 检举控告 whose accused is not resolved to a unit.
pub const UNRESOLVED_ACCUSED: u64 = u64::MAX;

/// Who is searching.
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    /// Everything (system jobs, benchmarks).
    All,
    /// A staff member of `unit`.
    Viewer {
        unit: u64,
        /// The root of the area the viewer reads (`Viewer::reach`).
        reach: u64,
        /// Accused units whose 检举控告 are hidden from the viewer: their unit,
        /// its ancestors and the units below it ([`UNRESOLVED_ACCUSED`] when
        /// the viewer may not see an accusation with an unresolved accused).
        chain: Vec<u64>,
        /// The viewer's roles allow reading petitioner identities
        /// (registrar/handler); names then match on the viewer's own cases.
        names: bool,
    },
}

/// A search request. Empty `q` lists the scope newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchQuery {
    /// Words, "quoted phrases" and case numbers.
    pub q: String,
    /// Region code or a prefix of it (a city finds its districts).
    pub region: Option<String>,
    /// Cases handled within this unit's subtree.
    pub unit: Option<u64>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    /// Any of these statuses (empty = all).
    pub statuses: Vec<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// All of these flags.
    pub flags: Vec<Flag>,
    pub limit: usize,
    pub offset: usize,
}

/// One result.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub case_no: String,
    pub score: f32,
    pub kind: String,
    pub status: String,
    pub channel: String,
    pub registered_on: Option<NaiveDate>,
    pub current_unit: u64,
    /// HTML: the best content fragment, escaped, matches in `<b>`.
    pub snippet: String,
    /// Petitioner names, only for an authorised viewer of this case.
    pub names: Option<String>,
    /// The case's own units (for the caller's double check).
    pub units: Vec<u64>,
}

/// A page of results and the total in scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

type Clause = (Occur, Box<dyn Query>);

fn term_q(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn text_term(f: Field, s: &str) -> Term {
    Term::from_field_text(f, s)
}

/// Split `q` into quoted phrases and free text ("…" or “…”).
fn split_phrases(q: &str) -> (Vec<String>, String) {
    let mut phrases = vec![];
    let mut free = String::new();
    let mut cur = String::new();
    let mut in_quote = false;
    for c in q.chars() {
        match c {
            '"' | '“' | '”' | '「' | '」' => {
                if in_quote && !cur.trim().is_empty() {
                    phrases.push(std::mem::take(&mut cur));
                } else {
                    free.push_str(&cur);
                    free.push(' ');
                    cur.clear();
                }
                in_quote = !in_quote;
            }
            c if in_quote => cur.push(c),
            c => free.push(c),
        }
    }
    free.push(' ');
    free.push_str(&cur);
    (phrases, free)
}

/// A case number as typed (XF…, letters and digits only).
fn as_case_no(word: &str) -> Option<String> {
    let up = word.to_ascii_uppercase();
    (up.starts_with("XF") && up.len() >= 6 && up.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(up)
}

/// A long query word as a phrase of its dictionary sub-words (征地拆迁 →
/// 征地@0 拆迁@2): jieba cuts a word differently in context (a document may
/// have 征地 + 拆迁补偿款), and document positions are character offsets, so
/// the phrase still finds the word as written. None for short words.
fn tiling(original: &str, word: &str) -> Option<Vec<(usize, String)>> {
    let len = original.chars().count();
    if len < 3 {
        return None;
    }
    let subs: Vec<_> = tokens(original, true)
        .into_iter()
        .filter(|t| t.text != word)
        .collect();
    let mut out = vec![];
    let mut pos = 0;
    while pos < len {
        match subs
            .iter()
            .filter(|t| t.position == pos)
            .max_by_key(|t| t.text.chars().count())
        {
            Some(t) => {
                out.push((pos, t.text.clone()));
                pos += t.text.chars().count().max(1);
            }
            None => pos += 1,
        }
    }
    (out.len() >= 2).then_some(out)
}

impl SearchIndex {
    fn names_clause(&self, scope: &Scope, q: Box<dyn Query>) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        match scope {
            Scope::All => Some(q),
            Scope::Viewer {
                unit, names: true, ..
            } => Some(Box::new(BooleanQuery::new(vec![
                (Occur::Must, q),
                (
                    Occur::Must,
                    filter(term_q(Term::from_field_u64(f.direct_units, *unit))),
                ),
            ]))),
            Scope::Viewer { .. } => None,
        }
    }

    /// Text clauses: every word or phrase must match content (or names
    /// where allowed); a case number matches exactly.
    fn text_clauses(&self, q: &str, scope: &Scope) -> Vec<Clause> {
        let f = &self.fields;
        let (phrases, free) = split_phrases(q);
        let mut out: Vec<Clause> = vec![];
        // Each group must match; it matches if any of its alternatives (a
        // term, or a phrase with character offsets) does.
        let mut groups: Vec<Vec<Vec<(usize, String)>>> = vec![];
        for word in free.split_whitespace() {
            if let Some(no) = as_case_no(word) {
                out.push((Occur::Must, term_q(text_term(f.case_no, &no))));
                continue;
            }
            for t in tokens(word, false) {
                let mut alts = vec![vec![(0, t.text.clone())]];
                alts.extend(tiling(&word[t.offset_from..t.offset_to], &t.text));
                groups.push(alts);
            }
        }
        for p in &phrases {
            let toks = tokens(p, false);
            if let Some(first) = toks.first().map(|t| t.position) {
                groups.push(vec![toks
                    .into_iter()
                    .map(|t| (t.position - first, t.text))
                    .collect()]);
            }
        }
        for g in groups {
            let on = |field: Field| -> Box<dyn Query> {
                let alts: Vec<Box<dyn Query>> = g
                    .iter()
                    .map(|a| -> Box<dyn Query> {
                        if a.len() == 1 {
                            term_q(text_term(field, &a[0].1))
                        } else {
                            Box::new(PhraseQuery::new_with_offset(
                                a.iter().map(|(o, t)| (*o, text_term(field, t))).collect(),
                            ))
                        }
                    })
                    .collect();
                Box::new(BooleanQuery::union(alts))
            };
            let mut alts: Vec<Clause> = vec![(Occur::Should, on(f.content))];
            if let Some(n) = self.names_clause(scope, on(f.names)) {
                alts.push((Occur::Should, n));
            }
            out.push((Occur::Must, Box::new(BooleanQuery::new(alts))));
        }
        out
    }

    fn scope_clauses(&self, scope: &Scope) -> Vec<Clause> {
        let f = &self.fields;
        match scope {
            Scope::All => vec![],
            Scope::Viewer { reach, chain, .. } => vec![
                (
                    Occur::Must,
                    filter(term_q(Term::from_field_u64(f.scope_units, *reach))),
                ),
                (
                    Occur::MustNot,
                    Box::new(TermSetQuery::new(
                        chain
                            .iter()
                            .map(|u| Term::from_field_u64(f.accused_unit, *u)),
                    )),
                ),
            ],
        }
    }

    fn filter_clauses(&self, s: &SearchQuery) -> Vec<Clause> {
        let f = &self.fields;
        let mut out: Vec<Clause> = vec![];
        let mut must = |q: Box<dyn Query>| out.push((Occur::Must, filter(q)));
        for (field, v) in [
            (f.region, &s.region),
            (f.channel, &s.channel),
            (f.kind, &s.kind),
            (f.category, &s.category),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                must(term_q(text_term(field, v)));
            }
        }
        if let Some(u) = s.unit {
            must(term_q(Term::from_field_u64(f.scope_units, u)));
        }
        if !s.statuses.is_empty() {
            must(Box::new(TermSetQuery::new(
                s.statuses.iter().map(|st| text_term(f.status, st)),
            )));
        }
        if s.from.is_some() || s.to.is_some() {
            let b = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_i64(f.registered_on, day_number(d))),
                None => Bound::Unbounded,
            };
            must(Box::new(RangeQuery::new(b(s.from), b(s.to))));
        }
        for fl in &s.flags {
            must(term_q(text_term(f.flags, fl.key())));
        }
        out
    }

    /// Run a search for `scope`.
    pub fn search(&self, s: &SearchQuery, scope: &Scope) -> Result<SearchResults, SearchError> {
        let text = self.text_clauses(&s.q, scope);
        let has_text = !text.is_empty();
        let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(
            text.iter().map(|(o, q)| (*o, q.box_clone())).collect(),
        ));
        let mut clauses = text;
        clauses.extend(self.filter_clauses(s));
        clauses.extend(self.scope_clauses(scope));
        self.run(
            clauses,
            has_text.then_some(text_query),
            s.limit,
            s.offset,
            scope,
        )
    }

    /// Cases like `case_no` (same scope): a query of the case's most
    /// distinctive words (tf·idf over the index), the case itself excluded.
    pub fn similar(
        &self,
        case_no: &str,
        scope: &Scope,
        limit: usize,
    ) -> Result<SearchResults, SearchError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let own = searcher.search(
            &TermQuery::new(text_term(f.case_no, case_no), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, addr)) = own.first() else {
            return Ok(SearchResults::default());
        };
        let doc: TantivyDocument = searcher.doc(*addr)?;
        let content = doc
            .get_first(f.content)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut tf: HashMap<String, usize> = HashMap::new();
        for t in tokens(&content, false) {
            if t.text.chars().count() >= 2 {
                *tf.entry(t.text).or_default() += 1;
            }
        }
        let n = searcher.num_docs() as f64;
        let mut weighted: Vec<(f64, String)> = vec![];
        for (t, c) in tf {
            let df = searcher.doc_freq(&text_term(f.content, &t))? as f64;
            weighted.push((c as f64 * ((n + 1.0) / (df + 1.0)).ln(), t));
        }
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let words: Vec<Box<dyn Query>> = weighted
            .iter()
            .take(12)
            .map(|(_, t)| term_q(text_term(f.content, t)))
            .collect();
        if words.is_empty() {
            return Ok(SearchResults::default());
        }
        let text: Box<dyn Query> = Box::new(BooleanQuery::union(words));
        let mut clauses: Vec<Clause> = vec![
            (Occur::Must, text.box_clone()),
            (Occur::MustNot, term_q(text_term(f.case_no, case_no))),
        ];
        clauses.extend(self.scope_clauses(scope));
        self.run(clauses, Some(text), limit, 0, scope)
    }

    fn run(
        &self,
        mut clauses: Vec<Clause>,
        text: Option<Box<dyn Query>>,
        limit: usize,
        offset: usize,
        scope: &Scope,
    ) -> Result<SearchResults, SearchError> {
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = limit.clamp(1, 200);
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, addrs): (usize, Vec<(f32, DocAddress)>) = if text.is_some() {
            let (docs, total) = searcher.search(&query, &(top.order_by_score(), Count))?;
            (total, docs)
        } else {
            let (docs, total) = searcher.search(
                &query,
                &(
                    top.order_by_fast_field::<i64>("registered_on", Order::Desc),
                    Count,
                ),
            )?;
            (total, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
        };
        let snippets = match &text {
            Some(t) => {
                let mut g = SnippetGenerator::create(&searcher, t.as_ref(), self.fields.content)?;
                g.set_max_num_chars(120);
                Some(g)
            }
            None => None,
        };
        let hits = addrs
            .into_iter()
            .map(|(score, addr)| self.hit(&searcher, addr, score, snippets.as_ref(), scope))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResults { total, hits })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        snippets: Option<&SnippetGenerator>,
        scope: &Scope,
    ) -> Result<SearchHit, SearchError> {
        let f: &Fields = &self.fields;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let s = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let units: Vec<u64> = doc
            .get_all(f.direct_units)
            .filter_map(|v| v.as_u64())
            .collect();
        let content = s(f.content);
        let snippet = snippets
            .map(|g| g.snippet(&content))
            .filter(|sn| !sn.is_empty())
            .map(|sn| sn.to_html())
            .unwrap_or_else(|| esc(&content.chars().take(120).collect::<String>()));
        let names_allowed = match scope {
            Scope::All => true,
            Scope::Viewer { unit, names, .. } => *names && units.contains(unit),
        };
        Ok(SearchHit {
            case_no: s(f.case_no),
            score,
            kind: s(f.kind),
            status: s(f.status),
            channel: s(f.channel),
            registered_on: doc
                .get_first(f.registered_on)
                .and_then(|v| v.as_i64())
                .and_then(from_day_number),
            current_unit: doc
                .get_first(f.current_unit)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            snippet,
            names: names_allowed.then(|| s(f.names)),
            units,
        })
    }
}

/// Minimal HTML escaping for a fallback snippet.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
