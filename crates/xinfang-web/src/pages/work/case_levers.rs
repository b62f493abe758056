//! The case page's supervision and leadership panel: this case's 督办 with
//! forms to 催办 / 督办 / 挂牌督办 and 提级办理 (第四十条), its 领导包案 with the
//! take-charge form (第十八条), and 批示 — each form shown only to the roles
//! that may use it; the services decide the rest. The panel is an askama
//! template (`templates/case/levers.html`).

use crate::pages::extract::StaffForm;
use crate::pages::ledgers::kit::*;
use crate::pages::page_error::{OrPage, PageResult};
use crate::pages::work::case_page::html_of;
use crate::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;
use xinfang_app::ledgers::{ownership_status_label, ownership_team};
use xinfang_app::AppError;
use xinfang_domain::case::Command;
use xinfang_domain::{Actor, Role, Staff, UnitId};
use xinfang_store::InstructionRow;

fn case_url(case_no: &str) -> String {
    format!(
        "/work/cases/{}",
        crate::pages::work::case_list::url_enc(case_no)
    )
}

/// A 督办 of this case, as the panel lists it.
struct SupRow {
    id: i64,
    kind: &'static str,
    requirement: String,
    due: String,
    status: &'static str,
}

/// A 包案 of this case.
struct OwnRow {
    id: i64,
    leader: String,
    team: String,
    deadline: String,
    status: &'static str,
    plan: String,
}

/// A member of staff the 专班 picker offers.
struct Member {
    username: String,
    name: String,
    post: String,
}

/// The staff of one unit in the 专班 picker.
struct TeamUnit {
    name: String,
    members: Vec<Member>,
}

#[derive(askama::Template)]
#[template(path = "case/levers.html")]
struct Levers<'a> {
    case_no: &'a str,
    csrf: &'a str,
    sups: Vec<SupRow>,
    /// 催办 / 督办 / 挂牌督办 offered (a supervisor or leader).
    boss: bool,
    /// 提级办理 (a leader): the units above the holder in the leader's area,
    /// when there are any.
    ups: Option<Vec<(i64, String)>>,
    owned: Vec<OwnRow>,
    /// The 包案 form's 专班 picker, when a leader may take charge.
    team: Option<Vec<TeamUnit>>,
    notes: Vec<InstructionRow>,
    leader: bool,
}

/// The panel rendered into the case page.
pub async fn panel(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    case_no: &str,
    holder: UnitId,
) -> String {
    let boss = staff.has_any(&[Role::Supervisor, Role::Leader]);
    let leader = staff.has(Role::Leader);
    let sups = st
        .app
        .supervisions_for(staff)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.case_no == case_no)
        .map(|s| SupRow {
            id: s.id,
            kind: s.kind.label_zh(),
            status: s.status.label_zh(),
            due: s.feedback_due.unwrap_or_else(|| "—".into()),
            requirement: s.requirement,
        })
        .collect();
    let ups = leader
        .then(|| {
            let org = st.app.org();
            let area = org.government_of(staff.unit).unwrap_or(staff.unit);
            let level = org.get(holder).map(|u| u.level);
            let mut ups: Vec<_> = org
                .units()
                .filter(|u| org.is_within(u.id, area) && level.is_some_and(|l| u.level < l))
                .collect();
            ups.sort_by_key(|u| (u.level, u.id));
            ups.iter()
                .map(|u| (u.id.0, u.name.clone()))
                .collect::<Vec<_>>()
        })
        // No unit above the holder in the leader's area: nothing to choose, no form.
        .filter(|ups| !ups.is_empty());
    let owned = st
        .app
        .ownerships_of_case(staff, case_no)
        .await
        .unwrap_or_default();
    let team = if leader && !owned.iter().any(|o| o.status == "active") {
        Some(team_picker(st, staff).await)
    } else {
        None
    };
    let owned = owned
        .iter()
        .map(|o| OwnRow {
            id: o.id,
            leader: o.leader_name.clone(),
            team: ownership_team(o),
            deadline: o.deadline.clone(),
            status: ownership_status_label(&o.status),
            plan: o.plan.clone(),
        })
        .collect();
    let notes = st
        .app
        .instructions(staff, case_no)
        .await
        .unwrap_or_default();
    html_of(&Levers {
        case_no,
        csrf,
        sups,
        boss,
        ups,
        owned,
        team,
        notes,
        leader,
    })
}

/// 催办 / 督办 / 挂牌督办 from the case page.
pub async fn supervise(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<SuperviseForm>,
) -> PageResult {
    let back = case_url(&case_no);
    let Some(kind) = xinfang_domain::supervision::SupervisionKind::from_key(f.kind.trim()) else {
        return Err(AppError::field("kind", "请选择催办、督办或挂牌督办"))
            .or_page(&staff, "督办", &back);
    };
    let due = match f.feedback_due.trim() {
        "" => None,
        d => Some(
            d.parse()
                .map_err(|_| AppError::field("feedback_due", "日期格式应为 YYYY-MM-DD"))
                .or_page(&staff, "督办", &back)?,
        ),
    };
    let s = st
        .app
        .supervise(&staff, &case_no, kind, due, f.requirement.trim())
        .await
        .or_page(&staff, "督办", &back)?;
    Ok(done(&format!("/work/supervisions/{}", s.id)))
}

/// 提级办理: a case command through the one lifecycle path.
pub async fn escalate(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<EscalateForm>,
) -> PageResult {
    let back = case_url(&case_no);
    let to =
        f.to.trim()
            .parse::<i64>()
            .map_err(|_| AppError::field("to", "请选择单位"))
            .or_page(&staff, "提级办理", &back)?;
    let cmd = Command::Escalate {
        to: UnitId(to),
        reason: f.reason.trim().into(),
    };
    st.app
        .act(&Actor::Staff(staff.clone()), &case_no, &cmd)
        .await
        .or_page(&staff, "提级办理", &back)?;
    Ok(done(&back))
}

/// 包案 from the case page.
pub async fn take_charge(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<FormMap>,
) -> PageResult {
    let back = case_url(&case_no);
    // One checkbox per person (`team_<username>`); an old client's typed list still works.
    let mut team: Vec<String> = f
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("team_").filter(|_| v == "1"))
        .map(str::to_string)
        .collect();
    team.sort();
    team.extend(
        field(&f, "team")
            .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    let deadline = field(&f, "deadline")
        .parse()
        .map_err(|_| AppError::field("deadline", "请填写化解时限（YYYY-MM-DD）"))
        .or_page(&staff, "包案", &back)?;
    let o = st
        .app
        .take_charge(&staff, &case_no, &team, field(&f, "plan"), deadline)
        .await
        .or_page(&staff, "包案", &back)?;
    Ok(done(&format!("/work/ownerships#o{}", o.id)))
}

/// The 专班 picker: the active staff of the leader's area, by unit, each a
/// checkbox showing name, post and body (never a login name to type).
async fn team_picker(st: &AppState, leader: &xinfang_domain::Staff) -> Vec<TeamUnit> {
    let org = st.app.org();
    let area = org.government_of(leader.unit).unwrap_or(leader.unit);
    let mut users: Vec<_> = st
        .app
        .store
        .list_users()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|u| u.active && u.id != leader.user && org.is_within(u.unit, area))
        .filter(|u| !u.roles.contains(&xinfang_domain::Role::Admin))
        .collect();
    users.sort_by_key(|u| (org.get(u.unit).map(|x| x.level), u.unit, u.id));
    let mut units: Vec<(UnitId, TeamUnit)> = Vec::new();
    for u in users {
        if units.last().map(|(id, _)| *id) != Some(u.unit) {
            units.push((
                u.unit,
                TeamUnit {
                    name: st.app.unit_name(u.unit),
                    members: Vec::new(),
                },
            ));
        }
        if let Some((_, t)) = units.last_mut() {
            t.members.push(Member {
                username: u.username,
                name: u.display_name,
                post: u.post,
            });
        }
    }
    units.into_iter().map(|(_, t)| t).collect()
}

/// 批示 from the case page.
pub async fn instruct(
    State(st): State<AppState>,
    Path(case_no): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<InstructForm>,
) -> PageResult {
    let back = case_url(&case_no);
    st.app
        .instruct(&staff, &case_no, f.text.trim())
        .await
        .or_page(&staff, "批示", &back)?;
    Ok(done(&back))
}

/// The 督办 form on the case page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuperviseForm {
    kind: String,
    feedback_due: String,
    requirement: String,
}

/// The 提级办理 form on the case page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EscalateForm {
    to: String,
    reason: String,
}

/// The 批示 form on the case page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InstructForm {
    text: String,
}
