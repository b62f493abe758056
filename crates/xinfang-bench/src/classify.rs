//! `xinfang bench classify`: how well the intake suggestions learn, measured
//! on a hand-written, labelled corpus of realistic petitions
//! (`data/bench/petitions.tsv`: 类别 code, kind, 涉法涉诉, text) rather than
//! on generated text, which a model learns perfectly from its templates.
//!
//! k-fold cross-validation with a fixed seed (folds by a stable hash of the
//! text, [`classify::fold_of`], the same as the recipe test in
//! `xinfang-text`): for each fold the models start
//! empty, learn the other folds through `App::learn` (the path a staff
//! registration takes) and the fold is scored through `App::suggest` (the
//! path intake uses). Categories are scored at the 类别 level (four-digit
//! code) and at the 领域 level; 涉法涉诉 is scored as the cue-word flag
//! registration shows (第二十八条 诉访分离).

use serde::Serialize;
use std::collections::BTreeMap;
use xinfang_app::App;
use xinfang_domain::case::Kind;
use xinfang_text::{classify, Analysis};

/// The corpus shipped with the source.
pub const CORPUS: &str = include_str!("../../../data/bench/petitions.tsv");

/// One labelled petition, its kind resolved.
#[derive(Clone, Debug)]
pub struct Labelled {
    /// 类别 code (four digits; its first two are the 领域).
    pub code: String,
    pub kind: Kind,
    pub litigation: bool,
    pub text: String,
}

/// Parses a TSV corpus (see [`xinfang_text::classify::parse_corpus`]).
pub fn parse_corpus(tsv: &str) -> Result<Vec<Labelled>, String> {
    Ok(classify::parse_corpus(tsv)?
        .into_iter()
        .map(|l| Labelled {
            kind: Kind::from_key(l.kind).unwrap_or(Kind::Claim),
            code: l.code,
            litigation: l.litigation,
            text: l.text,
        })
        .collect())
}

/// Accuracy within one band of shown confidence.
#[derive(Clone, Debug, Serialize)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub n: usize,
    pub accuracy: f64,
}

/// Scores for one 领域 (by its true label).
#[derive(Clone, Debug, Serialize)]
pub struct FieldScore {
    pub n: usize,
    pub category_accuracy: f64,
    pub field_accuracy: f64,
}

/// Accuracy after a number of confirmed cases (first fold's split).
#[derive(Clone, Debug, Serialize)]
pub struct CurvePoint {
    pub train: usize,
    pub kind_accuracy: f64,
    pub category_accuracy: f64,
}

/// The result line. The first six keys are those of the earlier
/// generated-text benchmark.
#[derive(Clone, Debug, Serialize)]
pub struct ClassifyReport {
    /// Training cases per fold (mean).
    pub train: usize,
    /// Cases scored (each once, in its held-out fold).
    pub test: usize,
    pub kind_accuracy: f64,
    /// Top-1 at the 类别 level.
    pub category_accuracy: f64,
    /// Kind accuracy of the cue-word rules alone (before any learning).
    pub kind_rules_accuracy: f64,
    /// Distinct 类别 in the corpus.
    pub categories: usize,
    pub folds: usize,
    pub seed: u64,
    pub category_top3_accuracy: f64,
    /// The suggested category lies in the right 领域.
    pub field_accuracy: f64,
    /// Always suggesting the most frequent training 类别 (a floor).
    pub category_majority_accuracy: f64,
    /// Recall per kind (建议意见 / 检举控告 / 申诉求决 keys).
    pub kind_recall: BTreeMap<&'static str, f64>,
    pub litigation_precision: f64,
    pub litigation_recall: f64,
    pub per_field: BTreeMap<String, FieldScore>,
    /// Category top-1 accuracy by the confidence shown.
    pub category_calibration: Vec<Band>,
    pub kind_calibration: Vec<Band>,
    pub curve: Vec<CurvePoint>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn ratio(a: usize, b: usize) -> f64 {
    round4(a as f64 / b.max(1) as f64)
}

/// Confidence bands reported.
const BANDS: &[(f64, f64)] = &[(0.0, 0.5), (0.5, 0.8), (0.8, 1.0001)];

fn bands(points: &[(f64, bool)]) -> Vec<Band> {
    BANDS
        .iter()
        .map(|&(from, to)| {
            let inside: Vec<bool> = points
                .iter()
                .filter(|(p, _)| *p >= from && *p < to)
                .map(|(_, ok)| *ok)
                .collect();
            Band {
                from,
                to: to.min(1.0),
                n: inside.len(),
                accuracy: ratio(inside.iter().filter(|ok| **ok).count(), inside.len()),
            }
        })
        .collect()
}

/// Starts the models empty and learns `train` through `App::learn`.
async fn train_on(app: &App, train: &[(&Labelled, Analysis)]) {
    app.reset_classifiers();
    for (l, a) in train {
        app.learn(a, l.kind, Some(&l.code)).await;
    }
}

fn four(code: &str) -> &str {
    code.get(..4).unwrap_or(code)
}

/// One held-out prediction.
struct Scored {
    kind_ok: bool,
    kind_p: f64,
    cat_ok: bool,
    cat_p: f64,
    top3_ok: bool,
    field_ok: bool,
    litigation: bool,
}

fn score(app: &App, l: &Labelled, a: &Analysis) -> Scored {
    let sug = app.suggest(a, "");
    let ranked = app.rank_categories(a);
    let cat_ok = sug.category_code.as_deref().map(four) == Some(l.code.as_str());
    Scored {
        kind_ok: sug.kind.map(|k| k.0) == Some(l.kind),
        kind_p: sug.kind.map(|k| k.1).unwrap_or(0.0),
        cat_ok,
        cat_p: sug.category.as_ref().map(|c| c.1).unwrap_or(0.0),
        top3_ok: ranked.iter().take(3).any(|(c, _)| four(c) == l.code),
        field_ok: sug.category_code.as_deref().and_then(|c| c.get(..2)) == l.code.get(..2),
        litigation: sug.litigation,
    }
}

/// k-fold cross-validation over `corpus` with a fixed `seed`.
pub async fn classify(app: &App, corpus: &[Labelled], folds: usize, seed: u64) -> ClassifyReport {
    let folds = folds.clamp(2, corpus.len().max(2));
    let items: Vec<(&Labelled, Analysis)> = corpus
        .iter()
        .map(|l| (l, xinfang_text::analyze(&l.text)))
        .collect();
    let taxonomy = app.taxonomy();
    let mut results: Vec<(&Labelled, Scored)> = vec![];
    let (mut rules_ok, mut majority_ok, mut train_total) = (0usize, 0usize, 0usize);
    let mut curve = vec![];
    for f in 0..folds {
        let (test, train): (Vec<_>, Vec<_>) = items
            .iter()
            .partition(|(l, _)| classify::fold_of(&l.text, seed, folds) == f);
        let mut train: Vec<(&Labelled, Analysis)> =
            train.into_iter().map(|(l, a)| (*l, a.clone())).collect();
        // A stable shuffle, so the learning curve's first cases mix all 领域.
        train.sort_by_key(|(l, _)| classify::fold_of(&l.text, seed ^ 0x5eed, usize::MAX));
        train_total += train.len();
        if f == 0 {
            for n in [50, 100, 200, 300, train.len()] {
                if n > train.len() || curve.iter().any(|c: &CurvePoint| c.train == n) {
                    continue;
                }
                train_on(app, &train[..n]).await;
                let s: Vec<Scored> = test.iter().map(|(l, a)| score(app, l, a)).collect();
                curve.push(CurvePoint {
                    train: n,
                    kind_accuracy: ratio(s.iter().filter(|s| s.kind_ok).count(), s.len()),
                    category_accuracy: ratio(s.iter().filter(|s| s.cat_ok).count(), s.len()),
                });
            }
        }
        train_on(app, &train).await;
        let mut freq: BTreeMap<&str, usize> = BTreeMap::new();
        for (l, _) in &train {
            *freq.entry(l.code.as_str()).or_default() += 1;
        }
        let majority = freq.iter().max_by_key(|(_, n)| **n).map(|(c, _)| *c);
        for (l, a) in test {
            if a.kind_hint.and_then(|(k, _)| Kind::from_key(k)) == Some(l.kind) {
                rules_ok += 1;
            }
            if majority == Some(l.code.as_str()) {
                majority_ok += 1;
            }
            results.push((l, score(app, l, a)));
        }
    }
    let n = results.len();
    let count = |f: &dyn Fn(&(&Labelled, Scored)) -> bool| results.iter().filter(|r| f(r)).count();
    let flagged = count(&|(_, s)| s.litigation);
    let truly = count(&|(l, _)| l.litigation);
    let both = count(&|(l, s)| l.litigation && s.litigation);
    let mut kind_recall = BTreeMap::new();
    for k in [Kind::Suggestion, Kind::Accusation, Kind::Claim] {
        let of_kind = count(&|(l, _)| l.kind == k);
        let right = count(&|(l, s)| l.kind == k && s.kind_ok);
        kind_recall.insert(k.label_zh().trim_end_matches('类'), ratio(right, of_kind));
    }
    let mut per_field: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (l, s) in &results {
        let field = l.code.get(..2).unwrap_or("");
        let name = taxonomy.field_name(field).unwrap_or("");
        let e = per_field.entry(format!("{field} {name}")).or_default();
        e.0 += 1;
        e.1 += usize::from(s.cat_ok);
        e.2 += usize::from(s.field_ok);
    }
    let mut cats: Vec<&str> = corpus.iter().map(|l| l.code.as_str()).collect();
    cats.sort();
    cats.dedup();
    ClassifyReport {
        train: train_total / folds,
        test: n,
        kind_accuracy: ratio(count(&|(_, s)| s.kind_ok), n),
        category_accuracy: ratio(count(&|(_, s)| s.cat_ok), n),
        kind_rules_accuracy: ratio(rules_ok, n),
        categories: cats.len(),
        folds,
        seed,
        category_top3_accuracy: ratio(count(&|(_, s)| s.top3_ok), n),
        field_accuracy: ratio(count(&|(_, s)| s.field_ok), n),
        category_majority_accuracy: ratio(majority_ok, n),
        kind_recall,
        litigation_precision: ratio(both, flagged),
        litigation_recall: ratio(both, truly),
        per_field: per_field
            .into_iter()
            .map(|(k, (n, c, f))| {
                (
                    k,
                    FieldScore {
                        n,
                        category_accuracy: ratio(c, n),
                        field_accuracy: ratio(f, n),
                    },
                )
            })
            .collect(),
        category_calibration: bands(
            &results
                .iter()
                .map(|(_, s)| (s.cat_p, s.cat_ok))
                .collect::<Vec<_>>(),
        ),
        kind_calibration: bands(
            &results
                .iter()
                .map(|(_, s)| (s.kind_p, s.kind_ok))
                .collect::<Vec<_>>(),
        ),
        curve,
    }
}
