//! Events to other systems (issue #19; 第二十一条: 信访信息系统互联互通、信息
//! 共享): case events go out to webhook endpoints ([`webhook`]) and to a
//! RabbitMQ topic exchange ([`amqp`]); other platforms file work orders in
//! ([`work_orders`]). Administrators manage endpoints in [`endpoints`].
//!
//! Why it is built this way:
//!
//! - **From the event log, never from the request.** A registration or an
//!   action only appends its chained event; pumps read the log after their
//!   cursor in the background (`serve` runs them). A slow or dead subscriber
//!   can never block or fail a registration (DESIGN §7).
//! - **At least once, in order per case.** The webhook fan-out writes one
//!   delivery per endpoint and event together with its cursor, in one
//!   transaction; the sender sends an endpoint's deliveries in event order
//!   and stops at the first failure, so a later event of a case never
//!   overtakes an earlier one. The AMQP publisher advances its cursor only
//!   after the broker confirmed every message of the batch. A retry repeats
//!   the same event id, which receivers de-duplicate on.
//! - **A subscriber sees what a user of its unit sees.** Before a payload is
//!   made, the case as it stood right after the event must be visible to
//!   `scope::Viewer::of_unit(subscriber's unit)` — the same decision a staff
//!   user of that unit gets, 第三十条第三款 included; the webhook sender asks
//!   again with the case as it is at sending, and withholds what has left
//!   the view since (an accusation's accused resolved to the subscriber's
//!   side). The payload itself is minimal (`xinfang_domain::outbound`).
//! - **History is not news.** Events older than [`STALE_DAYS`] (an import of
//!   past years) are not sent, as for notifications.

pub mod amqp;
pub mod endpoints;
pub mod webhook;
pub mod work_orders;

use crate::error::AppError;
use crate::state::App;
use chrono::{Duration, NaiveDateTime};
use std::collections::HashMap;
use std::sync::OnceLock;
use xinfang_domain::case::{ActorRef, Case, CaseEvent, EventBody};
use xinfang_domain::outbound::{self, Payload, WorkOrderRef};
use xinfang_domain::scope::Viewer;
use xinfang_domain::UnitId;
use xinfang_store::LogEvent;

/// Events older than this (days) are history and not sent.
pub const STALE_DAYS: i64 = 7;

/// This process's name in the pumps' leases (one per process).
pub fn node_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| format!("{}-{:08x}", std::process::id(), rand::random::<u32>()))
}

/// A lease held now until `secs` seconds from now, in wall-clock time
/// (leases are between processes, not on the application's clock).
pub(crate) fn lease_window(secs: i64) -> (String, String) {
    let now = xinfang_store::shanghai_now();
    (
        xinfang_store::fmt_time(now),
        xinfang_store::fmt_time(now + Duration::seconds(secs)),
    )
}

/// One published event, ready to be offered to subscribers.
pub(crate) struct Staged {
    pub seq: i64,
    pub case_id: i64,
    pub event_id: String,
    pub at: NaiveDateTime,
    pub body: EventBody,
    /// The case right after the event.
    pub after: Case,
    /// The case as it is now.
    pub current: Case,
    pub work_orders: Vec<WorkOrderRef>,
}

impl Staged {
    /// The payload (None only for a kind that is not published).
    pub fn payload(&self, app: &App) -> Option<Payload> {
        outbound::payload(
            self.event_id.clone(),
            self.at,
            &self.body,
            &self.after,
            &app.org(),
            self.work_orders.clone(),
        )
    }
}

fn parse_time(s: &str) -> Result<NaiveDateTime, AppError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .map_err(|e| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string())))
}

fn case_event(e: &LogEvent) -> Result<CaseEvent, AppError> {
    let corrupt =
        |e: serde_json::Error| AppError::Store(xinfang_store::StoreError::Corrupt(e.to_string()));
    Ok(CaseEvent {
        at: parse_time(&e.at)?,
        actor: serde_json::from_str::<ActorRef>(&e.actor).map_err(corrupt)?,
        body: serde_json::from_str(&e.payload).map_err(corrupt)?,
    })
}

impl App {
    /// Whether a subscriber whose scope is `unit` may see `case`: exactly
    /// what a staff user of that unit may see (`Viewer::of_unit`,
    /// 第三十条第三款 included) — the rule is not restated here.
    pub fn unit_may_see(&self, unit: UnitId, case: &Case) -> bool {
        let org = self.org();
        Viewer::of_unit(unit, &org).can_see(case, &org)
    }

    /// The published, recent events among `events`, each with the case as
    /// it stood right after it and as it is now.
    pub(crate) async fn stage(&self, events: &[LogEvent]) -> Result<Vec<Staged>, AppError> {
        let recent = xinfang_store::fmt_time(self.now() - Duration::days(STALE_DAYS));
        let wanted: Vec<&LogEvent> = events
            .iter()
            .filter(|e| outbound::is_published(&e.kind) && e.at >= recent)
            .collect();
        if wanted.is_empty() {
            return Ok(vec![]);
        }
        let mut ids: Vec<i64> = wanted.iter().map(|e| e.case_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let current: HashMap<i64, Case> =
            self.store.cases_by_ids(&ids).await?.into_iter().collect();
        let orders = self.store.work_orders_of(&ids).await?;
        let mut after: HashMap<i64, Case> = HashMap::new();
        for id in &ids {
            let seqs: Vec<i64> = wanted
                .iter()
                .filter(|e| e.case_id == *id)
                .map(|e| e.seq)
                .collect();
            self.states_after(*id, events, &seqs, &mut after).await?;
        }
        let mut out = vec![];
        for e in wanted {
            let (Some(state), Some(now)) = (after.remove(&e.seq), current.get(&e.case_id)) else {
                continue;
            };
            out.push(Staged {
                seq: e.seq,
                case_id: e.case_id,
                event_id: outbound::event_id(&e.hash),
                at: parse_time(&e.at)?,
                body: case_event(e)?.body,
                after: state,
                current: now.clone(),
                work_orders: orders
                    .get(&e.case_id)
                    .map(|v| {
                        v.iter()
                            .map(|(s, x)| WorkOrderRef {
                                source: s.clone(),
                                external_id: x.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Fold case `id` and keep its state after each of `seqs` (into `out`,
    /// by seq). A case registered inside this batch folds from the batch
    /// alone; an older one from its log.
    async fn states_after(
        &self,
        id: i64,
        batch: &[LogEvent],
        seqs: &[i64],
        out: &mut HashMap<i64, Case>,
    ) -> Result<(), AppError> {
        let mine: Vec<&LogEvent> = batch.iter().filter(|e| e.case_id == id).collect();
        let from_batch = mine.first().is_some_and(|e| e.kind == "registered");
        let log: Vec<(i64, CaseEvent)> = if from_batch {
            mine.iter()
                .map(|e| Ok((e.seq, case_event(e)?)))
                .collect::<Result<_, AppError>>()?
        } else {
            self.store
                .case_events(id)
                .await?
                .into_iter()
                .map(|s| (s.seq, s.event))
                .collect()
        };
        let last = seqs.iter().copied().max().unwrap_or(0);
        let mut case: Option<Case> = None;
        for (seq, ev) in &log {
            if *seq > last {
                break;
            }
            match (&mut case, &ev.body) {
                (None, EventBody::Registered(_)) => case = Case::replay([ev]),
                (Some(c), _) => c.apply(ev),
                (None, _) => {}
            }
            if let (Some(c), true) = (&case, seqs.contains(seq)) {
                out.insert(*seq, c.clone());
            }
        }
        Ok(())
    }
}
