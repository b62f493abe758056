//! Read models: the staff case page, the petitioner's tracking view and case
//! lists — each scoped, masked and (for sensitive records) audited.

use crate::auth::Throttle;
use crate::error::AppError;
use crate::intake::hash_code;
use crate::state::App;
use serde::Serialize;
use subtle::ConstantTimeEq;
use xinfang_domain::case::{case_clocks, Case, Kind, Stage, Status};
use xinfang_domain::clock::ClockKind;
use xinfang_domain::scope::can_see;
use xinfang_domain::{Actor, Role, Staff};
use xinfang_store::{CaseFilter, CaseListRow};

/// One clock as shown: due date with its explanation.
#[derive(Clone, Debug, Serialize)]
pub struct ClockView {
    pub kind: &'static str,
    pub name: &'static str,
    pub article: String,
    pub stage: &'static str,
    pub start: String,
    pub due: String,
    pub met_on: Option<String>,
    pub grade: &'static str,
    pub grade_label: &'static str,
    pub duty: bool,
    pub explanation: Vec<String>,
}

/// One timeline step.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub kind: &'static str,
    pub summary: String,
}

/// The staff case page.
#[derive(Clone, Debug, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub status_label: &'static str,
    pub current_unit_name: String,
    pub registering_unit_name: String,
    pub clocks: Vec<ClockView>,
    pub clock_error: Option<String>,
    pub timeline: Vec<Step>,
    pub actions: Vec<&'static str>,
    pub masked: bool,
}

/// What the petitioner sees with the case number and query code.
#[derive(Clone, Debug, Serialize)]
pub struct PublicCaseView {
    pub case_no: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub stage: &'static str,
    pub kind_label: &'static str,
    pub registered_at: String,
    pub request: String,
    pub steps: Vec<Step>,
    pub due_dates: Vec<ClockView>,
    pub replies: Vec<PublicReply>,
    pub can_evaluate: bool,
    /// Last day to ask for 复查/复核, while the window is open.
    pub review_window_until: Option<String>,
    pub review_name: Option<&'static str>,
    pub is_final: bool,
    pub not_accepted_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublicReply {
    pub stage: &'static str,
    pub outcome: &'static str,
    pub basis: String,
    pub text: String,
    pub on: String,
    pub delivered_on: Option<String>,
}

fn clock_name(k: ClockKind) -> &'static str {
    k.name_zh()
}

impl App {
    fn clock_views(&self, case: &Case) -> (Vec<ClockView>, Option<String>) {
        let org = self.org();
        let rules = self.rules();
        let today = self.now().date();
        match case_clocks(case, &org, &self.calendar(), &rules) {
            Ok(cs) => (
                cs.iter()
                    .map(|c| {
                        let g = c.grade(today);
                        ClockView {
                            kind: c.kind.key(),
                            name: clock_name(c.kind),
                            article: rules.get(c.kind).article.clone(),
                            stage: c.stage.label_zh(),
                            start: c.start.to_string(),
                            due: c.due.due.to_string(),
                            met_on: c.met_on.map(|d| d.to_string()),
                            grade: g.key(),
                            grade_label: g.label_zh(),
                            duty: c.duty,
                            explanation: c.due.explanation.lines.clone(),
                        }
                    })
                    .collect(),
                None,
            ),
            Err(e) => (vec![], Some(e.to_string())),
        }
    }

    fn timeline(&self, events: &[xinfang_store::StoredEvent], petitioner_only: bool) -> Vec<Step> {
        let name = |u| self.unit_name(u);
        events
            .iter()
            .filter(|e| !petitioner_only || e.event.body.visible_to_petitioner())
            .map(|e| Step {
                seq: e.seq,
                at: e.event.at.format("%Y-%m-%d %H:%M").to_string(),
                actor: if petitioner_only {
                    String::new()
                } else {
                    e.event.actor.label_zh()
                },
                kind: e.event.body.type_key(),
                summary: e.event.body.summary_zh(&name),
            })
            .collect()
    }

    /// The case page for a staff member. Full identity details are shown only
    /// to registrars/handlers at the unit holding the case; that read is audited.
    pub async fn case_detail(
        &self,
        staff: &Staff,
        case_no: &str,
        purpose: &str,
    ) -> Result<CaseDetail, AppError> {
        let (id, mut case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org();
        if !can_see(staff, &case, &org) {
            return Err(AppError::NotFound);
        }
        let full = staff.unit == case.current_unit
            && staff.has_any(&[Role::Registrar, Role::Handler, Role::Leader]);
        if full {
            self.store
                .audit("audit", "sensitive_read", &format!("user:{}", staff.username), &serde_json::json!({ "case_no": case_no, "purpose": purpose, "accusation": case.kind == Kind::Accusation }))
                .await?;
        } else {
            mask_case(&mut case);
        }
        let events = self.store.case_events(id).await?;
        let (clocks, clock_error) = self.clock_views(&case);
        let actor = Actor::Staff(staff.clone());
        Ok(CaseDetail {
            status_label: case.status.label_zh(),
            current_unit_name: self.unit_name(case.current_unit),
            registering_unit_name: self.unit_name(case.registering_unit),
            actions: self.available_actions(&actor, &case),
            timeline: self.timeline(&events, false),
            clocks,
            clock_error,
            masked: !full,
            case,
        })
    }

    /// Check the petitioner's query code (constant time), throttled per
    /// client and case, per client, and case-wide only for clients that are
    /// guessing themselves ([`crate::auth::QUERY_CODE_LIMITS`]). `client`
    /// is the real client address, never a header anyone can set.
    pub async fn check_query_code(
        &self,
        throttle: &Throttle,
        client: &str,
        case_no: &str,
        code: &str,
    ) -> Result<(i64, Case), AppError> {
        let limits = &crate::auth::QUERY_CODE_LIMITS;
        throttle.check_guess("query_code", client, case_no, limits)?;
        let stored = self.store.query_code_hash(case_no).await?;
        let given = hash_code(code);
        let ok = stored
            .as_ref()
            .map(|s| bool::from(s.as_bytes().ct_eq(given.as_bytes())))
            .unwrap_or(false);
        if !ok {
            throttle.fail_guess("query_code", client, case_no, limits);
            return Err(AppError::NotFound);
        }
        throttle.clear_guess("query_code", client, case_no);
        self.store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The petitioner's tracking view.
    pub async fn public_view(&self, id: i64, case: &Case) -> Result<PublicCaseView, AppError> {
        let events = self.store.case_events(id).await?;
        let (clocks, _) = self.clock_views(case);
        let window = clocks
            .iter()
            .find(|c| {
                !c.duty
                    && c.met_on.is_none()
                    && c.grade != xinfang_domain::clock::Grade::Overdue.key()
                    && case.status == Status::Delivered
            })
            .map(|w| w.due.clone());
        let replies = case
            .stages
            .iter()
            .filter_map(|s| {
                s.reply.as_ref().map(|r| PublicReply {
                    stage: s.stage.label_zh(),
                    outcome: r.outcome.label_zh(),
                    basis: r.basis.clone(),
                    text: r.text.clone(),
                    on: r.on.to_string(),
                    delivered_on: s.delivered_on.map(|d| d.to_string()),
                })
            })
            .collect();
        Ok(PublicCaseView {
            case_no: case.case_no.clone(),
            status: case.status.key(),
            status_label: case.status.label_zh(),
            stage: case.stage.label_zh(),
            kind_label: case.kind.label_zh(),
            registered_at: case.registered_at.format("%Y-%m-%d %H:%M").to_string(),
            request: case.content.request.clone(),
            steps: self.timeline(&events, true),
            due_dates: clocks.into_iter().filter(|c| c.met_on.is_none()).collect(),
            review_window_until: window.clone(),
            replies,
            can_evaluate: matches!(case.status, Status::Delivered | Status::Final)
                && case.current_stage().evaluation.is_none(),
            review_name: window.as_ref().map(|_| {
                if case.stage == Stage::Initial {
                    "复查"
                } else {
                    "复核"
                }
            }),
            is_final: case.status == Status::Final,
            not_accepted_reason: case.not_accepted_reason.clone(),
        })
    }

    /// Cases `staff` may see, newest first.
    pub async fn list_for(
        &self,
        staff: &Staff,
        mut filter: CaseFilter,
    ) -> Result<Vec<CaseListRow>, AppError> {
        filter.scope = Some(self.scope_of(staff));
        Ok(self.store.list_cases(&filter).await?)
    }
}

/// Hide ID numbers and phones, keep names' surnames (for staff who need not see them).
pub fn mask_case(case: &mut Case) {
    let repeats = case
        .submissions
        .iter_mut()
        .flat_map(|s| s.petitioners.iter_mut());
    for p in case.petitioners.iter_mut().chain(repeats) {
        p.id_number = p.id_number.as_deref().map(xinfang_text::mask::mask_id);
        p.phone = p.phone.as_deref().map(xinfang_text::mask::mask_phone);
        p.address = xinfang_text::mask::mask_address(&p.address);
    }
}
