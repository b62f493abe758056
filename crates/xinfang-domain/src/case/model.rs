//! The vocabulary of a case (信访事项): channels, kinds, petitioners, content,
//! statuses and stages. Everything a user sees of a case is one of these types.

use crate::org::UnitId;
use serde::{Deserialize, Serialize};

/// 渠道: how a submission arrived (第十七条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Letter,
    Visit,
    Phone,
    Fax,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Self::Online,
        Self::Letter,
        Self::Visit,
        Self::Phone,
        Self::Fax,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Letter => "letter",
            Self::Visit => "visit",
            Self::Phone => "phone",
            Self::Fax => "fax",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Online => "网上信访",
            Self::Letter => "来信",
            Self::Visit => "来访",
            Self::Phone => "来电",
            Self::Fax => "传真",
        }
    }
}

/// 类型 (第二十九–三十一条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 建议意见类 (第二十九条).
    Suggestion,
    /// 检举控告类 (第三十条).
    Accusation,
    /// 申诉求决类 (第三十一条).
    Claim,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Self::Suggestion, Self::Accusation, Self::Claim];
    pub fn key(self) -> &'static str {
        match self {
            Self::Suggestion => "suggestion",
            Self::Accusation => "accusation",
            Self::Claim => "claim",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Suggestion => "建议意见类",
            Self::Accusation => "检举控告类",
            Self::Claim => "申诉求决类",
        }
    }
}

/// One petitioner or representative (信访人 / 代表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Petitioner {
    pub name: String,
    /// 18-digit 居民身份证号码, validated at registration.
    pub id_number: Option<String>,
    /// Normalised phone number.
    pub phone: Option<String>,
    pub address: String,
    /// For notifications by e-mail (issue #19); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// 请求、事实、理由 (第十九条).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub request: String,
    pub facts: String,
    pub reasons: String,
}

impl Content {
    /// All text, for analysis and search.
    pub fn full_text(&self) -> String {
        format!("{}\n{}\n{}", self.request, self.facts, self.reasons)
    }
}

/// The person or body a 检举控告 is about; never shown to them (第三十条).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accused {
    pub person: Option<String>,
    pub unit: Option<UnitId>,
    /// Free-text body name when it is not a unit in the tree.
    pub unit_name: Option<String>,
}

/// Which review round a case is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 初次办理.
    Initial,
    /// 复查 (第三十五条).
    Review,
    /// 复核 (第三十六条).
    ReReview,
}

impl Stage {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Initial => "初次办理",
            Self::Review => "复查",
            Self::ReReview => "复核",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Review => "review",
            Self::ReReview => "re_review",
        }
    }
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已登记, waiting to be forwarded/assigned or handled by the registering body.
    Registered,
    /// 待签收 at the receiving body after 转送/交办.
    PendingReceipt,
    /// 异议待核: the receiving body objected (第二十三条第三款).
    Objected,
    /// 已签收, written notice due (第二十三条第三款).
    Received,
    /// 办理中 (受理 after notice).
    Handling,
    /// 已出具意见, waiting for 送达.
    Replied,
    /// 已送达; the petitioner may evaluate and ask for the next review.
    Delivered,
    /// 复查/复核 requested, being answered at the higher body.
    UnderReview,
    /// 已导入法定途径 (第三十一条(一)–(四)); closed in the petition system.
    Diverted,
    /// 不予受理 / 不再受理 (第十九条第三款, 第二十三条第一款, 第三十六条).
    NotAccepted,
    /// 终结 after 复核 (第三十六条).
    Final,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Self::Registered,
        Self::PendingReceipt,
        Self::Objected,
        Self::Received,
        Self::Handling,
        Self::Replied,
        Self::Delivered,
        Self::UnderReview,
        Self::Diverted,
        Self::NotAccepted,
        Self::Final,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::PendingReceipt => "pending_receipt",
            Self::Objected => "objected",
            Self::Received => "received",
            Self::Handling => "handling",
            Self::Replied => "replied",
            Self::Delivered => "delivered",
            Self::UnderReview => "under_review",
            Self::Diverted => "diverted",
            Self::NotAccepted => "not_accepted",
            Self::Final => "final",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Registered => "已登记",
            Self::PendingReceipt => "待签收",
            Self::Objected => "异议待核",
            Self::Received => "已签收待告知",
            Self::Handling => "办理中",
            Self::Replied => "已出具意见待送达",
            Self::Delivered => "已送达",
            Self::UnderReview => "复查复核中",
            Self::Diverted => "已导入法定途径",
            Self::NotAccepted => "不予受理",
            Self::Final => "已终结",
        }
    }
    /// No further handling in the petition system (a delivered case may still be reviewed).
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Diverted | Self::NotAccepted | Self::Final)
    }
}

/// 转送 or 交办 (第二十二条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferMode {
    Forward,
    Assign,
}

impl TransferMode {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Forward => "转送",
            Self::Assign => "交办",
        }
    }
}

/// The legal procedures of 第三十一条(一)–(四).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalProcedure {
    /// (一) 诉讼、复议、检察、公安程序.
    Litigation,
    /// (二) 仲裁.
    Arbitration,
    /// (三) 党员申诉、申请复审.
    PartyAppeal,
    /// (四) 行政复议、裁决、确认、许可、处罚等行政程序.
    Administrative,
}

impl LegalProcedure {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Litigation => "诉讼、复议、检察或公安法律程序（第三十一条第（一）项）",
            Self::Arbitration => "仲裁（第三十一条第（二）项）",
            Self::PartyAppeal => "党员申诉、申请复审（第三十一条第（三）项）",
            Self::Administrative => "行政程序（第三十一条第（四）项）",
        }
    }
}

/// The route decided when the body gives written notice (告知).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// 受理 and handle: 第三十一条(五)/(六), 第二十九条, 第三十条.
    Accept {
        investigate: bool,
        /// Why the matter is accepted although the intake flagged it
        /// 涉法涉诉 (第三十一条第一项); required then, recorded in the event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        litigation_reason: Option<String>,
    },
    /// 导入法定途径 (第三十一条(一)–(四)).
    Divert {
        procedure: LegalProcedure,
        guidance: String,
    },
    /// Not within this body's power: tell the petitioner where to go (第二十三条第一款).
    NotOurs { tell_to: String },
}

/// The outcome written in a 处理意见书 / reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 予以支持 (第三十二条(一)).
    Support,
    /// 解释说明 (第三十二条(二)).
    Explain,
    /// 不予支持 (第三十二条(三)).
    NotSupport,
    /// 采纳 / 部分采纳 / 未采纳 (第二十九条).
    Adopted,
    PartlyAdopted,
    NotAdopted,
    /// 检举控告 handled and fed back (第三十条).
    AccusationConcluded,
    /// 调解协议书 / 和解协议书 (第三十三条).
    Mediated,
    Settled,
    /// 复查 / 复核: 维持原处理意见 (第三十五、三十六条).
    Upheld,
    /// 复查 / 复核: 撤销原处理意见.
    Revoked,
    /// 复查 / 复核: 变更原处理意见.
    Changed,
}

impl Outcome {
    pub const ALL: [Outcome; 12] = [
        Self::Support,
        Self::Explain,
        Self::NotSupport,
        Self::Mediated,
        Self::Settled,
        Self::Adopted,
        Self::PartlyAdopted,
        Self::NotAdopted,
        Self::AccusationConcluded,
        Self::Upheld,
        Self::Changed,
        Self::Revoked,
    ];
    /// The outcomes a reply may have for a case of `kind` at `stage`: 复查
    /// and 复核 answer the earlier opinion (维持、变更、撤销), first handling
    /// answers the request in the words of its kind.
    pub fn offered(kind: super::Kind, stage: super::Stage) -> Vec<Outcome> {
        let review = stage != super::Stage::Initial;
        let fitting: Vec<Outcome> = Self::ALL
            .into_iter()
            .filter(|o| o.is_review() == review && o.fits(kind))
            .collect();
        if fitting.is_empty() {
            Self::ALL
                .into_iter()
                .filter(|o| o.is_review() == review)
                .collect()
        } else {
            fitting
        }
    }
    /// The key used in forms and the API (`snake_case`).
    pub fn key(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
    /// An outcome of 复查 / 复核 (on the earlier opinion), not of first handling.
    pub fn is_review(self) -> bool {
        matches!(self, Self::Upheld | Self::Revoked | Self::Changed)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Support => "予以支持",
            Self::Explain => "解释说明",
            Self::NotSupport => "不予支持",
            Self::Adopted => "采纳",
            Self::PartlyAdopted => "部分采纳",
            Self::NotAdopted => "未采纳",
            Self::AccusationConcluded => "已办理并反馈",
            Self::Mediated => "调解达成协议",
            Self::Settled => "和解达成协议",
            Self::Upheld => "维持原处理意见",
            Self::Revoked => "撤销原处理意见",
            Self::Changed => "变更原处理意见",
        }
    }
    /// Which case kinds may end with this outcome.
    pub fn fits(self, kind: super::Kind) -> bool {
        use super::Kind::*;
        match self {
            Self::Support
            | Self::Explain
            | Self::NotSupport
            | Self::Mediated
            | Self::Settled
            | Self::Upheld
            | Self::Revoked
            | Self::Changed => kind == Claim,
            Self::Adopted | Self::PartlyAdopted | Self::NotAdopted => kind == Suggestion,
            Self::AccusationConcluded => kind == Accusation,
        }
    }
}

/// 满意 / 基本满意 / 不满意.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

impl Satisfaction {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::BasicallySatisfied => "基本满意",
            Self::Dissatisfied => "不满意",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::BasicallySatisfied => "basically_satisfied",
            Self::Dissatisfied => "dissatisfied",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        match s {
            "satisfied" => Some(Self::Satisfied),
            "basically_satisfied" => Some(Self::BasicallySatisfied),
            "dissatisfied" => Some(Self::Dissatisfied),
            _ => None,
        }
    }
}

/// How a written answer reached the petitioner (送达方式).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 直接送达: handed over, the petitioner signs the 送达回证.
    #[default]
    Direct,
    /// 邮寄送达: the date on the postal return receipt counts.
    Post,
    /// 电子送达: to the petitioner's portal / tracking page.
    Electronic,
    /// 留置送达: refused, left at the residence before witnesses.
    Left,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 4] = [Self::Direct, Self::Post, Self::Electronic, Self::Left];
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Direct => "直接送达",
            Self::Post => "邮寄送达",
            Self::Electronic => "电子送达",
            Self::Left => "留置送达",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Post => "post",
            Self::Electronic => "electronic",
            Self::Left => "left",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == s)
    }
}
