//! Case events: the append-only record of everything that happened to a case.
//! One command produces one event; the store chains them by hash (see
//! `crate::audit`) and never updates or deletes one (第二十一、四十四条).

use super::model::*;
use super::state::{Case, SubmissionRecord};
use crate::org::{UnitId, UserId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Who did it, as recorded in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActorRef {
    Staff {
        user: UserId,
        name: String,
        unit: UnitId,
    },
    Petitioner,
    System,
}

impl ActorRef {
    pub fn label_zh(&self) -> String {
        match self {
            Self::Staff { name, .. } => name.clone(),
            Self::Petitioner => "信访人".into(),
            Self::System => "系统".into(),
        }
    }
}

/// One thing that happened to a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at: NaiveDateTime,
    pub actor: ActorRef,
    pub body: EventBody,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    /// 登记: the case as first registered.
    Registered(Box<Case>),
    /// Another 件次 of the same matter.
    RepeatSubmitted {
        submission: SubmissionRecord,
    },
    /// 转送 / 交办 (第二十二条).
    Transferred {
        to: UnitId,
        mode: TransferMode,
        report_due: Option<chrono::NaiveDate>,
    },
    /// 签收.
    Signed,
    /// 异议 (第二十三条第三款).
    Objected {
        reason: String,
    },
    /// The sender agreed (upheld, case returns) or not (receiver handles).
    ObjectionDecided {
        upheld: bool,
    },
    /// 共同的上一级 decided the receiving body (第二十四条).
    JurisdictionDecided {
        unit: UnitId,
    },
    /// 书面告知 with the route (第二十三条, 第三十一条).
    Notified {
        route: Route,
    },
    /// Clock paused (听证 第三十六条, 补充材料).
    PauseStarted {
        reason: String,
    },
    PauseEnded,
    /// 延期 asked (第三十四条).
    ExtensionRequested {
        days: u32,
        reason: String,
        by: UserId,
    },
    /// 负责人批准 or not.
    ExtensionDecided {
        approved: bool,
    },
    /// 处理意见书 / 复查意见书 / 复核意见书 / 协议书.
    Replied {
        outcome: Outcome,
        basis: String,
        text: String,
    },
    /// 送达 of the written reply.
    Delivered {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        method: Option<DeliveryMethod>,
        /// The day received, when not the day recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// 评价 by the petitioner or 回访.
    Evaluated {
        satisfaction: Satisfaction,
        reason: String,
        by_follow_up: bool,
    },
    /// 复查 / 复核 requested at the next-higher body.
    ReviewRequested {
        unit: UnitId,
        /// Why the petitioner disputes the opinion (absent in older events).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A staff member declared a direct interest (第二十八条第三款).
    InterestDeclared {
        user: UserId,
    },
    /// 提级办理 (第四十条).
    /// The registrar confirmed 件次 `submission` as the same matter.
    RepeatConfirmed {
        submission: usize,
    },
    /// 件次 `submission` was split off into the new case `new_case`.
    RepeatSplit {
        submission: usize,
        new_case: String,
    },
    /// The accused body of a 检举控告 was named by staff who may see it.
    AccusedResolved {
        unit: UnitId,
    },
    Escalated {
        to: UnitId,
        reason: String,
    },
}

impl EventBody {
    /// Stable machine name, stored in its own column.
    pub fn type_key(&self) -> &'static str {
        match self {
            Self::Registered(_) => "registered",
            Self::RepeatSubmitted { .. } => "repeat_submitted",
            Self::Transferred { .. } => "transferred",
            Self::Signed => "signed",
            Self::Objected { .. } => "objected",
            Self::ObjectionDecided { .. } => "objection_decided",
            Self::JurisdictionDecided { .. } => "jurisdiction_decided",
            Self::Notified { .. } => "notified",
            Self::PauseStarted { .. } => "pause_started",
            Self::PauseEnded => "pause_ended",
            Self::ExtensionRequested { .. } => "extension_requested",
            Self::ExtensionDecided { .. } => "extension_decided",
            Self::Replied { .. } => "replied",
            Self::Delivered { .. } => "delivered",
            Self::Evaluated { .. } => "evaluated",
            Self::ReviewRequested { .. } => "review_requested",
            Self::InterestDeclared { .. } => "interest_declared",
            Self::Escalated { .. } => "escalated",
            Self::RepeatConfirmed { .. } => "repeat_confirmed",
            Self::RepeatSplit { .. } => "repeat_split",
            Self::AccusedResolved { .. } => "accused_resolved",
        }
    }

    /// A one-line description for timelines, in Chinese.
    pub fn summary_zh(&self, unit_name: &dyn Fn(UnitId) -> String) -> String {
        match self {
            Self::Registered(c) => {
                format!("登记（{}，{}）", c.channel.label_zh(), c.kind.label_zh())
            }
            Self::RepeatSubmitted { submission } => {
                format!("重复来信来访（{}）", submission.channel.label_zh())
            }
            Self::Transferred {
                to,
                mode,
                report_due,
            } => match report_due {
                Some(d) => format!(
                    "{}至{}，要求{}前报送办结报告",
                    mode.label_zh(),
                    unit_name(*to),
                    d
                ),
                None => format!("{}至{}", mode.label_zh(), unit_name(*to)),
            },
            Self::Signed => "签收".into(),
            Self::Objected { reason } => format!("提出异议：{reason}"),
            Self::ObjectionDecided { upheld: true } => "同意异议，交还材料".into(),
            Self::ObjectionDecided { upheld: false } => "不同意异议，由接收单位办理".into(),
            Self::JurisdictionDecided { unit } => {
                format!("共同上级决定由{}受理（第二十四条）", unit_name(*unit))
            }
            Self::Notified { route } => match route {
                Route::Accept {
                    litigation_reason: Some(r),
                    ..
                } => format!("书面告知：受理（涉法涉诉线索，受理理由：{r}）"),
                Route::Accept { .. } => "书面告知：受理".into(),
                Route::Divert { procedure, .. } => {
                    format!("书面告知：导入{}", procedure.label_zh())
                }
                Route::NotOurs { tell_to } => {
                    format!("书面告知：不属本机关职权，告知向{tell_to}提出")
                }
            },
            Self::PauseStarted { reason } => format!("期限中止：{reason}"),
            Self::PauseEnded => "期限恢复计算".into(),
            Self::ExtensionRequested { days, reason, .. } => format!("申请延期{days}日：{reason}"),
            Self::ExtensionDecided { approved: true } => {
                "负责人批准延期，已告知信访人延期理由".into()
            }
            Self::ExtensionDecided { approved: false } => "负责人未批准延期".into(),
            Self::Replied { outcome, .. } => format!("出具书面意见：{}", outcome.label_zh()),
            Self::Delivered { method, on, .. } => match (method, on) {
                (Some(m), Some(d)) => format!("书面答复已送达（{}，{}收到）", m.label_zh(), d),
                (Some(m), None) => format!("书面答复已送达（{}）", m.label_zh()),
                _ => "书面答复已送达".into(),
            },
            Self::Evaluated { satisfaction, .. } => format!("评价：{}", satisfaction.label_zh()),
            Self::ReviewRequested { unit, reason } if reason.is_empty() => {
                format!("请求复查/复核，由{}办理", unit_name(*unit))
            }
            Self::ReviewRequested { unit, reason } => {
                format!("请求复查/复核，由{}办理；理由：{reason}", unit_name(*unit))
            }
            Self::InterestDeclared { .. } => "工作人员申请回避（第二十八条）".into(),
            Self::Escalated { to, reason } => {
                format!("提级办理，由{}办理：{reason}", unit_name(*to))
            }
            Self::RepeatConfirmed { submission } => {
                format!("确认第{}件次为同一事项的重复信访", submission + 1)
            }
            Self::RepeatSplit {
                submission,
                new_case,
            } => format!("第{}件次不是同一事项，拆分为新件{new_case}", submission + 1),
            Self::AccusedResolved { unit } => {
                format!("确定被检举控告单位：{}（第三十条）", unit_name(*unit))
            }
        }
    }

    /// Whether the petitioner may see this step on the portal.
    pub fn visible_to_petitioner(&self) -> bool {
        !matches!(
            self,
            Self::Objected { .. }
                | Self::ObjectionDecided { .. }
                | Self::InterestDeclared { .. }
                | Self::ExtensionRequested { .. }
                | Self::AccusedResolved { .. }
        )
    }
}
