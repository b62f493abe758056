//! Intake: register one submission from any channel. Validates every field
//! (collecting all errors), finds an earlier case of the same petitioner and
//! matter (by petitioner key, then text similarity — never a history scan),
//! lets the domain decide new case / repeat / 不予受理 / 不再受理, and stores
//! the result in one transaction.

pub mod assist;
pub mod idempotent;
pub mod prior_match;
pub mod repeats;

use crate::auth::random_query_code;
use crate::error::{AppError, FieldError};
use crate::intake::prior_match::{explain, identity_basis, matter_match, MatterBasis};
use crate::intelligence::{Signal, Suggestions};
use crate::state::App;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xinfang_domain::case::{
    case_clocks, register, Accused, Case, Channel, Content, Ctx, Kind, Petitioner, PriorMatter,
    Register, Registration, Status,
};
use xinfang_domain::clock::Grade;
use xinfang_domain::{Actor, OrgTree, UnitId};
use xinfang_store::{NewCaseRecord, NewWarning};

/// Rounds a repeat may lose to other 件次 of its case before the caller hears `Conflict`.
const MAX_INTAKE_ATTEMPTS: u64 = 64;

/// One petitioner as typed in.
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
pub struct PetitionerInput {
    pub name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: String,
    /// For notifications by e-mail (optional).
    #[serde(default)]
    pub email: Option<String>,
}

/// The accused person or body of a 检举控告.
#[derive(Clone, Debug, Deserialize, Serialize, Default)]
pub struct AccusedInput {
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub unit_name: Option<String>,
}

/// A submission to register.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct IntakeRequest {
    pub channel: Channel,
    pub kind: Option<Kind>,
    pub petitioners: Vec<PetitionerInput>,
    pub persons: Option<u32>,
    pub request: String,
    pub facts: String,
    pub reasons: String,
    pub region_code: String,
    pub accused: Option<AccusedInput>,
    pub category: Option<String>,
    /// None for online submissions: the 信访部门 serving the region registers it.
    pub registering_unit: Option<UnitId>,
    /// The registrar's reason for registering this as a new matter although
    /// it matches an earlier case of the same petitioner (staff only;
    /// recorded in the registration event).
    #[serde(default)]
    pub new_matter_reason: Option<String>,
}

/// What registering led to.
#[derive(Clone, Debug, Serialize)]
pub struct IntakeOutcome {
    pub case_no: String,
    /// Shown once, to the petitioner; None when the submission joined an existing case.
    pub query_code: Option<String>,
    pub status: Status,
    pub notice_due: Option<NaiveDate>,
    /// Set when this was another 件次 of an open case.
    pub repeat_of: Option<String>,
    pub related_case: Option<String>,
    pub not_accepted_reason: Option<String>,
    pub skip_level: bool,
    pub collective: bool,
    /// What the registrar is offered (kind, category, body with power, 涉法涉诉).
    pub suggestions: Suggestions,
    /// Risk signals found; a warning was raised when not empty.
    pub signals: Vec<Signal>,
    pub warning: Option<(i64, u8)>,
    /// 一信多投: the same letter already reached another body and was linked here.
    pub multi_body: bool,
    /// Content similarity to the linked case (repeats only).
    pub similarity: Option<f64>,
    /// Why the submission was linked to (or refused over) an earlier case:
    /// which identity and which text matched (第三十六条).
    pub link_basis: Option<String>,
    /// The answer to an earlier submission with the same idempotency key
    /// (`idempotent.rs`): nothing was registered this time.
    pub replayed: bool,
}

pub fn hash_code(code: &str) -> String {
    hex::encode(Sha256::digest(code.trim().to_uppercase().as_bytes()))
}

pub use crate::intake::prior_match::petitioner_keys;

fn request_tokens(request: &str) -> Vec<String> {
    xinfang_text::Segmenter::global().tokens_normalized(&xinfang_text::normalize(request))
}

/// How much a new text (`request`, all of it segmented as `tokens`) is the
/// earlier matter: feature Jaccard, or 0 when the two requests name
/// different specifics (another property, project or amount).
pub fn repeat_similarity(request: &str, tokens: &[String], earlier: &Content) -> f64 {
    // The earlier text is segmented once and remembered: the same case is
    // compared with every new submission of its petitioner.
    let earlier_tokens = xinfang_text::tokens_of(&earlier.full_text());
    if tokens.is_empty() || earlier_tokens.is_empty() {
        return 0.0;
    }
    let sim = xinfang_text::signature::exact_jaccard(tokens, &earlier_tokens);
    if sim < xinfang_text::signature::REPEAT_THRESHOLD {
        return sim;
    }
    let conflict = xinfang_text::signature::specifics_conflict(
        &request_tokens(request),
        tokens,
        &xinfang_text::tokens_of(&earlier.request),
        &earlier_tokens,
    );
    if conflict {
        0.0
    } else {
        sim
    }
}

/// The 信访部门 that registers an online submission for `region_code`:
/// the bureau under the nearest government at or above the region's units.
pub fn bureau_for_region(org: &OrgTree, region_code: &str) -> Option<UnitId> {
    let mut units = org.units_by_region(region_code);
    units.sort_by_key(|u| std::cmp::Reverse(u.level));
    for u in units {
        if let Some(b) = org
            .ancestors_inclusive(u.id)
            .into_iter()
            .find_map(|anc| org.bureau_below(anc))
        {
            return Some(b);
        }
    }
    None
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
}

/// The pure field checks of intake (ID checksums, phone formats, hidden
/// characters), for fuzzing and for forms that validate before submitting.
pub fn check_fields(req: &IntakeRequest, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = vec![];
    parse_petitioners(&req.petitioners, today, &mut errors);
    check_accused(req.accused.as_ref(), &mut errors);
    errors
}

/// The first character that has no place in a name, an address or another
/// short identity field: C0/C1 controls (NUL, line breaks, ESC, DEL…),
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069) and marks (U+200E/U+200F, U+061C), zero-width characters
/// and joiners (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen, invisible
/// operators, line/paragraph separators and tag characters. Such characters
/// make a name read differently from what is stored — a reversed or padded
/// name escapes repeat detection by petitioner key, spoofs another person on
/// screen and in documents, and breaks exported ledgers — while no real
/// name or address needs them (第十九条: the petitioner's real name and
/// address).
pub fn hidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| is_hidden_char(c))
}

/// One character of the kind [`hidden_char`] looks for.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// The refusal for a hidden character in `label`, or None.
pub fn hidden_char_message(label: &str, value: &str) -> Option<String> {
    hidden_char(value).map(|c| {
        format!(
            "{label}含有控制字符或不可见的格式字符（U+{:04X}），请删除后重新填写",
            c as u32
        )
    })
}

/// Push a field error when `value` has a hidden character ([`hidden_char`]).
fn check_identity_text(field: String, label: &str, value: &str, errors: &mut Vec<FieldError>) {
    if let Some(message) = hidden_char_message(label, value) {
        errors.push(FieldError { field, message });
    }
}

/// The accused person and body of a 检举控告 are short identity fields too.
fn check_accused(accused: Option<&AccusedInput>, errors: &mut Vec<FieldError>) {
    let Some(a) = accused else { return };
    if let Some(p) = &a.person {
        check_identity_text("accused.person".into(), "被反映人", p, errors);
    }
    if let Some(u) = &a.unit_name {
        check_identity_text("accused.unit_name".into(), "被反映单位", u, errors);
    }
}

/// Field checks the domain does not do (ID checksum, phone format).
pub(crate) fn parse_petitioners(
    input: &[PetitionerInput],
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Vec<Petitioner> {
    let mut out = vec![];
    for (i, p) in input.iter().enumerate() {
        check_identity_text(format!("petitioners[{i}].name"), "姓名", &p.name, errors);
        check_identity_text(
            format!("petitioners[{i}].address"),
            "住址",
            &p.address,
            errors,
        );
        let id_number = match clean(&p.id_number) {
            Some(raw) => match xinfang_text::id_number::IdNumber::parse_at(&raw, today) {
                Ok(id) => Some(id.as_str().to_string()),
                Err(e) => {
                    errors.push(FieldError {
                        field: format!("petitioners[{i}].id_number"),
                        message: crate::plain_words::id_number_message(&e),
                    });
                    None
                }
            },
            None => None,
        };
        let phone = match clean(&p.phone) {
            Some(raw) => match xinfang_text::phone::normalize_phone(&raw) {
                Ok(ph) => Some(ph),
                Err(e) => {
                    errors.push(FieldError {
                        field: format!("petitioners[{i}].phone"),
                        message: crate::plain_words::phone_message(&e),
                    });
                    None
                }
            },
            None => None,
        };
        let email = clean(&p.email);
        if let Some(e) = &email {
            if !plausible_email(e) {
                errors.push(FieldError {
                    field: format!("petitioners[{i}].email"),
                    message: "电子邮箱格式不正确，例如 zhangsan@example.com".into(),
                });
            }
        }
        out.push(Petitioner {
            name: p.name.trim().to_string(),
            id_number,
            phone,
            address: p.address.trim().to_string(),
            email,
        });
    }
    out
}

/// An address a mail server will take: one `@`, a dot in the domain, no
/// spaces or control characters, at most 100 characters.
fn plausible_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && e.chars().count() <= 100
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The warning an intake raised, as reported to the registrar: id and level.
fn raised(id: Option<i64>, w: Option<&NewWarning>) -> Option<(i64, u8)> {
    Some((id?, w?.level as u8))
}

impl App {
    /// Register a submission as `actor` (staff at a window, or the petitioner online).
    /// A repeat that lost a race for its case (another 件次 of the same case in
    /// the same group commit) is decided again against the fresh case. Each
    /// round one of the racing 件次 wins, so a burst of k needs k rounds;
    /// after the first few, a round waits a little so the burst spreads out.
    pub async fn intake(
        &self,
        actor: &Actor,
        req: IntakeRequest,
    ) -> Result<IntakeOutcome, AppError> {
        self.intake_with_key(actor, req, None).await
    }

    /// `intake`, writing the idempotency key (if any) with the registration.
    pub(crate) async fn intake_with_key(
        &self,
        actor: &Actor,
        req: IntakeRequest,
        key: Option<&crate::intake::idempotent::Keyed>,
    ) -> Result<IntakeOutcome, AppError> {
        let mut attempt: u64 = 0;
        loop {
            match self.intake_once(actor, &req, key).await {
                Err(AppError::Conflict) if attempt < MAX_INTAKE_ATTEMPTS => {
                    attempt += 1;
                    if attempt > 3 {
                        let ms = attempt.min(20) + rand::random::<u64>() % 5;
                        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                    }
                }
                r => return r,
            }
        }
    }

    async fn intake_once(
        &self,
        actor: &Actor,
        req: &IntakeRequest,
        key: Option<&crate::intake::idempotent::Keyed>,
    ) -> Result<IntakeOutcome, AppError> {
        let org = self.org();
        let now = self.now();
        let mut errors = vec![];
        let petitioners = parse_petitioners(&req.petitioners, now.date(), &mut errors);
        check_accused(req.accused.as_ref(), &mut errors);
        let registering_unit = match (req.registering_unit, actor) {
            (Some(u), _) => Some(u),
            (None, Actor::Staff(s)) => Some(s.unit),
            (None, _) => bureau_for_region(&org, req.region_code.trim()),
        };
        let Some(registering_unit) = registering_unit else {
            errors.push(FieldError {
                field: "region_code".into(),
                message: if req.region_code.trim().is_empty() {
                    "请选择事项发生地".to_string()
                } else {
                    format!("未知的行政区划代码：{}", req.region_code)
                },
            });
            return Err(AppError::Invalid(errors));
        };
        // The category is stored as a taxonomy code (a legacy name path is accepted).
        let category = match clean(&req.category) {
            Some(c) => match self.resolve_category(&c) {
                Ok(code) => Some(code),
                Err(AppError::Invalid(mut list)) => {
                    errors.append(&mut list);
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let content = Content {
            request: req.request.trim().into(),
            facts: req.facts.trim().into(),
            reasons: req.reasons.trim().into(),
        };
        let kind = req.kind.unwrap_or(Kind::Claim);
        // The accused is a unit, not a string (第三十条 is decided on it): a
        // free-text body name is matched to the unit tree; an accusation whose
        // accused stays unresolved is seen only by 信访部门 and 纪检监察.
        let accused = req.accused.as_ref().map(|a| {
            let unit_name = clean(&a.unit_name);
            let unit = a.unit_id.map(UnitId).or_else(|| {
                unit_name
                    .as_deref()
                    .and_then(|n| org.match_unit_name(n, req.region_code.trim()))
            });
            Accused {
                person: clean(&a.person),
                unit,
                unit_name,
            }
        });
        let analysis = self.analyze(&content.full_text());
        let cmd = Register {
            litigation_cues: analysis
                .litigation_cues
                .iter()
                .map(|c| c.to_string())
                .collect(),
            channel: req.channel,
            kind,
            persons: req.persons.unwrap_or(petitioners.len() as u32).max(1),
            petitioners,
            content,
            region_code: req.region_code.trim().into(),
            accused,
            category: category.clone(),
            registering_unit,
            new_matter_reason: clean(&req.new_matter_reason),
        };
        let suggestions = self.suggest(&analysis, &cmd.region_code);
        let keys = petitioner_keys(&cmd.petitioners);
        let mut prior = self
            .find_prior(&keys, &cmd.petitioners, &cmd.content, &analysis.tokens)
            .await?;
        // An earlier matter the registering staff may not see (a 检举控告
        // against their body, 第三十条) is not theirs to join or to learn of:
        // the submission is registered on its own.
        if let (Actor::Staff(s), Some(((_, c), _, _, _))) = (actor, &prior) {
            if self.viewer(s).accusation_hidden(c, &org) {
                prior = None;
            }
        }
        let (cal, rules) = (self.calendar(), self.rules());
        let ctx = Ctx {
            org: &org,
            calendar: &cal,
            rules: &rules,
            now,
        };
        let reg = register(
            &cmd,
            String::new(),
            prior.as_ref().map(|(_, p, _, _)| p),
            actor,
            &ctx,
        )?;
        let level = org
            .get(registering_unit)
            .map(|u| u.level)
            .ok_or(AppError::NotFound)?;
        match reg {
            Registration::NewCase(event) => {
                let mut case = match &event.body {
                    xinfang_domain::case::EventBody::Registered(c) => (**c).clone(),
                    _ => return Err(AppError::NotFound),
                };
                case.apply(&event);
                let projection = self.project(&case);
                let code = random_query_code();
                let notice_due = projection.next_due.as_ref().and_then(|d| d.parse().ok());
                let outcome_case = case.clone();
                let similarity = prior.as_ref().map(|(_, _, s, _)| *s);
                let link_basis = prior.as_ref().map(|(_, _, _, why)| why.clone());
                let (signals, warning) = self.risk_of(req, &analysis, &outcome_case)?;
                let record = NewCaseRecord {
                    case,
                    event,
                    registering_level: level,
                    query_code_hash: hash_code(&code),
                    petitioner_keys: keys,
                    projection,
                    litigation: !analysis.litigation_cues.is_empty(),
                    warning: warning.clone(),
                    idempotency: key.map(|k| {
                        k.record(&crate::intake::idempotent::ReplayBody {
                            query_code: Some(code.clone()),
                            status: outcome_case.status,
                            notice_due,
                            repeat_of: None,
                            related_case: outcome_case.related_case.clone(),
                            not_accepted_reason: outcome_case.not_accepted_reason.clone(),
                        })
                    }),
                };
                // A case born 不予受理 carries its notice (numbered in the same
                // transaction); every other registration goes through the group commit.
                let (_, case_no, warning_id) =
                    if outcome_case.status == xinfang_domain::case::Status::NotAccepted {
                        let documents = |no: &str| self.registration_documents(&outcome_case, no);
                        self.store
                            .insert_case_with_documents(record, documents)
                            .await?
                    } else {
                        self.store.insert_case(record).await?
                    };
                self.learn_confirmed(actor, req, category.as_deref(), &analysis)
                    .await;
                // The registration notice (with the code for petitioners who
                // were not at a window) goes out from the outbox, never from here.
                let code_for_notice =
                    if outcome_case.channel == xinfang_domain::case::Channel::Visit {
                        "（已在接待窗口告知）".to_string()
                    } else {
                        code.clone()
                    };
                let mut registered = outcome_case.clone();
                registered.case_no = case_no.clone();
                self.hand_over_registered(&case_no, &code_for_notice, &registered);
                let warning = raised(warning_id, warning.as_ref());
                Ok(IntakeOutcome {
                    case_no,
                    query_code: Some(code),
                    status: outcome_case.status,
                    notice_due,
                    repeat_of: None,
                    related_case: outcome_case.related_case.clone(),
                    not_accepted_reason: outcome_case.not_accepted_reason.clone(),
                    skip_level: outcome_case.submissions[0].skip_level,
                    collective: outcome_case.is_collective(),
                    suggestions,
                    signals,
                    warning,
                    multi_body: false,
                    similarity,
                    link_basis,
                    replayed: false,
                })
            }
            Registration::Repeat { case_no, mut event } => {
                let ((id, mut case), _, similarity, why) = prior.ok_or(AppError::NotFound)?;
                let expected = case.version;
                let mut multi_body = false;
                if let xinfang_domain::case::EventBody::RepeatSubmitted { submission } =
                    &mut event.body
                {
                    multi_body = xinfang_domain::case::register::is_multi_body(
                        &case,
                        submission.unit,
                        submission.channel,
                        submission.at,
                        similarity,
                    );
                    submission.multi_body = multi_body;
                    submission.similarity = Some((similarity * 1000.0).round() / 1000.0);
                    submission.content = Some(cmd.content.clone());
                    submission.petitioners = cmd.petitioners.clone();
                }
                case.apply(&event);
                let projection = self.project(&case);
                let (skip_level, persons) = match &event.body {
                    xinfang_domain::case::EventBody::RepeatSubmitted { submission } => {
                        (submission.skip_level, submission.persons)
                    }
                    _ => (false, 1),
                };
                let (signals, warning) = self.risk_of(req, &analysis, &case)?;
                let written = self
                    .store
                    .commit_intake(xinfang_store::IntakeWrite::Append {
                        case_id: id,
                        expected_version: expected,
                        after: case.clone(),
                        event,
                        projection,
                        level,
                        litigation: !analysis.litigation_cues.is_empty(),
                        warning: warning.clone(),
                        idempotency: key.map(|k| {
                            k.record(&crate::intake::idempotent::ReplayBody {
                                query_code: None,
                                status: case.status,
                                notice_due: None,
                                repeat_of: Some(case_no.clone()),
                                related_case: None,
                                not_accepted_reason: None,
                            })
                        }),
                    })
                    .await?;
                let warning_id = match written {
                    xinfang_store::IntakeWritten::Appended { warning, .. } => warning,
                    xinfang_store::IntakeWritten::NewCase { warning, .. } => warning,
                };
                self.learn_confirmed(actor, req, category.as_deref(), &analysis)
                    .await;
                let warning = raised(warning_id, warning.as_ref());
                Ok(IntakeOutcome {
                    case_no: case_no.clone(),
                    query_code: None,
                    status: case.status,
                    notice_due: None,
                    repeat_of: Some(case_no),
                    related_case: None,
                    not_accepted_reason: None,
                    skip_level,
                    collective: persons >= 5,
                    suggestions,
                    signals,
                    warning,
                    multi_body,
                    similarity: Some(similarity),
                    link_basis: Some(why),
                    replayed: false,
                })
            }
        }
    }

    /// Learn from the kind and category staff chose at registration.
    async fn learn_confirmed(
        &self,
        actor: &Actor,
        req: &IntakeRequest,
        category: Option<&str>,
        a: &xinfang_text::Analysis,
    ) {
        if let (Actor::Staff(_), Some(kind)) = (actor, req.kind) {
            self.learn(a, kind, category).await;
        }
    }

    /// The risk signals of the registration (the case as it will be stored)
    /// and the warning they raise, to be written in the same transaction.
    fn risk_of(
        &self,
        req: &IntakeRequest,
        a: &xinfang_text::Analysis,
        case: &Case,
    ) -> Result<(Vec<Signal>, Option<NewWarning>), AppError> {
        let sub = case.submissions.last().cloned();
        let (persons, skip) = sub.map(|s| (s.persons, s.skip_level)).unwrap_or((1, false));
        let signals = self.risk_signals(a, case, req.channel, persons, skip);
        let unit = case
            .submissions
            .last()
            .map(|s| s.unit)
            .unwrap_or(case.registering_unit);
        let warning = self.warning_for(unit, &signals)?;
        Ok((signals, warning))
    }

    /// The most similar earlier case of the same petitioner and matter (the
    /// petitioner index gives at most 20 candidates: never a history scan),
    /// with its similarity.
    async fn find_prior(
        &self,
        keys: &[String],
        petitioners: &[Petitioner],
        content: &Content,
        tokens: &[String],
    ) -> Result<Option<((i64, Case), PriorMatter, f64, String)>, AppError> {
        let candidates = self.store.cases_by_petitioner(keys, 20).await?;
        let org = self.org();
        let today = self.now().date();
        let mut best: Option<(f64, i64, Case, MatterBasis, &str)> = None;
        for (id, case) in candidates {
            // A case born 不予受理/不再受理 only points at the real one; match that instead.
            let born_refused = case.status == Status::NotAccepted && case.related_case.is_some();
            let Some(identity) = identity_basis(petitioners, &case).filter(|_| !born_refused)
            else {
                continue;
            };
            let (sim, basis) = matter_match(content, tokens, &case);
            if sim >= xinfang_text::signature::REPEAT_THRESHOLD
                && best.as_ref().is_none_or(|b| sim > b.0)
            {
                best = Some((sim, id, case, basis, identity));
            }
        }
        if let Some((sim, id, case, basis, identity)) = best {
            let why = explain(&case.case_no, Some(identity), basis, sim);
            let overdue = case_clocks(&case, &org, &self.calendar(), &self.rules())
                .map(|cs| {
                    cs.iter()
                        .any(|c| c.duty && c.is_open() && c.grade(today) == Grade::Overdue)
                })
                .unwrap_or(false);
            let prior = PriorMatter {
                case_no: case.case_no.clone(),
                status: case.status,
                stage: case.stage,
                current_unit: case.current_unit,
                within_limit: !overdue,
            };
            return Ok(Some(((id, case), prior, sim, why)));
        }
        Ok(None)
    }
}
