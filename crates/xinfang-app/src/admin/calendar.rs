//! Loading a new official calendar: validate, store, audit, and re-flow every
//! open case's due dates and grades (closed cases keep their history).

use crate::error::AppError;
use crate::state::{App, CALENDAR_SETTING};
use xinfang_domain::calendar::Calendar;

/// What a calendar import changed.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReflowReport {
    pub years: Vec<i32>,
    pub open_cases: usize,
    pub updated: usize,
}

impl App {
    /// Merge the years in `text` into the calendar, audit it and re-flow open cases.
    pub async fn import_calendar(&self, actor: &str, text: &str) -> Result<ReflowReport, AppError> {
        let incoming =
            Calendar::parse(text).map_err(|e| AppError::field("calendar", e.to_string()))?;
        let mut cal = (*self.calendar()).clone();
        cal.merge_years(&incoming);
        self.store
            .put_setting(CALENDAR_SETTING, &cal.to_text())
            .await?;
        self.store
            .audit(
                "calendar",
                "calendar_imported",
                actor,
                &serde_json::json!({ "years": incoming.years() }),
            )
            .await?;
        self.set_calendar(cal);
        let (open, updated) = self.reflow().await?;
        Ok(ReflowReport {
            years: incoming.years(),
            open_cases: open,
            updated,
        })
    }

    /// Recompute the projection of every open case. Returns (open, updated).
    pub async fn reflow(&self) -> Result<(usize, usize), AppError> {
        let (mut after, mut open, mut updated) = (0i64, 0usize, 0usize);
        loop {
            let batch = self.store.open_case_ids(after, 500).await?;
            if batch.is_empty() {
                break;
            }
            for (id, case) in &batch {
                open += 1;
                let p = self.project(case);
                self.store.update_projection(*id, &p).await?;
                updated += 1;
                after = *id;
            }
        }
        Ok((open, updated))
    }
}
