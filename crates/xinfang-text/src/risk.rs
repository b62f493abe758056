//! Risk lexicon: early-warning signals in petition text.
//!
//! Registration staff must notice threats (扬言自焚、同归于尽), behaviour
//! prohibited by 第二十六条 (围堵、冲击、拦截公务车辆 …), signs of collective or
//! skip-level visits (集体上访、进京) and media pressure (曝光、直播) at once,
//! so the case gets a warning flag and a leader's attention. The lexicon is
//! editable data (`data/text/risk_lexicon.txt`, `词语<TAB>类别<TAB>等级`),
//! validated by [`RiskLexicon::from_text`] and matched with one Aho–Corasick
//! automaton. A term may contain `…` for a bounded gap (`组织…上访`).
//! Negation (“不会自杀”) is not handled: hits are signals for a person to
//! judge, not verdicts.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

/// The lexicon embedded at build time.
pub const DEFAULT_LEXICON: &str = include_str!("../../../data/text/risk_lexicon.txt");
/// Maximum characters between the parts of a gapped term.
pub const MAX_GAP_CHARS: usize = 12;
/// Gap marker inside a term.
const GAP: char = '…';

/// Kind of risk signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    /// 扬言极端: threats of suicide, violence, arson, explosion.
    Threat,
    /// 第二十六条行为: behaviour prohibited by 第二十六条.
    Article26,
    /// 群体: collective or skip-level visits.
    Collective,
    /// 舆情: media or online exposure.
    PublicOpinion,
}

impl RiskCategory {
    /// All categories.
    pub const ALL: [RiskCategory; 4] = [
        RiskCategory::Threat,
        RiskCategory::Article26,
        RiskCategory::Collective,
        RiskCategory::PublicOpinion,
    ];

    /// The Chinese name used in the lexicon file and on screen.
    pub fn label(self) -> &'static str {
        match self {
            RiskCategory::Threat => "扬言极端",
            RiskCategory::Article26 => "第二十六条行为",
            RiskCategory::Collective => "群体",
            RiskCategory::PublicOpinion => "舆情",
        }
    }

    /// Parses a Chinese label.
    pub fn from_label(label: &str) -> Option<RiskCategory> {
        Self::ALL.into_iter().find(|c| c.label() == label)
    }
}

/// One lexicon match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskHit {
    /// The lexicon term (with `…` for gapped terms).
    pub term: String,
    /// Its category.
    pub category: RiskCategory,
    /// 1 低, 2 中, 3 高.
    pub level: u8,
    /// Byte offset of the match start in the scanned text.
    pub start: usize,
    /// Byte offset just past the match end in the scanned text.
    pub end: usize,
}

/// A lexicon that fails validation. Messages are shown to administrators.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    /// A malformed line.
    #[error("风险词库第 {line} 行：{reason}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// No entries at all.
    #[error("风险词库为空")]
    Empty,
    /// The matcher could not be built.
    #[error("风险词库无法编译：{0}")]
    Build(String),
}

#[derive(Debug, Clone)]
struct Entry {
    term: String,
    parts: Vec<String>,
    category: RiskCategory,
    level: u8,
}

/// A validated risk lexicon with its automaton.
#[derive(Debug, Clone)]
pub struct RiskLexicon {
    entries: Vec<Entry>,
    /// For each automaton pattern: the (entry, part) pairs it stands for.
    owners: Vec<Vec<(usize, usize)>>,
    matcher: AhoCorasick,
}

static GLOBAL: LazyLock<RiskLexicon> =
    LazyLock::new(|| RiskLexicon::from_text(DEFAULT_LEXICON).expect("embedded lexicon is valid"));

impl RiskLexicon {
    /// Parses and validates lexicon text: `词语<TAB>类别<TAB>等级` per line,
    /// `#` comments and blank lines ignored; category one of 扬言极端 /
    /// 第二十六条行为 / 群体 / 舆情, level 1–3, each term once.
    pub fn from_text(text: &str) -> Result<RiskLexicon, LexiconError> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
        for (idx, raw) in text.lines().enumerate() {
            let line = idx + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let err = |reason: String| LexiconError::Line { line, reason };
            let fields: Vec<&str> = trimmed.split('\t').map(str::trim).collect();
            let [term, category, level] = fields[..] else {
                return Err(err(format!(
                    "应为 3 个以制表符分隔的字段（词语、类别、等级），实为 {} 个",
                    fields.len()
                )));
            };
            let category = RiskCategory::from_label(category)
                .ok_or_else(|| err(format!("未知类别“{category}”")))?;
            let level: u8 = match level.parse() {
                Ok(l @ 1..=3) => l,
                _ => return Err(err(format!("等级“{level}”无效，应为 1、2 或 3"))),
            };
            let parts: Vec<String> = term.split(GAP).map(str::to_string).collect();
            if parts.iter().any(String::is_empty) {
                return Err(err(format!("词语“{term}”为空或“…”两侧缺少文字")));
            }
            if entries.iter().any(|e| e.term == term) {
                return Err(err(format!("词语“{term}”重复")));
            }
            let entry_idx = entries.len();
            for (part_idx, part) in parts.iter().enumerate() {
                let pid = match patterns.iter().position(|p| p == part) {
                    Some(pid) => pid,
                    None => {
                        patterns.push(part.clone());
                        owners.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                owners[pid].push((entry_idx, part_idx));
            }
            entries.push(Entry {
                term: term.to_string(),
                parts,
                category,
                level,
            });
        }
        if entries.is_empty() {
            return Err(LexiconError::Empty);
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&patterns)
            .map_err(|e| LexiconError::Build(e.to_string()))?;
        Ok(RiskLexicon {
            entries,
            owners,
            matcher,
        })
    }

    /// The shared instance built from [`DEFAULT_LEXICON`].
    pub fn global() -> &'static RiskLexicon {
        &GLOBAL
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The terms with their category and level, in lexicon order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, RiskCategory, u8)> {
        self.entries
            .iter()
            .map(|e| (e.term.as_str(), e.category, e.level))
    }

    /// The lexicon as text in the file format (`词语<TAB>类别<TAB>等级`).
    pub fn to_text(&self) -> String {
        self.entries()
            .map(|(t, c, l)| format!("{t}\t{}\t{l}\n", c.label()))
            .collect()
    }

    /// Whether the lexicon has no terms (never true for a built lexicon).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Finds all risk terms in `text`, ordered by position.
    ///
    /// Pass text that went through [`normalize`](crate::normalize::normalize)
    /// (so `自 焚` and full-width forms match); offsets are byte offsets into
    /// the text as passed. When a term lies inside a longer plain term of the
    /// same or higher level (集体 inside 集体上访), only the longer is reported.
    pub fn scan(&self, text: &str) -> Vec<RiskHit> {
        // (entry, part, start, end) for every pattern occurrence.
        let mut occurrences: Vec<(usize, usize, usize, usize)> = Vec::new();
        for m in self.matcher.find_overlapping_iter(text) {
            for &(entry, part) in &self.owners[m.pattern().as_usize()] {
                occurrences.push((entry, part, m.start(), m.end()));
            }
        }
        let mut hits: Vec<(RiskHit, bool)> = Vec::new(); // (hit, gapped)
        for &(entry_idx, part, start, end) in &occurrences {
            let entry = &self.entries[entry_idx];
            if part != 0 {
                continue;
            }
            let end = if entry.parts.len() == 1 {
                Some(end)
            } else {
                chain_end(text, &occurrences, entry_idx, entry.parts.len(), end)
            };
            if let Some(end) = end {
                hits.push((self.hit(entry, start, end), entry.parts.len() > 1));
            }
        }
        let keep: Vec<bool> = hits
            .iter()
            .map(|(h, _)| {
                !hits.iter().any(|(o, gapped)| {
                    !gapped
                        && o.level >= h.level
                        && o.start <= h.start
                        && h.end <= o.end
                        && (o.end - o.start) > (h.end - h.start)
                })
            })
            .collect();
        let mut out: Vec<RiskHit> = hits
            .into_iter()
            .zip(keep)
            .filter_map(|((h, _), k)| k.then_some(h))
            .collect();
        out.sort_by(|a, b| (a.start, b.end).cmp(&(b.start, a.end)));
        out
    }

    fn hit(&self, entry: &Entry, start: usize, end: usize) -> RiskHit {
        RiskHit {
            term: entry.term.clone(),
            category: entry.category,
            level: entry.level,
            start,
            end,
        }
    }
}

impl Default for RiskLexicon {
    /// A copy of the embedded lexicon (prefer [`RiskLexicon::global`]).
    fn default() -> Self {
        RiskLexicon::global().clone()
    }
}

/// For a gapped entry whose first part ends at `end`, finds the end of the
/// nearest chain of the following parts, each within [`MAX_GAP_CHARS`] and
/// not across a sentence end.
fn chain_end(
    text: &str,
    occurrences: &[(usize, usize, usize, usize)],
    entry: usize,
    parts: usize,
    mut end: usize,
) -> Option<usize> {
    for part in 1..parts {
        let next = occurrences
            .iter()
            .filter(|&&(e, p, s, _)| e == entry && p == part && s >= end)
            .filter(|&&(_, _, s, _)| {
                let gap = &text[end..s];
                gap.chars().count() <= MAX_GAP_CHARS
                    && !gap.contains(['。', '！', '？', '!', '?', '\n'])
            })
            .min_by_key(|&&(_, _, s, _)| s)?;
        end = next.3;
    }
    Some(end)
}

/// The overall level of a set of hits: the highest level, `None` without hits.
pub fn risk_level(hits: &[RiskHit]) -> Option<u8> {
    hits.iter().map(|h| h.level).max()
}
