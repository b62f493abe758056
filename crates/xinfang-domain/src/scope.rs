//! Data scope: who may see a case. A user sees cases held by their unit or
//! any unit below it, and cases their unit forwarded or assigned — and never
//! a 检举控告 about their own body (第三十条). The store turns the same rule
//! into SQL; `tests` check both agree.

use crate::actor::Staff;
use crate::case::{is_accused_unit, Case};
use crate::org::{OrgTree, UnitId};

/// Whether `staff` may see `case`.
pub fn can_see(staff: &Staff, case: &Case, org: &OrgTree) -> bool {
    if is_accused_unit(case, staff.unit, org) {
        return false;
    }
    case.involved_units()
        .iter()
        .any(|u| org.is_within(*u, staff.unit))
}

/// The units whose cases `unit` may see by the subtree rule (forwarded cases
/// are found through the involvement of `unit` itself, which is in the set).
pub fn visible_units(unit: UnitId, org: &OrgTree) -> Vec<UnitId> {
    org.subtree(unit)
}
