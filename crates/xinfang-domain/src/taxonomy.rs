//! The content taxonomy (内容分类): a 3-level tree 领域 → 类别 → 细类 with
//! stable codes (2, 4, 6 digits; a node's parent is its code's prefix).
//! Cases store the code, so renaming a node never changes an old case and a
//! deactivated node keeps its meaning for history; nothing is ever deleted.
//! The default tree is data (`data/taxonomy/default.csv`), not code.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The shipped default taxonomy (`code,name` per line).
pub const DEFAULT_TAXONOMY: &str = include_str!("../../../data/taxonomy/default.csv");

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaxonNode {
    /// Stable code: 2 digits (领域), 4 (类别) or 6 (细类).
    pub code: String,
    pub name: String,
    /// 1 领域, 2 类别, 3 细类.
    pub level: u8,
    pub active: bool,
}

impl TaxonNode {
    /// The parent's code (`None` for a 领域).
    pub fn parent_code(&self) -> Option<&str> {
        (self.level > 1).then(|| &self.code[..self.code.len() - 2])
    }
}

/// A malformed taxonomy or edit; messages are shown to administrators.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    #[error("分类数据第 {line} 行：{reason}")]
    Line { line: usize, reason: String },
    #[error("{0}")]
    Invalid(String),
}

/// The level of a code from its length, if it is a well-formed code.
pub fn level_of(code: &str) -> Option<u8> {
    if !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match code.len() {
        2 => Some(1),
        4 => Some(2),
        6 => Some(3),
        _ => None,
    }
}

/// Check a node name: 1–30 characters, no `/` (the path separator) or control characters.
pub fn check_name(name: &str) -> Result<&str, TaxonomyError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 30 {
        return Err(TaxonomyError::Invalid("分类名称应为 1–30 个字".into()));
    }
    if n.contains('/') || n.chars().any(char::is_control) {
        return Err(TaxonomyError::Invalid(
            "分类名称不得包含“/”或控制字符".into(),
        ));
    }
    Ok(n)
}

/// Parse the shipped format: `code,name` lines, `#` comments; every parent before its children.
pub fn parse_csv(text: &str) -> Result<Vec<TaxonNode>, TaxonomyError> {
    let mut out: Vec<TaxonNode> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |reason: String| TaxonomyError::Line {
            line: i + 1,
            reason,
        };
        let (code, name) = line
            .split_once(',')
            .ok_or_else(|| err("应为“代码,名称”".into()))?;
        let code = code.trim();
        let level =
            level_of(code).ok_or_else(|| err(format!("代码“{code}”应为 2、4 或 6 位数字")))?;
        let name = check_name(name).map_err(|e| err(e.to_string()))?;
        if out.iter().any(|n| n.code == code) {
            return Err(err(format!("代码“{code}”重复")));
        }
        if level > 1 && !out.iter().any(|n| n.code == code[..code.len() - 2]) {
            return Err(err(format!("代码“{code}”的上级未先定义")));
        }
        out.push(TaxonNode {
            code: code.into(),
            name: name.into(),
            level,
            active: true,
        });
    }
    Ok(out)
}

/// The whole tree, indexed by code and by name path.
#[derive(Clone, Debug, Default)]
pub struct Taxonomy {
    nodes: Vec<TaxonNode>,
    by_code: HashMap<String, usize>,
}

impl Taxonomy {
    /// Build from nodes in any order (sorted by code here).
    pub fn new(mut nodes: Vec<TaxonNode>) -> Taxonomy {
        nodes.sort_by(|a, b| a.code.cmp(&b.code));
        let by_code = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.clone(), i))
            .collect();
        Taxonomy { nodes, by_code }
    }

    /// The shipped default.
    pub fn default_tree() -> Taxonomy {
        Taxonomy::new(parse_csv(DEFAULT_TAXONOMY).unwrap_or_default())
    }

    /// Every node in code order (parents before children).
    pub fn nodes(&self) -> &[TaxonNode] {
        &self.nodes
    }

    pub fn get(&self, code: &str) -> Option<&TaxonNode> {
        self.by_code.get(code).map(|i| &self.nodes[*i])
    }

    /// Direct children of `parent` (`None`: the 领域).
    pub fn children(&self, parent: Option<&str>) -> Vec<&TaxonNode> {
        self.nodes
            .iter()
            .filter(|n| n.parent_code() == parent)
            .collect()
    }

    /// The name path, e.g. `城乡建设/房地产/交房难`.
    pub fn path(&self, code: &str) -> Option<String> {
        let mut names = Vec::new();
        let mut c = code;
        loop {
            let n = self.get(c)?;
            names.push(n.name.as_str());
            match n.parent_code() {
                Some(p) => c = p,
                None => break,
            }
        }
        names.reverse();
        Some(names.join("/"))
    }

    /// Find a node by code, or by name path (how categories were stored
    /// before the taxonomy existed; demo data and old clients still send it).
    pub fn resolve(&self, input: &str) -> Option<&TaxonNode> {
        let s = input.trim();
        if let Some(n) = self.get(s) {
            return Some(n);
        }
        let mut parent: Option<&str> = None;
        let mut found = None;
        for part in s.split('/').map(str::trim) {
            let n = self
                .nodes
                .iter()
                .find(|n| n.parent_code() == parent && n.name == part)?;
            parent = Some(n.code.as_str());
            found = Some(n);
        }
        found
    }

    /// The 领域 name of a code (for routing to the body with power).
    pub fn field_name(&self, code: &str) -> Option<&str> {
        self.get(code.get(..2)?).map(|n| n.name.as_str())
    }

    /// True when the node and all its ancestors are active.
    pub fn is_usable(&self, code: &str) -> bool {
        (2..=code.len())
            .step_by(2)
            .all(|l| self.get(&code[..l]).map(|n| n.active).unwrap_or(false))
    }

    /// Active 细类 with their paths: the choices offered at registration.
    pub fn leaf_choices(&self) -> Vec<(String, String)> {
        self.nodes
            .iter()
            .filter(|n| n.level == 3 && self.is_usable(&n.code))
            .filter_map(|n| Some((n.code.clone(), self.path(&n.code)?)))
            .collect()
    }

    /// Validate a new node under `parent` and give it the next free code.
    pub fn plan_child(&self, parent: Option<&str>, name: &str) -> Result<TaxonNode, TaxonomyError> {
        let name = check_name(name)?;
        let level = match parent {
            None => 1,
            Some(p) => {
                let pn = self
                    .get(p)
                    .ok_or_else(|| TaxonomyError::Invalid(format!("上级分类“{p}”不存在")))?;
                if pn.level >= 3 {
                    return Err(TaxonomyError::Invalid("细类下不能再分".into()));
                }
                pn.level + 1
            }
        };
        let siblings = self.children(parent);
        if siblings.iter().any(|n| n.name == name) {
            return Err(TaxonomyError::Invalid(format!("同一上级下已有“{name}”")));
        }
        let next = siblings
            .iter()
            .filter_map(|n| n.code[n.code.len() - 2..].parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        if next > 99 {
            return Err(TaxonomyError::Invalid("同一上级下最多 99 个分类".into()));
        }
        Ok(TaxonNode {
            code: format!("{}{next:02}", parent.unwrap_or("")),
            name: name.into(),
            level,
            active: true,
        })
    }

    /// Validate a rename: the new name must be unique among siblings.
    pub fn check_rename(&self, code: &str, name: &str) -> Result<String, TaxonomyError> {
        let name = check_name(name)?;
        let node = self
            .get(code)
            .ok_or_else(|| TaxonomyError::Invalid(format!("分类“{code}”不存在")))?;
        if self
            .children(node.parent_code())
            .iter()
            .any(|n| n.name == name && n.code != code)
        {
            return Err(TaxonomyError::Invalid(format!("同一上级下已有“{name}”")));
        }
        Ok(name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tree_is_valid_and_sized() {
        let nodes = parse_csv(DEFAULT_TAXONOMY).expect("valid");
        let count = |l| nodes.iter().filter(|n| n.level == l).count();
        assert_eq!(count(1), 15);
        assert!(count(2) >= 60, "{}", count(2));
        assert!(count(3) >= 150, "{}", count(3));
    }

    #[test]
    fn resolve_by_code_and_path() {
        let t = Taxonomy::default_tree();
        let n = t.resolve("城乡建设/房地产/交房难").expect("path");
        assert_eq!(n.code, "010101");
        assert_eq!(t.path("010101").as_deref(), Some("城乡建设/房地产/交房难"));
        assert_eq!(t.resolve("010101").map(|n| n.level), Some(3));
        assert!(t.resolve("城乡建设/没有这个").is_none());
        assert_eq!(t.field_name("010101"), Some("城乡建设"));
    }

    #[test]
    fn new_child_gets_next_code_and_rejects_duplicates() {
        let t = Taxonomy::default_tree();
        let n = t.plan_child(Some("0101"), "商品房预售资金").expect("ok");
        assert_eq!(n.code, "010106");
        assert_eq!(n.level, 3);
        assert!(t.plan_child(Some("0101"), "交房难").is_err());
        assert!(t.plan_child(Some("010101"), "x").is_err());
        assert!(t.plan_child(None, "a/b").is_err());
    }
}
