//! Domain refusals. Each carries a stable machine code (for the API) and a
//! Chinese message naming the rule (for pages), so a refusal is never vague.

use crate::calendar::CalendarError;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("无权执行此操作：{0}")]
    Forbidden(String),
    #[error("当前状态为“{status}”，不能{action}")]
    InvalidState {
        status: &'static str,
        action: &'static str,
    },
    #[error("检举控告材料不得转给或透露给被检举、揭发的人员或单位（第三十条）")]
    AccusedBody,
    #[error("检举控告类事项应当转送有权处理的纪检监察机关（第二十二条、第三十条）")]
    AccusationNeedsDiscipline,
    #[error("您已申请回避，不得办理本信访事项（第二十八条第三款）")]
    Recused,
    #[error("异议应当自收到之日起5个工作日内提出，期限已于{0}届满（第二十三条第三款）")]
    ObjectionTooLate(NaiveDate),
    #[error("请求期限已于{0}届满，不能再请求{1}（{2}）")]
    ReviewWindowClosed(NaiveDate, &'static str, &'static str),
    #[error("多人走访提出共同的信访事项，代表人数不得超过5人（第二十条第三款）")]
    TooManyRepresentatives,
    #[error("延期不得超过30日（第三十四条），本次最多还可延期{0}日")]
    ExtensionTooLong(u32),
    /// The message is for people (pages show it as it is); the field goes
    /// to API clients beside it (`field()`), never into the words.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Calendar(#[from] CalendarError),
}

impl DomainError {
    /// Stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Forbidden(_) => "forbidden",
            Self::InvalidState { .. } => "invalid_state",
            Self::AccusedBody => "accused_body",
            Self::AccusationNeedsDiscipline => "accusation_needs_discipline",
            Self::Recused => "recused",
            Self::ObjectionTooLate(_) => "objection_window_closed",
            Self::ReviewWindowClosed(..) => "review_window_closed",
            Self::TooManyRepresentatives => "too_many_representatives",
            Self::ExtensionTooLong(_) => "extension_too_long",
            Self::Invalid { .. } => "invalid",
            Self::Calendar(_) => "calendar_out_of_range",
        }
    }
    /// The field an input error is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::TooManyRepresentatives => Some("petitioners"),
            _ => None,
        }
    }
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
