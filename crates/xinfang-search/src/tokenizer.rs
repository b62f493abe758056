//! The tantivy tokenizer: jieba with the project's domain dictionary and
//! stop words (`xinfang_text::Segmenter::global`), so that 征地拆迁 or
//! 拖欠农民工工资 are words in search exactly as in duplicate detection.
//!
//! Positions are character indexes, not token ordinals: search mode emits
//! overlapping sub-words, and character positions keep phrase queries built
//! from precise-mode query tokens aligned with them.
//!
//! (tantivy-jieba was considered; with a custom dictionary it clones the
//! whole jieba dictionary each time tantivy clones the analyzer, and it
//! would pull a second jieba version. This wrapper shares the global one.)

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use xinfang_text::Segmenter;

/// Name under which the document tokenizer is registered.
pub const JIEBA: &str = "xf_jieba";

/// Jieba tokenizer over the shared segmenter.
#[derive(Clone, Copy, Debug)]
pub struct XfTokenizer {
    /// Search mode (documents) or precise mode (queries).
    pub search_mode: bool,
}

/// Tokens produced up front (jieba cuts whole sentences anyway).
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for XfTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: tokens(text, self.search_mode),
            next: 0,
        }
    }
}

/// The tokens of `text` as tantivy tokens.
pub fn tokens(text: &str, search_mode: bool) -> Vec<Token> {
    Segmenter::global()
        .spans(text, search_mode)
        .into_iter()
        .map(|s| Token {
            offset_from: s.from,
            offset_to: s.to,
            position: s.position,
            text: s.text,
            position_length: 1,
        })
        .collect()
}
