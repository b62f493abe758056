//! The event pumps `serve` runs (issue #19): webhook fan-out and sending
//! every `XINFANG_EVENTS_EVERY_MS` (default 1 000 ms), and, when
//! `XINFANG_AMQP_URL` is set, the publisher to RabbitMQ's `xinfang.events`
//! exchange (`XINFANG_AMQP_SCOPE`: the unit whose view is published, see
//! `xinfang_app::events::amqp`). They read the event log in the background;
//! a failed round is logged and tried again and never touches a request.

use std::time::Duration;
use xinfang_app::events::{amqp, webhook};
use xinfang_app::App;

/// Start the pumps; a malformed setting stops `serve`.
pub fn spawn(app: App) -> anyhow::Result<()> {
    let every = Duration::from_millis(
        std::env::var("XINFANG_EVENTS_EVERY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000u64),
    );
    let config = amqp::AmqpConfig::from_env().map_err(anyhow::Error::msg)?;
    tokio::spawn(webhook::run_forever(app.clone(), every));
    if let Some(config) = config {
        tokio::spawn(amqp::run_forever(app, config, every));
    }
    Ok(())
}
