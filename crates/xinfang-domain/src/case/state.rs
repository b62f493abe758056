//! The case projection: the current state of one 信访事项, folded from its
//! events. The store keeps a copy for queries, but this fold is the truth.

use super::event::{CaseEvent, EventBody};
use super::model::*;
use crate::clock::{Extension, Pause};
use crate::org::{UnitId, UserId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A 转送/交办 from one body to another, with its objection if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transfer {
    pub from: UnitId,
    pub to: UnitId,
    pub mode: TransferMode,
    pub on: NaiveDate,
    /// 交办: the result report date set by the assigning body (第二十二条(三)).
    pub report_due: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub objection: Option<Objection>,
}

/// 异议 of the receiving body (第二十三条第三款).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub on: NaiveDate,
    pub reason: String,
    /// Some(true) when the sender agreed and took the case back.
    pub upheld: Option<bool>,
}

/// A requested extension waiting for the head's approval (第三十四条).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub days: u32,
    pub reason: String,
    pub requested_on: NaiveDate,
    pub by: UserId,
}

/// The written reply of a stage: 处理意见书 / 复查意见书 / 复核意见书 / 协议书.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub outcome: Outcome,
    /// 法律法规依据 (第三十二条).
    pub basis: String,
    pub text: String,
    pub on: NaiveDate,
}

/// 评价.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub satisfaction: Satisfaction,
    pub reason: String,
    pub on: NaiveDate,
    /// true when recorded by staff from a 回访 call.
    pub by_follow_up: bool,
}

/// One round of handling: the initial handling, the 复查 or the 复核.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageRecord {
    pub stage: Stage,
    /// The body answering this round.
    pub unit: UnitId,
    /// Registration (initial) or receipt of the review request.
    pub started_on: NaiveDate,
    pub notified_on: Option<NaiveDate>,
    pub route: Option<Route>,
    /// 受理: the handling clock starts here (第三十四条).
    pub accepted_on: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    pub extensions: Vec<Extension>,
    pub pending_extension: Option<ExtensionRequest>,
    pub reply: Option<Reply>,
    pub delivered_on: Option<NaiveDate>,
    pub evaluation: Option<Evaluation>,
}

impl StageRecord {
    pub fn new(stage: Stage, unit: UnitId, started_on: NaiveDate) -> Self {
        StageRecord {
            stage,
            unit,
            started_on,
            notified_on: None,
            route: None,
            accepted_on: None,
            pauses: vec![],
            extensions: vec![],
            pending_extension: None,
            reply: None,
            delivered_on: None,
            evaluation: None,
        }
    }
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.iter().find(|p| p.until.is_none())
    }
}

/// One 件次: every letter, visit, call or online submission registered on the case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmissionRecord {
    pub channel: Channel,
    pub at: NaiveDateTime,
    pub unit: UnitId,
    /// 人次 of this submission (1, or N for a collective visit).
    pub persons: u32,
    pub skip_level: bool,
    pub repeat: bool,
    /// 一信多投: the same letter was also sent to another body within the window
    /// and was linked here rather than opening a second case.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multi_body: bool,
    /// Similarity (feature Jaccard, 0–1) to the case's matter when linked as a repeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// What this 件次 itself said, kept for the registrar's side-by-side
    /// check and for a split into its own case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<super::model::Content>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub petitioners: Vec<super::model::Petitioner>,
    /// Set once the registrar confirmed the repeat link (not a split).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirmed: bool,
    /// Set when the 件次 was split off into its own case (that case's number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_to: Option<String>,
}

/// A registered 信访事项 with everything that happened to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub case_no: String,
    pub channel: Channel,
    pub kind: Kind,
    pub petitioners: Vec<Petitioner>,
    /// Persons in a collective visit (≥5 makes it 集体访); 1 otherwise.
    pub persons: u32,
    pub content: Content,
    pub region_code: String,
    pub accused: Option<Accused>,
    pub category: Option<String>,
    pub registered_at: NaiveDateTime,
    pub registering_unit: UnitId,
    pub current_unit: UnitId,
    pub status: Status,
    pub stage: Stage,
    pub transfers: Vec<Transfer>,
    pub stages: Vec<StageRecord>,
    pub submissions: Vec<SubmissionRecord>,
    /// Earlier case this one is linked to (不予受理 / 不再受理), with the article.
    pub related_case: Option<String>,
    pub not_accepted_reason: Option<String>,
    /// Staff who declared a direct interest and must not act (第二十八条第三款).
    pub recused: Vec<UserId>,
    /// 涉法涉诉 cues found at registration; accepting the matter into
    /// handling over them needs a recorded reason (第三十一条第一项).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub litigation_cues: Vec<String>,
    /// The registrar's recorded reason for registering this as a new matter
    /// although it matched `related_case` (第三十六条: a person decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_matter_reason: Option<String>,
    /// Number of events applied; the store's optimistic version.
    pub version: u64,
}

impl Case {
    pub fn registered_on(&self) -> NaiveDate {
        self.registered_at.date()
    }
    pub fn current_stage(&self) -> &StageRecord {
        self.stages.last().expect("a case always has a stage")
    }
    pub fn current_stage_mut(&mut self) -> &mut StageRecord {
        self.stages.last_mut().expect("a case always has a stage")
    }
    pub fn stage_record(&self, stage: Stage) -> Option<&StageRecord> {
        self.stages.iter().find(|s| s.stage == stage)
    }
    pub fn pending_transfer(&self) -> Option<&Transfer> {
        self.transfers
            .last()
            .filter(|_| matches!(self.status, Status::PendingReceipt | Status::Objected))
    }
    pub fn is_collective(&self) -> bool {
        self.persons >= 5
    }
    /// Units that have held the case (registering, receiving, answering).
    pub fn involved_units(&self) -> Vec<UnitId> {
        let mut v = vec![self.registering_unit, self.current_unit];
        for t in &self.transfers {
            v.push(t.from);
            v.push(t.to);
        }
        for s in &self.stages {
            v.push(s.unit);
        }
        // A body that registered a 件次 (e.g. 一信多投) follows the case.
        for s in self.submissions.iter().filter(|s| s.split_to.is_none()) {
            v.push(s.unit);
        }
        v.sort();
        v.dedup();
        v
    }

    /// Fold one event into the state. Events were validated by `decide`, so
    /// this never fails; it is also how a case is rebuilt from its log.
    pub fn apply(&mut self, ev: &CaseEvent) {
        let day = ev.at.date();
        self.version += 1;
        match &ev.body {
            EventBody::Registered(_) => {}
            EventBody::RepeatSubmitted { submission } => self.submissions.push(submission.clone()),
            EventBody::Transferred {
                to,
                mode,
                report_due,
            } => {
                self.transfers.push(Transfer {
                    from: self.current_unit,
                    to: *to,
                    mode: *mode,
                    on: day,
                    report_due: *report_due,
                    signed_on: None,
                    objection: None,
                });
                self.status = Status::PendingReceipt;
            }
            EventBody::Signed => {
                let to = match self.transfers.last_mut() {
                    Some(t) => {
                        t.signed_on = Some(day);
                        t.to
                    }
                    None => self.current_unit,
                };
                self.current_unit = to;
                let st = self.current_stage_mut();
                st.unit = to;
                self.status = Status::Received;
            }
            EventBody::Objected { reason } => {
                if let Some(t) = self.transfers.last_mut() {
                    t.objection = Some(Objection {
                        on: day,
                        reason: reason.clone(),
                        upheld: None,
                    });
                }
                self.status = Status::Objected;
            }
            EventBody::ObjectionDecided { upheld } => {
                let mut back_to = None;
                if let Some(t) = self.transfers.last_mut() {
                    if let Some(o) = t.objection.as_mut() {
                        o.upheld = Some(*upheld);
                    }
                    if *upheld {
                        back_to = Some(t.from);
                    } else {
                        t.signed_on = Some(day);
                    }
                }
                if let Some(u) = back_to {
                    self.current_unit = u;
                    self.status = Status::Registered;
                } else {
                    let to = self
                        .transfers
                        .last()
                        .map(|t| t.to)
                        .unwrap_or(self.current_unit);
                    self.current_unit = to;
                    self.current_stage_mut().unit = to;
                    self.status = Status::Received;
                }
            }
            EventBody::JurisdictionDecided { unit } => {
                self.transfers.push(Transfer {
                    from: self.current_unit,
                    to: *unit,
                    mode: TransferMode::Assign,
                    on: day,
                    report_due: None,
                    signed_on: Some(day),
                    objection: None,
                });
                self.current_unit = *unit;
                self.current_stage_mut().unit = *unit;
                self.status = Status::Received;
            }
            EventBody::Notified { route } => {
                let st = self.current_stage_mut();
                st.notified_on = Some(day);
                st.route = Some(route.clone());
                match route {
                    Route::Accept { .. } => {
                        st.accepted_on = Some(day);
                        self.status = Status::Handling;
                    }
                    Route::Divert { .. } => self.status = Status::Diverted,
                    Route::NotOurs { tell_to } => {
                        self.status = Status::NotAccepted;
                        self.not_accepted_reason = Some(format!(
                            "不属于本机关职权范围，已告知向{tell_to}提出（第二十三条第一款）"
                        ));
                    }
                }
            }
            EventBody::PauseStarted { reason } => self.current_stage_mut().pauses.push(Pause {
                from: day,
                until: None,
                reason: reason.clone(),
            }),
            EventBody::PauseEnded => {
                if let Some(p) = self
                    .current_stage_mut()
                    .pauses
                    .iter_mut()
                    .find(|p| p.until.is_none())
                {
                    p.until = Some(day);
                }
            }
            EventBody::ExtensionRequested { days, reason, by } => {
                self.current_stage_mut().pending_extension = Some(ExtensionRequest {
                    days: *days,
                    reason: reason.clone(),
                    requested_on: day,
                    by: *by,
                })
            }
            EventBody::ExtensionDecided { approved } => {
                let st = self.current_stage_mut();
                if let Some(req) = st.pending_extension.take() {
                    if *approved {
                        st.extensions.push(Extension {
                            days: req.days,
                            reason: req.reason,
                            approved_on: day,
                        });
                    }
                }
            }
            EventBody::Replied {
                outcome,
                basis,
                text,
            } => {
                let st = self.current_stage_mut();
                st.reply = Some(Reply {
                    outcome: *outcome,
                    basis: basis.clone(),
                    text: text.clone(),
                    on: day,
                });
                st.pending_extension = None;
                self.status = Status::Replied;
            }
            EventBody::Delivered { on, .. } => {
                self.current_stage_mut().delivered_on = Some(on.unwrap_or(day));
                self.status = if self.stage == Stage::ReReview {
                    Status::Final
                } else {
                    Status::Delivered
                };
            }
            EventBody::Evaluated {
                satisfaction,
                reason,
                by_follow_up,
            } => {
                self.current_stage_mut().evaluation = Some(Evaluation {
                    satisfaction: *satisfaction,
                    reason: reason.clone(),
                    on: day,
                    by_follow_up: *by_follow_up,
                })
            }
            EventBody::ReviewRequested { unit, .. } => {
                let next = match self.stage {
                    Stage::Initial => Stage::Review,
                    _ => Stage::ReReview,
                };
                let mut rec = StageRecord::new(next, *unit, day);
                rec.accepted_on = Some(day);
                self.stages.push(rec);
                self.stage = next;
                self.current_unit = *unit;
                self.status = Status::UnderReview;
            }
            EventBody::Escalated { to, .. } => {
                self.current_unit = *to;
                self.current_stage_mut().unit = *to;
            }
            EventBody::RepeatConfirmed { submission } => {
                if let Some(s) = self.submissions.get_mut(*submission) {
                    s.confirmed = true;
                }
            }
            EventBody::RepeatSplit {
                submission,
                new_case,
            } => {
                if let Some(s) = self.submissions.get_mut(*submission) {
                    s.split_to = Some(new_case.clone());
                }
            }
            EventBody::AccusedResolved { unit } => {
                self.accused
                    .get_or_insert(Accused {
                        person: None,
                        unit: None,
                        unit_name: None,
                    })
                    .unit = Some(*unit);
            }
            EventBody::InterestDeclared { user } => {
                if !self.recused.contains(user) {
                    self.recused.push(*user)
                }
            }
        }
    }
}
