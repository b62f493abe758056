//! What the two models learn from, beyond the segmented words.
//!
//! Petitions are short, colloquial and often mistyped (在/再, 那/哪), and the
//! segmenter splits an unknown compound into pieces, so words alone miss
//! evidence. Character bigrams of the Chinese text recover some of it (拆迁
//! inside 强拆迁, 欠薪 inside 讨欠薪款). Counting a word once per petition
//! (presence) was tried too. Cross-validation on the labelled corpus
//! (`tests/corpus_cv.rs`, docs/PERFORMANCE.md "Classifier") chose words with
//! counts plus bigrams, smoothing α = 1, and complement Naive Bayes for the
//! category ([`super::NaiveBayes::predict_complement`]).

/// A feature recipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureSet {
    /// Each word at most once per text (presence rather than counts).
    pub binary: bool,
    /// Add the character bigrams of each run of Chinese characters.
    pub bigrams: bool,
}

impl FeatureSet {
    /// The words as segmented, with counts (the model before the corpus).
    pub const WORDS: FeatureSet = FeatureSet {
        binary: false,
        bigrams: false,
    };
    /// The recipe production uses (chosen on the corpus folds).
    pub const CHOSEN: FeatureSet = FeatureSet {
        binary: false,
        bigrams: true,
    };

    /// The features of a text given its segmented `tokens` and normalised form.
    pub fn extract(self, tokens: &[String], normalized: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(tokens.len() * 3);
        let mut seen = std::collections::HashSet::new();
        let mut push = |f: String, out: &mut Vec<String>| {
            if !self.binary || seen.insert(f.clone()) {
                out.push(f);
            }
        };
        for t in tokens {
            push(t.clone(), &mut out);
        }
        if self.bigrams {
            let chars: Vec<char> = normalized.chars().collect();
            for w in chars.windows(2) {
                if w.iter().all(|c| is_han(*c)) {
                    // Prefixed so a bigram never merges with the same word.
                    push(format!("·{}{}", w[0], w[1]), &mut out);
                }
            }
        }
        out
    }
}

/// The additive smoothing of production's models (chosen with the recipe).
pub const PRODUCTION_ALPHA: f64 = 1.0;

/// The features production's models learn from and predict with.
pub fn features(tokens: &[String], normalized: &str) -> Vec<String> {
    FeatureSet::CHOSEN.extract(tokens, normalized)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes() {
        let toks: Vec<String> = ["欠薪", "欠薪", "老板"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(FeatureSet::WORDS.extract(&toks, "欠薪欠薪老板"), toks);
        let b = FeatureSet {
            binary: true,
            bigrams: true,
        }
        .extract(&toks, "欠薪，A老板");
        assert_eq!(b, vec!["欠薪", "老板", "·欠薪", "·老板"]);
    }
}
