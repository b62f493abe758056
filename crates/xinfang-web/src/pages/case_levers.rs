//! The case page's supervision and leadership panel: this case's 督办 with
//! forms to 催办 / 督办 / 挂牌督办 and 提级办理 (第四十条), its 领导包案 with the
//! take-charge form (第十八条), and 批示 — each form shown only to the roles
//! that may use it; the services decide the rest.

use super::html::esc;
use super::ledger_kit::*;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::ledgers::{
    ownership_status_label, ownership_team, supervision_kind_label, supervision_status_label,
};
use xinfang_app::AppError;
use xinfang_domain::case::Command;
use xinfang_domain::{Actor, Role, Staff, UnitId};

fn case_url(case_no: &str) -> String {
    format!("/work/cases/{}", esc(case_no))
}

/// The panel rendered into the case page.
pub async fn panel(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    case_no: &str,
    holder: UnitId,
) -> String {
    let no = esc(case_no);
    let boss = staff.has_any(&[Role::Supervisor, Role::Leader]);
    let leader = staff.has(Role::Leader);
    let mut out = String::from("<section id=\"levers\"><h2>督办与领导包案</h2>");
    let sups: Vec<_> = st
        .app
        .supervisions_for(staff)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.case_no == case_no)
        .collect();
    out.push_str("<h3>督办</h3>");
    if sups.is_empty() {
        out.push_str("<p>暂无督办。</p>");
    } else {
        out.push_str("<table><tr><th>督办单</th><th>类别</th><th>要求</th><th>反馈期限</th><th>状态</th></tr>");
        for s in &sups {
            out.push_str(&format!(
                "<tr><td><a href=\"/work/supervisions/{0}\">第{0}号</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td></tr>",
                s.id,
                supervision_kind_label(&s.kind),
                esc(&s.requirement),
                esc(s.feedback_due.as_deref().unwrap_or("—")),
                supervision_status_label(&s.status)
            ));
        }
        out.push_str("</table>");
    }
    if boss {
        out.push_str(&format!(
            "<details><summary>催办 / 督办 / 挂牌督办（第四十条）</summary><form method=\"post\" action=\"/work/cases/{no}/supervise\">{}\
             <label>类别<select name=\"kind\"><option value=\"urge\">催办</option><option value=\"supervise\">督办（督办单）</option><option value=\"listed\">挂牌督办</option></select></label>\
             <label>反馈期限（督办、挂牌督办必填）<input type=\"date\" name=\"feedback_due\"></label>\
             <label>督办要求<textarea name=\"requirement\" required></textarea></label><button type=\"submit\">发出</button></form></details>",
            csrf_input(csrf)
        ));
    }
    if leader {
        let org = st.app.org();
        let area = org.government_of(staff.unit).unwrap_or(staff.unit);
        let level = org.get(holder).map(|u| u.level);
        let mut ups: Vec<_> = org
            .units()
            .filter(|u| org.is_within(u.id, area) && level.is_some_and(|l| u.level < l))
            .collect();
        ups.sort_by_key(|u| (u.level, u.id));
        let opts: String = ups
            .iter()
            .map(|u| format!("<option value=\"{}\">{}</option>", u.id.0, esc(&u.name)))
            .collect();
        out.push_str(&format!(
            "<details><summary>提级办理（第四十条）</summary><form method=\"post\" action=\"/work/cases/{no}/escalate\">{}\
             <label>改由<select name=\"to\" required>{opts}</select></label><label>理由<textarea name=\"reason\" required></textarea></label><button type=\"submit\">提级办理</button></form></details>",
            csrf_input(csrf)
        ));
    }
    out.push_str("<h3>领导包案（第十八条）</h3>");
    let owned = st
        .app
        .ownerships_of_case(staff, case_no)
        .await
        .unwrap_or_default();
    if owned.is_empty() {
        out.push_str("<p>暂无包案。</p>");
    }
    for o in &owned {
        out.push_str(&format!(
            "<p>包案领导：{} · 专班：{} · 化解时限：{} · {} · <a href=\"/work/ownerships#o{}\">进展</a></p><p>化解方案：{}</p>",
            esc(&o.leader_name),
            esc(&ownership_team(o)),
            esc(&o.deadline),
            ownership_status_label(&o.status),
            o.id,
            esc(&o.plan)
        ));
    }
    if leader && !owned.iter().any(|o| o.status == "active") {
        out.push_str(&format!(
            "<details><summary>包案</summary><form method=\"post\" action=\"/work/cases/{no}/ownership\">{}\
             <fieldset class=\"team\"><legend>专班成员（本辖区工作人员，可多选）</legend>{}</fieldset><label>化解方案<textarea name=\"plan\" required></textarea></label>\
             <label>化解时限<input type=\"date\" name=\"deadline\" required></label><button type=\"submit\">包案</button></form></details>",
            csrf_input(csrf),
            team_picker(st, staff).await
        ));
    }
    out.push_str("<h3>领导批示</h3>");
    let notes = st
        .app
        .instructions(staff, case_no)
        .await
        .unwrap_or_default();
    if notes.is_empty() {
        out.push_str("<p>暂无批示。</p>");
    } else {
        out.push_str("<table><tr><th>时间</th><th>领导</th><th>批示</th></tr>");
        for n in &notes {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&n.at),
                esc(&n.leader),
                esc(&n.text)
            ));
        }
        out.push_str("</table>");
    }
    if leader {
        out.push_str(&format!(
            "<details><summary>批示</summary><form method=\"post\" action=\"/work/cases/{no}/instruct\">{}<label>批示内容<textarea name=\"text\" required></textarea></label><button type=\"submit\">批示</button></form></details>",
            csrf_input(csrf)
        ));
    }
    out.push_str("</section>");
    out
}

/// 催办 / 督办 / 挂牌督办 from the case page.
pub async fn supervise(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = case_url(&case_no);
    let Some(kind) = xinfang_domain::supervision::SupervisionKind::from_key(field(&f, "kind"))
    else {
        return err_page(
            &staff,
            "督办",
            AppError::field("kind", "请选择催办、督办或挂牌督办"),
            &back,
        );
    };
    let due = match field(&f, "feedback_due") {
        "" => None,
        d => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                return err_page(
                    &staff,
                    "督办",
                    AppError::field("feedback_due", "日期格式应为 YYYY-MM-DD"),
                    &back,
                )
            }
        },
    };
    match st
        .app
        .supervise(&staff, &case_no, kind, due, field(&f, "requirement"))
        .await
    {
        Ok(s) => done(&format!("/work/supervisions/{}", s.id)),
        Err(e) => err_page(&staff, "督办", e, &back),
    }
}

/// 提级办理: a case command through the one lifecycle path.
pub async fn escalate(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = case_url(&case_no);
    let Ok(to) = field(&f, "to").parse::<i64>() else {
        return err_page(
            &staff,
            "提级办理",
            AppError::field("to", "请选择单位"),
            &back,
        );
    };
    let cmd = Command::Escalate {
        to: UnitId(to),
        reason: field(&f, "reason").into(),
    };
    match st
        .app
        .act(&Actor::Staff(staff.clone()), &case_no, &cmd)
        .await
    {
        Ok(_) => done(&back),
        Err(e) => err_page(&staff, "提级办理", e, &back),
    }
}

/// 包案 from the case page.
pub async fn take_charge(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
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
    let Ok(deadline) = field(&f, "deadline").parse() else {
        return err_page(
            &staff,
            "包案",
            AppError::field("deadline", "请填写化解时限（YYYY-MM-DD）"),
            &back,
        );
    };
    match st
        .app
        .take_charge(&staff, &case_no, &team, field(&f, "plan"), deadline)
        .await
    {
        Ok(o) => done(&format!("/work/ownerships#o{}", o.id)),
        Err(e) => err_page(&staff, "包案", e, &back),
    }
}

/// The 专班 picker: the active staff of the leader's area, by unit, each a
/// checkbox showing name, post and body (never a login name to type).
async fn team_picker(st: &AppState, leader: &xinfang_domain::Staff) -> String {
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
    let mut out = String::new();
    let mut last = None;
    for u in &users {
        if last != Some(u.unit) {
            if last.is_some() {
                out.push_str("</div>");
            }
            out.push_str(&format!(
                "<div class=\"team-unit\"><strong>{}</strong>",
                esc(&st.app.unit_name(u.unit))
            ));
            last = Some(u.unit);
        }
        let post = if u.post.is_empty() {
            String::new()
        } else {
            format!("（{}）", esc(&u.post))
        };
        out.push_str(&format!(
            "<label class=\"check\"><input type=\"checkbox\" name=\"team_{}\" value=\"1\"> {}{post}</label>",
            esc(&u.username),
            esc(&u.display_name)
        ));
    }
    if last.is_some() {
        out.push_str("</div>");
    }
    out
}

/// 批示 from the case page.
pub async fn instruct(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = case_url(&case_no);
    match st.app.instruct(&staff, &case_no, field(&f, "text")).await {
        Ok(_) => done(&back),
        Err(e) => err_page(&staff, "批示", e, &back),
    }
}
