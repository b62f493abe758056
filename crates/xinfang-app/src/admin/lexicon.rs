//! The risk lexicon and signal thresholds as data: administrators edit the
//! terms (扬言自杀、自焚、同归于尽 …, the behaviours 第二十六条 forbids) with
//! their level, and the repeat/collective thresholds. Stored in settings,
//! loaded at start, validated whole, audited, and swapped into `App` so the
//! next intake uses them.

use crate::error::{AppError, FieldError};
use crate::state::App;
use serde::{Deserialize, Serialize};
use xinfang_domain::Staff;
use xinfang_store::Store;
use xinfang_text::{RiskCategory, RiskLexicon};

/// Settings key.
pub const RISK_SETTING: &str = "risk_lexicon";

/// When repeats and collective size become signals, and when they are high.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskThresholds {
    /// 重复信访: a case with this many submissions is a signal (level 2).
    pub repeat_at: u32,
    /// … and this many is level 3.
    pub repeat_high_at: u32,
    /// 集体访: this many persons is a signal (level 2).
    pub collective_at: u32,
    /// … and this many is level 3.
    pub collective_high_at: u32,
}

impl Default for RiskThresholds {
    fn default() -> Self {
        RiskThresholds {
            repeat_at: 3,
            repeat_high_at: 5,
            collective_at: 5,
            collective_high_at: 50,
        }
    }
}

/// One term as edited and stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LexiconTerm {
    pub term: String,
    /// `threat` / `article26` / `collective` / `public_opinion`, or the Chinese label.
    pub category: String,
    /// 1 低, 2 中, 3 高.
    pub level: u8,
}

/// What is stored: the whole lexicon and the thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskSettings {
    pub terms: Vec<LexiconTerm>,
    pub thresholds: RiskThresholds,
}

/// The compiled configuration the analyzer uses.
#[derive(Clone, Debug)]
pub struct RiskConfig {
    pub lexicon: RiskLexicon,
    pub thresholds: RiskThresholds,
}

fn category_key(c: RiskCategory) -> &'static str {
    match c {
        RiskCategory::Threat => "threat",
        RiskCategory::Article26 => "article26",
        RiskCategory::Collective => "collective",
        RiskCategory::PublicOpinion => "public_opinion",
    }
}

fn parse_category(s: &str) -> Option<RiskCategory> {
    let s = s.trim();
    RiskCategory::ALL
        .into_iter()
        .find(|c| category_key(*c) == s || c.label() == s)
}

impl RiskConfig {
    /// The shipped lexicon with the default thresholds.
    pub fn shipped() -> RiskConfig {
        RiskConfig {
            lexicon: RiskLexicon::global().clone(),
            thresholds: RiskThresholds::default(),
        }
    }

    /// The editable form of this configuration.
    pub fn settings(&self) -> RiskSettings {
        RiskSettings {
            terms: self
                .lexicon
                .entries()
                .map(|(t, c, l)| LexiconTerm {
                    term: t.to_string(),
                    category: category_key(c).to_string(),
                    level: l,
                })
                .collect(),
            thresholds: self.thresholds.clone(),
        }
    }
}

/// Validate settings, listing every bad term and threshold.
pub fn compile(s: &RiskSettings) -> Result<RiskConfig, AppError> {
    let mut errors: Vec<FieldError> = vec![];
    let mut text = String::new();
    for (i, t) in s.terms.iter().enumerate() {
        let field = format!("terms[{i}]");
        let term = t.term.trim();
        if term.is_empty()
            || term.chars().count() > 20
            || term.chars().any(|c| c.is_whitespace() || c.is_control())
            || term.starts_with('#')
        {
            errors.push(FieldError {
                field,
                message: format!(
                    "第 {} 个词“{}”无效：应为 1–20 个字，不含空白",
                    i + 1,
                    t.term
                ),
            });
            continue;
        }
        let Some(cat) = parse_category(&t.category) else {
            errors.push(FieldError {
                field,
                message: format!(
                    "第 {} 个词“{term}”的类别“{}”无效，应为 扬言极端、第二十六条行为、群体 或 舆情",
                    i + 1,
                    t.category
                ),
            });
            continue;
        };
        if !(1..=3).contains(&t.level) {
            errors.push(FieldError {
                field,
                message: format!("第 {} 个词“{term}”的等级应为 1、2 或 3", i + 1),
            });
            continue;
        }
        text.push_str(&format!("{term}\t{}\t{}\n", cat.label(), t.level));
    }
    let th = &s.thresholds;
    if th.repeat_at < 2 || th.repeat_high_at < th.repeat_at || th.repeat_high_at > 100 {
        errors.push(FieldError {
            field: "thresholds.repeat_at".into(),
            message: "重复信访阈值应满足 2 ≤ 预警次数 ≤ 高风险次数 ≤ 100".into(),
        });
    }
    if th.collective_at < 2
        || th.collective_high_at < th.collective_at
        || th.collective_high_at > 100_000
    {
        errors.push(FieldError {
            field: "thresholds.collective_at".into(),
            message: "集体访阈值应满足 2 ≤ 预警人数 ≤ 高风险人数 ≤ 100000".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let lexicon = RiskLexicon::from_text(&text).map_err(|e| {
        // Lines of the generated text are the terms in order.
        let msg = match e {
            xinfang_text::risk::LexiconError::Line { line, reason } => {
                format!("第 {line} 个词：{reason}")
            }
            other => other.to_string(),
        };
        AppError::field("terms", msg)
    })?;
    Ok(RiskConfig {
        lexicon,
        thresholds: th.clone(),
    })
}

/// Load the stored configuration, else the shipped one.
pub async fn load(store: &Store) -> Result<RiskConfig, AppError> {
    match store.get_setting(RISK_SETTING).await? {
        Some(json) => {
            let s: RiskSettings = serde_json::from_str(&json).map_err(|e| {
                AppError::field("risk_lexicon", format!("风险词库配置无法解析：{e}"))
            })?;
            compile(&s)
        }
        None => Ok(RiskConfig::shipped()),
    }
}

impl App {
    /// Analyse a petition text with the lexicon in force.
    pub fn analyze(&self, text: &str) -> xinfang_text::Analysis {
        xinfang_text::analyze_with(text, &self.risk_config().lexicon)
    }

    /// Replace the lexicon and thresholds (管理员): validated whole, stored,
    /// audited, and used by the next intake.
    pub async fn set_risk_settings(
        &self,
        staff: &Staff,
        settings: RiskSettings,
    ) -> Result<RiskConfig, AppError> {
        self.require_admin(staff)?;
        let config = compile(&settings)?;
        let stored = config.settings();
        let before = self.risk_config().settings();
        let added: Vec<&str> = stored
            .terms
            .iter()
            .filter(|t| !before.terms.iter().any(|b| b.term == t.term))
            .map(|t| t.term.as_str())
            .collect();
        let removed: Vec<&str> = before
            .terms
            .iter()
            .filter(|t| !stored.terms.iter().any(|b| b.term == t.term))
            .map(|t| t.term.as_str())
            .collect();
        self.store
            .put_setting(
                RISK_SETTING,
                &serde_json::to_string(&stored).unwrap_or_default(),
            )
            .await?;
        self.store
            .audit(
                "settings",
                "risk_lexicon_changed",
                &format!("user:{}", staff.username),
                &serde_json::json!({ "terms": stored.terms.len(), "added": added, "removed": removed, "thresholds": stored.thresholds }),
            )
            .await?;
        self.set_risk_config(config.clone());
        Ok(config)
    }
}
