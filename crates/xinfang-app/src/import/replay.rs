//! Replay the historical steps of an imported case (`history::History`)
//! through the domain: each step is a `Command` decided by `decide` as of its
//! date, by an import clerk standing at the unit that took the step, and
//! applied to the case. So the clocks (第二十二、二十三、三十四条), the
//! indicator facts, the statistics and the hash-chained events of an imported
//! case are those of a case handled step by step in the system, and a step the
//! 条例 forbids (e.g. forwarding a 检举控告 outside 纪检监察, 第三十条) rejects
//! the row. The store writes the steps in the import's one transaction.

use super::history::{History, Reached};
use xinfang_domain::case::{decide, Case, Command, Ctx, Route, TransferMode};
use xinfang_domain::{Actor, OrgTree, Role, Staff, UnitId, UserId};
use xinfang_store::{ImportedStep, Projection};

/// Who takes the historical steps: an import clerk at `unit` with every desk role.
fn clerk(unit: UnitId) -> Actor {
    Actor::Staff(Staff {
        user: UserId(0),
        username: "import".into(),
        name: "历史数据导入".into(),
        unit,
        roles: vec![
            Role::Registrar,
            Role::Handler,
            Role::Leader,
            Role::Supervisor,
        ],
    })
}

/// The steps of `h` applied to the registered `case`, or the reason the domain refused one.
#[allow(clippy::too_many_arguments)]
pub fn replay(
    case: &Case,
    h: &History,
    handler: Option<UnitId>,
    org: &OrgTree,
    calendar: &xinfang_domain::calendar::Calendar,
    rules: &xinfang_domain::clock::RuleTable,
    project: &dyn Fn(&Case) -> Projection,
    source_status: &str,
) -> Result<Vec<ImportedStep>, String> {
    let reg = case.current_unit;
    let holder = handler.unwrap_or(reg);
    let mut plan: Vec<(chrono::NaiveDate, UnitId, Command)> = vec![];
    if let (Some(to), Some(on)) = (handler, h.forwarded_on) {
        plan.push((
            on,
            reg,
            Command::Transfer {
                to,
                mode: TransferMode::Forward,
                report_due: None,
            },
        ));
    }
    if let Some(on) = h.accepted_on.filter(|_| h.reached >= Reached::Accepted) {
        if handler.is_some() {
            plan.push((on, holder, Command::Sign));
        }
        plan.push((
            on,
            holder,
            Command::Notify {
                route: Route::Accept {
                    investigate: false,
                    litigation_reason: None,
                },
            },
        ));
    }
    if let (Some(on), Some(outcome)) = (h.replied_on, h.outcome) {
        let basis = if h.basis.is_empty() {
            "见原系统档案（历史数据导入）".to_string()
        } else {
            h.basis.clone()
        };
        plan.push((
            on,
            holder,
            Command::Reply {
                outcome,
                basis,
                text: format!("历史数据导入：原系统记录的办理状态为“{source_status}”。"),
            },
        ));
    }
    if let Some(on) = h.delivered_on.filter(|_| h.reached >= Reached::Delivered) {
        plan.push((
            on,
            holder,
            Command::Deliver {
                method: Default::default(),
                on: None,
                note: String::new(),
            },
        ));
        if let Some(satisfaction) = h.satisfaction {
            plan.push((
                on,
                holder,
                Command::Evaluate {
                    satisfaction,
                    reason: "历史数据导入：原系统记录的回访评价".into(),
                },
            ));
        }
    }
    let start = case.registered_at;
    let mut case = case.clone();
    let mut out = Vec::with_capacity(plan.len());
    for (i, (day, unit, cmd)) in plan.into_iter().enumerate() {
        // Registration is at 09:00 of its day; steps follow a minute apart, in order.
        let nine = day.and_hms_opt(9, 0, 0).unwrap_or(start);
        let at = nine.max(start) + chrono::Duration::minutes(i as i64 + 1);
        let ctx = Ctx {
            org,
            calendar,
            rules,
            now: at,
        };
        let event = decide(&case, &clerk(unit), &cmd, &ctx)
            .map_err(|e| format!("补录“{}”（{day}）不成立：{e}", cmd.label_zh()))?;
        let expected_version = case.version;
        case.apply(&event);
        out.push(ImportedStep {
            event,
            after: case.clone(),
            expected_version,
            projection: project(&case),
        });
    }
    Ok(out)
}
