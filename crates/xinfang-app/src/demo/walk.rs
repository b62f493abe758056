//! Walk each demo case through its life with a manual clock: registration,
//! 转送/交办, 签收 (sometimes 异议), 告知, 延期, 答复, 送达, 评价, 复查, 复核 —
//! stopping where "now" falls, so recent cases sit in early states and older
//! ones are concluded. Repeats and collective visits are mixed in.

use super::content::{fill, petitioner, Topic, TOPICS};
use super::org::{Area, DemoOrg};
use crate::error::AppError;
use crate::intake::{AccusedInput, IntakeRequest, PetitionerInput};
use crate::state::App;
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use xinfang_domain::case::{
    Channel, Command, Kind, LegalProcedure, Outcome, Route, Satisfaction, Status, TransferMode,
};
use xinfang_domain::{Actor, UnitId, UnitLevel};

struct Walker<'a> {
    app: &'a App,
    org: &'a DemoOrg,
    rng: StdRng,
    now: NaiveDateTime,
    t: NaiveDateTime,
}

impl Walker<'_> {
    /// Advance the clock by a random number of days; false when past now.
    fn wait(&mut self, min_days: i64, max_days: i64) -> bool {
        let mins = self.rng.gen_range(min_days * 1440..=max_days * 1440 + 600);
        self.t += Duration::minutes(mins.max(5));
        if self.t >= self.now {
            return false;
        }
        self.app.time.set(self.t);
        true
    }

    fn desk(&self, unit: UnitId) -> Actor {
        Actor::Staff(self.org.desk[&unit].clone())
    }

    async fn act(
        &self,
        unit: UnitId,
        case_no: &str,
        cmd: Command,
    ) -> Result<xinfang_domain::case::Case, AppError> {
        self.app
            .act(&self.desk(unit), case_no, &cmd)
            .await
            .inspect_err(|e| {
                tracing::error!("demo {case_no}: {} by unit {}: {e}", cmd.label_zh(), unit.0)
            })
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }
}

/// Generate `n` cases. Returns (cases, submissions).
pub async fn run(
    app: &App,
    org: &DemoOrg,
    n: usize,
    now: NaiveDateTime,
) -> Result<(usize, usize), AppError> {
    let mut w = Walker {
        app,
        org,
        rng: StdRng::seed_from_u64(20260501),
        now,
        t: now,
    };
    let start = now - Duration::days(540);
    let span = (now - start).num_minutes() - 120;
    let mut times: Vec<NaiveDateTime> = (0..n)
        .map(|_| start + Duration::minutes(w.rng.gen_range(0..span)))
        .collect();
    times.sort();
    let counties: Vec<&Area> = org
        .areas
        .iter()
        .filter(|a| a.level == UnitLevel::County)
        .collect();
    let mut history: Vec<(IntakeRequest, usize)> = vec![];
    let (mut cases, mut subs) = (0usize, 0usize);
    for (i, t0) in times.into_iter().enumerate() {
        w.t = t0;
        app.time.set(t0);
        // ~12% are another submission of an earlier matter (repeat / 不予受理 / 不再受理).
        if !history.is_empty() && w.chance(0.12) {
            let k = w.rng.gen_range(0..history.len());
            let (mut req, county_idx) = history[k].clone();
            let county = counties[county_idx];
            let higher = w.chance(0.4);
            req.registering_unit = Some(if higher {
                city_bureau(org, county)
            } else {
                county.bureau
            });
            req.channel = if higher {
                Channel::Visit
            } else {
                Channel::Letter
            };
            let actor = w.desk(req.registering_unit.unwrap_or(county.bureau));
            app.intake(&actor, req).await?;
            subs += 1;
            continue;
        }
        let county_idx = w.rng.gen_range(0..counties.len());
        let county = counties[county_idx];
        let topic: &Topic = TOPICS.choose(&mut w.rng).unwrap_or(&TOPICS[0]);
        let channel = *[
            Channel::Online,
            Channel::Online,
            Channel::Letter,
            Channel::Visit,
            Channel::Phone,
            Channel::Letter,
            Channel::Visit,
            Channel::Online,
            Channel::Phone,
            Channel::Fax,
        ]
        .choose(&mut w.rng)
        .unwrap_or(&Channel::Letter);
        let collective = channel == Channel::Visit && w.chance(0.15);
        let reps = if collective {
            w.rng.gen_range(1..=5)
        } else {
            1
        };
        let petitioners: Vec<PetitionerInput> = (0..reps)
            .map(|_| petitioner(&mut w.rng, &county.region_code))
            .collect();
        let roll: f64 = w.rng.gen();
        let registering = if channel == Channel::Online {
            None
        } else if roll < 0.55 {
            Some(county.bureau)
        } else if roll < 0.72 {
            Some(
                *county
                    .townships
                    .choose(&mut w.rng)
                    .unwrap_or(&county.bureau),
            )
        } else if roll < 0.85 {
            Some(city_bureau(org, county))
        } else if roll < 0.93 {
            Some(org.areas[1].bureau)
        } else if roll < 0.96 {
            Some(org.areas[0].bureau)
        } else {
            Some(county.bodies[topic.body])
        };
        // An accusation about a township is not registered by that township (第三十条).
        let registering = match registering {
            Some(u) if topic.kind == Kind::Accusation && county.townships.contains(&u) => {
                Some(county.bureau)
            }
            other => other,
        };
        let accused = (topic.kind == Kind::Accusation).then(|| AccusedInput {
            person: Some("某村干部".into()),
            unit_id: county.townships.first().map(|u| u.0),
            unit_name: None,
        });
        let req = IntakeRequest {
            channel,
            kind: Some(topic.kind),
            petitioners,
            persons: collective.then(|| w.rng.gen_range(5..60)),
            request: fill(topic.request, &mut w.rng),
            facts: fill(topic.facts, &mut w.rng),
            reasons: "以上情况属实，请依法依规处理。".into(),
            region_code: county.region_code.clone(),
            accused,
            category: Some(topic.category.into()),
            registering_unit: registering,
            new_matter_reason: None,
        };
        let actor = match registering {
            Some(u) => w.desk(u),
            None => Actor::Petitioner,
        };
        let out = app.intake(&actor, req.clone()).await?;
        subs += 1;
        if out.repeat_of.is_some() || out.status == Status::NotAccepted {
            continue;
        }
        cases += 1;
        history.push((req, county_idx));
        let target = county.bodies[topic.body];
        life(&mut w, &out.case_no, target, county, topic).await?;
        if i % 500 == 499 {
            tracing::info!("demo: {} cases", i + 1);
        }
    }
    Ok((cases, subs))
}

fn city_bureau(org: &DemoOrg, county: &Area) -> UnitId {
    let gov = org
        .areas
        .iter()
        .find(|a| a.level == UnitLevel::Municipal && a.region_code[..4] == county.region_code[..4]);
    gov.map(|a| a.bureau).unwrap_or(county.bureau)
}

/// Move one case forward until "now".
async fn life(
    w: &mut Walker<'_>,
    case_no: &str,
    target: UnitId,
    county: &Area,
    topic: &Topic,
) -> Result<(), AppError> {
    let (_, case) = w
        .app
        .store
        .load_case(case_no)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut unit = case.current_unit;
    let at_bureau = w
        .app
        .org()
        .get(unit)
        .map(|u| u.kind == xinfang_domain::UnitKind::PetitionBureau)
        .unwrap_or(false);
    if at_bureau {
        if !w.wait(0, 9) {
            return Ok(());
        }
        let assign = w.chance(0.2);
        let mode = if assign {
            TransferMode::Assign
        } else {
            TransferMode::Forward
        };
        let report_due = assign.then(|| (w.t + Duration::days(45)).date());
        // A small share goes first to the wrong body, which objects.
        let wrong = w.chance(0.06) && topic.kind != Kind::Accusation;
        let decoy = if target == county.bodies["shijian"] {
            county.bodies["renshe"]
        } else {
            county.bodies["shijian"]
        };
        let first = if wrong { decoy } else { target };
        w.act(
            unit,
            case_no,
            Command::Transfer {
                to: first,
                mode,
                report_due,
            },
        )
        .await?;
        if wrong && first != target {
            if !w.wait(0, 3) {
                return Ok(());
            }
            w.act(
                first,
                case_no,
                Command::Object {
                    reason: "该事项不属于本单位职权范围，应由主管部门办理".into(),
                },
            )
            .await?;
            // Recent objections may still be waiting for the sender's decision.
            let recent = (w.now - w.t).num_days() < 20;
            if (recent && w.chance(0.5)) || !w.wait(0, 2) {
                return Ok(());
            }
            w.act(unit, case_no, Command::DecideObjection { upheld: true })
                .await?;
            w.act(
                unit,
                case_no,
                Command::Transfer {
                    to: target,
                    mode,
                    report_due,
                },
            )
            .await?;
        }
        if !w.wait(0, 2) {
            return Ok(());
        }
        w.act(target, case_no, Command::Sign).await?;
        unit = target;
    }
    if !w.wait(0, 13) {
        return Ok(());
    }
    let route = if topic.body == "zhengfa" && w.chance(0.6) {
        Route::Divert {
            procedure: LegalProcedure::Litigation,
            guidance: "请依法向人民法院申请再审或向人民检察院申请法律监督".into(),
        }
    } else if w.chance(0.03) {
        Route::NotOurs {
            tell_to: "有管辖权的人民法院".into(),
        }
    } else {
        Route::Accept {
            investigate: true,
            // Any text may carry a 涉法涉诉 cue; accepting over it needs a reason (第三十一条第一项).
            litigation_reason: Some(
                "经审查，信访人所反映的具体行政行为问题不属于诉讼程序处理范围，由本机关受理办理"
                    .into(),
            ),
        }
    };
    let accepted = matches!(route, Route::Accept { .. });
    w.act(unit, case_no, Command::Notify { route }).await?;
    if !accepted {
        return Ok(());
    }
    answer(w, case_no, unit, topic.kind, true).await?;
    // 复查 and 复核.
    for round in 0..2 {
        let (_, case) = w
            .app
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        if case.status != Status::Delivered {
            return Ok(());
        }
        let dissatisfied = case
            .current_stage()
            .evaluation
            .as_ref()
            .map(|e| e.satisfaction == Satisfaction::Dissatisfied)
            .unwrap_or(false);
        let p = if round == 0 {
            if dissatisfied {
                0.6
            } else {
                0.06
            }
        } else {
            0.35
        };
        // Ask within the 30-day window (第三十五、三十六条) counted from delivery.
        let delivered = case.current_stage().delivered_on.unwrap_or(w.t.date());
        let left = (delivered + Duration::days(26) - w.t.date()).num_days();
        if topic.kind != Kind::Claim || left < 1 || !w.chance(p) || !w.wait(0, left.min(20)) {
            return Ok(());
        }
        let after = w
            .app
            .act(
                &Actor::Petitioner,
                case_no,
                &Command::RequestReview {
                    reason: "对处理意见不服，请求上一级机关复查".into(),
                },
            )
            .await?;
        answer(w, case_no, after.current_unit, topic.kind, false).await?;
    }
    Ok(())
}

/// Handle, reply, deliver and maybe evaluate one stage at `unit`.
async fn answer(
    w: &mut Walker<'_>,
    case_no: &str,
    unit: UnitId,
    kind: Kind,
    initial: bool,
) -> Result<(), AppError> {
    if initial && w.chance(0.08) {
        if !w.wait(35, 55) {
            return Ok(());
        }
        w.act(
            unit,
            case_no,
            Command::RequestExtension {
                days: 30,
                reason: "案情复杂，需进一步调查核实".into(),
            },
        )
        .await?;
        if !w.wait(0, 2) {
            return Ok(());
        }
        let head = Actor::Staff(w.org.head[&unit].clone());
        w.app
            .act(&head, case_no, &Command::DecideExtension { approved: true })
            .await?;
    }
    if !w.wait(8, if initial { 70 } else { 33 }) {
        return Ok(());
    }
    let roll: f64 = w.rng.gen();
    let outcome = match kind {
        // 复查/复核 answer the earlier opinion (第三十五、三十六条).
        Kind::Claim if !initial && roll < 0.8 => Outcome::Upheld,
        Kind::Claim if !initial && roll < 0.9 => Outcome::Changed,
        Kind::Claim if !initial => Outcome::Revoked,
        Kind::Claim if roll < 0.45 => Outcome::Support,
        Kind::Claim if roll < 0.8 => Outcome::Explain,
        Kind::Claim => Outcome::NotSupport,
        Kind::Suggestion if roll < 0.5 => Outcome::Adopted,
        Kind::Suggestion => Outcome::PartlyAdopted,
        Kind::Accusation => Outcome::AccusationConcluded,
    };
    let basis = "《信访工作条例》第三十二条及相关法律法规".to_string();
    // 审核签发: the desk drafts, the body's head signs it off.
    let draft = w
        .app
        .submit_draft(
            &w.org.desk[&unit],
            case_no,
            crate::drafts::DraftInput {
                outcome,
                basis,
                text: "经调查核实，现答复如下：……".into(),
                replaces: None,
            },
        )
        .await?;
    // A few drafts wait on the head's desk, so 待审批 is not empty in the demo.
    if !w.wait(0, 2) {
        return Ok(());
    }
    w.app.sign_draft(&w.org.head[&unit], draft).await?;
    if !w.wait(1, 5) {
        return Ok(());
    }
    let method = if w.chance(0.5) {
        xinfang_domain::case::DeliveryMethod::Direct
    } else {
        xinfang_domain::case::DeliveryMethod::Post
    };
    w.act(
        unit,
        case_no,
        Command::Deliver {
            method,
            on: None,
            note: String::new(),
        },
    )
    .await?;
    if w.chance(0.75) && w.wait(1, 20) {
        let r: f64 = w.rng.gen();
        let (s, reason) = if r < 0.7 {
            (Satisfaction::Satisfied, "")
        } else if r < 0.9 {
            (Satisfaction::BasicallySatisfied, "")
        } else {
            (Satisfaction::Dissatisfied, "问题没有实质解决")
        };
        w.app
            .act(
                &Actor::Petitioner,
                case_no,
                &Command::Evaluate {
                    satisfaction: s,
                    reason: reason.into(),
                },
            )
            .await?;
    }
    Ok(())
}
