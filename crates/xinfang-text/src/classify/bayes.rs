//! The incremental multinomial Naive Bayes model behind category suggestions.
//!
//! It exists because categories are an editable taxonomy: the model must
//! learn each confirmed registration as it happens, forget a corrected one,
//! and be persisted by the store, with no training run or model server.

use std::collections::{BTreeMap, HashMap};

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
#[serde(from = "Stored", into = "Stored")]
pub struct NaiveBayes {
    alpha: f64,
    total_docs: u64,
    labels: BTreeMap<String, LabelStats>,
    /// Token → number of label-count entries holding it (vocabulary size).
    vocab: BTreeMap<String, u64>,
    /// Token → the labels whose documents hold it, with their counts: the
    /// inverse of `labels`, kept beside it (not stored). A prediction looks
    /// up each of its tokens once here instead of once per label — every
    /// registration is classified, and label × token look-ups were a tenth
    /// of the server's CPU at 2,000 registrations a second (issue #17).
    postings: HashMap<String, BTreeMap<String, u64>>,
}

/// What is persisted: the counts, not the derived postings.
#[derive(Serialize, Deserialize)]
struct Stored {
    alpha: f64,
    total_docs: u64,
    labels: BTreeMap<String, LabelStats>,
    vocab: BTreeMap<String, u64>,
}

impl From<Stored> for NaiveBayes {
    fn from(s: Stored) -> NaiveBayes {
        let mut postings: HashMap<String, BTreeMap<String, u64>> = HashMap::new();
        for (label, stats) in &s.labels {
            for (t, c) in &stats.counts {
                postings
                    .entry(t.clone())
                    .or_default()
                    .insert(label.clone(), *c);
            }
        }
        NaiveBayes {
            alpha: s.alpha,
            total_docs: s.total_docs,
            labels: s.labels,
            vocab: s.vocab,
            postings,
        }
    }
}

impl From<NaiveBayes> for Stored {
    fn from(m: NaiveBayes) -> Stored {
        Stored {
            alpha: m.alpha,
            total_docs: m.total_docs,
            labels: m.labels,
            vocab: m.vocab,
        }
    }
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
            postings: HashMap::new(),
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
            *self
                .postings
                .entry(t.clone())
                .or_default()
                .entry(label.to_string())
                .or_insert(0) += 1;
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
            let holders = self.postings.get_mut(t).expect("postings track counts");
            if *c == 0 {
                holders.remove(label);
                if holders.is_empty() {
                    self.postings.remove(t);
                }
            } else {
                holders.insert(label.to_string(), *c);
            }
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
        // fit(label) = Σ_t ln(total_t − own_t + α) − n·denom(label). Every
        // label not holding t has own_t = 0, so the sum starts from
        // Σ_t ln(total_t + α) for all labels and only the holders of each
        // token are corrected.
        let names: Vec<&str> = self.labels.keys().map(String::as_str).collect();
        let mut correction = vec![0.0f64; names.len()];
        let (mut common, mut known) = (0.0f64, 0usize);
        for t in tokens {
            let Some(holders) = self.postings.get(t.as_str()) else {
                continue;
            };
            known += 1;
            let total: u64 = holders.values().sum();
            let base = (total as f64 + self.alpha).ln();
            common += base;
            for (label, own) in holders {
                if let Ok(i) = names.binary_search(&label.as_str()) {
                    correction[i] += ((total - own) as f64 + self.alpha).ln() - base;
                }
            }
        }
        let mut scores: Vec<(String, f64)> = self
            .labels
            .iter()
            .zip(correction)
            .map(|((label, s), corr)| {
                let denom = ((all_tokens - s.tokens) as f64 + self.alpha * vocab_size).ln();
                let fit = common + corr - known as f64 * denom;
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
        // likelihood(label) = Σ_t ln(c_t + α) − n·denom(label): labels not
        // holding t contribute ln α, so only each token's holders are
        // corrected (as in `predict_complement`).
        let names: Vec<&str> = self.labels.keys().map(String::as_str).collect();
        let mut correction = vec![0.0f64; names.len()];
        let mut known = 0usize;
        let ln_alpha = self.alpha.ln();
        for t in tokens {
            let Some(holders) = self.postings.get(t.as_str()) else {
                continue;
            };
            known += 1;
            for (label, c) in holders {
                if let Ok(i) = names.binary_search(&label.as_str()) {
                    correction[i] += (*c as f64 + self.alpha).ln() - ln_alpha;
                }
            }
        }
        let mut scores: Vec<(String, f64)> = self
            .labels
            .iter()
            .zip(correction)
            .map(|((label, s), corr)| {
                let prior = ((s.docs as f64 + 1.0) / (self.total_docs as f64 + n_labels)).ln();
                let denom = (s.tokens as f64 + self.alpha * vocab_size).ln();
                let likelihood = known as f64 * (ln_alpha - denom) + corr;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook complement score: every label × every known token.
    fn reference(m: &NaiveBayes, tokens: &[String]) -> Vec<(String, f64)> {
        let vocab_size = m.vocab.len().max(1) as f64;
        let all: u64 = m.labels.values().map(|s| s.tokens).sum();
        let known: Vec<&String> = tokens.iter().filter(|t| m.vocab.contains_key(*t)).collect();
        let mut scores: Vec<(String, f64)> = m
            .labels
            .iter()
            .map(|(label, s)| {
                let denom = ((all - s.tokens) as f64 + m.alpha * vocab_size).ln();
                let fit: f64 = known
                    .iter()
                    .map(|t| {
                        let total: u64 = m.labels.values().filter_map(|o| o.counts.get(*t)).sum();
                        let own = s.counts.get(*t).copied().unwrap_or(0);
                        ((total - own) as f64 + m.alpha).ln() - denom
                    })
                    .sum();
                (label.clone(), -fit)
            })
            .collect();
        softmax_sorted(&mut scores);
        scores
    }

    /// The textbook multinomial score: every label × every known token.
    fn reference_plain(m: &NaiveBayes, tokens: &[String]) -> Vec<(String, f64)> {
        let vocab_size = m.vocab.len().max(1) as f64;
        let n_labels = m.labels.len() as f64;
        let mut scores: Vec<(String, f64)> = m
            .labels
            .iter()
            .map(|(label, s)| {
                let prior = ((s.docs as f64 + 1.0) / (m.total_docs as f64 + n_labels)).ln();
                let denom = (s.tokens as f64 + m.alpha * vocab_size).ln();
                let likelihood: f64 = tokens
                    .iter()
                    .filter(|t| m.vocab.contains_key(t.as_str()))
                    .map(|t| {
                        let c = s.counts.get(t.as_str()).copied().unwrap_or(0) as f64;
                        (c + m.alpha).ln() - denom
                    })
                    .sum();
                (label.clone(), prior + likelihood)
            })
            .collect();
        softmax_sorted(&mut scores);
        scores
    }

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn scores_match_the_textbook_formulas_through_learn_unlearn_and_storage() {
        let mut m = NaiveBayes::with_alpha(0.3);
        let docs = [
            ("拖欠 工资 工地 老板", "劳动"),
            ("工资 社保 单位", "劳动"),
            ("噪音 施工 夜间", "环境"),
            ("交房 逾期 开发商 噪音", "住建"),
            ("物业 收费 小区", "住建"),
            ("征地 补偿 村", "国土"),
        ];
        for (d, l) in docs {
            m.learn(&toks(d), l);
        }
        assert!(m.unlearn(&toks("物业 收费 小区"), "住建"));
        m.learn(&toks("物业 收费 小区 噪音"), "住建");
        let stored: NaiveBayes = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(stored, m, "the postings are rebuilt from the stored counts");
        for q in [
            "工资 噪音 未知词",
            "交房 噪音 噪音",
            "征地",
            "全新 词语",
            "工地 施工 小区 补偿",
        ] {
            for model in [&m, &stored] {
                // By label: equal scores may tie-break either way.
                let pairs = [
                    (
                        model.predict_complement(&toks(q)),
                        reference(model, &toks(q)),
                    ),
                    (model.predict(&toks(q)), reference_plain(model, &toks(q))),
                ];
                for (mut fast, mut slow) in pairs {
                    fast.sort_by(|a, b| a.0.cmp(&b.0));
                    slow.sort_by(|a, b| a.0.cmp(&b.0));
                    assert_eq!(fast.len(), slow.len());
                    for ((a, x), (b, y)) in fast.iter().zip(&slow) {
                        assert_eq!(a, b, "{q}: same labels");
                        assert!((x - y).abs() < 1e-9, "{q}: {a} {x} vs {y}");
                    }
                }
            }
        }
    }
}
