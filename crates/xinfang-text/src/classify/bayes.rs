//! The incremental multinomial Naive Bayes model behind category suggestions.
//!
//! It exists because categories are an editable taxonomy: the model must
//! learn each confirmed registration as it happens, forget a corrected one,
//! and be persisted by the store, with no training run or model server.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Per-label counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct LabelStats {
    docs: u64,
    tokens: u64,
    counts: BTreeMap<String, u64>,
}

/// Incremental multinomial Naive Bayes over tokens, with Laplace smoothing.
///
/// Serialisable (serde) so the store can persist the model between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NaiveBayes {
    alpha: f64,
    total_docs: u64,
    labels: BTreeMap<String, LabelStats>,
    /// Token → number of label-count entries holding it (vocabulary size).
    vocab: BTreeMap<String, u64>,
}

impl Default for NaiveBayes {
    fn default() -> Self {
        NaiveBayes::new()
    }
}

impl NaiveBayes {
    /// An empty model with Laplace smoothing (α = 1).
    pub fn new() -> NaiveBayes {
        NaiveBayes::with_alpha(1.0)
    }

    /// An empty model with additive smoothing `alpha` (> 0).
    pub fn with_alpha(alpha: f64) -> NaiveBayes {
        NaiveBayes {
            alpha: if alpha > 0.0 { alpha } else { 1.0 },
            total_docs: 0,
            labels: BTreeMap::new(),
            vocab: BTreeMap::new(),
        }
    }

    /// Adds one labelled document.
    pub fn learn(&mut self, tokens: &[String], label: &str) {
        let stats = self.labels.entry(label.to_string()).or_default();
        stats.docs += 1;
        self.total_docs += 1;
        for t in tokens {
            let c = stats.counts.entry(t.clone()).or_insert(0);
            if *c == 0 {
                *self.vocab.entry(t.clone()).or_insert(0) += 1;
            }
            *c += 1;
            stats.tokens += 1;
        }
    }

    /// Removes a document learnt earlier with the same tokens and label (for
    /// a staff correction: unlearn the old label, learn the new one).
    /// Returns `false`, changing nothing, when the model cannot hold such a
    /// document.
    pub fn unlearn(&mut self, tokens: &[String], label: &str) -> bool {
        let Some(stats) = self.labels.get(label) else {
            return false;
        };
        let mut need: BTreeMap<&str, u64> = BTreeMap::new();
        for t in tokens {
            *need.entry(t.as_str()).or_insert(0) += 1;
        }
        let possible = stats.docs > 0
            && need
                .iter()
                .all(|(t, n)| stats.counts.get(*t).is_some_and(|c| c >= n));
        if !possible {
            return false;
        }
        let stats = self.labels.get_mut(label).expect("checked above");
        stats.docs -= 1;
        self.total_docs -= 1;
        for (t, n) in need {
            stats.tokens -= n;
            let c = stats.counts.get_mut(t).expect("checked above");
            *c -= n;
            if *c == 0 {
                stats.counts.remove(t);
                let v = self.vocab.get_mut(t).expect("vocab tracks counts");
                *v -= 1;
                if *v == 0 {
                    self.vocab.remove(t);
                }
            }
        }
        if stats.docs == 0 && stats.counts.is_empty() {
            self.labels.remove(label);
        }
        true
    }

    /// Labels seen so far, sorted.
    pub fn labels(&self) -> Vec<String> {
        self.labels.keys().cloned().collect()
    }

    /// Number of documents learnt.
    pub fn total_docs(&self) -> u64 {
        self.total_docs
    }

    /// Complement Naive Bayes (Rennie et al. 2003): each label is scored by
    /// how badly the documents of all *other* labels explain the text, which
    /// is estimated from many more documents than the label's own when each
    /// label has only a few — the usual case for a fine taxonomy early on.
    /// Same counts as [`NaiveBayes::predict`] (nothing else is stored); the
    /// values are a softmax of the scores, highest first, summing to 1.
    pub fn predict_complement(&self, tokens: &[String]) -> Vec<(String, f64)> {
        if self.total_docs == 0 {
            return Vec::new();
        }
        let vocab_size = self.vocab.len().max(1) as f64;
        let all_tokens: u64 = self.labels.values().map(|s| s.tokens).sum();
        let known: Vec<&str> = tokens
            .iter()
            .map(String::as_str)
            .filter(|t| self.vocab.contains_key(*t))
            .collect();
        let totals: Vec<u64> = known
            .iter()
            .map(|t| self.labels.values().filter_map(|s| s.counts.get(*t)).sum())
            .collect();
        let mut scores: Vec<(String, f64)> = self
            .labels
            .iter()
            .map(|(label, s)| {
                let denom = ((all_tokens - s.tokens) as f64 + self.alpha * vocab_size).ln();
                let fit: f64 = known
                    .iter()
                    .zip(&totals)
                    .map(|(t, total)| {
                        let own = s.counts.get(*t).copied().unwrap_or(0);
                        ((total - own) as f64 + self.alpha).ln() - denom
                    })
                    .sum();
                (label.clone(), -fit)
            })
            .collect();
        softmax_sorted(&mut scores);
        scores
    }

    /// Posterior probability of each label, highest first; the values sum to 1
    /// (softmax of the log-probabilities). Tokens never seen in training are
    /// ignored. An empty model gives an empty list.
    pub fn predict(&self, tokens: &[String]) -> Vec<(String, f64)> {
        if self.total_docs == 0 {
            return Vec::new();
        }
        let vocab_size = self.vocab.len().max(1) as f64;
        let n_labels = self.labels.len() as f64;
        let mut scores: Vec<(String, f64)> = self
            .labels
            .iter()
            .map(|(label, s)| {
                let prior = ((s.docs as f64 + 1.0) / (self.total_docs as f64 + n_labels)).ln();
                let denom = (s.tokens as f64 + self.alpha * vocab_size).ln();
                let likelihood: f64 = tokens
                    .iter()
                    .filter(|t| self.vocab.contains_key(t.as_str()))
                    .map(|t| {
                        let c = s.counts.get(t.as_str()).copied().unwrap_or(0) as f64;
                        (c + self.alpha).ln() - denom
                    })
                    .sum();
                (label.clone(), prior + likelihood)
            })
            .collect();
        softmax_sorted(&mut scores);
        scores
    }
}

/// Turns log-scores into probabilities (softmax), highest first.
fn softmax_sorted(scores: &mut [(String, f64)]) {
    let max = scores
        .iter()
        .map(|(_, s)| *s)
        .fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = scores.iter().map(|(_, s)| (s - max).exp()).sum();
    for (_, s) in scores.iter_mut() {
        *s = (*s - max).exp() / sum;
    }
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}
