//! `xinfang bench classify`: how well the intake suggestions learn. Generated
//! staff-confirmed cases (kind and category chosen by the registrar) train
//! the two incremental models through `App::learn` — the path a staff
//! registration takes — and a held-out set is scored through `App::suggest`,
//! the path intake uses. The held-out texts are filled and worded
//! independently of the training texts; some mention a second issue.

use crate::demo::content::{fill, TOPICS};
use crate::state::App;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// The result line.
#[derive(Clone, Debug, Serialize)]
pub struct ClassifyReport {
    pub train: usize,
    pub test: usize,
    pub kind_accuracy: f64,
    pub category_accuracy: f64,
    /// Kind accuracy of the cue-word rules alone (before any learning), for comparison.
    pub kind_rules_accuracy: f64,
    pub categories: usize,
}

const OPENINGS: &[&str] = &[
    "",
    "本人反映：",
    "我们是附近居民，",
    "特来信反映，",
    "现反映如下：",
];
const CLOSINGS: &[&str] = &[
    "请依法处理。",
    "望尽快解决。",
    "请领导重视。",
    "请相关部门核实。",
];

fn text(t: usize, rng: &mut StdRng) -> String {
    let topic = &TOPICS[t];
    let mut s = format!(
        "{}\n{}{}",
        fill(topic.request, rng),
        OPENINGS.choose(rng).unwrap_or(&""),
        fill(topic.facts, rng)
    );
    if rng.gen_bool(0.1) {
        // A second, lesser issue from another field.
        let other = &TOPICS[rng.gen_range(0..TOPICS.len())];
        let extra = fill(other.facts, rng);
        let first = extra.split('，').next().unwrap_or("");
        s.push_str(&format!("另外，{first}。"));
    }
    s.push_str(CLOSINGS.choose(rng).unwrap_or(&""));
    s
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Train on `n` × 80% generated confirmed cases, score on the other 20%.
pub async fn classify(app: &App, n: usize, seed: u64) -> ClassifyReport {
    let mut rng = StdRng::seed_from_u64(seed);
    let items: Vec<(usize, String)> = (0..n)
        .map(|_| {
            let t = rng.gen_range(0..TOPICS.len());
            (t, text(t, &mut rng))
        })
        .collect();
    let split = n * 4 / 5;
    let (train, test) = items.split_at(split);
    let mut rules_ok = 0usize;
    for (t, s) in test {
        let a = xinfang_text::analyze(s);
        if a.kind_hint.map(|(k, _)| k) == Some(TOPICS[*t].kind.key()) {
            rules_ok += 1;
        }
    }
    for (t, s) in train {
        let a = xinfang_text::analyze(s);
        app.learn(&a, TOPICS[*t].kind, Some(TOPICS[*t].category))
            .await;
    }
    let (mut kind_ok, mut cat_ok) = (0usize, 0usize);
    for (t, s) in test {
        let a = xinfang_text::analyze(s);
        let sug = app.suggest(&a, "");
        if sug.kind.map(|(k, _)| k) == Some(TOPICS[*t].kind) {
            kind_ok += 1;
        }
        if sug.category.as_ref().map(|(c, _)| c.as_str()) == Some(TOPICS[*t].category) {
            cat_ok += 1;
        }
    }
    let m = test.len().max(1) as f64;
    let mut cats: Vec<&str> = TOPICS.iter().map(|t| t.category).collect();
    cats.sort();
    cats.dedup();
    ClassifyReport {
        train: train.len(),
        test: test.len(),
        kind_accuracy: round4(kind_ok as f64 / m),
        category_accuracy: round4(cat_ok as f64 / m),
        kind_rules_accuracy: round4(rules_ok as f64 / m),
        categories: cats.len(),
    }
}
