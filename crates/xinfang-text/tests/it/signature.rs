//! Repeat detection: re-worded repeats score above the threshold, unrelated
//! petitions below, and the outputs are stable.

use crate::common;

use xinfang_text::signature::{
    band_keys, exact_jaccard, jaccard_estimate, stable_hash, MinHasher, LSH_BANDS, LSH_ROWS,
    REPEAT_THRESHOLD,
};
use xinfang_text::{analyze, simhash64, Analysis, Segmenter};

fn shares_band(a: &Analysis, b: &Analysis) -> bool {
    let keys = b.band_keys();
    a.band_keys().iter().any(|k| keys.contains(k))
}

#[test]
fn reworded_repeats_score_above_threshold() {
    for (i, (original, repeat)) in common::PAIRS.iter().enumerate() {
        let (a, b) = (analyze(original), analyze(repeat));
        let est = jaccard_estimate(&a.minhash, &b.minhash);
        assert!(est >= REPEAT_THRESHOLD, "pair {i}: {est}");
        assert!(shares_band(&a, &b), "pair {i} would not be a candidate");
    }
}

#[test]
fn unrelated_petitions_score_below_threshold() {
    let texts: Vec<&str> = common::PAIRS
        .iter()
        .map(|(a, _)| *a)
        .chain(common::SAME_FIELD_OTHERS.iter().copied())
        .collect();
    let all: Vec<Analysis> = texts.iter().map(|t| analyze(t)).collect();
    let mut candidates = 0;
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            let est = jaccard_estimate(&all[i].minhash, &all[j].minhash);
            assert!(est < REPEAT_THRESHOLD, "{i} vs {j}: {est}");
            candidates += usize::from(shares_band(&all[i], &all[j]));
        }
    }
    // LSH keeps the candidate list short: most unrelated pairs share no band.
    assert!(candidates <= 4, "{candidates} unrelated candidate pairs");
}

#[test]
fn estimate_tracks_exact_jaccard() {
    let seg = Segmenter::global();
    let h = MinHasher::default();
    for (a, b) in common::PAIRS {
        let (ta, tb) = (seg.tokens(a), seg.tokens(b));
        let est = jaccard_estimate(&h.signature(&ta), &h.signature(&tb));
        let exact = exact_jaccard(&ta, &tb);
        assert!((est - exact).abs() < 0.25, "{est} vs {exact}");
    }
}

#[test]
fn outputs_are_deterministic_and_pinned() {
    // Persisted signatures depend on these values never changing.
    assert_eq!(stable_hash(b""), 0xc381_7c01_6ba4_ff30);
    assert_eq!(stable_hash("信访".as_bytes()), 0xb135_a8bb_f4e8_695f);
    let tokens: Vec<String> = ["征地拆迁", "补偿款"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let again = tokens.clone();
    assert_eq!(simhash64(&tokens), 0x434a_92e0_1fe1_ddb6);
    assert_eq!(simhash64(&tokens), simhash64(&again));
    let h1 = MinHasher::default().signature(&tokens);
    assert_eq!(h1.0[..2], [0x084e_2e3d_663e_c9fe, 0x453a_2c87_c5c8_377d]);
    let h2 = MinHasher::new(64).signature(&again);
    assert_eq!(h1, h2);
    assert_eq!(
        band_keys(&h1, LSH_BANDS, LSH_ROWS),
        band_keys(&h2, LSH_BANDS, LSH_ROWS)
    );
    let a = analyze(common::PAIRS[0].0);
    assert_eq!(a, analyze(common::PAIRS[0].0));
    assert_eq!(a.band_keys().len(), LSH_BANDS);
}
