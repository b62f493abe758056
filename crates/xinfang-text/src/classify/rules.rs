//! Cue-word rules: kind suggestion and 涉法涉诉 detection.
//!
//! They exist so registration gets a sensible first suggestion before any
//! model has been trained, and because the 涉法涉诉 decision (divert to legal
//! channels, 第三十一条) must be explainable by the words that triggered it.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// Cue words per kind key (`suggestion` / `accusation` / `claim`, matching
/// the domain `Kind` keys). Ties go to the earlier kind in this list.
const KIND_CUES: &[(&str, &[&str])] = &[
    (
        "accusation",
        &[
            "举报",
            "检举",
            "控告",
            "贪污",
            "受贿",
            "行贿",
            "违纪",
            "违法乱纪",
            "腐败",
            "挪用",
            "侵占",
            "滥用职权",
            "玩忽职守",
            "以权谋私",
            "吃拿卡要",
            "徇私",
        ],
    ),
    (
        "claim",
        &[
            "要求", "请求", "补偿", "解决", "讨要", "赔偿", "申诉", "讨薪", "退还", "返还", "追讨",
            "支付", "落实", "恢复",
        ],
    ),
    (
        "suggestion",
        &[
            "建议", "意见", "希望", "倡议", "呼吁", "提议", "献策", "改进", "完善",
        ],
    ),
];

static KIND_MATCHER: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut kind_of = Vec::new();
    for (k, (_, cues)) in KIND_CUES.iter().enumerate() {
        patterns.extend_from_slice(cues);
        kind_of.extend(std::iter::repeat_n(k, cues.len()));
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .expect("static cue list");
    (ac, kind_of)
});

/// Suggests the kind from cue words, as a prior before the model has data.
///
/// Counts cue occurrences per kind (建议/意见/希望 → `"suggestion"`,
/// 举报/检举/控告/贪污/受贿/违纪 → `"accusation"`, 要求/请求/补偿/解决/讨要 →
/// `"claim"`). The kind with most cues wins (ties: accusation, then claim,
/// then suggestion); the confidence is `share × (1 − 0.5^n)`, where `share`
/// is its fraction of all cue hits and `n` its own count, so one lone cue
/// gives 0.5 and more agreeing cues approach 1. `None` without any cue.
pub fn suggest_kind_by_rules(text: &str) -> Option<(&'static str, f64)> {
    let (ac, kind_of) = &*KIND_MATCHER;
    let mut counts = [0u32; 3];
    for m in ac.find_iter(text) {
        counts[kind_of[m.pattern().as_usize()]] += 1;
    }
    let total: u32 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let best = (0..3)
        .max_by_key(|&k| (counts[k], std::cmp::Reverse(k)))
        .expect("three kinds");
    let n = counts[best];
    let confidence = f64::from(n) / f64::from(total) * (1.0 - 0.5f64.powi(n as i32));
    Some((KIND_CUES[best].0, confidence))
}

/// Cues of a 涉法涉诉 matter (courts, procuratorate, police case filing,
/// arbitration, litigation). Generic words such as 执行 alone are avoided:
/// only its court-enforcement forms count.
const LITIGATION_CUES: &[&str] = &[
    "法院",
    "人民法院",
    "判决",
    "判决书",
    "裁定",
    "裁定书",
    "再审",
    "申请再审",
    "起诉",
    "上诉",
    "诉讼",
    "检察院",
    "抗诉",
    "仲裁",
    "仲裁委",
    "仲裁裁决",
    "强制执行",
    "申请执行",
    "执行局",
    "执行法官",
    "执行款",
    "执行难",
    "终结执行",
    "立案侦查",
    "不予立案",
    "不立案",
    "公安机关立案",
    "报案",
    "刑事案件",
    "法官",
    "庭审",
    "开庭",
    "冤假错案",
    "错案",
    "司法鉴定",
];

static LITIGATION_MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(LITIGATION_CUES)
        .expect("static cue list")
});

/// The distinct 涉法涉诉 cues found in `text`, in order of first appearance
/// (the longest cue at each position: 判决书 rather than 判决).
pub fn litigation_cues(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in LITIGATION_MATCHER.find_iter(text) {
        let cue = LITIGATION_CUES[m.pattern().as_usize()];
        if !out.contains(&cue) {
            out.push(cue);
        }
    }
    out
}

/// Whether `text` looks like a 涉法涉诉 matter (at least one cue of
/// [`litigation_cues`]); such matters are diverted to legal channels
/// (第三十一条).
pub fn looks_litigation_related(text: &str) -> bool {
    LITIGATION_MATCHER.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(suggest_kind_by_rules("今天天气很好"), None);
        let (k, c) = suggest_kind_by_rules("我实名举报村支书贪污扶贫款").unwrap();
        assert_eq!(k, "accusation");
        assert!((c - 0.75).abs() < 1e-9);
        assert_eq!(
            suggest_kind_by_rules("建议增设公交线路").unwrap().0,
            "suggestion"
        );
        assert_eq!(
            suggest_kind_by_rules("希望政府尽快解决").unwrap().0,
            "claim"
        );
    }

    #[test]
    fn litigation() {
        assert_eq!(
            litigation_cues("法院判决书下来了，但一直没有强制执行，法院说执行难"),
            vec!["法院", "判决书", "强制执行", "执行难"]
        );
        assert!(!looks_litigation_related("政策执行不到位，物业费太贵"));
    }
}
