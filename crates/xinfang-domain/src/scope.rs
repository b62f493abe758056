//! Data scope: who may see a case. This is the ONE visibility decision;
//! everything that carries a case (件次, warning, alert, supervision,
//! ownership, document, attachment, campaign item, search hit, statistics,
//! export row, intake response) asks it, directly here or through its SQL
//! twin (`xinfang_store::CaseScope`, built from a [`Viewer`]). The web
//! tests `authz_matrix` and `accusation_paths` check the two agree through
//! every route.
//!
//! The rule:
//!
//! 1. **Area.** A viewer reads the cases that involve a unit inside their
//!    *reach*: their own unit and everything below it; for a 信访部门 the
//!    whole area of its government (第十四条(三)(五): the 信访部门 supervises
//!    and reports on the handling in its area; 第四十条: it issues 督办).
//! 2. **第三十条第三款.** A 检举控告 is never shown to the accused body, to any
//!    unit inside it, nor to any body above it in the tree (its superior
//!    governments). We chose to hide it from the superiors too: the
//!    accused's government leads the accused body and shares its interest;
//!    the 信访部门 and 纪检监察 that handle accusations are siblings of the
//!    accused body, not its ancestors, so they still see it. An accusation
//!    against a government is thereby handled one level up.
//! 3. **Unresolved accused.** While the accused of a 检举控告 is not resolved
//!    to a unit (free text only, or not named), nobody can tell who must not
//!    see it, so only 信访部门 and 纪检监察 in reach see it, until a
//!    registrar resolves it.

use crate::actor::Staff;
use crate::case::{Case, Kind};
use crate::org::{OrgTree, UnitId, UnitKind};

/// Who is looking, reduced to what the visibility rule needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// The viewer's own unit (第三十条 is decided against it).
    pub unit: UnitId,
    /// The root of the area the viewer reads (rule 1).
    pub reach: UnitId,
    /// 信访部门 or 纪检监察: may see a 检举控告 whose accused is unresolved.
    pub sees_unresolved: bool,
}

impl Viewer {
    /// The viewer for `unit` in `org`.
    pub fn of_unit(unit: UnitId, org: &OrgTree) -> Viewer {
        let kind = org.get(unit).map(|u| u.kind);
        let reach = match kind {
            Some(UnitKind::PetitionBureau) => org.government_of(unit).unwrap_or(unit),
            _ => unit,
        };
        Viewer {
            unit,
            reach,
            sees_unresolved: sees_unresolved(kind),
        }
    }

    /// The viewer for a staff member.
    pub fn of(staff: &Staff, org: &OrgTree) -> Viewer {
        Self::of_unit(staff.unit, org)
    }

    /// Whether this viewer may see `case` (the rule in the module docs).
    pub fn can_see(&self, case: &Case, org: &OrgTree) -> bool {
        if self.accusation_hidden(case, org) {
            return false;
        }
        case.involved_units()
            .iter()
            .any(|u| org.is_within(*u, self.reach))
    }

    /// Rules 2 and 3: the case is a 检举控告 this viewer must not learn of.
    pub fn accusation_hidden(&self, case: &Case, org: &OrgTree) -> bool {
        if case.kind != Kind::Accusation {
            return false;
        }
        match case.accused.as_ref().and_then(|a| a.unit) {
            Some(accused) => self.is_accused_side(accused, org),
            None => !self.sees_unresolved,
        }
    }

    /// The viewer's unit is `accused`, inside it, or above it (第三十条).
    pub fn is_accused_side(&self, accused: UnitId, org: &OrgTree) -> bool {
        on_accused_side(self.unit, accused, org)
    }
}

/// Units of these kinds see (and name) an accusation whose accused body is
/// not yet resolved: the 信访部门 and 纪检监察 (第三十条).
pub fn sees_unresolved(kind: Option<UnitKind>) -> bool {
    matches!(kind, Some(UnitKind::PetitionBureau | UnitKind::Discipline))
}

/// `unit` is the accused body, lies inside it, or is above it: the side a
/// 检举控告 must never reach (第三十条第三款). Visibility, 转送, 提级 and 专班
/// all ask this one question.
pub fn on_accused_side(unit: UnitId, accused: UnitId, org: &OrgTree) -> bool {
    org.is_within(unit, accused) || org.is_within(accused, unit)
}

/// Whether `staff` may see `case`.
pub fn can_see(staff: &Staff, case: &Case, org: &OrgTree) -> bool {
    Viewer::of(staff, org).can_see(case, org)
}

/// Where a new case is held. Normally the registering unit; but a 检举控告
/// that the registering unit may not see (it is the accused, inside it or
/// above it) is held by the nearest 信访部门 up the tree that may see it, so
/// that someone can forward it within the 转送 period (第二十二条) without
/// the accused ever holding it (第三十条第三款).
pub fn landing_unit(case: &Case, org: &OrgTree) -> UnitId {
    let registering = case.registering_unit;
    if !Viewer::of_unit(registering, org).accusation_hidden(case, org) {
        return registering;
    }
    for anc in org.ancestors_inclusive(registering) {
        if let Some(b) = org.bureau_below(anc) {
            if !Viewer::of_unit(b, org).accusation_hidden(case, org) {
                return b;
            }
        }
    }
    registering
}

/// Whether a unit (as a member of a 专班, a recipient of a 督办 or a
/// document) stands on the accused side of `case` (第三十条): material of
/// the case must not be sent to it.
pub fn unit_is_barred(unit: UnitId, case: &Case, org: &OrgTree) -> bool {
    Viewer::of_unit(unit, org).accusation_hidden(case, org)
}
