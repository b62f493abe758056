//! Chinese text analysis for xinfang.
//!
//! Everything the platform needs to understand a petition's text without a
//! network or a model server: [`normalize`](mod@normalize) (full-width/variant folding),
//! [`segment`] (jieba with a 信访 domain dictionary), [`signature`] (MinHash
//! and SimHash for repeat detection), [`risk`] (warning lexicon),
//! [`classify`] (incremental Naive Bayes and cue rules), and the personal
//! information helpers [`id_number`], [`phone`] and [`mask`].
//!
//! Heavy objects (the jieba dictionary, automata) are built once behind
//! `LazyLock` and shared; [`analyze`] runs the whole pipeline on one text in
//! well under a millisecond once they are built. Call [`warm_up`] at start-up
//! so the first registration does not pay the construction cost.

#![warn(missing_docs)]

pub mod classify;
pub mod id_number;
pub mod mask;
pub mod memo;
pub mod normalize;
pub mod phone;
pub mod risk;
pub mod segment;
pub mod signature;

use std::sync::LazyLock;

use serde::Serialize;

pub use classify::{litigation_cues, looks_litigation_related, suggest_kind_by_rules, NaiveBayes};
pub use id_number::{IdNumber, IdNumberError, Sex};
pub use mask::{mask_address, mask_id, mask_name, mask_phone, mask_text_pii};
pub use memo::tokens_of;
pub use normalize::{normalize, normalize_name};
pub use phone::{normalize_phone, PhoneError};
pub use risk::{risk_level, RiskCategory, RiskHit, RiskLexicon};
pub use segment::{Segmenter, Span};
pub use signature::{band_keys, hamming, jaccard_estimate, simhash64, MinHashSig, MinHasher};

static MIN_HASHER: LazyLock<MinHasher> = LazyLock::new(MinHasher::default);

/// The shared default [`MinHasher`] (64 permutations) used by [`analyze`];
/// signatures to compare with [`Analysis::minhash`] must come from it.
pub fn min_hasher() -> &'static MinHasher {
    &MIN_HASHER
}

/// Everything registration needs from one petition text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The [`normalize()`]d text; risk hit offsets refer to it.
    pub normalized: String,
    /// Content tokens ([`Segmenter::tokens`]).
    pub tokens: Vec<String>,
    /// [`simhash64`] of the tokens.
    pub simhash: u64,
    /// MinHash signature ([`min_hasher`]); index it by
    /// [`band_keys`]`(sig, LSH_BANDS, LSH_ROWS)`, see [`signature`].
    pub minhash: MinHashSig,
    /// Risk lexicon hits in [`Analysis::normalized`].
    pub risk_hits: Vec<RiskHit>,
    /// 涉法涉诉 cues found.
    pub litigation_cues: Vec<&'static str>,
    /// Rule-based kind suggestion (`suggestion` / `accusation` / `claim`).
    pub kind_hint: Option<(&'static str, f64)>,
}

impl Analysis {
    /// Highest risk level among the hits, if any.
    pub fn risk_level(&self) -> Option<u8> {
        risk_level(&self.risk_hits)
    }

    /// LSH band keys of the MinHash signature with the recommended banding.
    pub fn band_keys(&self) -> Vec<u64> {
        band_keys(&self.minhash, signature::LSH_BANDS, signature::LSH_ROWS)
    }
}

/// Analyses one petition text with the shared segmenter, lexicon and hasher.
pub fn analyze(text: &str) -> Analysis {
    analyze_with(text, RiskLexicon::global())
}

/// Like [`analyze`], with an administrator-edited risk lexicon.
pub fn analyze_with(text: &str, lexicon: &RiskLexicon) -> Analysis {
    let normalized = normalize(text);
    let tokens = Segmenter::global().tokens_normalized(&normalized);
    let simhash = simhash64(&tokens);
    let minhash = min_hasher().signature(&tokens);
    let risk_hits = lexicon.scan(&normalized);
    let litigation_cues = litigation_cues(&normalized);
    let kind_hint = suggest_kind_by_rules(&normalized);
    Analysis {
        normalized,
        tokens,
        simhash,
        minhash,
        risk_hits,
        litigation_cues,
        kind_hint,
    }
}

/// Builds the shared segmenter, lexicon, hasher and cue matchers now, so the
/// first [`analyze`] call is fast. Takes a fraction of a second.
pub fn warm_up() {
    let _ = analyze("信访事项预热");
}
