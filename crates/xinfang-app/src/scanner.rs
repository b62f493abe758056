//! The clock scanner: walks open cases, refreshes their grade (time passes
//! without events) and raises each 临期 / 超期 alert exactly once for the
//! supervisors of the unit that must act. Run in the background by `serve`
//! and on demand by `xinfang clocks scan`.

use crate::error::AppError;
use crate::state::App;
use xinfang_domain::case::case_clocks;
use xinfang_domain::clock::Grade;
use xinfang_store::NewAlert;

/// What one scan did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ScanReport {
    /// Open cases whose grade could change today (the ones checked; every
    /// other open case keeps its grade until its next check or event).
    pub open_cases: usize,
    pub escalated_supervisions: usize,
    pub raised_approaching: usize,
    pub raised_overdue: usize,
}

impl App {
    pub async fn scan_clocks(&self) -> Result<ScanReport, AppError> {
        let mut report = ScanReport::default();
        let org = self.org();
        let today = self.now().date();
        // Only a case whose next change of grade has come (or whose
        // projection was rewritten while it was 临期 or 超期) can need an
        // alert; each is written back with its next change of grade, so a
        // case already 超期 and alerted is not looked at again until an
        // event or a calendar change rewrites it.
        let ids = self.store.due_case_ids(&today.to_string()).await?;
        for chunk in ids.chunks(500) {
            let batch = self.store.cases_by_ids(chunk).await?;
            let projections: Vec<_> = batch
                .iter()
                .map(|(id, case)| (*id, self.project_scanned(case)))
                .collect();
            self.store.update_projections(&projections).await?;
            // Every alert of the chunk in one transaction (one commit).
            let mut due: Vec<(i64, &'static str, &'static str, Grade, String, i64)> = vec![];
            for (id, case) in &batch {
                report.open_cases += 1;
                let Ok(clocks) = case_clocks(case, &org, &self.calendar(), &self.rules()) else {
                    continue;
                };
                for c in clocks.iter().filter(|c| c.duty && c.is_open()) {
                    let g = c.grade(today);
                    if g == Grade::Normal {
                        continue;
                    }
                    due.push((
                        *id,
                        c.kind.key(),
                        c.stage.key(),
                        g,
                        c.due.due.to_string(),
                        c.unit.0,
                    ));
                }
            }
            let alerts: Vec<NewAlert<'_>> = due
                .iter()
                .map(|(case_id, clock, stage, g, d, unit_id)| NewAlert {
                    case_id: *case_id,
                    clock,
                    stage,
                    grade: g.key(),
                    due: d,
                    unit_id: *unit_id,
                })
                .collect();
            let raised = self.store.raise_alerts(&alerts).await?;
            for ((.., g, _, _), new) in due.iter().zip(raised) {
                match (new, g) {
                    (false, _) => {}
                    (true, Grade::Approaching) => report.raised_approaching += 1,
                    (true, _) => report.raised_overdue += 1,
                }
            }
        }
        report.escalated_supervisions = self.escalate_overdue_supervisions().await?;
        Ok(report)
    }
}

impl App {
    /// Alerts a staff member's inbox shows: everything in their government's area.
    pub async fn alerts_for(
        &self,
        staff: &xinfang_domain::Staff,
    ) -> Result<Vec<xinfang_store::AlertRow>, AppError> {
        let org = self.org();
        let root = org.government_of(staff.unit).unwrap_or(staff.unit);
        let path: String = org
            .ancestors_inclusive(root)
            .iter()
            .rev()
            .map(|u| format!("{}/", u.0))
            .collect();
        Ok(self
            .store
            .alerts_under(&format!("/{path}"), &self.scope_of(staff), 200)
            .await?)
    }
}
