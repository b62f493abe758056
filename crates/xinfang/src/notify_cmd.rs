//! The notifier `serve` runs (issue #19): gateways from the environment
//! (`XINFANG_SMTP_URL`, `XINFANG_SMS_HTTP_*` or `XINFANG_SMS_SMPP_URL`, see `xinfang_app::notify::gateway`),
//! the portal address for 回访 links (`XINFANG_PUBLIC_URL`, else the
//! address `serve` listens on), and a pump every few seconds that turns
//! new case events into messages and sends what is due. A failed round is
//! logged and tried again; it never touches a request.

use xinfang_app::notify::gateway::Gateways;
use xinfang_app::App;

/// Configure from the environment; a malformed setting stops `serve`.
pub fn configure(app: &App, listening_on: &str) -> anyhow::Result<()> {
    let g = Gateways::from_env().map_err(anyhow::Error::msg)?;
    if g.smtp.is_none() && !g.configured("sms") {
        eprintln!("提示：未配置短信网关或邮件服务器，通知将在发件箱中等待发送。");
    }
    app.configure_gateways(g);
    let public = std::env::var("XINFANG_PUBLIC_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| format!("http://{listening_on}"));
    app.set_public_url(&public);
    Ok(())
}

/// Pump the outbox every `XINFANG_NOTIFY_EVERY_MS` (default 3 000 ms).
pub fn spawn(app: App) {
    let every = std::env::var("XINFANG_NOTIFY_EVERY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000u64);
    tokio::spawn(async move {
        loop {
            if let Err(e) = app.notify_pump().await {
                tracing::warn!("notification round failed: {e}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(every)).await;
        }
    });
}
