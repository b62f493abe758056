//! Demo data that looks like a real province: the unit tree 国家 → 省 → 2 市 →
//! 3 县/区 each → 乡镇街道, users for every role, and cases spread over the
//! last 18 months in every state — all made through the same services and
//! domain commands as real use (no SQL back doors), with a manual clock.

mod boards;
pub mod content;
mod org;
mod reception;
mod walk;

use crate::error::AppError;
use crate::state::{App, TimeSource};

/// Password of every demo account (listed in the README).
pub const DEMO_PASSWORD: &str = "xinfang2026";

/// What the generator made.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub units: usize,
    pub users: usize,
    pub cases: usize,
    pub submissions: usize,
}

/// Fill an empty database: org tree, users, then `cases` cases.
pub async fn generate(app: &App, cases: usize) -> Result<DemoReport, AppError> {
    let real_now = app.now();
    let demo_org = org::build(app).await?;
    app.reload_org().await?;
    let clock = std::sync::Arc::new(std::sync::Mutex::new(real_now));
    let mut sim = app.clone();
    sim.time = TimeSource::Manual(clock);
    let (made, subs) = walk::run(&sim, &demo_org, cases, real_now).await?;
    app.reflow().await?;
    if cases > 0 {
        reception::schedule(app, &demo_org).await?;
        boards::fill(app, &demo_org).await?;
    }
    // Demo people are not to be messaged: the notifier starts after them.
    let head = app.store.max_event_seq().await?;
    app.store
        .put_setting("notify_cursor", &head.to_string())
        .await?;
    app.drop_handed_over();
    Ok(DemoReport {
        units: app.org().len(),
        users: demo_org.user_count,
        cases: made,
        submissions: subs,
    })
}
