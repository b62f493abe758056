//! Repeat review: when intake linked a submission to an existing case as
//! another 件次, the registrar sees the two side by side (request, facts,
//! petitioners, dates, similarity) and confirms the link or splits the 件次
//! off into a new case of its own (its own number and clocks, linked back;
//! nothing deleted; both steps are chained events).

use crate::error::AppError;
use crate::intake::{hash_code, petitioner_keys};
use crate::state::App;
use crate::views::mask_case;
use serde::Serialize;
use xinfang_domain::case::{
    decide, register, split_registration, Case, Command, Content, Ctx, EventBody, Petitioner,
    Registration,
};
use xinfang_domain::scope::can_see;
use xinfang_domain::{Actor, Role, Staff};
use xinfang_store::NewCaseRecord;

/// What a split gives back.
#[derive(Clone, Debug)]
pub struct SplitOutcome {
    /// The old case after the split.
    pub case: Case,
    pub new_case_no: String,
    /// The new case's query code, in clear (shown once, never stored).
    pub query_code: String,
    /// The day the split-off 件次 was received (the new case's registration day).
    pub received_on: chrono::NaiveDate,
    /// Its petitioners' names and request (for the 告知).
    pub petitioner_names: Vec<String>,
    pub request: String,
}

/// One linked 件次 next to the case it was linked to.
#[derive(Clone, Debug, Serialize)]
pub struct RepeatItem {
    /// Index into the case's submissions (what confirm/split name).
    pub submission: usize,
    pub at: String,
    pub channel: &'static str,
    pub unit_name: String,
    pub similarity: Option<f64>,
    pub multi_body: bool,
    pub confirmed: bool,
    pub split_to: Option<String>,
    pub content: Option<Content>,
    pub petitioners: Vec<Petitioner>,
    /// Whether this staff member may confirm or split it now.
    pub can_decide: bool,
}

/// The side-by-side view of a case and its linked 件次.
#[derive(Clone, Debug, Serialize)]
pub struct RepeatReview {
    pub case: Case,
    pub registered_at: String,
    pub registering_unit_name: String,
    pub items: Vec<RepeatItem>,
    pub masked: bool,
}

impl App {
    /// The case's repeat 件次 for review by `staff` (scope-checked; identity
    /// details masked unless the staff member registers at the case's unit).
    pub async fn repeat_review(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<RepeatReview, AppError> {
        let (_, mut case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org();
        if !can_see(staff, &case, &org) {
            return Err(AppError::NotFound);
        }
        let full = staff.has_any(&[Role::Registrar, Role::Handler])
            && case.submissions.iter().any(|s| s.unit == staff.unit);
        if !full {
            mask_case(&mut case);
        }
        let actor = Actor::Staff(staff.clone());
        let (cal, rules) = (self.calendar(), self.rules());
        let ctx = Ctx {
            org: &org,
            calendar: &cal,
            rules: &rules,
            now: self.now(),
        };
        let items = case
            .submissions
            .iter()
            .enumerate()
            .filter(|(i, s)| *i > 0 && s.repeat)
            .map(|(i, s)| RepeatItem {
                submission: i,
                at: s.at.format("%Y-%m-%d %H:%M").to_string(),
                channel: s.channel.label_zh(),
                unit_name: self.unit_name(s.unit),
                similarity: s.similarity,
                multi_body: s.multi_body,
                confirmed: s.confirmed,
                split_to: s.split_to.clone(),
                content: s.content.clone(),
                petitioners: s.petitioners.clone(),
                can_decide: decide(&case, &actor, &Command::SplitRepeat { submission: i }, &ctx)
                    .is_ok()
                    || decide(
                        &case,
                        &actor,
                        &Command::ConfirmRepeat { submission: i },
                        &ctx,
                    )
                    .is_ok(),
            })
            .collect();
        Ok(RepeatReview {
            registered_at: case.registered_at.format("%Y-%m-%d %H:%M").to_string(),
            registering_unit_name: self.unit_name(case.registering_unit),
            items,
            masked: !full,
            case,
        })
    }

    /// Split repeat 件次 `k` of `case_no` into a new case. Returns the old
    /// case after the split, the new case number and the new case's query
    /// code — in clear this once only (the store keeps its hash), so that the
    /// registrar can tell the petitioner, as the registration receipt does.
    pub async fn split_repeat(
        &self,
        actor: &Actor,
        case_no: &str,
        k: usize,
    ) -> Result<SplitOutcome, AppError> {
        let (id, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org();
        if let Actor::Staff(s) = actor {
            if !can_see(s, &case, &org) {
                return Err(AppError::NotFound);
            }
        }
        let (cal, rules) = (self.calendar(), self.rules());
        let ctx = Ctx {
            org: &org,
            calendar: &cal,
            rules: &rules,
            now: self.now(),
        };
        let split = decide(&case, actor, &Command::SplitRepeat { submission: k }, &ctx)?;
        let cmd = split_registration(&case, k)?;
        let sub_at = case.submissions[k].at;
        // The new case's clocks run from the day the 件次 was received.
        let reg_ctx = Ctx { now: sub_at, ..ctx };
        let Registration::NewCase(mut event) =
            register(&cmd, String::new(), None, actor, &reg_ctx)?
        else {
            return Err(AppError::NotFound);
        };
        let mut new_case = match &mut event.body {
            EventBody::Registered(c) => {
                c.related_case = Some(case.case_no.clone());
                (**c).clone()
            }
            _ => return Err(AppError::NotFound),
        };
        new_case.apply(&event);
        let level = org
            .get(cmd.registering_unit)
            .map(|u| u.level)
            .ok_or(AppError::NotFound)?;
        let mut after = case.clone();
        after.apply(&split);
        let projection = self.project(&after);
        let new_projection = self.project(&new_case);
        let query_code = crate::auth::random_query_code();
        let petitioner_names = cmd.petitioners.iter().map(|p| p.name.clone()).collect();
        let request = cmd.content.request.clone();
        let rec = NewCaseRecord {
            case: new_case,
            event,
            registering_level: level,
            // The petitioner is told this code with the new number.
            query_code_hash: hash_code(&query_code),
            petitioner_keys: petitioner_keys(&cmd.petitioners),
            projection: new_projection,
            litigation: false,
            warning: None,
            idempotency: None,
        };
        let (case, new_case_no) = self
            .store
            .split_repeat(id, &case, split, &projection, rec)
            .await?;
        Ok(SplitOutcome {
            case,
            new_case_no,
            query_code,
            received_on: sub_at.date(),
            petitioner_names,
            request,
        })
    }
}
