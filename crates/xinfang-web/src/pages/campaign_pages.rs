//! Campaign pages (专项攻坚, 积案化解, 三张清单: 控制增量/消减存量/防范变量):
//! create a campaign or list, add cases by number or by a case-list query
//! (status, handling unit, registered dates, overdue), and move each item
//! 化解 / 稳控 / 销号 with evidence — 动态销号 counted per campaign, with its
//! progress over its period (起始日期 … 截止日期): time passed, counts per
//! state, items struck off in the period, and overdue items.

use super::html::esc;
use super::ledger_kit::*;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use xinfang_app::AppError;
use xinfang_domain::campaign::{item_overdue, label, ITEM_STATES, LIST_KINDS};
use xinfang_domain::{Role, UnitId};
use xinfang_store::{CampaignRow, CaseFilter};

const CASE_STATUSES: [(&str, &str); 6] = [
    ("registered,received", "待转送/待告知"),
    ("pending_receipt", "待签收"),
    ("handling,under_review", "办理中"),
    ("replied", "待送达"),
    ("delivered", "已送达"),
    ("final", "已终结"),
];

/// Counts per item state, in ITEM_STATES order.
fn counts(c: &CampaignRow) -> [usize; 4] {
    let mut n = [0; 4];
    for i in &c.items {
        if let Some(k) = ITEM_STATES.iter().position(|(s, _)| *s == i.status) {
            n[k] += 1;
        }
    }
    n
}

/// The progress of a campaign over its period.
fn progress_section(c: &CampaignRow) -> String {
    let Some(p) = &c.progress else {
        return String::new();
    };
    let share = |n: usize| {
        if c.items.is_empty() {
            "—".to_string()
        } else {
            format!("{:.1}%", n as f64 * 100.0 / c.items.len() as f64)
        }
    };
    format!(
        "<table id=\"progress\"><tr><th>进度</th><th>数值</th></tr>\
         <tr><td>时间进度</td><td>已过 <span id=\"elapsed\">{}</span> 天 / 共 {} 天</td></tr>\
         <tr><td>已化解（含已销号）</td><td>{}（{}）</td></tr>\
         <tr><td>稳控</td><td>{}</td></tr>\
         <tr><td>已销号</td><td>{}（期间内销号 {}）</td></tr>\
         <tr><td>待化解</td><td>{}</td></tr>\
         <tr><td>逾期未化解（期限已过，或事项办理超期）</td><td class=\"overdue\"><span id=\"overdue\">{}</span></td></tr></table>",
        p.days_elapsed,
        p.days_total,
        p.resolved + p.struck,
        share(p.resolved + p.struck),
        p.stabilized,
        p.struck,
        p.struck_in_period,
        p.pending,
        p.overdue
    )
}

/// `/work/campaigns`: the area's campaigns and lists, and the create form.
pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let all = match st.app.campaigns_for(&staff).await {
        Ok(a) => a,
        Err(e) => return err_page(&staff, "专项攻坚", e, "/work"),
    };
    let lq = ListQuery::from_query(&q);
    let (kind, text) = (lq.get("list_kind"), lq.get("text").trim());
    let mut rows: Vec<&CampaignRow> = all
        .iter()
        .filter(|c| kind.is_empty() || c.list_kind == kind)
        .filter(|c| text.is_empty() || c.name.contains(text))
        .collect();
    sort_in_memory(&mut rows, &lq, |c, key| match key {
        "deadline" => c.deadline.clone(),
        "overdue" => format!("{:08}", c.progress.as_ref().map(|p| p.overdue).unwrap_or(0)),
        _ => c.starts_on.clone(),
    });
    let view = ListView {
        title: "专项攻坚与三张清单".into(),
        unit_word: "项",
        base: "/work/campaigns",
        total: rows.len() as i64,
        filters: vec![
            Filter::text(&lq, "text", "名称", ""),
            Filter::select(&lq, "list_kind", "类别", LIST_KINDS),
        ],
        columns: vec![
            Column::plain("名称"),
            Column::plain("类别"),
            Column::plain("责任单位"),
            Column::sortable("期间", "deadline"),
            Column::plain("事项"),
            Column::plain("待化解"),
            Column::plain("已化解"),
            Column::plain("稳控"),
            Column::plain("已销号"),
            Column::sortable("逾期", "overdue"),
        ],
        rows: rows
            .iter()
            .map(|c| {
                let n = counts(c);
                let overdue = c.progress.as_ref().map(|p| p.overdue).unwrap_or(0);
                vec![
                    Cell::link(&c.name, format!("/work/campaigns/{}", c.id)),
                    Cell::text(label(&LIST_KINDS, &c.list_kind)),
                    Cell::text(st.app.unit_name(UnitId(c.owner_unit))),
                    Cell::text(format!("{} 至 {}", c.starts_on, c.deadline)),
                    Cell::text(c.items.len().to_string()),
                    Cell::text(n[0].to_string()),
                    Cell::text(n[1].to_string()),
                    Cell::text(n[2].to_string()),
                    Cell::text(n[3].to_string()),
                    if overdue > 0 {
                        Cell::text(overdue.to_string()).class("overdue")
                    } else {
                        Cell::text("0")
                    },
                ]
            })
            .collect(),
        export: Export::Here,
        empty: "暂无专项或清单。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(&q) {
        return view.xlsx(&st, &staff, "campaigns.xlsx").await;
    }
    let mut body = format!("{}{}", notice(&q), view.render(&lq));
    if staff.has_any(&[Role::Leader, Role::Supervisor]) {
        body.push_str(&format!(
            "<section><h2>新建专项或清单</h2><form method=\"post\" action=\"/work/campaigns\">{}\
             <label for=\"name\">名称</label><input id=\"name\" name=\"name\" required placeholder=\"信访问题源头治理三年攻坚\">\
             <label for=\"list_kind\">类别</label><select id=\"list_kind\" name=\"list_kind\">{}</select>\
             <label for=\"starts_on\">起始日期（不填为今天）</label><input type=\"date\" id=\"starts_on\" name=\"starts_on\">\
             <label for=\"deadline\">期限（截止日期）</label><input type=\"date\" id=\"deadline\" name=\"deadline\" required>\
             <button type=\"submit\">新建</button></form></section>",
            csrf_input(&csrf),
            options(&LIST_KINDS, "backlog")
        ));
    }
    staff_page("专项攻坚", &staff, &body)
}

/// Create a campaign.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let starts_on = match field(&f, "starts_on") {
        "" => None,
        v => match v.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                return err_page(
                    &staff,
                    "专项攻坚",
                    AppError::field("starts_on", "起始日期格式应为 YYYY-MM-DD"),
                    "/work/campaigns",
                )
            }
        },
    };
    let Ok(deadline) = field(&f, "deadline").parse() else {
        return err_page(
            &staff,
            "专项攻坚",
            AppError::field("deadline", "请填写期限（YYYY-MM-DD）"),
            "/work/campaigns",
        );
    };
    match st
        .app
        .create_campaign(
            &staff,
            field(&f, "name"),
            field(&f, "list_kind"),
            starts_on,
            deadline,
        )
        .await
    {
        Ok(c) => done(&format!("/work/campaigns/{}", c.id)),
        Err(e) => err_page(&staff, "专项攻坚", e, "/work/campaigns"),
    }
}

/// `/work/campaigns/{id}`: items with their transitions, and the add forms.
pub async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<FormMap>,
) -> Response {
    let (staff, csrf) = match staff_or_login(&st, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let c = match st.app.campaign_for(&staff, id).await {
        Ok(c) => c,
        Err(e) => return err_page(&staff, "专项攻坚", e, "/work/campaigns"),
    };
    let n = counts(&c);
    let mut body = format!(
        "{}<section><h2>{}（{}）</h2><p>责任单位：{} · 期间：{} 至 {} · 事项 {} 件：待化解 {}，已化解 {}，稳控 {}，<strong>已销号 {}</strong>（动态销号：须先化解，经责任单位签字确认方可销号）</p>{}<table><tr><th>信访编号</th><th>办理单位</th><th>状态</th><th>依据</th><th>经办</th><th>变更</th></tr>",
        notice(&q),
        esc(&c.name),
        label(&LIST_KINDS, &c.list_kind),
        esc(&st.app.unit_name(UnitId(c.owner_unit))),
        esc(&c.starts_on),
        esc(&c.deadline),
        c.items.len(),
        n[0],
        n[1],
        n[2],
        n[3],
        progress_section(&c)
    );
    for i in &c.items {
        let form = if i.status == "struck" {
            String::new()
        } else {
            format!(
                "<form method=\"post\" action=\"/work/campaign-items/{}\">{}<input type=\"hidden\" name=\"campaign\" value=\"{}\"><label>改为<select name=\"status\">{}</select></label><label>依据（化解、稳控或销号情况）<input name=\"evidence\" required></label><button type=\"submit\">提交</button></form>",
                i.id,
                csrf_input(&csrf),
                c.id,
                options(&ITEM_STATES, "")
            )
        };
        let overdue = c
            .deadline
            .parse::<chrono::NaiveDate>()
            .map(|end| {
                item_overdue(
                    &i.status,
                    i.case_grade.as_deref() == Some("overdue"),
                    end,
                    st.app.now().date(),
                )
            })
            .unwrap_or(false);
        let state = if overdue {
            format!(
                "{} <span class=\"overdue\">逾期</span>",
                label(&ITEM_STATES, &i.status)
            )
        } else {
            label(&ITEM_STATES, &i.status).to_string()
        };
        body.push_str(&format!(
            "<tr id=\"i{}\"><td><a href=\"/work/cases/{1}\">{1}</a></td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5} {6}</td><td>{7}</td></tr>",
            i.id,
            esc(&i.case_no),
            esc(&st.app.unit_name(UnitId(i.current_unit))),
            state,
            esc(&i.evidence),
            esc(&i.updated_by),
            esc(&i.updated_at),
            form
        ));
    }
    body.push_str("</table></section>");
    if staff.has_any(&[Role::Leader, Role::Supervisor]) {
        body.push_str(&format!(
            "<section><h2>加入事项</h2><form method=\"post\" action=\"/work/campaigns/{}/items\">{}\
             <label for=\"case_nos\">按编号（每行或以逗号分隔）</label><textarea id=\"case_nos\" name=\"case_nos\" rows=\"3\"></textarea>\
             <fieldset><legend>或按条件（同信访事项列表）</legend><label><input type=\"checkbox\" name=\"by_query\" value=\"1\"> 加入符合以下条件的全部事项</label>\
             <label>状态<select name=\"status\"><option value=\"\">全部</option>{}</select></label>\
             <label>办理单位<select name=\"unit\"><option value=\"\">全部</option>{}</select></label>\
             <label>登记自<input type=\"date\" name=\"from\"></label><label>至<input type=\"date\" name=\"to\"></label>\
             <label><input type=\"checkbox\" name=\"overdue\" value=\"1\"> 仅超期</label></fieldset><button type=\"submit\">加入</button></form></section>",
            c.id,
            csrf_input(&csrf),
            options(&CASE_STATUSES, ""),
            area_unit_options(&st, &staff)
        ));
    }
    staff_page(&c.name, &staff, &body)
}

/// Add cases by number and/or by query.
pub async fn add_items(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = format!("/work/campaigns/{id}");
    let nos: Vec<String> = field(&f, "case_nos")
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let filter = if field(&f, "by_query") == "1" {
        let unit = match field(&f, "unit") {
            "" => None,
            u => match u.parse::<i64>() {
                Ok(u) => Some(u),
                Err(_) => return bad_request(&staff, "办理单位无效", &back),
            },
        };
        for k in ["from", "to"] {
            let v = field(&f, k);
            if !v.is_empty() && v.parse::<chrono::NaiveDate>().is_err() {
                return err_page(
                    &staff,
                    "加入事项",
                    AppError::field(k, "日期格式应为 YYYY-MM-DD"),
                    &back,
                );
            }
        }
        let opt = |k: &str| Some(field(&f, k).to_string()).filter(|s| !s.is_empty());
        Some(CaseFilter {
            statuses: field(&f, "status")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            current_unit: unit,
            grade: (field(&f, "overdue") == "1").then(|| "overdue".to_string()),
            registered_from: opt("from"),
            registered_to: opt("to"),
            limit: 5_000,
            ..Default::default()
        })
    } else {
        None
    };
    if nos.is_empty() && filter.is_none() {
        return err_page(
            &staff,
            "加入事项",
            AppError::field("case_nos", "请填写信访编号或勾选按条件加入"),
            &back,
        );
    }
    match st.app.add_to_campaign(&staff, id, &nos, filter).await {
        Ok(_) => done(&back),
        Err(e) => err_page(&staff, "加入事项", e, &back),
    }
}

/// 化解 / 稳控 / 销号 of one item.
pub async fn move_item(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(item): Path<i64>,
    Form(f): Form<FormMap>,
) -> Response {
    let (staff, _) = match staff_for_post(&st, &headers, &f).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let back = match field(&f, "campaign").parse::<i64>() {
        Ok(c) => format!("/work/campaigns/{c}"),
        Err(_) => "/work/campaigns".into(),
    };
    match st
        .app
        .move_item(&staff, item, field(&f, "status"), field(&f, "evidence"))
        .await
    {
        Ok(c) => done(&format!("/work/campaigns/{}", c.id)),
        Err(e) => err_page(&staff, "专项攻坚", e, &back),
    }
}
