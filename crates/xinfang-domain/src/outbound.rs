//! Events to other systems (issue #19; 第二十一条: 信访信息系统互联互通、信息
//! 共享): which case events leave the system, and what a subscriber (a
//! webhook endpoint, the AMQP exchange) is told about each.
//!
//! Who may be told is NOT decided here: a subscriber sees exactly what a
//! user of its unit sees, by `scope::Viewer::of_unit` (第三十条第三款
//! included), asked by the application before a payload is made.
//!
//! What is told is the least a platform needs to follow a case: the case
//! number, the event and its time (Asia/Shanghai), the status and stage,
//! the handling body, and per event only enumerated facts (the route of a
//! 告知, the outcome of a reply, the body a case went to). Never the
//! petitioner (name, 身份证号, phone, address), never free text (the
//! request, reasons, a refusal's or an evaluation's words): those are
//! personal data, and the 检举、揭发材料 of an accusation must not travel
//! further than its handling needs (第三十条第三款, 第四十六条第（五）项).
//! Internal steps (异议 with its reasons, 延期申请 before approval, 回避,
//! 被检举单位的确定, the registrar's repeat checks) are not published.

use crate::case::{Case, EventBody, Route};
use crate::org::{OrgTree, UnitId};
use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{json, Value};

/// The event kinds published, with their Chinese names.
pub const KINDS: &[(&str, &str)] = &[
    ("registered", "登记"),
    ("repeat_submitted", "重复信访"),
    ("transferred", "转送交办"),
    ("signed", "签收"),
    ("objection_decided", "异议处理"),
    ("jurisdiction_decided", "确定受理机关"),
    ("notified", "书面告知"),
    ("pause_started", "期限中止"),
    ("pause_ended", "期限恢复"),
    ("extension_decided", "延期审批"),
    ("replied", "出具书面意见"),
    ("delivered", "送达"),
    ("evaluated", "评价"),
    ("review_requested", "请求复查复核"),
    ("escalated", "提级办理"),
];

/// The Chinese name of a published kind; None for anything else.
pub fn kind_label(key: &str) -> Option<&'static str> {
    KINDS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// Whether events of this kind (the log's `type_key`) are published.
pub fn is_published(key: &str) -> bool {
    kind_label(key).is_some()
}

/// A unit as a subscriber sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
}

fn unit_ref(org: &OrgTree, id: UnitId) -> UnitRef {
    UnitRef {
        id: id.0,
        name: org.get(id).map(|u| u.name.clone()).unwrap_or_default(),
    }
}

/// A work order of another platform behind the case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkOrderRef {
    pub source: String,
    pub external_id: String,
}

/// The case as it stands right after the event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseFacts {
    pub case_no: String,
    pub region_code: String,
    pub channel: &'static str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub handling_unit: UnitRef,
    pub registered_at: String,
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub work_orders: Vec<WorkOrderRef>,
}

/// One event as sent: the webhook body and the AMQP message body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payload {
    /// The idempotency key: the same event always has the same id.
    pub id: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// ISO 8601 with the +08:00 offset (Asia/Shanghai).
    pub occurred_at: String,
    /// The event's number within its case (1 = the registration): events
    /// of one case are sent in this order.
    pub sequence: u64,
    pub case: CaseFacts,
    /// Enumerated facts of this event (see the module docs).
    pub detail: Value,
}

/// A time of the log (Asia/Shanghai) in ISO 8601 with its offset.
pub fn shanghai_iso(t: NaiveDateTime) -> String {
    format!("{}+08:00", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// The event id from the event's hash in the audit chain: unique, stable
/// (a replay, a restart or a restored backup gives the same id) and opaque.
pub fn event_id(chain_hash: &str) -> String {
    chain_hash.chars().take(32).collect()
}

/// The payload of `body` (a published kind) that left the case as `after`;
/// None for a kind that is not published.
pub fn payload(
    id: String,
    at: NaiveDateTime,
    body: &EventBody,
    after: &Case,
    org: &OrgTree,
    work_orders: Vec<WorkOrderRef>,
) -> Option<Payload> {
    let kind = body.type_key();
    let kind_label = kind_label(kind)?;
    let case = CaseFacts {
        case_no: after.case_no.clone(),
        region_code: after.region_code.clone(),
        channel: after.channel.key(),
        kind: after.kind.key(),
        kind_label: after.kind.label_zh(),
        status: after.status.key(),
        status_label: after.status.label_zh(),
        stage: after.stage.key(),
        stage_label: after.stage.label_zh(),
        handling_unit: unit_ref(org, after.current_unit),
        registered_at: shanghai_iso(after.registered_at),
        category: after.category.clone(),
        work_orders,
    };
    Some(Payload {
        id,
        kind,
        kind_label,
        occurred_at: shanghai_iso(at),
        sequence: after.version,
        case,
        detail: detail(body, org),
    })
}

/// The enumerated facts of one event.
fn detail(body: &EventBody, org: &OrgTree) -> Value {
    match body {
        EventBody::RepeatSubmitted { submission } => json!({
            "channel": submission.channel.key(),
            "persons": submission.persons,
        }),
        EventBody::Transferred {
            to,
            mode,
            report_due,
        } => json!({
            "mode": match mode { crate::case::TransferMode::Forward => "forward", crate::case::TransferMode::Assign => "assign" },
            "mode_label": mode.label_zh(),
            "to": unit_ref(org, *to),
            "report_due": report_due.map(|d| d.to_string()),
        }),
        EventBody::ObjectionDecided { upheld } => json!({ "upheld": upheld }),
        EventBody::JurisdictionDecided { unit } => json!({ "unit": unit_ref(org, *unit) }),
        EventBody::Notified { route } => {
            let (key, label) = match route {
                Route::Accept { .. } => ("accept", "受理"),
                Route::Divert { .. } => ("divert", "导入法定途径"),
                Route::NotOurs { .. } => ("not_ours", "不属本机关职权"),
            };
            json!({ "route": key, "route_label": label })
        }
        EventBody::ExtensionDecided { approved } => json!({ "approved": approved }),
        EventBody::Replied { outcome, .. } => json!({
            "outcome": outcome.key(),
            "outcome_label": outcome.label_zh(),
        }),
        EventBody::Delivered { on, .. } => json!({ "received_on": on.map(|d| d.to_string()) }),
        EventBody::Evaluated {
            satisfaction,
            by_follow_up,
            ..
        } => json!({
            "satisfaction": satisfaction.key(),
            "satisfaction_label": satisfaction.label_zh(),
            "by_follow_up": by_follow_up,
        }),
        EventBody::ReviewRequested { unit, .. } => json!({ "unit": unit_ref(org, *unit) }),
        EventBody::Escalated { to, .. } => json!({ "to": unit_ref(org, *to) }),
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_steps_are_not_published() {
        for k in [
            "objected",
            "extension_requested",
            "interest_declared",
            "accused_resolved",
            "repeat_confirmed",
            "repeat_split",
        ] {
            assert!(!is_published(k), "{k}");
        }
        assert_eq!(kind_label("transferred"), Some("转送交办"));
    }

    #[test]
    fn times_carry_the_shanghai_offset() {
        let t = NaiveDateTime::parse_from_str("2026-03-02 09:05:07", "%Y-%m-%d %H:%M:%S")
            .expect("time");
        assert_eq!(shanghai_iso(t), "2026-03-02T09:05:07+08:00");
        assert_eq!(event_id(&"ab".repeat(32)).len(), 32);
    }
}
