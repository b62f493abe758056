//! The organisation model: units (机关、单位) form a tree down the administrative
//! hierarchy, and users belong to one unit with one or more roles. Routing
//! (第二十二、二十三条), review at the next-higher body (第三十五、三十六条),
//! jurisdiction disputes (第二十四条) and data scope all walk this tree, so
//! the domain owns it; the store only loads and saves it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Database id of a unit.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct UnitId(pub i64);

/// Database id of a staff user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// Administrative level of a unit; also the "registering level" of the 倒金字塔.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    National,
    Provincial,
    Municipal,
    County,
    Township,
}

impl UnitLevel {
    pub const ALL: [UnitLevel; 5] = [
        Self::National,
        Self::Provincial,
        Self::Municipal,
        Self::County,
        Self::Township,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Provincial => "provincial",
            Self::Municipal => "municipal",
            Self::County => "county",
            Self::Township => "township",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::National => "国家级",
            Self::Provincial => "省级",
            Self::Municipal => "市级",
            Self::County => "县级",
            Self::Township => "乡级",
        }
    }
}

/// What sort of body a unit is; decides who may receive what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 党委政府 (人民政府): the root of each level; 复查/复核 go up through it.
    Government,
    /// 信访部门: registers and forwards/assigns (第二十二条).
    PetitionBureau,
    /// 职能部门.
    Functional,
    /// 纪检监察: receives 检举控告 (第二十二条、第三十条).
    Discipline,
    /// 政法: receives 涉法涉诉 matters (第二十二条、第二十八条).
    PoliticalLegal,
    /// 乡镇街道.
    Township,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        Self::Government,
        Self::PetitionBureau,
        Self::Functional,
        Self::Discipline,
        Self::PoliticalLegal,
        Self::Township,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Self::Government => "government",
            Self::PetitionBureau => "petition_bureau",
            Self::Functional => "functional",
            Self::Discipline => "discipline",
            Self::PoliticalLegal => "political_legal",
            Self::Township => "township",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Government => "党委政府",
            Self::PetitionBureau => "信访部门",
            Self::Functional => "职能部门",
            Self::Discipline => "纪检监察",
            Self::PoliticalLegal => "政法",
            Self::Township => "乡镇街道",
        }
    }
}

/// A body (机关、单位).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: UnitId,
    pub parent: Option<UnitId>,
    pub name: String,
    pub level: UnitLevel,
    pub kind: UnitKind,
    /// 6-digit 行政区划代码 of the area the unit serves.
    pub region_code: String,
}

/// Staff roles (登记员, 办理员, 督办员, 领导, 管理员).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Registrar,
    Handler,
    Supervisor,
    Leader,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Registrar,
        Self::Handler,
        Self::Supervisor,
        Self::Leader,
        Self::Admin,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Self::Registrar => "registrar",
            Self::Handler => "handler",
            Self::Supervisor => "supervisor",
            Self::Leader => "leader",
            Self::Admin => "admin",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Registrar => "登记员",
            Self::Handler => "办理员",
            Self::Supervisor => "督办员",
            Self::Leader => "领导",
            Self::Admin => "管理员",
        }
    }
}

/// The whole unit tree in memory (a province has a few thousand units), so
/// routing rules can ask "is X below Y" without IO.
#[derive(Clone, Debug, Default)]
pub struct OrgTree {
    units: HashMap<UnitId, Unit>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

impl OrgTree {
    pub fn new(units: impl IntoIterator<Item = Unit>) -> Self {
        let mut tree = OrgTree::default();
        for u in units {
            if let Some(p) = u.parent {
                tree.children.entry(p).or_default().push(u.id);
            }
            tree.units.insert(u.id, u);
        }
        tree
    }
    pub fn get(&self, id: UnitId) -> Option<&Unit> {
        self.units.get(&id)
    }
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }
    pub fn len(&self) -> usize {
        self.units.len()
    }
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
    pub fn children(&self, id: UnitId) -> &[UnitId] {
        self.children.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn parent(&self, id: UnitId) -> Option<&Unit> {
        self.get(id)
            .and_then(|u| u.parent)
            .and_then(|p| self.get(p))
    }
    /// The unit and its ancestors, nearest first.
    pub fn ancestors_inclusive(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        let mut cur = self.get(id);
        while let Some(u) = cur {
            out.push(u.id);
            cur = u.parent.and_then(|p| self.get(p));
        }
        out
    }
    /// True when `unit` is `ancestor` or lies below it.
    pub fn is_within(&self, unit: UnitId, ancestor: UnitId) -> bool {
        self.ancestors_inclusive(unit).contains(&ancestor)
    }
    /// The nearest unit that is an ancestor (inclusive) of both (第二十四条: 共同的上一级).
    pub fn common_superior(&self, a: UnitId, b: UnitId) -> Option<UnitId> {
        let up_b = self.ancestors_inclusive(b);
        self.ancestors_inclusive(a)
            .into_iter()
            .skip(1)
            .find(|x| up_b.contains(x) && *x != b)
    }
    /// The government (党委政府) a unit belongs to: itself or its nearest such ancestor.
    pub fn government_of(&self, id: UnitId) -> Option<UnitId> {
        self.ancestors_inclusive(id).into_iter().find(|u| {
            self.get(*u)
                .map(|x| x.kind == UnitKind::Government)
                .unwrap_or(false)
        })
    }
    /// True when `upper` is a body of a higher level whose government area contains `lower`
    /// (e.g. the city 信访局 over a county 住建局): the "上级机关" of 第十九条第三款.
    pub fn is_superior_body(&self, upper: UnitId, lower: UnitId) -> bool {
        let (Some(u), Some(l)) = (self.get(upper), self.get(lower)) else {
            return false;
        };
        if u.level >= l.level {
            return false;
        }
        match self.government_of(upper) {
            Some(g) => self.is_within(lower, g),
            None => false,
        }
    }
    /// The unit a free-text body name means (检举控告's 被反映单位), when it
    /// means exactly one: an exact name; else the longest unit name the text
    /// contains, or the one unit whose name contains the text, preferring
    /// the units of `region_code`'s area. `None` when nothing or several match.
    pub fn match_unit_name(&self, text: &str, region_code: &str) -> Option<UnitId> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.chars().count() < 2 {
            return None;
        }
        if let Some(u) = self.units.values().find(|u| u.name == t) {
            return Some(u.id);
        }
        let pick = |cands: Vec<&Unit>| -> Option<UnitId> {
            let local: Vec<&Unit> = cands
                .iter()
                .copied()
                .filter(|u| u.region_code == region_code)
                .collect();
            let set = if local.is_empty() { cands } else { local };
            match set.as_slice() {
                [one] => Some(one.id),
                _ => None,
            }
        };
        // The text names a unit in full ("举报杭州市上城区住房和城乡建设局…").
        let contained: Vec<&Unit> = self
            .units
            .values()
            .filter(|u| u.name.chars().count() >= 4 && t.contains(&u.name))
            .collect();
        if let Some(longest) = contained.iter().map(|u| u.name.chars().count()).max() {
            let best = contained
                .into_iter()
                .filter(|u| u.name.chars().count() == longest)
                .collect();
            if let Some(u) = pick(best) {
                return Some(u);
            }
        }
        // A short form of one unit's name ("上城区住房和城乡建设局").
        pick(
            self.units
                .values()
                .filter(|u| u.name.contains(&t))
                .collect(),
        )
    }

    /// The 信访部门 directly below `unit` (a government's bureau), if any.
    pub fn bureau_below(&self, unit: UnitId) -> Option<UnitId> {
        self.children(unit)
            .iter()
            .filter_map(|c| self.get(*c))
            .find(|c| c.kind == UnitKind::PetitionBureau)
            .map(|c| c.id)
    }

    /// The unit and everything below it.
    pub fn subtree(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            out.extend_from_slice(self.children(out[i]));
            i += 1;
        }
        out
    }
    /// The 信访部门 that is the unit itself or its sibling at the same place in
    /// the tree (the bureau of the same level government).
    pub fn units_by_region(&self, region_code: &str) -> Vec<&Unit> {
        self.units
            .values()
            .filter(|u| u.region_code == region_code)
            .collect()
    }
    /// Administrative-level distance between two units' levels (positive when `upper` is higher).
    pub fn level_gap(upper: UnitLevel, lower: UnitLevel) -> i32 {
        lower as i32 - upper as i32
    }
}
