//! The derived columns of a case row: the nearest open duty, its grade and
//! the units involved (for scope). Computed from the case and the calendar,
//! so re-running it after a calendar change re-flows the case.

use crate::state::App;
use xinfang_domain::case::{case_clocks, next_check, next_duty, Case};
use xinfang_domain::metrics::CaseFacts;
use xinfang_store::Projection;

impl App {
    /// Projection columns of `case` as of now. A date the calendar does not
    /// cover leaves the due date empty rather than guessing; the case page
    /// then shows the calendar error.
    pub fn project(&self, case: &Case) -> Projection {
        self.project_as(case, false)
    }

    /// [`App::project`] as the clock scanner writes it, having raised every
    /// alert due today: the next check is the next change of grade.
    pub fn project_scanned(&self, case: &Case) -> Projection {
        self.project_as(case, true)
    }

    fn project_as(&self, case: &Case, alerted: bool) -> Projection {
        let org = self.org();
        let today = self.now().date();
        use xinfang_domain::case::Status;
        let action_unit = match case.status {
            Status::PendingReceipt => case.transfers.last().map(|t| t.to),
            Status::Objected => case.transfers.last().map(|t| t.from),
            _ => Some(case.current_unit),
        };
        let units = case.involved_units();
        let paths: Vec<String> = units.iter().map(|u| self.unit_path(*u)).collect();
        let mut p = Projection {
            action_unit,
            area_path: xinfang_store::common_area(&paths),
            units,
            ..Default::default()
        };
        if let Ok(clocks) = case_clocks(case, &org, &self.calendar(), &self.rules()) {
            if let Some((due, grade, kind)) = next_duty(&clocks, today) {
                p.next_due = Some(due.to_string());
                p.grade = Some(grade_key(grade).into());
                p.next_clock = Some(kind.key().into());
            }
            p.next_check = next_check(&clocks, today, alerted).map(|d| d.to_string());
            p.facts = CaseFacts::of(case, &clocks);
        }
        p
    }
}

pub fn grade_key(g: xinfang_domain::clock::Grade) -> &'static str {
    use xinfang_domain::clock::Grade::*;
    match g {
        Normal => "normal",
        Approaching => "approaching",
        Overdue => "overdue",
    }
}
