//! Cross-validation of the category and kind models on the hand-written,
//! labelled corpus (`data/bench/petitions.tsv`), for each feature recipe and
//! smoothing, multinomial or complement Naive Bayes: how the production
//! recipe ([`FeatureSet::CHOSEN`], α, complement for the category) was decided,
//! and a floor it must keep (run with `--nocapture` for the table).
//! `xinfang bench classify` measures the same folds through the app's own
//! learning and suggestion paths.

use xinfang_text::classify::{fold_of, parse_corpus, FeatureSet, NaiveBayes, PRODUCTION_ALPHA};

const CORPUS: &str = include_str!("../../../../data/bench/petitions.tsv");
const FOLDS: usize = 5;
const SEED: u64 = 11;

struct Score {
    category: f64,
    kind: f64,
}

fn cross_validate(recipe: FeatureSet, alpha: f64, complement: bool) -> Score {
    let corpus = parse_corpus(CORPUS).expect("corpus parses");
    let items: Vec<(Vec<String>, &str, &str, usize)> = corpus
        .iter()
        .map(|l| {
            let a = xinfang_text::analyze(&l.text);
            (
                recipe.extract(&a.tokens, &a.normalized),
                l.code.as_str(),
                l.kind,
                fold_of(&l.text, SEED, FOLDS),
            )
        })
        .collect();
    let (mut cat_ok, mut kind_ok) = (0usize, 0usize);
    for f in 0..FOLDS {
        let (mut cat, mut kind) = (NaiveBayes::with_alpha(alpha), NaiveBayes::with_alpha(alpha));
        for (x, code, k, _) in items.iter().filter(|i| i.3 != f) {
            cat.learn(x, code);
            kind.learn(x, k);
        }
        for (x, code, k, _) in items.iter().filter(|i| i.3 == f) {
            let ranked = if complement {
                cat.predict_complement(x)
            } else {
                cat.predict(x)
            };
            cat_ok += usize::from(ranked.first().map(|p| p.0.as_str()) == Some(*code));
            kind_ok += usize::from(kind.predict(x).first().map(|p| p.0.as_str()) == Some(*k));
        }
    }
    let n = items.len() as f64;
    Score {
        category: cat_ok as f64 / n,
        kind: kind_ok as f64 / n,
    }
}

#[test]
fn chosen_recipe_beats_words_alone_on_held_out_folds() {
    let chosen = cross_validate(FeatureSet::CHOSEN, PRODUCTION_ALPHA, true);
    let words = cross_validate(FeatureSet::WORDS, 1.0, false);
    // Measured 2026-11-25: chosen 0.421 / 0.909, words alone 0.253 / 0.887.
    assert!(
        chosen.category > words.category + 0.1,
        "the recipe must clearly beat words alone: {:.3} vs {:.3}",
        chosen.category,
        words.category
    );
    assert!(chosen.category > 0.38, "category {:.3}", chosen.category);
    assert!(chosen.kind > 0.85, "kind {:.3}", chosen.kind);
}

/// The whole grid (slow in debug builds):
/// `cargo test --release -p xinfang-text --test corpus_cv -- --ignored --nocapture`.
#[test]
#[ignore]
fn recipe_grid() {
    let mut best = (0.0, String::new());
    for binary in [false, true] {
        for bigrams in [false, true] {
            for (alpha, complement) in [0.3, 1.0, 2.0]
                .into_iter()
                .flat_map(|a| [(a, false), (a, true)])
            {
                let r = FeatureSet { binary, bigrams };
                let s = cross_validate(r, alpha, complement);
                println!(
                    "binary={binary} bigrams={bigrams} alpha={alpha} complement={complement}: category {:.3} kind {:.3}",
                    s.category, s.kind
                );
                if s.category > best.0 {
                    best = (
                        s.category,
                        format!("{r:?} α={alpha} complement={complement}"),
                    );
                }
            }
        }
    }
    println!("best category: {:.3} ({})", best.0, best.1);
}
