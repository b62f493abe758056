//! Intake intelligence: what xinfang understands the moment a petition is
//! registered — suggested kind and category (an incremental Naive Bayes that
//! learns from staff-confirmed registrations, with cue-word rules before it
//! has data), the likely body with power, 涉法涉诉 (诉访分离, 第二十八条), and
//! risk signals (扬言, 第二十六条 behaviours, repeats, collective size,
//! sensitive periods) that become a warning in supervisors' inboxes at once.

use crate::state::App;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use xinfang_domain::case::{Case, Channel, Kind};
use xinfang_domain::{OrgTree, UnitId, UnitKind};
use xinfang_text::classify::{self, NaiveBayes};
use xinfang_text::Analysis;

/// Settings keys.
pub const CLASSIFIER_SETTING: &str = "classifier";
pub const SENSITIVE_SETTING: &str = "sensitive_periods";

/// The two incremental models. Both learn from [`classify::features`] of a
/// text (words plus character bigrams), with the smoothing chosen on the
/// labelled corpus ([`classify::PRODUCTION_ALPHA`]); the category model
/// predicts as complement Naive Bayes (same counts), the kind model as
/// multinomial.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Classifiers {
    pub kind: NaiveBayes,
    pub category: NaiveBayes,
    pub learned_since_save: u32,
}

impl Default for Classifiers {
    fn default() -> Self {
        Classifiers {
            kind: NaiveBayes::with_alpha(classify::PRODUCTION_ALPHA),
            category: NaiveBayes::with_alpha(classify::PRODUCTION_ALPHA),
            learned_since_save: 0,
        }
    }
}

/// How much more likely a category becomes when the petition writes its own
/// name or one of its 细类' names (交房难, 拖欠农民工工资, 物业乱象 …): a prior
/// from the taxonomy itself, not from the corpus. 8 was chosen on the corpus
/// folds (1 → 0.421, 2 → 0.424, 4 → 0.427, 8 → 0.444, 16 → 0.439, 64 → 0.449
/// top-1); larger values only let the name override the model.
const TAXON_NAME_BOOST: f64 = 8.0;

/// The names that, written in a petition, point at taxonomy node `code`: its
/// own, its 类别's (below the 领域) and its 细类' names.
fn taxon_names(t: &xinfang_domain::taxonomy::Taxonomy, code: &str) -> Vec<String> {
    let mut out = vec![];
    for l in (4..=code.len()).step_by(2) {
        if let Some(n) = t.get(&code[..l]) {
            out.push(n.name.clone());
        }
    }
    for c in t.children(Some(code)) {
        out.push(c.name.clone());
    }
    out
}

/// What the models see of an analysed text.
fn model_features(a: &Analysis) -> Vec<String> {
    classify::features(&a.tokens, &a.normalized)
}

/// An administrator-set 重大活动 window with extra vigilance.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct SensitivePeriod {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What registration suggests to the registrar.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Suggestions {
    pub kind: Option<(Kind, f64)>,
    /// The suggested category's name path and probability.
    pub category: Option<(String, f64)>,
    /// Its taxonomy code (what registration stores).
    pub category_code: Option<String>,
    pub body: Option<(i64, String)>,
    pub litigation: bool,
    pub litigation_cues: Vec<&'static str>,
}

/// One risk signal.
#[derive(Clone, Debug, Serialize)]
pub struct Signal {
    pub kind: &'static str,
    pub label: String,
    pub level: u8,
}

/// Body keyword for a category's 领域 (first path segment).
fn body_keyword(category: &str, kind: Kind, litigation: bool) -> Option<&'static str> {
    if kind == Kind::Accusation {
        return Some("纪律检查");
    }
    if litigation {
        return Some("政法");
    }
    let field = category.split('/').next().unwrap_or("");
    Some(match field {
        "城乡建设" => "住房和城乡建设",
        "劳动和社会保障" => "人力资源和社会保障",
        "自然资源" => "自然资源",
        "市场监督" | "经济管理" => "市场监督管理",
        "政法" => "政法",
        "纪检监察" => "纪律检查",
        _ => return None,
    })
}

/// The body with power in the region's own government for the category.
pub fn suggest_body(
    org: &OrgTree,
    region_code: &str,
    category: &str,
    kind: Kind,
    litigation: bool,
) -> Option<(UnitId, String)> {
    let keyword = body_keyword(category, kind, litigation)?;
    let gov = org
        .units_by_region(region_code)
        .into_iter()
        .filter(|u| u.kind == UnitKind::Government)
        .max_by_key(|u| u.level)?;
    org.children(gov.id)
        .iter()
        .filter_map(|c| org.get(*c))
        .find(|u| u.name.contains(keyword))
        .map(|u| (u.id, u.name.clone()))
}

impl App {
    /// Suggestions for a text in a region.
    pub fn suggest(&self, a: &Analysis, region_code: &str) -> Suggestions {
        let kind = self.suggest_kind(a);
        let taxonomy = self.taxonomy();
        let (category, category_code) = match self.rank_categories(a).into_iter().next() {
            Some((code, p)) => (
                Some((taxonomy.path(&code).unwrap_or_else(|| code.clone()), p)),
                Some(code),
            ),
            None => (None, None),
        };
        let litigation = !a.litigation_cues.is_empty();
        let body = category
            .as_ref()
            .map(|(c, _)| c.as_str())
            .or(Some(""))
            .and_then(|c| {
                suggest_body(
                    &self.org(),
                    region_code,
                    c,
                    kind.map(|k| k.0).unwrap_or(Kind::Claim),
                    litigation,
                )
            })
            .map(|(u, n)| (u.0, n));
        Suggestions {
            kind,
            category,
            category_code,
            body,
            litigation,
            litigation_cues: a.litigation_cues.clone(),
        }
    }

    /// The kind model's best guess once it has learnt 20 cases; the cue-word
    /// rules before that.
    pub fn suggest_kind(&self, a: &Analysis) -> Option<(Kind, f64)> {
        let models = self.classifiers();
        match models.kind.predict(&model_features(a)).first() {
            Some((k, p)) if models.kind.total_docs() >= 20 => Kind::from_key(k).map(|k| (k, *p)),
            _ => a
                .kind_hint
                .and_then(|(k, p)| Kind::from_key(k).map(|k| (k, p))),
        }
    }

    /// The category model's ranking for a text: taxonomy codes with their
    /// probabilities, best first (empty until it has learnt 20 cases).
    /// [`App::suggest`] offers the first; `bench classify` scores the top 3.
    pub fn rank_categories(&self, a: &Analysis) -> Vec<(String, f64)> {
        let models = self.classifiers();
        if models.category.total_docs() < 20 {
            return vec![];
        }
        // Labels are taxonomy codes (older models learned name paths: both resolve).
        let taxonomy = self.taxonomy();
        let mut ranked: Vec<(String, f64)> = models
            .category
            .predict_complement(&model_features(a))
            .into_iter()
            .filter_map(|(label, p)| taxonomy.resolve(&label).map(|n| (n.code.clone(), p)))
            .map(|(code, p)| {
                let named = taxon_names(&taxonomy, &code)
                    .iter()
                    .any(|n| a.normalized.contains(n.as_str()));
                let p = if named { p * TAXON_NAME_BOOST } else { p };
                (code, p)
            })
            .collect();
        let sum: f64 = ranked.iter().map(|(_, p)| p).sum();
        if sum > 0.0 {
            for (_, p) in &mut ranked {
                *p /= sum;
            }
        }
        ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        ranked
    }

    /// Learn from a registration whose kind and category a staff member chose.
    pub async fn learn(&self, a: &Analysis, kind: Kind, category: Option<&str>) {
        let x = model_features(a);
        let snapshot = {
            let mut m = self.classifiers_mut();
            m.kind.learn(&x, kind.key());
            if let Some(c) = category {
                m.category.learn(&x, c);
            }
            m.learned_since_save += 1;
            if m.learned_since_save < 25 {
                return;
            }
            m.learned_since_save = 0;
            serde_json::to_string(&*m).ok()
        };
        if let Some(json) = snapshot {
            if let Err(e) = self.store.put_setting(CLASSIFIER_SETTING, &json).await {
                tracing::warn!("saving classifier failed: {e}");
            }
        }
    }

    /// Risk signals of a registered submission.
    pub fn risk_signals(
        &self,
        a: &Analysis,
        case: &Case,
        channel: Channel,
        persons: u32,
        skip_level: bool,
    ) -> Vec<Signal> {
        let mut out: Vec<Signal> = vec![];
        let mut seen = std::collections::HashSet::new();
        for h in &a.risk_hits {
            if seen.insert(h.term.clone()) {
                out.push(Signal {
                    kind: "lexicon",
                    label: format!("{}：{}", h.category.label(), h.term),
                    level: h.level,
                });
            }
        }
        let th = self.risk_config().thresholds.clone();
        if persons >= th.collective_at {
            out.push(Signal {
                kind: "collective",
                label: format!("集体访 {persons} 人"),
                level: if persons >= th.collective_high_at {
                    3
                } else {
                    2
                },
            });
        }
        let n = case.submissions.len() as u32;
        if n >= th.repeat_at {
            out.push(Signal {
                kind: "repeat",
                label: format!("重复信访第 {n} 次"),
                level: if n >= th.repeat_high_at { 3 } else { 2 },
            });
        }
        if skip_level && channel == Channel::Visit {
            out.push(Signal {
                kind: "skip_level",
                label: "越级走访（第二十条）".into(),
                level: 1,
            });
        }
        let today = self.now().date();
        if !out.is_empty() {
            if let Some(p) = self
                .sensitive_periods()
                .into_iter()
                .find(|p| p.from <= today && today <= p.to)
            {
                for s in &mut out {
                    s.level = (s.level + 1).min(3);
                }
                out.push(Signal {
                    kind: "sensitive_period",
                    label: format!("敏感时期：{}", p.name),
                    level: 3,
                });
            }
        }
        out
    }
}
