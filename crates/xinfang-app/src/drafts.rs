//! 审核签发 of written opinions (处理意见书, 复查意见书, 复核意见书). A handler
//! drafts; the head of the body that will issue it (a staff member with the
//! leader role in that unit) signs it off or returns it with a comment. Only
//! the sign-off makes the opinion: it is then the case's `Replied` event, the
//! document gets its 文号 and the petitioner can read it. Until then nothing
//! of the draft reaches the petitioner, and the 复查 window cannot start.
//!
//! A draft is checked against the same domain rules as the opinion itself
//! (state, role, outcome for the kind, legal basis, no template blank left)
//! both when it is submitted and when it is signed, so a draft that was fine
//! on Monday is refused on Tuesday if the case moved meanwhile.

use crate::error::AppError;
use crate::state::App;
use serde::{Deserialize, Serialize};
use xinfang_domain::case::{decide, Case, CaseEvent, Command, Ctx, Outcome};
use xinfang_domain::{Actor, Role, Staff};
use xinfang_store::{DraftRow, NewDraft};

/// What a handler submits for sign-off.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct DraftInput {
    pub outcome: Outcome,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub text: String,
    /// The returned draft this revises.
    #[serde(default)]
    pub replaces: Option<i64>,
}

/// A 延期 awaiting the head's decision (第三十四条), for 待审批.
#[derive(Clone, Debug, Serialize)]
pub struct PendingExtension {
    pub case_no: String,
    pub days: u32,
    pub reason: String,
    pub requested_on: String,
    pub request: String,
}

/// A draft as staff see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DraftView {
    #[serde(flatten)]
    pub row: DraftRow,
    pub outcome_label: &'static str,
    pub status_label: &'static str,
    pub unit_name: String,
    /// Who drafted and who reviewed it, by their names (not login names).
    pub drafted_by_name: String,
    pub reviewed_by_name: Option<String>,
    /// Whether this staff member may sign it off or return it now.
    pub can_review: bool,
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "submitted" => "待签发",
        "returned" => "已退回修改",
        "issued" => "已签发",
        "superseded" => "已被新稿替代",
        _ => "未知",
    }
}

pub fn outcome_of(key: &str) -> Result<Outcome, AppError> {
    serde_json::from_value(serde_json::Value::String(key.into()))
        .map_err(|_| AppError::field("outcome", "请选择处理意见"))
}

fn outcome_key(o: Outcome) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The head of `unit`: signs off what that body issues.
fn is_head_of(staff: &Staff, unit: i64) -> bool {
    staff.unit.0 == unit && staff.has(Role::Leader)
}

impl App {
    fn reply_command(d: &DraftInput) -> Command {
        Command::Reply {
            outcome: d.outcome,
            basis: d.basis.trim().to_string(),
            text: d.text.trim().to_string(),
        }
    }

    /// The event `cmd` would make for `staff` now, without doing it.
    fn dry_run(&self, staff: &Staff, case: &Case, cmd: &Command) -> Result<CaseEvent, AppError> {
        let org = self.org();
        let (cal, rules) = (self.calendar(), self.rules());
        let ctx = Ctx {
            org: &org,
            calendar: &cal,
            rules: &rules,
            now: self.now(),
        };
        Ok(decide(case, &Actor::Staff(staff.clone()), cmd, &ctx)?)
    }

    /// The reply a stored draft stands for.
    fn reply_of(draft: &DraftRow) -> Result<Command, AppError> {
        Ok(Command::Reply {
            outcome: outcome_of(&draft.outcome)?,
            basis: draft.basis.clone(),
            text: draft.body.clone(),
        })
    }

    /// Submit a draft opinion for sign-off (送审).
    pub async fn submit_draft(
        &self,
        staff: &Staff,
        case_no: &str,
        input: DraftInput,
    ) -> Result<i64, AppError> {
        let (id, case) = self.visible_case(staff, case_no).await?;
        self.dry_run(staff, &case, &Self::reply_command(&input))?;
        if let Some(r) = input.replaces {
            let old = self.store.draft(r).await?.ok_or(AppError::NotFound)?;
            if old.case_id != id {
                return Err(AppError::field("replaces", "所修改的草稿不属于本信访事项"));
            }
        }
        let outcome = outcome_key(input.outcome);
        let draft = self
            .store
            .insert_draft(&NewDraft {
                case_id: id,
                unit: case.current_unit.0,
                stage: case.stage.key(),
                outcome: &outcome,
                basis: input.basis.trim(),
                body: input.text.trim(),
                drafted_by: &staff.username,
                replaces: input.replaces,
            })
            .await?;
        Ok(draft)
    }

    async fn reviewable(&self, staff: &Staff, draft_id: i64) -> Result<(DraftRow, Case), AppError> {
        let draft = self
            .store
            .draft(draft_id)
            .await?
            .ok_or(AppError::NotFound)?;
        // Nothing about a case the staff member may not see (第三十条): 404 first.
        let (_, case) = self.visible_case(staff, &draft.case_no).await?;
        if !is_head_of(staff, draft.unit) {
            return Err(AppError::Domain(xinfang_domain::DomainError::Forbidden(
                "只有本机关负责人可以审核签发".into(),
            )));
        }
        if draft.status != "submitted" {
            return Err(AppError::field(
                "draft",
                format!("该稿{}，不能再审核", status_label(&draft.status)),
            ));
        }
        Ok((draft, case))
    }

    /// 签发: the opinion becomes the case's reply, numbered and fixed.
    pub async fn sign_draft(&self, staff: &Staff, draft_id: i64) -> Result<Case, AppError> {
        let (draft, case) = self.reviewable(staff, draft_id).await?;
        if case.current_unit.0 != draft.unit || case.stage.key() != draft.stage {
            return Err(AppError::field(
                "draft",
                "信访事项已转由其他单位或进入其他阶段办理，该稿不能签发",
            ));
        }
        let cmd = Self::reply_of(&draft)?;
        let case = self
            .act_signed(&Actor::Staff(staff.clone()), &draft.case_no, &cmd)
            .await?;
        self.store
            .review_draft(draft_id, "submitted", "issued", &staff.username, "")
            .await?;
        Ok(case)
    }

    /// 退回: back to the handler with the head's comment.
    pub async fn return_draft(
        &self,
        staff: &Staff,
        draft_id: i64,
        comment: &str,
    ) -> Result<(), AppError> {
        let comment = comment.trim();
        if comment.chars().count() < 2 {
            return Err(AppError::field("comment", "请写明退回修改的意见"));
        }
        self.reviewable(staff, draft_id).await?;
        self.store
            .review_draft(draft_id, "submitted", "returned", &staff.username, comment)
            .await?;
        Ok(())
    }

    /// Every draft of a case, newest first, as `staff` may see them.
    pub async fn drafts_of(
        &self,
        staff: &Staff,
        case_no: &str,
    ) -> Result<Vec<DraftView>, AppError> {
        let (id, _) = self.visible_case(staff, case_no).await?;
        let rows = self.store.drafts_of_case(id).await?;
        let mut out = vec![];
        for r in rows {
            out.push(self.draft_view(staff, r).await);
        }
        Ok(out)
    }

    /// A head's other 待审批: extensions of their body's cases awaiting a
    /// decision (第三十四条: the head approves), oldest request first.
    pub async fn extensions_to_approve(
        &self,
        staff: &Staff,
    ) -> Result<Vec<PendingExtension>, AppError> {
        if !staff.has(Role::Leader) {
            return Ok(vec![]);
        }
        let rows = self
            .list_for(
                staff,
                xinfang_store::CaseFilter {
                    statuses: vec!["handling".into(), "under_review".into()],
                    action_unit: Some(staff.unit.0),
                    limit: 500,
                    ..Default::default()
                },
            )
            .await?;
        let mut out = vec![];
        for r in rows {
            let Some((_, case)) = self.store.load_case(&r.case_no).await? else {
                continue;
            };
            let stage = case.current_stage();
            if let (Some(p), true) = (&stage.pending_extension, stage.unit == staff.unit) {
                out.push(PendingExtension {
                    case_no: case.case_no.clone(),
                    days: p.days,
                    reason: p.reason.clone(),
                    requested_on: p.requested_on.to_string(),
                    request: case.content.request.chars().take(40).collect(),
                });
            }
        }
        out.sort_by(|a, b| a.requested_on.cmp(&b.requested_on));
        Ok(out)
    }

    /// A head's 待审批: drafts of their body awaiting sign-off.
    pub async fn drafts_to_sign(&self, staff: &Staff) -> Result<Vec<DraftView>, AppError> {
        if !staff.has(Role::Leader) {
            return Ok(vec![]);
        }
        let rows = self.store.drafts_at(staff.unit.0, "submitted", 200).await?;
        let mut out = vec![];
        for r in rows {
            if let Some((_, case)) = self.store.load_case(&r.case_no).await? {
                if self.can_see_case(staff, &case) {
                    out.push(self.draft_view(staff, r).await);
                }
            }
        }
        Ok(out)
    }

    /// The document exactly as signing off would issue it now (laid out by
    /// the same code), with the 文号 still to come. Refused like the
    /// sign-off when the case moved on.
    pub async fn draft_preview(
        &self,
        staff: &Staff,
        case_no: &str,
        draft_id: i64,
    ) -> Result<(DraftView, crate::documents::DocumentView), AppError> {
        let draft = self
            .store
            .draft(draft_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (_, case) = self.visible_case(staff, &draft.case_no).await?;
        if draft.case_no != case_no {
            return Err(AppError::NotFound);
        }
        let cmd = Self::reply_of(&draft)?;
        // As the head would sign it: the issuing body's view of the case.
        let body = self.dry_run(staff, &case, &cmd).or_else(|_| {
            let mut head = staff.clone();
            head.unit = case.current_unit;
            head.roles = vec![Role::Leader];
            self.dry_run(&head, &case, &cmd)
        })?;
        let mut after = case.clone();
        after.apply(&body);
        let doc = self
            .documents_for_event(&case, &after, &body)
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        let view = crate::documents::preview_view(self, doc)?;
        Ok((self.draft_view(staff, draft).await, view))
    }

    async fn display_name(&self, username: &str) -> String {
        match self.store.user_by_name(username).await {
            Ok(Some(u)) => u.display_name,
            _ => username.to_string(),
        }
    }

    async fn draft_view(&self, staff: &Staff, row: DraftRow) -> DraftView {
        let drafted_by_name = self.display_name(&row.drafted_by).await;
        let reviewed_by_name = match &row.reviewed_by {
            Some(u) => Some(self.display_name(u).await),
            None => None,
        };
        DraftView {
            drafted_by_name,
            reviewed_by_name,
            outcome_label: outcome_of(&row.outcome).map(|o| o.label_zh()).unwrap_or(""),
            status_label: status_label(&row.status),
            unit_name: self.unit_name(xinfang_domain::UnitId(row.unit)),
            can_review: row.status == "submitted" && is_head_of(staff, row.unit),
            row,
        }
    }
}
