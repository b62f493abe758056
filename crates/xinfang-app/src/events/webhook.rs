//! Webhook delivery (issue #19): the fan-out writes one delivery per
//! endpoint and event it may see, with the cursor, in one transaction; the
//! sender POSTs each endpoint's deliveries in event order, signed.
//!
//! The request: `POST <url>` with the JSON payload as body and
//! - `X-Xinfang-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed
//!   with the endpoint's secret>`,
//! - `X-Xinfang-Event-Id` and `Idempotency-Key`: the event id (also in the
//!   body), the same on every retry;
//! - `X-Xinfang-Event`: the kind; `X-Xinfang-Timestamp`: sending time, Unix
//!   seconds; `X-Xinfang-Attempt`: 1, 2, …
//!
//! Any 2xx is delivered. Anything else (another status, a redirect — never
//! followed —, no connection, no answer within [`TIMEOUT_SECS`]) is a
//! failure: the endpoint waits 1, 2, 4 … 60 minutes (the notifier's
//! back-off) before the same delivery is tried again, and after
//! [`MAX_FAILURES`] failures in a row it is suspended (an alert for
//! administrators; events keep queuing until it is resumed). What a
//! receiver answered is not kept beyond its status code: a body might echo
//! the payload into a log that administrators of another scope read.

use super::{lease_window, node_id};
use crate::error::AppError;
use crate::state::App;
use hmac_sha::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::time::Duration;
use xinfang_domain::UnitId;
use xinfang_store::{fmt_time, Attempt, NewDelivery, WebhookRow};

/// Failed attempts in a row after which an endpoint is suspended (with
/// the back-off, about two hours of failure).
pub const MAX_FAILURES: i64 = 8;
/// Seconds a receiver has to answer.
pub const TIMEOUT_SECS: u64 = 15;
const FEED: &str = "webhook_feed";
const FEED_BATCH: i64 = 500;
const SEND_BATCH: i64 = 100;
const LEASE_SECS: i64 = 300;

/// The signature header's value for `body`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The HTTP client of the sender: bounded waits, no redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(TIMEOUT_SECS))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("xinfang-webhook/1")
        .build()
        .expect("static client settings")
}

/// What one send round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub delivered: usize,
    pub failed: usize,
    pub withheld: usize,
    pub suspended: usize,
}

impl SendReport {
    fn add(&mut self, o: SendReport) {
        self.delivered += o.delivered;
        self.failed += o.failed;
        self.withheld += o.withheld;
        self.suspended += o.suspended;
    }
}

fn kinds_of(h: &WebhookRow) -> Vec<&str> {
    h.kinds.split(',').filter(|k| !k.is_empty()).collect()
}

impl App {
    /// Fan new case events out to the endpoints (active or suspended) that
    /// want their kind and may see the case; returns deliveries queued.
    pub async fn webhook_feed(&self) -> Result<usize, AppError> {
        let hooks: Vec<WebhookRow> = self
            .store
            .webhooks()
            .await?
            .into_iter()
            .filter(|h| h.status != "disabled")
            .collect();
        // No endpoint, nothing to do (and no write per round on a busy store).
        let Some(first) = hooks.iter().map(|h| h.from_seq).min() else {
            return Ok(0);
        };
        let (now, until) = lease_window(LEASE_SECS);
        if !self
            .store
            .lease_pump(FEED, Some(first), node_id(), &now, &until)
            .await?
        {
            return Ok(0);
        }
        let head = self.store.max_event_seq().await?;
        // Nothing before the earliest endpoint's start is anyone's; a cursor
        // past the head means the log lost its tail (a crash before the WAL
        // reached the disk): go on from the head.
        let mut cursor = self.store.pump_cursor(FEED).await?.max(first);
        if cursor > head {
            self.store.set_pump_cursor(FEED, head).await?;
            cursor = head;
        }
        let org = self.org();
        let viewers: Vec<_> = hooks
            .iter()
            .map(|h| xinfang_domain::scope::Viewer::of_unit(UnitId(h.scope_unit), &org))
            .collect();
        let mut queued = 0;
        loop {
            let events = self.store.log_events_after(cursor, FEED_BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            let mut rows = vec![];
            for s in self.stage(&events).await? {
                let Some(payload) = s.payload(self) else {
                    continue;
                };
                let body = serde_json::to_string(&payload).unwrap_or_default();
                for (h, v) in hooks.iter().zip(&viewers) {
                    if s.seq <= h.from_seq
                        || !kinds_of(h).contains(&payload.kind)
                        || !v.can_see(&s.after, &org)
                        || !v.can_see(&s.current, &org)
                    {
                        continue;
                    }
                    rows.push(NewDelivery {
                        webhook_id: h.id,
                        event_seq: s.seq,
                        case_id: s.case_id,
                        event_id: s.event_id.clone(),
                        kind: payload.kind.to_string(),
                        body: body.clone(),
                    });
                }
            }
            queued += self
                .store
                .queue_deliveries(rows, FEED, last, &fmt_time(self.now()))
                .await?;
            cursor = last;
        }
        Ok(queued)
    }

    /// Send what is due to every active endpoint (each from its own task,
    /// so a slow receiver holds up only itself).
    pub async fn webhook_send(&self, client: &reqwest::Client) -> Result<SendReport, AppError> {
        let now = fmt_time(self.now());
        let due: Vec<WebhookRow> = self
            .store
            .webhooks()
            .await?
            .into_iter()
            .filter(|h| h.status == "active" && h.next_at <= now)
            .collect();
        let mut tasks = tokio::task::JoinSet::new();
        for h in due {
            let (app, client) = (self.clone(), client.clone());
            tasks.spawn(async move { app.send_to(&client, h).await });
        }
        let mut report = SendReport::default();
        while let Some(r) = tasks.join_next().await {
            match r {
                Ok(Ok(r)) => report.add(r),
                Ok(Err(e)) => tracing::warn!("webhook round failed: {e}"),
                Err(e) => tracing::warn!("webhook task failed: {e}"),
            }
        }
        Ok(report)
    }

    /// One endpoint's due deliveries, in order, until the first failure.
    async fn send_to(
        &self,
        client: &reqwest::Client,
        h: WebhookRow,
    ) -> Result<SendReport, AppError> {
        let mut report = SendReport::default();
        if self.store.pending_deliveries(h.id, 1).await?.is_empty() {
            return Ok(report);
        }
        let (now, until) = lease_window(LEASE_SECS);
        if !self
            .store
            .lease_webhook(h.id, node_id(), &now, &until)
            .await?
        {
            return Ok(report);
        }
        let pending = self.store.pending_deliveries(h.id, SEND_BATCH).await?;
        let mut ids: Vec<i64> = pending.iter().map(|d| d.case_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let cases: HashMap<i64, _> = self.store.cases_by_ids(&ids).await?.into_iter().collect();
        for d in pending {
            let visible = cases
                .get(&d.case_id)
                .is_some_and(|c| self.unit_may_see(UnitId(h.scope_unit), c));
            if !visible {
                let at = fmt_time(self.now());
                self.store
                    .record_delivery(h.id, d.id, Attempt::Withheld, &at)
                    .await?;
                report.withheld += 1;
                continue;
            }
            let outcome = post(client, &h, &d.event_id, &d.kind, &d.body, d.attempts + 1).await;
            let at = fmt_time(self.now());
            match outcome {
                Ok(code) => {
                    self.store
                        .record_delivery(h.id, d.id, Attempt::Delivered { code }, &at)
                        .await?;
                    report.delivered += 1;
                }
                Err((code, error)) => {
                    let failures = h.failures + 1;
                    let suspend = failures >= MAX_FAILURES;
                    let next_at = fmt_time(self.now() + crate::notify::backoff(h.failures));
                    tracing::warn!(webhook = h.id, %error, "webhook delivery failed");
                    let attempt = Attempt::Failed {
                        code,
                        error: &error,
                        next_at: &next_at,
                        suspend,
                    };
                    self.store.record_delivery(h.id, d.id, attempt, &at).await?;
                    report.failed += 1;
                    if suspend {
                        tracing::error!(
                            webhook = h.id,
                            "webhook suspended after {failures} failures"
                        );
                        report.suspended += 1;
                    }
                    break;
                }
            }
        }
        Ok(report)
    }

    /// One round: fan out, then send.
    pub async fn webhook_pump(&self, client: &reqwest::Client) -> Result<SendReport, AppError> {
        self.webhook_feed().await?;
        self.webhook_send(client).await
    }
}

/// POST one delivery: Ok(status) on 2xx, else (status if any, why in Chinese).
async fn post(
    client: &reqwest::Client,
    h: &WebhookRow,
    event_id: &str,
    kind: &str,
    body: &str,
    attempt: i64,
) -> Result<i64, (Option<i64>, String)> {
    let sent = client
        .post(&h.url)
        .header("content-type", "application/json; charset=utf-8")
        .header("x-xinfang-event", kind)
        .header("x-xinfang-event-id", event_id)
        .header("idempotency-key", event_id)
        .header(
            "x-xinfang-timestamp",
            chrono::Utc::now().timestamp().to_string(),
        )
        .header("x-xinfang-attempt", attempt.to_string())
        .header("x-xinfang-signature", sign(&h.secret, body.as_bytes()))
        .body(body.to_string())
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Ok(i64::from(r.status().as_u16())),
        Ok(r) if r.status().is_redirection() => Err((
            Some(i64::from(r.status().as_u16())),
            format!(
                "接收方要求重定向（HTTP {}），不跟随重定向",
                r.status().as_u16()
            ),
        )),
        Ok(r) => Err((
            Some(i64::from(r.status().as_u16())),
            format!("接收方返回 HTTP {}", r.status().as_u16()),
        )),
        Err(e) if e.is_timeout() => Err((None, format!("接收方 {TIMEOUT_SECS} 秒内未响应"))),
        Err(e) if e.is_connect() => Err((None, "无法连接接收方".to_string())),
        Err(_) => Err((None, "发送失败（网络错误）".to_string())),
    }
}

/// Pump forever every `every` (serve): a failed round is logged and tried
/// again; it never touches a request.
pub async fn run_forever(app: App, every: Duration) {
    let client = client();
    loop {
        match app.webhook_pump(&client).await {
            Ok(r) if r.delivered >= SEND_BATCH as usize => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!("webhook pump failed: {e}"),
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
