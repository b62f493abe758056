//! Case events on RabbitMQ (issue #19): every published event goes to the
//! durable topic exchange `xinfang.events` (`XINFANG_AMQP_URL`, AMQP 0-9-1)
//! with routing key `<region_code>.<kind>` (e.g. `330102.transferred`), as a
//! persistent message whose `message_id` is the event id — the same event
//! always carries the same id, so a consumer de-duplicates on it.
//!
//! Nothing lost: the publisher reads the log after its cursor, publishes a
//! batch on a channel in confirm mode and moves the cursor only once the
//! broker confirmed every message. A broker that goes away mid-batch (its
//! confirms fail or never come) costs the connection; the next round
//! reconnects and publishes the batch again from the cursor — duplicates
//! only, each with its original id, and each case's events still in order.
//!
//! Whose view: the exchange has no subscriber identity, so it carries what
//! a user of one unit sees (`XINFANG_AMQP_SCOPE`, a unit id; by default the
//! root of the tree). A government at the root stands above every accused
//! body, so by default no 检举控告 is published at all (第三十条第三款).

use super::{lease_window, node_id};
use crate::error::AppError;
use crate::state::App;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::publisher_confirm::Confirmation;
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use std::time::Duration;
use xinfang_domain::UnitId;

/// The exchange.
pub const EXCHANGE: &str = "xinfang.events";
const PUMP: &str = "amqp";
const BATCH: i64 = 500;
const LEASE_SECS: i64 = 120;
/// Longest wait for the broker's confirms of one batch.
const CONFIRM_SECS: u64 = 30;

/// Where and as whom to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmqpConfig {
    /// `amqp://user:password@host:5672/%2f`
    pub url: String,
    /// The unit whose view is published; None = the root of the tree.
    pub scope_unit: Option<i64>,
}

impl AmqpConfig {
    /// `XINFANG_AMQP_URL` (unset or empty: no publishing) and
    /// `XINFANG_AMQP_SCOPE`; a malformed value is an error.
    pub fn from_env() -> Result<Option<AmqpConfig>, String> {
        let Some(url) = std::env::var("XINFANG_AMQP_URL")
            .ok()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        if !url.starts_with("amqp://") {
            return Err("XINFANG_AMQP_URL 应以 amqp:// 开头".into());
        }
        let scope_unit = match std::env::var("XINFANG_AMQP_SCOPE") {
            Ok(s) if !s.trim().is_empty() => Some(
                s.trim()
                    .parse()
                    .map_err(|_| "XINFANG_AMQP_SCOPE 应为单位编号（数字）".to_string())?,
            ),
            _ => None,
        };
        Ok(Some(AmqpConfig { url, scope_unit }))
    }
}

/// A publisher: its configuration and, while the broker is there, its channel.
pub struct AmqpPublisher {
    config: AmqpConfig,
    link: Option<(Connection, Channel)>,
}

/// Why a round failed (logged by `serve`).
fn lost(e: impl std::fmt::Display) -> String {
    format!("消息队列不可用：{e}")
}

fn store(e: impl Into<AppError>) -> String {
    e.into().to_string()
}

/// What one round did: events read past the cursor, messages confirmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub read: usize,
    pub published: usize,
}

impl AmqpPublisher {
    pub fn new(config: AmqpConfig) -> Self {
        AmqpPublisher { config, link: None }
    }

    /// A confirming channel on a live connection, the exchange declared.
    async fn channel(&mut self) -> Result<Channel, String> {
        if let Some((conn, ch)) = &self.link {
            if conn.status().connected() && ch.status().connected() {
                return Ok(ch.clone());
            }
        }
        self.link = None;
        let props = ConnectionProperties::default()
            .with_executor(tokio_executor_trait::Tokio::current())
            .with_reactor(tokio_reactor_trait::Tokio::current())
            .with_connection_name("xinfang".into());
        let conn = Connection::connect(&self.config.url, props)
            .await
            .map_err(lost)?;
        let ch = conn.create_channel().await.map_err(lost)?;
        ch.confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(lost)?;
        let durable = ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        };
        ch.exchange_declare(
            EXCHANGE,
            ExchangeKind::Topic,
            durable,
            FieldTable::default(),
        )
        .await
        .map_err(lost)?;
        self.link = Some((conn, ch.clone()));
        Ok(ch)
    }

    /// Publish the next batch. An error leaves the cursor where it was
    /// (the batch goes again).
    pub async fn round(&mut self, app: &App) -> Result<RoundReport, String> {
        let (now, until) = lease_window(LEASE_SECS);
        if !app
            .store
            .lease_pump(PUMP, None, node_id(), &now, &until)
            .await
            .map_err(store)?
        {
            return Ok(RoundReport::default());
        }
        let head = app.store.max_event_seq().await.map_err(store)?;
        let mut cursor = app.store.pump_cursor(PUMP).await.map_err(store)?;
        if cursor > head {
            // The log lost its tail (a crash before the WAL reached the disk).
            app.store.set_pump_cursor(PUMP, head).await.map_err(store)?;
            cursor = head;
        }
        let events = app
            .store
            .log_events_after(cursor, BATCH)
            .await
            .map_err(store)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(RoundReport::default());
        };
        let org = app.org();
        let scope = self
            .config
            .scope_unit
            .map(UnitId)
            .or_else(|| org.units().find(|u| u.parent.is_none()).map(|u| u.id))
            .ok_or_else(|| "单位树为空".to_string())?;
        let mut messages = vec![];
        for s in app.stage(&events).await.map_err(store)? {
            if !app.unit_may_see(scope, &s.after) || !app.unit_may_see(scope, &s.current) {
                continue;
            }
            if let Some(p) = s.payload(app) {
                let key = format!("{}.{}", p.case.region_code, p.kind);
                let props = BasicProperties::default()
                    .with_content_type("application/json".into())
                    .with_delivery_mode(2)
                    .with_message_id(p.id.as_str().into())
                    .with_type(p.kind.into())
                    .with_app_id("xinfang".into())
                    .with_timestamp((s.at.and_utc().timestamp() - 8 * 3600).max(0) as u64);
                let body = serde_json::to_vec(&p).unwrap_or_default();
                messages.push((key, props, body));
            }
        }
        let published = messages.len();
        if published > 0 {
            let result = self.publish(messages).await;
            if result.is_err() {
                self.link = None;
            }
            result?;
        }
        app.store.set_pump_cursor(PUMP, last).await.map_err(store)?;
        Ok(RoundReport {
            read: events.len(),
            published,
        })
    }

    /// Publish in order and wait for every confirm (all acks, or an error).
    async fn publish(
        &mut self,
        messages: Vec<(String, BasicProperties, Vec<u8>)>,
    ) -> Result<(), String> {
        let ch = self.channel().await?;
        let mut confirms = Vec::with_capacity(messages.len());
        for (key, props, body) in messages {
            let c = ch
                .basic_publish(EXCHANGE, &key, BasicPublishOptions::default(), &body, props)
                .await
                .map_err(lost)?;
            confirms.push(c);
        }
        let all = async {
            for c in confirms {
                match c.await.map_err(lost)? {
                    Confirmation::Ack(_) => {}
                    Confirmation::Nack(_) => return Err(lost("代理拒收")),
                    Confirmation::NotRequested => return Err(lost("未启用发布确认")),
                }
            }
            Ok(())
        };
        tokio::time::timeout(Duration::from_secs(CONFIRM_SECS), all)
            .await
            .map_err(|_| lost("等待发布确认超时"))?
    }

    /// Close the connection (tests; `serve` just exits).
    pub async fn close(&mut self) {
        if let Some((conn, _)) = self.link.take() {
            let _ = conn.close(200, "bye").await;
        }
    }
}

/// Publish forever (serve): a full batch is followed at once by the next;
/// an unreachable broker is retried after 1, 2, 4 … 30 seconds.
pub async fn run_forever(app: App, config: AmqpConfig, every: Duration) {
    let mut p = AmqpPublisher::new(config);
    let mut wait = Duration::from_secs(1);
    loop {
        match p.round(&app).await {
            Ok(r) => {
                wait = Duration::from_secs(1);
                if r.read == 0 {
                    tokio::time::sleep(every).await;
                }
            }
            Err(e) => {
                tracing::warn!("AMQP publishing failed: {e}");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}
