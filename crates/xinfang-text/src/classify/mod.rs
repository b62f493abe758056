//! Suggesting a petition's kind, category and route.
//!
//! Staff classify every registration (类型 per 第二十九–三十一条, 内容分类) and
//! must divert 涉法涉诉 matters to legal channels (第三十一条). Suggestions save
//! them time: [`NaiveBayes`] learns incrementally from the labels staff
//! confirm (and [`NaiveBayes::unlearn`] takes back a corrected one), while
//! [`suggest_kind_by_rules`] and [`litigation_cues`] work from cue words
//! before the model has seen any data.

mod bayes;
mod corpus;
mod features;
mod rules;

pub use bayes::NaiveBayes;
pub use corpus::{fold_of, parse_corpus, LabelledText};
pub use features::{features, FeatureSet, PRODUCTION_ALPHA};
pub use rules::{litigation_cues, looks_litigation_related, suggest_kind_by_rules};
