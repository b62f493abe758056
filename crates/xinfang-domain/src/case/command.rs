//! Commands: what a user asks to do to a case. `super::decide` checks each
//! against role, state and the rules of the 条例 and turns it into one event.

use super::model::*;
use crate::org::UnitId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Register a submission (登记, 第十九、二十一条).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Register {
    pub channel: Channel,
    pub kind: Kind,
    /// The petitioners, or for a collective visit its representatives (≤5, 第二十条).
    pub petitioners: Vec<Petitioner>,
    /// 人次: persons present (collective visits); at least the number of petitioners.
    pub persons: u32,
    pub content: Content,
    pub region_code: String,
    pub accused: Option<Accused>,
    pub category: Option<String>,
    pub registering_unit: UnitId,
    /// 涉法涉诉 cues the intake found in the text ("已向法院起诉" …): the
    /// matter may belong to a legal procedure (第三十一条第一项).
    #[serde(default)]
    pub litigation_cues: Vec<String>,
    /// Staff only: register as a new matter although it matches an earlier
    /// case of the same petitioner, for this reason (第三十六条 review by a person).
    #[serde(default)]
    pub new_matter_reason: Option<String>,
}

/// An earlier case of the same petitioner and matter, found by the service
/// (petitioner identity + near-duplicate text).
#[derive(Clone, Debug, PartialEq)]
pub struct PriorMatter {
    pub case_no: String,
    pub status: Status,
    pub stage: Stage,
    pub current_unit: UnitId,
    /// The prior case is still within its handling limit at its body.
    pub within_limit: bool,
}

/// An action on an existing case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// 转送 / 交办 (第二十二条, 第二十三条第一款).
    Transfer {
        to: UnitId,
        mode: TransferMode,
        report_due: Option<NaiveDate>,
    },
    /// 签收.
    Sign,
    /// 异议 within 5 working days with reasons (第二十三条第三款).
    Object {
        reason: String,
    },
    /// The sender's decision on an objection.
    DecideObjection {
        upheld: bool,
    },
    /// 共同的上一级 decides who handles (第二十四条).
    DecideJurisdiction {
        unit: UnitId,
    },
    /// 书面告知 and route (第二十三条, 第三十一条).
    Notify {
        route: Route,
    },
    /// 中止计算 (听证, 补充材料).
    StartPause {
        reason: String,
    },
    EndPause,
    /// 申请延期 (第三十四条).
    RequestExtension {
        days: u32,
        reason: String,
    },
    /// 负责人审批延期.
    DecideExtension {
        approved: bool,
    },
    /// 出具书面意见 (第二十九、三十二、三十三条).
    Reply {
        outcome: Outcome,
        basis: String,
        text: String,
    },
    /// 送达.
    Deliver {
        /// 送达方式 (default 直接送达).
        #[serde(default)]
        method: DeliveryMethod,
        /// The day the petitioner received it (邮寄: the return receipt's
        /// date); default today. The 复查 window runs from it (第三十五条).
        #[serde(default)]
        on: Option<NaiveDate>,
        /// Witnesses of a 留置送达, or other notes for the 送达回证.
        #[serde(default)]
        note: String,
    },
    /// 评价 / 回访.
    Evaluate {
        satisfaction: Satisfaction,
        reason: String,
    },
    /// 请求复查 / 复核 (第三十五、三十六条), with the petitioner's reason
    /// for disputing the opinion (the higher body reads it; the portal asks
    /// for it, a written request registered by staff may have none).
    RequestReview {
        #[serde(default)]
        reason: String,
    },
    /// 申请回避 (第二十八条第三款).
    DeclareInterest,
    /// 提级办理 (第四十条): a higher body takes over the handling.
    Escalate {
        to: UnitId,
        reason: String,
    },
    /// The registrar confirms that 件次 `submission` (index into the case's
    /// submissions) really is the same matter.
    ConfirmRepeat {
        submission: usize,
    },
    /// The registrar splits 件次 `submission` off into a new case of its own
    /// (it was a different matter, 第十九条: every matter is registered).
    SplitRepeat {
        submission: usize,
    },
    /// The 信访部门 or 纪检监察 holding a 检举控告 names the accused body the
    /// petitioner's words did not resolve (第三十条 is decided on it).
    ResolveAccused {
        unit: UnitId,
    },
}

impl Command {
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Transfer {
                mode: TransferMode::Forward,
                ..
            } => "转送",
            Self::Transfer {
                mode: TransferMode::Assign,
                ..
            } => "交办",
            Self::Sign => "签收",
            Self::Object { .. } => "提出异议",
            Self::DecideObjection { .. } => "处理异议",
            Self::DecideJurisdiction { .. } => "决定受理机关",
            Self::Notify { .. } => "书面告知",
            Self::StartPause { .. } => "中止计时",
            Self::EndPause => "恢复计时",
            Self::RequestExtension { .. } => "申请延期",
            Self::DecideExtension { .. } => "审批延期",
            Self::Reply { .. } => "出具书面意见",
            Self::Deliver { .. } => "送达",
            Self::Evaluate { .. } => "评价",
            Self::RequestReview { .. } => "请求复查复核",
            Self::DeclareInterest => "申请回避",
            Self::Escalate { .. } => "提级办理",
            Self::ConfirmRepeat { .. } => "确认重复件",
            Self::SplitRepeat { .. } => "拆分为新件",
            Self::ResolveAccused { .. } => "确定被检举控告单位",
        }
    }
}
