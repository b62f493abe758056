//! The online submission form as the citizen sees it
//! (`templates/portal/submit.html`): the typed values kept after an error,
//! each error beside its field and in the summary, the areas by name (never
//! by code), the three kinds explained, and the bodies one may name as
//! accused. The checks themselves are in `portal.rs` and the app crate.

use crate::pages::portal::kit::{Errors, Field, SummaryItem};
use crate::AppState;
use askama::Template;
use std::collections::HashMap;

/// The form's fields in order, with the labels the error summary uses.
pub const FIELDS: &[(&str, &str)] = &[
    ("name", "姓名（名称）"),
    ("id_number", "公民身份号码"),
    ("phone", "联系电话"),
    ("address", "住址"),
    ("region_code", "事情发生在哪里"),
    ("request", "您的请求"),
    ("facts", "事实经过"),
    ("reasons", "理由"),
    ("accused_unit", "被检举控告的单位"),
    ("accused", "被检举控告的人员"),
    ("attachments", "证明材料"),
];

/// One option of a select or radio group.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "portal/submit.html")]
pub struct SubmitPage {
    summary: Vec<SummaryItem>,
    general: Option<String>,
    name: Field,
    id_number: Field,
    phone: Field,
    address: Field,
    region_code: Field,
    request: Field,
    facts: Field,
    reasons: Field,
    accused_unit: Field,
    accused: Field,
    attachments: Field,
    regions: Vec<Choice>,
    kinds: Vec<Choice>,
    units: Vec<String>,
    /// Sent back with the form (issue #21): the key of this submission.
    idempotency_key: String,
    /// Files kept from the last try (`templates/components/held_files.html`).
    held: Vec<xinfang_app::held_files::HeldFile>,
}

impl SubmitPage {
    /// The form with `f` typed in, `errors` beside their fields and an
    /// optional `general` error that belongs to no field.
    pub fn new(
        st: &AppState,
        f: &HashMap<String, String>,
        errors: &Errors,
        general: Option<String>,
    ) -> SubmitPage {
        let field = |id| Field::new(id, f, errors);
        let kind = Some(field("kind").value)
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| "claim".into());
        let kinds = [
            ("claim", "申诉求决", "请求解决您自己遇到的问题"),
            ("suggestion", "建议意见", "对有关工作提出建议、意见"),
            ("accusation", "检举控告", "反映公职人员违纪违法"),
        ]
        .into_iter()
        .map(|(value, label, hint)| Choice {
            value: value.into(),
            label: label.into(),
            hint,
            checked: kind == value,
        })
        .collect();
        let region_code = field("region_code");
        let regions = regions(st)
            .into_iter()
            .map(|(code, name)| Choice {
                checked: code == region_code.value,
                value: code,
                label: name,
                hint: "",
            })
            .collect();
        SubmitPage {
            summary: errors.summary(FIELDS),
            general,
            name: field("name"),
            id_number: field("id_number"),
            phone: field("phone"),
            address: field("address"),
            region_code,
            request: field("request"),
            facts: field("facts"),
            reasons: field("reasons"),
            accused_unit: field("accused_unit"),
            accused: field("accused"),
            attachments: field("attachments"),
            regions,
            kinds,
            units: accused_units(st),
            idempotency_key: form_key(f),
            held: vec![],
        }
    }

    /// The form lists these files as kept from the last try.
    pub fn with_held(mut self, held: Vec<xinfang_app::held_files::HeldFile>) -> SubmitPage {
        self.held = held;
        self
    }
}

/// The form's idempotency key: the one it was sent with (shown again after
/// an error, so the resend is the same submission), else a new random one.
fn form_key(f: &HashMap<String, String>) -> String {
    match f.get("idempotency_key").map(|k| k.trim()) {
        Some(k) if xinfang_app::intake::idempotent::check_key(k).is_ok() => k.to_string(),
        _ => xinfang_app::intake::idempotent::new_key(),
    }
}

/// The areas a matter may have happened in: one per government, local areas
/// first (the national placeholder last), by code within.
fn regions(st: &AppState) -> Vec<(String, String)> {
    let mut regions: Vec<(String, String)> = st
        .app
        .org()
        .units()
        .filter(|u| u.kind == xinfang_domain::UnitKind::Government)
        .map(|u| (u.region_code.clone(), u.name.clone()))
        .collect();
    regions.sort();
    regions.dedup_by(|a, b| a.0 == b.0);
    regions.sort_by_key(|(c, _)| (c.ends_with("0000") && c.len() == 6, c.clone()));
    regions
}

/// The bodies a petitioner may name as accused: every active unit by its
/// full name (the browser filters as they type; a name not on the list is
/// matched to the tree, or left to the 信访部门).
fn accused_units(st: &AppState) -> Vec<String> {
    let org = st.app.org();
    let mut names: Vec<String> = org
        .units()
        .filter(|u| st.app.unit_active(u.id))
        .map(|u| u.name.clone())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}
