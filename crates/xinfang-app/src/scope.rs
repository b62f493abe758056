//! The application's one door to data scope: the domain's `Viewer` (who may
//! see a case, 第三十条) and its SQL twins for lists (`CaseScope`) and
//! statistics (`StatsScope`) are all built here from a staff member, so a
//! list, a count and a single read can never disagree.

use crate::error::AppError;
use crate::state::App;
use xinfang_domain::case::Case;
use xinfang_domain::scope::Viewer;
use xinfang_domain::{Staff, UnitId};
use xinfang_store::{CaseScope, StatsScope};

impl App {
    /// The domain's viewer for `staff`.
    pub fn viewer(&self, staff: &Staff) -> Viewer {
        Viewer::of(staff, &self.org())
    }

    /// Whether `staff` may see `case` (the one rule, `Viewer::can_see`).
    pub fn can_see_case(&self, staff: &Staff, case: &Case) -> bool {
        let org = self.org();
        Viewer::of(staff, &org).can_see(case, &org)
    }

    /// The SQL scope of `staff` (twin of [`App::viewer`]).
    pub fn scope_of(&self, staff: &Staff) -> CaseScope {
        let org = self.org();
        let v = Viewer::of(staff, &org);
        CaseScope {
            reach_prefix: self.unit_path(v.reach),
            chain: org
                .ancestors_inclusive(v.unit)
                .iter()
                .map(|u| u.0)
                .collect(),
            unit_prefix: self.unit_path(v.unit),
            sees_unresolved: v.sees_unresolved,
        }
    }

    /// The root of the area `staff` reads (their unit; a 信访部门's government).
    pub fn reach_of(&self, staff: &Staff) -> UnitId {
        self.viewer(staff).reach
    }

    /// Statistics over the area of `root` (the viewer's reach or a unit in
    /// it), hiding what 第三十条 hides from `staff`.
    pub fn stats_scope_at(&self, staff: &Staff, root: UnitId) -> StatsScope {
        let org = self.org();
        let v = Viewer::of(staff, &org);
        let mut hidden: Vec<i64> = org
            .ancestors_inclusive(v.unit)
            .iter()
            .map(|u| u.0)
            .collect();
        hidden.extend(org.subtree(v.unit).iter().map(|u| u.0));
        if !v.sees_unresolved {
            hidden.push(-1);
        }
        hidden.sort_unstable();
        hidden.dedup();
        StatsScope {
            path_prefix: Some(self.unit_path(root)),
            hidden_accused: hidden,
        }
    }

    /// Statistics over everything `staff` may see.
    pub fn stats_scope(&self, staff: &Staff) -> StatsScope {
        self.stats_scope_at(staff, self.reach_of(staff))
    }
}

impl App {
    /// The case `case_no` when `staff` may see it; otherwise `NotFound`, the
    /// same answer as for a number that does not exist (第三十条: a denial
    /// must not reveal that an accusation exists).
    pub async fn visible_case(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<(i64, Case), AppError> {
        match self.store.load_case(case_no).await? {
            Some((id, case)) if self.can_see_case(staff, &case) => Ok((id, case)),
            _ => Err(AppError::NotFound),
        }
    }

    /// Keep the rows whose case (`case_no` of the row, if any) `staff` may see.
    pub async fn retain_visible<T>(
        &self,
        staff: &Staff,
        rows: Vec<T>,
        case_no: impl Fn(&T) -> Option<&str>,
    ) -> Result<Vec<T>, AppError> {
        let nos: Vec<String> = rows
            .iter()
            .filter_map(|r| case_no(r).map(str::to_string))
            .filter(|n| !n.is_empty())
            .collect();
        if nos.is_empty() {
            return Ok(rows);
        }
        let seen = self
            .store
            .visible_case_nos(&self.scope_of(staff), &nos)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| match case_no(r) {
                Some(n) if !n.is_empty() => seen.contains(n),
                _ => true,
            })
            .collect())
    }
}
