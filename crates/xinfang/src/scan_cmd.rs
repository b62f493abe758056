//! The background letter reader beside `serve` (issue #22): every attachment
//! uploaded on any path — the registration form, the portal's 证明材料, the
//! API — is read once and its text stored with it, so the full-text search
//! finds what a scan says. One file at a time (a read holds both cores for
//! a few seconds), after the registrars' own reads, which share the queue.

use std::time::Duration;
use xinfang_app::App;

/// How often to look for attachments not yet read when none were waiting.
const IDLE: Duration = Duration::from_secs(10);

/// Read attachments not yet read, a few per round, for as long as `serve` runs.
pub fn spawn_reader(app: App) {
    tokio::spawn(async move {
        loop {
            match app.read_unread_scans(4).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!("reading attachments failed: {e}"),
            }
            tokio::time::sleep(IDLE).await;
        }
    });
}
