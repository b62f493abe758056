//! Registration assistance while the registrar types (issue #4 §3–4, #5):
//! the same analysis intake runs — kind/category suggestion, the body with
//! power, 涉法涉诉 cues, risk terms — plus the petitioner look-up: earlier
//! cases of the same petitioner (ID number, else name + phone) that the
//! registrar may see, each marked when it is the same matter, so a repeat is
//! recognised before the form is submitted. Nothing is written except the
//! audit entry of a look-up that found someone's cases (a sensitive read).

use crate::error::AppError;
use crate::intake::prior_match::{explain, identity_basis, matter_match};
use crate::intake::{parse_petitioners, petitioner_keys, PetitionerInput};
use crate::intelligence::Suggestions;
use crate::state::App;
use serde::{Deserialize, Serialize};
use xinfang_domain::case::Content;
use xinfang_domain::Staff;

/// What the form holds so far (any field may be empty).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AssistInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub request: String,
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub reasons: String,
    #[serde(default)]
    pub region_code: String,
}

/// An earlier case of the same petitioner, as the registrar may see it.
#[derive(Clone, Debug, Serialize)]
pub struct PriorCase {
    pub case_no: String,
    pub status: &'static str,
    pub registered_on: String,
    pub request: String,
    pub same_matter: bool,
    /// Which identity and text matched, in words (第三十六条), when the same matter.
    pub basis: Option<String>,
    /// What registering would do with it: 重复件次, 不再受理 …
    pub outcome: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskTerm {
    pub term: String,
    pub category: String,
    pub level: u8,
    /// 一级（红色） … as offices name it.
    pub level_label: &'static str,
}

/// The assistance panel's content.
#[derive(Clone, Debug, Serialize)]
pub struct Assist {
    pub suggestions: Suggestions,
    pub risk_terms: Vec<RiskTerm>,
    pub prior: Vec<PriorCase>,
    /// Field problems found so far (ID checksum, phone), in Chinese.
    pub problems: Vec<String>,
}

fn clean(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl App {
    /// Suggestions and the petitioner look-up for a registration in progress.
    pub async fn intake_assist(
        &self,
        staff: &Staff,
        input: &AssistInput,
    ) -> Result<Assist, AppError> {
        // The same ID-checksum and phone checks as intake, reported, not fatal.
        let mut errors = vec![];
        let petitioner = parse_petitioners(
            &[PetitionerInput {
                name: input.name.clone(),
                id_number: clean(&input.id_number),
                phone: clean(&input.phone),
                address: input.address.trim().into(),
                email: None,
            }],
            self.now().date(),
            &mut errors,
        )
        .remove(0);
        let problems = errors.into_iter().map(|e| e.message).collect();
        let content = Content {
            request: input.request.trim().into(),
            facts: input.facts.trim().into(),
            reasons: input.reasons.trim().into(),
        };
        let analysis = self.analyze(&content.full_text());
        let suggestions = self.suggest(&analysis, input.region_code.trim());
        let risk_terms = analysis
            .risk_hits
            .iter()
            .map(|h| RiskTerm {
                term: h.term.clone(),
                category: h.category.label().to_string(),
                level: h.level,
                level_label: crate::warnings::level_label(h.level as i64),
            })
            .collect();
        let mut prior = vec![];
        let identified = petitioner.id_number.is_some()
            || petitioner.phone.is_some()
            || petitioner.address.chars().count() >= 4;
        if !petitioner.name.is_empty() && identified {
            let who = [petitioner];
            let keys = petitioner_keys(&who);
            for (_, case) in self.store.cases_by_petitioner(&keys, 20).await? {
                // The same rule as every other path (第三十条: an accusation
                // against the registrar's body is not theirs to learn of).
                if !self.can_see_case(staff, &case) || identity_basis(&who, &case).is_none() {
                    continue;
                }
                let (sim, basis) = matter_match(&content, &analysis.tokens, &case);
                let same =
                    !content.request.is_empty() && sim >= xinfang_text::signature::REPEAT_THRESHOLD;
                prior.push(PriorCase {
                    same_matter: same,
                    basis: same
                        .then(|| explain(&case.case_no, identity_basis(&who, &case), basis, sim)),
                    outcome: same.then(|| predicted_outcome(&case).to_string()),
                    status: case.status.label_zh(),
                    registered_on: case.registered_on().to_string(),
                    request: case.content.request.chars().take(80).collect(),
                    case_no: case.case_no,
                });
            }
            if !prior.is_empty() {
                let cases: Vec<&str> = prior.iter().map(|p| p.case_no.as_str()).collect();
                self.store
                    .audit(
                        "petitioner_lookup",
                        "petitioner_looked_up",
                        &format!("user:{}", staff.username),
                        &serde_json::json!({ "why": "登记时查询信访人既往事项", "cases": cases }),
                    )
                    .await?;
            }
        }
        Ok(Assist {
            suggestions,
            risk_terms,
            prior,
            problems,
        })
    }
}

/// What registering a submission of the same matter as `earlier` leads to,
/// as the registrar is told before submitting (the domain decides for real).
fn predicted_outcome(earlier: &xinfang_domain::case::Case) -> &'static str {
    use xinfang_domain::case::Status;
    if earlier.status == Status::Final {
        "已复核终结：登记后将不再受理（第三十六条第三款）；如认为不属同一事实和理由，请填写“不属同一事项的理由”"
    } else if earlier.status.is_closed() {
        "已办结：登记后作为新事项并与原件关联"
    } else {
        "办理中：登记后计为重复件次"
    }
}
