//! The rule table: each statutory clock of DESIGN.md §4 as data with its
//! article, counting, warning threshold and extension ceiling. A deployment
//! may make a limit stricter (e.g. 12345-style 5 working days), never looser.

use super::{Counting, PeriodSpec};
use serde::{Deserialize, Serialize};

/// The clocks of the 《信访工作条例》.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// 信访部门登记后转送、交办：15日（第二十二条）.
    Forward,
    /// 直接收到的信访事项书面告知：15日（第二十三条第二款）.
    DirectNotice,
    /// 收到转送、交办事项后书面告知：15日（第二十三条第三款）.
    ReceiptNotice,
    /// 不属本单位职权的异议：5个工作日（第二十三条第三款）.
    Objection,
    /// 第三十一条第（六）项事项办结：60日，可延长≤30日（第三十四条）.
    Handling,
    /// 建议意见类事项的答复：条例未定期限（第二十九条只要求认真研究论证、予以回复），
    /// 按本地规定.
    SuggestionReply,
    /// 检举控告类事项的办理反馈：条例未定期限（第三十条：依规依纪依法办理、
    /// 反馈），按纪检监察机关或本地规定.
    AccusationReply,
    /// 请求复查：收到书面答复之日起30日（第三十五条）.
    ReviewRequest,
    /// 复查意见：30日（第三十五条）.
    ReviewAnswer,
    /// 请求复核：30日（第三十六条）.
    ReReviewRequest,
    /// 复核意见：30日，听证时间不计（第三十六条）.
    ReReviewAnswer,
    /// 交办件办结报告：交办机关指定日期（第二十二条第（三）项）.
    AssignedReport,
}

const ALL: [ClockKind; 12] = [
    ClockKind::Forward,
    ClockKind::DirectNotice,
    ClockKind::ReceiptNotice,
    ClockKind::Objection,
    ClockKind::Handling,
    ClockKind::SuggestionReply,
    ClockKind::AccusationReply,
    ClockKind::ReviewRequest,
    ClockKind::ReviewAnswer,
    ClockKind::ReReviewRequest,
    ClockKind::ReReviewAnswer,
    ClockKind::AssignedReport,
];

impl ClockKind {
    pub fn all() -> &'static [ClockKind] {
        &ALL
    }
    pub fn name_zh(&self) -> &'static str {
        match self {
            Self::Forward => "登记转送交办",
            Self::DirectNotice => "书面告知（直接受理）",
            Self::ReceiptNotice => "书面告知（转送交办件）",
            Self::Objection => "提出异议",
            Self::Handling => "办理期限",
            Self::SuggestionReply => "建议意见答复期限",
            Self::AccusationReply => "检举控告办理期限",
            Self::ReviewRequest => "请求复查期限",
            Self::ReviewAnswer => "复查期限",
            Self::ReReviewRequest => "请求复核期限",
            Self::ReReviewAnswer => "复核期限",
            Self::AssignedReport => "交办件办结报告",
        }
    }
    pub fn key(&self) -> &'static str {
        match self {
            Self::Forward => "forward",
            Self::DirectNotice => "direct_notice",
            Self::ReceiptNotice => "receipt_notice",
            Self::Objection => "objection",
            Self::Handling => "handling",
            Self::SuggestionReply => "suggestion_reply",
            Self::AccusationReply => "accusation_reply",
            Self::ReviewRequest => "review_request",
            Self::ReviewAnswer => "review_answer",
            Self::ReReviewRequest => "re_review_request",
            Self::ReReviewAnswer => "re_review_answer",
            Self::AssignedReport => "assigned_report",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        ALL.into_iter().find(|k| k.key() == s)
    }
    /// A limit the 条例 does not set: the deployment sets it (any length) and
    /// names its source; the default is a local rule, shown as such.
    pub fn is_local(&self) -> bool {
        matches!(self, Self::SuggestionReply | Self::AccusationReply)
    }
    /// The body's answer clock of a stage (办理 / 复查 / 复核).
    pub fn is_answer(&self) -> bool {
        matches!(
            self,
            Self::Handling
                | Self::SuggestionReply
                | Self::AccusationReply
                | Self::ReviewAnswer
                | Self::ReReviewAnswer
        )
    }
}

/// The default source named for a local limit until a deployment names its own.
pub const LOCAL_DEFAULT_SOURCE: &str =
    "本地规定（默认参照第三十四条的60日；条例未规定此类事项的期限）";

/// One clock as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockRule {
    pub kind: ClockKind,
    pub spec: PeriodSpec,
    pub article: String,
    /// 临期 when at most this many calendar days remain.
    pub approaching_days: u32,
    pub max_extension_days: u32,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("{name}的期限不得长于法定期限（{article}）")]
    LooserThanStatute { name: &'static str, article: String },
    #[error("{name}由本地规定，请填写规定的名称和条款（如《××省信访事项办理规定》第十条）")]
    LocalWithoutSource { name: &'static str },
    #[error("{name}应为1至3660日")]
    LocalOutOfRange { name: &'static str },
}

/// All clock rules in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleTable {
    pub rules: Vec<ClockRule>,
}

fn rule(
    kind: ClockKind,
    amount: u32,
    counting: Counting,
    article: &str,
    approaching_days: u32,
) -> ClockRule {
    ClockRule {
        kind,
        spec: PeriodSpec {
            amount,
            counting,
            rollover: true,
        },
        article: article.into(),
        approaching_days,
        max_extension_days: if kind == ClockKind::Handling || kind.is_local() {
            30
        } else {
            0
        },
    }
}

/// Upper bound in calendar days of a period, for comparing strictness.
fn span_days(spec: &PeriodSpec) -> u32 {
    match spec.counting {
        Counting::CalendarDays => spec.amount,
        // N working days never take fewer than N + 2·⌊(N-1)/5⌋ calendar days.
        Counting::WorkingDays => spec.amount + 2 * (spec.amount.saturating_sub(1) / 5),
    }
}

impl RuleTable {
    /// The limits of the 《信访工作条例》 (2022).
    pub fn statutory() -> RuleTable {
        use ClockKind::*;
        use Counting::*;
        RuleTable {
            rules: vec![
                rule(Forward, 15, CalendarDays, "第二十二条", 3),
                rule(DirectNotice, 15, CalendarDays, "第二十三条第二款", 3),
                rule(ReceiptNotice, 15, CalendarDays, "第二十三条第三款", 3),
                rule(Objection, 5, WorkingDays, "第二十三条第三款", 1),
                rule(Handling, 60, CalendarDays, "第三十四条", 7),
                rule(SuggestionReply, 60, CalendarDays, LOCAL_DEFAULT_SOURCE, 7),
                rule(AccusationReply, 60, CalendarDays, LOCAL_DEFAULT_SOURCE, 7),
                rule(ReviewRequest, 30, CalendarDays, "第三十五条", 5),
                rule(ReviewAnswer, 30, CalendarDays, "第三十五条", 5),
                rule(ReReviewRequest, 30, CalendarDays, "第三十六条", 5),
                rule(ReReviewAnswer, 30, CalendarDays, "第三十六条", 5),
                rule(AssignedReport, 0, CalendarDays, "第二十二条第（三）项", 3),
            ],
        }
    }

    pub fn get(&self, k: ClockKind) -> &ClockRule {
        self.rules
            .iter()
            .find(|r| r.kind == k)
            .expect("every clock kind has a rule")
    }

    /// Replace a rule with a local one that is at least as strict (a limit
    /// the 条例 leaves to local rules may take any length, with its source named).
    pub fn with_override(mut self, mut new: ClockRule) -> Result<RuleTable, RuleError> {
        let stat = RuleTable::statutory();
        let base = stat.get(new.kind);
        if new.kind.is_local() {
            if new.spec.amount == 0 || new.spec.amount > super::period::MAX_PERIOD_DAYS {
                return Err(RuleError::LocalOutOfRange {
                    name: new.kind.name_zh(),
                });
            }
            new.article = new.article.trim().to_string();
            if new.article.is_empty() {
                return Err(RuleError::LocalWithoutSource {
                    name: new.kind.name_zh(),
                });
            }
            if let Some(r) = self.rules.iter_mut().find(|r| r.kind == new.kind) {
                *r = new;
            }
            return Ok(self);
        }
        // A statutory limit keeps its article whatever the override says.
        new.article = base.article.clone();
        let petitioner_window = matches!(
            new.kind,
            ClockKind::ReviewRequest | ClockKind::ReReviewRequest
        );
        let looser = if petitioner_window {
            // The petitioner's windows are rights: a deployment may not shorten them.
            span_days(&new.spec) != span_days(&base.spec)
        } else {
            new.kind != ClockKind::AssignedReport
                && (span_days(&new.spec) > base.spec.amount.max(span_days(&base.spec))
                    || new.max_extension_days > base.max_extension_days)
        };
        if looser {
            return Err(RuleError::LooserThanStatute {
                name: new.kind.name_zh(),
                article: base.article.clone(),
            });
        }
        if let Some(r) = self.rules.iter_mut().find(|r| r.kind == new.kind) {
            *r = new;
        }
        Ok(self)
    }
}
