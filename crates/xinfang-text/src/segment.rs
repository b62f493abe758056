//! Chinese word segmentation tuned for petitions.
//!
//! Chinese has no spaces, so duplicate signatures, the classifier and search
//! all need words first. [`Segmenter`] wraps jieba with its standard
//! dictionary plus a domain dictionary (`data/text/domain_dict.txt`) so that
//! terms such as 拖欠农民工工资, 征地拆迁 or 回迁安置 stay one token, and drops
//! punctuation and the stop words of `data/text/stopwords.txt`.
//!
//! Building a segmenter loads ~350 000 dictionary entries (tens of
//! milliseconds), so build it once: use [`Segmenter::global`] or keep your own.

use std::collections::HashSet;
use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::normalize::normalize;

/// The domain user dictionary embedded at build time.
pub const DOMAIN_DICT: &str = include_str!("../../../data/text/domain_dict.txt");
/// The stop-word list embedded at build time.
pub const STOP_WORDS: &str = include_str!("../../../data/text/stopwords.txt");
/// Frequency given to user-dictionary words that state none: high enough that
/// a compound beats its parts (征地拆迁 over 征地 + 拆迁).
pub const DEFAULT_USER_FREQ: usize = 2000;

/// A malformed user-dictionary line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("用户词典第 {line} 行格式错误：{reason}")]
pub struct DictError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in Chinese.
    pub reason: String,
}

/// One token of [`Segmenter::spans`]: its normalised text, its byte range in
/// the original text and its position in characters (so that phrase queries
/// line up with search-mode sub-words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Normalised, ASCII-lowercased token text.
    pub text: String,
    /// Byte offset of the first byte in the original text.
    pub from: usize,
    /// Byte offset one past the last byte in the original text.
    pub to: usize,
    /// Character index of the token start.
    pub position: usize,
}

/// Word segmenter with the domain dictionary and stop words loaded.
pub struct Segmenter {
    jieba: Jieba,
    stop_words: HashSet<String>,
}

static GLOBAL: LazyLock<Segmenter> = LazyLock::new(Segmenter::new);

impl Segmenter {
    /// Builds a segmenter with jieba's dictionary, the embedded domain
    /// dictionary and stop words. Prefer [`Segmenter::global`].
    pub fn new() -> Segmenter {
        Self::with_user_dict("").expect("the embedded dictionaries are valid")
    }

    /// Like [`Segmenter::new`], plus an extra user dictionary (same format as
    /// `domain_dict.txt`: `词语 [词频] [词性]` per line, `#` comments), e.g. one
    /// maintained by an administrator.
    pub fn with_user_dict(extra: &str) -> Result<Segmenter, DictError> {
        let mut jieba = Jieba::new();
        add_user_words(&mut jieba, DOMAIN_DICT)?;
        add_user_words(&mut jieba, extra)?;
        let stop_words = data_lines(STOP_WORDS).map(|(_, w)| w.to_string()).collect();
        Ok(Segmenter { jieba, stop_words })
    }

    /// The shared instance, built on first use.
    pub fn global() -> &'static Segmenter {
        &GLOBAL
    }

    /// Content tokens of `text` for signatures and classification.
    ///
    /// The text is [`normalize`]d and ASCII lowercased, then cut in jieba's
    /// precise mode with HMM for unknown words (plain `cut`, not
    /// `cut_for_search`: overlapping sub-words would double-count features in
    /// duplicate signatures and the classifier). Tokens without any letter or
    /// digit (punctuation, spaces) and stop words are dropped.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let prepared = prepare(text);
        self.filter(self.jieba.cut(&prepared, true))
    }

    /// Like [`Segmenter::tokens`] on text that is already [`normalize`]d
    /// (skips the normalisation pass; ASCII is still lowercased).
    pub fn tokens_normalized(&self, normalized: &str) -> Vec<String> {
        let lower = normalized.to_ascii_lowercase();
        self.filter(self.jieba.cut(&lower, true))
    }

    /// Tokens for a search index: jieba's search mode, which adds the
    /// dictionary sub-words of long words (征地拆迁 → 征地, 拆迁, 征地拆迁) for
    /// recall. Same normalisation and filtering as [`Segmenter::tokens`].
    pub fn search_tokens(&self, text: &str) -> Vec<String> {
        let prepared = prepare(text);
        self.filter(self.jieba.cut_for_search(&prepared, true))
    }

    /// Tokens of `text` with their places, for a full-text index that must
    /// highlight matches in the original text. The text is not normalised
    /// (offsets must point into it); each token's text is [`normalize`]d and
    /// ASCII lowercased instead. `search_mode` adds dictionary sub-words of
    /// long words (for documents); queries use the precise mode. Stop words
    /// and tokens without a letter or digit are dropped.
    pub fn spans(&self, text: &str, search_mode: bool) -> Vec<Span> {
        let mode = if search_mode {
            jieba_rs::TokenizeMode::Search
        } else {
            jieba_rs::TokenizeMode::Default
        };
        let base = text.as_ptr() as usize;
        self.jieba
            .tokenize(text, mode, true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .filter_map(|t| {
                let mut word = normalize(t.word);
                word.make_ascii_lowercase();
                if self.stop_words.contains(&word) {
                    return None;
                }
                let from = t.word.as_ptr() as usize - base;
                Some(Span {
                    text: word,
                    from,
                    to: from + t.word.len(),
                    position: t.start,
                })
            })
            .collect()
    }

    /// Whether `word` is in the dictionary (standard or domain).
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// Whether `word` is a stop word.
    pub fn is_stop_word(&self, word: &str) -> bool {
        self.stop_words.contains(word)
    }

    fn filter(&self, words: Vec<&str>) -> Vec<String> {
        words
            .into_iter()
            .filter(|w| w.chars().any(char::is_alphanumeric) && !self.stop_words.contains(*w))
            .map(str::to_string)
            .collect()
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::new()
    }
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("stop_words", &self.stop_words.len())
            .finish_non_exhaustive()
    }
}

fn prepare(text: &str) -> String {
    let mut s = normalize(text);
    s.make_ascii_lowercase();
    s
}

/// Non-empty, non-comment lines with their 1-based numbers.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn add_user_words(jieba: &mut Jieba, dict: &str) -> Result<(), DictError> {
    for (line, text) in data_lines(dict) {
        let mut parts = text.split_whitespace();
        let word = parts.next().unwrap_or_default();
        let freq = match parts.next() {
            Some(f) => f.parse::<usize>().map_err(|_| DictError {
                line,
                reason: format!("词频“{f}”不是正整数"),
            })?,
            None => DEFAULT_USER_FREQ,
        };
        let tag = parts.next();
        if parts.next().is_some() {
            return Err(DictError {
                line,
                reason: "字段过多，应为：词语 [词频] [词性]".to_string(),
            });
        }
        let word = normalize(word).to_ascii_lowercase();
        jieba.add_word(&word, Some(freq), tag);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "反映征地拆迁补偿款被拖欠，ABC公司";
        let spans = Segmenter::global().spans(text, true);
        // Search mode: the long dictionary word and its sub-words.
        assert!(spans.iter().any(|s| s.text == "拆迁补偿款"), "{spans:?}");
        assert!(spans.iter().any(|s| s.text == "补偿款"), "{spans:?}");
        let chai = spans.iter().find(|s| s.text == "拆迁").expect("sub-word");
        assert_eq!((chai.position, &text[chai.from..chai.to]), (4, "拆迁"));
        for s in &spans {
            assert!(text.is_char_boundary(s.from) && text.is_char_boundary(s.to));
        }
        let abc = spans
            .iter()
            .find(|s| s.text == "abc")
            .expect("full-width word");
        assert_eq!(&text[abc.from..abc.to], "ABC");
        assert!(!Segmenter::global()
            .spans("，。！", false)
            .iter()
            .any(|_| true));
    }

    #[test]
    fn bad_user_dict_line_is_reported() {
        let err = Segmenter::with_user_dict("好词 100 n\n坏词 abc").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().contains("第 2 行"));
    }
}
