//! Case actions: load, check scope, let the domain decide, store event and
//! projection together. A concurrent change is retried once from fresh state.

use crate::error::AppError;
use crate::state::App;
use xinfang_domain::case::{decide, Case, Command, Ctx};
use xinfang_domain::scope::can_see;
use xinfang_domain::Actor;

impl App {
    /// Perform `cmd` on case `case_no` as `actor`; returns the case after it.
    /// A written opinion is issued only by the body's head: a handler's goes
    /// through 审核签发 (`drafts.rs`); a head may sign their own directly.
    pub async fn act(&self, actor: &Actor, case_no: &str, cmd: &Command) -> Result<Case, AppError> {
        if let (Command::Reply { .. }, Actor::Staff(s)) = (cmd, actor) {
            if !s.has(xinfang_domain::Role::Leader) {
                return Err(AppError::field(
                    "action",
                    "书面意见须起草后送本机关负责人审核签发，签发后才编文号、送达信访人",
                ));
            }
        }
        self.act_signed(actor, case_no, cmd).await
    }

    /// Perform `cmd` without the sign-off gate (the sign-off itself calls this).
    pub(crate) async fn act_signed(
        &self,
        actor: &Actor,
        case_no: &str,
        cmd: &Command,
    ) -> Result<Case, AppError> {
        match self.try_act(actor, case_no, cmd).await {
            Err(AppError::Conflict) => self.try_act(actor, case_no, cmd).await,
            other => other,
        }
    }

    async fn try_act(&self, actor: &Actor, case_no: &str, cmd: &Command) -> Result<Case, AppError> {
        if let Command::SplitRepeat { submission } = cmd {
            // Makes a new case as well: its own service (see `repeats.rs`).
            return Ok(self.split_repeat(actor, case_no, *submission).await?.case);
        }
        let (id, mut case) = self
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
        if let Command::Transfer { to, .. } = cmd {
            if !self.unit_active(*to) {
                return Err(AppError::field("to", "该单位已停用，不能转送、交办"));
            }
        }
        let (cal, rules) = (self.calendar(), self.rules());
        let ctx = Ctx {
            org: &org,
            calendar: &cal,
            rules: &rules,
            now: self.now(),
        };
        let event = decide(&case, actor, cmd, &ctx)?;
        let expected = case.version;
        let before = case.clone();
        case.apply(&event);
        let projection = self.project(&case);
        let docs = self.documents_for_event(&before, &case, &event);
        self.store
            .append_event_with_documents(id, expected, &case, &event, &projection, None, &docs)
            .await?;
        Ok(case)
    }

    /// Which of the usual actions `actor` may take on `case` now: each is
    /// tried against the domain with placeholder inputs; refusals for role or
    /// state hide it, refusals about input keep it (the form will ask).
    pub fn available_actions(&self, actor: &Actor, case: &Case) -> Vec<&'static str> {
        use xinfang_domain::case::{Outcome, Route, Satisfaction, TransferMode};
        use xinfang_domain::DomainError;
        let org = self.org();
        let (cal, rules) = (self.calendar(), self.rules());
        let ctx = Ctx {
            org: &org,
            calendar: &cal,
            rules: &rules,
            now: self.now(),
        };
        let probe_unit = org
            .units()
            .map(|u| u.id)
            .find(|u| *u != case.current_unit)
            .unwrap_or(case.current_unit);
        let probes: Vec<(&'static str, Command)> = vec![
            (
                "transfer",
                Command::Transfer {
                    to: probe_unit,
                    mode: TransferMode::Forward,
                    report_due: None,
                },
            ),
            ("sign", Command::Sign),
            (
                "object",
                Command::Object {
                    reason: String::new(),
                },
            ),
            (
                "decide_objection",
                Command::DecideObjection { upheld: true },
            ),
            (
                "decide_jurisdiction",
                Command::DecideJurisdiction { unit: probe_unit },
            ),
            (
                "notify",
                Command::Notify {
                    route: Route::Accept {
                        investigate: true,
                        litigation_reason: None,
                    },
                },
            ),
            (
                "start_pause",
                Command::StartPause {
                    reason: String::new(),
                },
            ),
            ("end_pause", Command::EndPause),
            (
                "request_extension",
                Command::RequestExtension {
                    days: 1,
                    reason: String::new(),
                },
            ),
            (
                "decide_extension",
                Command::DecideExtension { approved: true },
            ),
            (
                "reply",
                Command::Reply {
                    outcome: Outcome::Support,
                    basis: String::new(),
                    text: String::new(),
                },
            ),
            (
                "deliver",
                Command::Deliver {
                    method: Default::default(),
                    on: None,
                    note: String::new(),
                },
            ),
            (
                "evaluate",
                Command::Evaluate {
                    satisfaction: Satisfaction::Satisfied,
                    reason: String::new(),
                },
            ),
            (
                "request_review",
                Command::RequestReview {
                    reason: String::new(),
                },
            ),
            ("declare_interest", Command::DeclareInterest),
            (
                "resolve_accused",
                Command::ResolveAccused { unit: probe_unit },
            ),
        ];
        probes
            .into_iter()
            .filter(|(_, cmd)| match decide(case, actor, cmd, &ctx) {
                Ok(_) => true,
                Err(DomainError::Invalid { .. })
                | Err(DomainError::AccusedBody)
                | Err(DomainError::AccusationNeedsDiscipline)
                | Err(DomainError::ExtensionTooLong(_)) => true,
                Err(_) => false,
            })
            .map(|(name, _)| name)
            .collect()
    }
}
