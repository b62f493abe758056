//! The leader's board (领导包案, 第十八条): my 包案 cases — as leader or 专班
//! member — with the team, 化解方案, 化解时限 (overdue marked) and progress;
//! forms for progress entries and resolving; for leaders and supervisors the
//! area's whole 包案 ledger below.

use super::html::esc;
use super::ledger_kit::*;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::ledgers::{ownership_status_label, ownership_team};
use xinfang_domain::{Role, Staff};
use xinfang_store::OwnershipRow;

fn card(o: &OwnershipRow, staff: &Staff, csrf: &str, today: &str) -> String {
    let late = o.status == "active" && o.deadline.as_str() < today;
    let mut s = format!(
        "<section id=\"o{0}\"><h3><a href=\"/work/cases/{1}\">{1}</a> · {2}</h3><p>包案领导：{3} · 专班：{4}</p><p>化解方案：{5}</p><p>化解时限：<span class=\"{6}\">{7}{8}</span></p><h4>工作进展</h4>",
        o.id,
        esc(&o.case_no),
        ownership_status_label(&o.status),
        esc(&o.leader_name),
        esc(&ownership_team(o)),
        esc(&o.plan),
        if late { "overdue" } else { "normal" },
        esc(&o.deadline),
        if late { "（已超期）" } else { "" }
    );
    if o.progress.is_empty() {
        s.push_str("<p>暂无进展记录。</p>");
    } else {
        s.push_str("<ol>");
        for p in &o.progress {
            s.push_str(&format!(
                "<li>{} {}：{}</li>",
                esc(&p.at),
                esc(&p.author),
                esc(&p.text)
            ));
        }
        s.push_str("</ol>");
    }
    let on_team = o.leader_id == staff.user.0
        || o.team
            .as_array()
            .is_some_and(|a| a.iter().any(|m| m["id"].as_i64() == Some(staff.user.0)));
    if o.status == "active" && on_team {
        s.push_str(&format!(
            "<form method=\"post\" action=\"/work/ownerships/{}/progress\">{}<label>进展情况<textarea name=\"text\" required></textarea></label><button type=\"submit\">记录进展</button></form>",
            o.id,
            csrf_input(csrf)
        ));
    }
    if o.status == "active" && o.leader_id == staff.user.0 {
        s.push_str(&format!(
            "<form method=\"post\" action=\"/work/ownerships/{}/resolve\" data-confirm=\"确定本件已化解吗？确认后包案结束，不能撤回。\">{}<button type=\"submit\">已化解</button></form>",
            o.id,
            csrf_input(csrf)
        ));
    }
    s.push_str("</section>");
    s
}

/// `/work/ownerships`: the board.
pub async fn board(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mine = match st.app.ownership_board(&staff).await {
        Ok(m) => m,
        Err(e) => return err_page(&staff, "领导包案", e, "/work"),
    };
    let today = st.app.now().date().to_string();
    let active = mine.iter().filter(|o| o.status == "active").count();
    let late = mine
        .iter()
        .filter(|o| o.status == "active" && o.deadline.as_str() < today.as_str())
        .count();
    let mut body = format!(
        "{}<section><h2>我的包案（{} 件，化解中 {} 件，超期 {} 件）</h2>",
        notice(&q),
        mine.len(),
        active,
        late,
    );
    if mine.is_empty() {
        body.push_str("<p>暂无。领导可在信访事项页面“包案”。</p>");
    }
    body.push_str("</section>");
    for o in &mine {
        body.push_str(&card(o, &staff, &csrf, &today));
    }
    if staff.has_any(&[Role::Leader, Role::Supervisor]) {
        let all = st.app.ownerships_ledger(&staff).await.unwrap_or_default();
        let lq = ListQuery::from_query(&q);
        let (status, text) = (lq.get("status"), lq.get("text").trim());
        let overdue = lq.get("overdue") == "1";
        let mut rows: Vec<&OwnershipRow> = all
            .iter()
            .filter(|o| status.is_empty() || o.status == status)
            .filter(|o| !overdue || (o.status == "active" && o.deadline.as_str() < today.as_str()))
            .filter(|o| text.is_empty() || o.case_no.contains(text) || o.leader_name.contains(text))
            .collect();
        sort_in_memory(&mut rows, &lq, |o, key| match key {
            "deadline" => o.deadline.clone(),
            _ => o.case_no.clone(),
        });
        let view = ListView {
            title: "本辖区包案台账".into(),
            unit_word: "件",
            base: "/work/ownerships",
            total: rows.len() as i64,
            filters: vec![
                Filter::text(&lq, "text", "信访编号或包案领导", ""),
                Filter::select(
                    &lq,
                    "status",
                    "状态",
                    [("active", "化解中"), ("resolved", "已化解")],
                ),
                Filter::select(&lq, "overdue", "化解时限", [("1", "已超期")]),
            ],
            columns: vec![
                Column::sortable("信访编号", "case"),
                Column::plain("包案领导"),
                Column::plain("专班"),
                Column::sortable("化解时限", "deadline"),
                Column::plain("状态"),
                Column::plain("进展"),
            ],
            rows: rows
                .iter()
                .map(|o| {
                    let late = o.status == "active" && o.deadline.as_str() < today.as_str();
                    vec![
                        Cell::link(&o.case_no, format!("/work/cases/{}", o.case_no)),
                        Cell::text(&o.leader_name),
                        Cell::text(ownership_team(o)),
                        if late {
                            Cell::text(format!("{}（已超期）", o.deadline)).class("overdue")
                        } else {
                            Cell::text(&o.deadline)
                        },
                        Cell::text(ownership_status_label(&o.status)),
                        Cell::text(format!("{} 条", o.progress.len())),
                    ]
                })
                .collect(),
            export: Export::Here,
            empty: "本辖区暂无包案。",
            above: String::new(),
        };
        if ListQuery::wants_xlsx(&q) {
            return view.xlsx(&st, &staff, "ownerships.xlsx").await;
        }
        body.push_str(&view.render(&lq));
    }
    staff_page("领导包案", &staff, &body)
}

/// A progress entry by the leader or a team member.
pub async fn progress(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match st
        .app
        .ownership_progress(&staff, id, field(&f, "text"))
        .await
    {
        Ok(_) => done(&format!("/work/ownerships#o{id}")),
        Err(e) => err_page(&staff, "包案进展", e, "/work/ownerships"),
    }
}

/// The leader marks the case 化解.
pub async fn resolve(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match st.app.resolve_ownership(&staff, id).await {
        Ok(_) => done(&format!("/work/ownerships#o{id}")),
        Err(e) => err_page(&staff, "包案化解", e, "/work/ownerships"),
    }
}
