//! 系统管理 › 单位管理: the unit tree with add (under an active parent, at a
//! level no higher than it), rename and deactivate — never delete, cases
//! point at units; the cached tree is reloaded by the service.

use super::admin::{
    admin_page, admin_post, admin_session, banner, csrf_input, field, session_csrf, Fields,
};
use super::html::esc;
use super::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use xinfang_app::org_admin::UnitInput;
use xinfang_app::AppError;
use xinfang_domain::{Staff, UnitKind, UnitLevel};
fn level_options(selected: &str) -> String {
    UnitLevel::ALL
        .iter()
        .map(|l| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                l.key(),
                if l.key() == selected { " selected" } else { "" },
                l.label_zh()
            )
        })
        .collect()
}

const KINDS: [UnitKind; 6] = [
    UnitKind::Government,
    UnitKind::PetitionBureau,
    UnitKind::Functional,
    UnitKind::Discipline,
    UnitKind::PoliticalLegal,
    UnitKind::Township,
];

async fn render_units(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let lq = ListQuery::from_query(q);
    let org = st.app.org();
    let roots: Vec<_> = {
        let mut r: Vec<_> = org
            .units()
            .filter(|u| u.parent.is_none())
            .map(|u| u.id)
            .collect();
        r.sort();
        r
    };
    // The tree in display order, each unit with its depth.
    let mut tree = Vec::new();
    let mut stack: Vec<(xinfang_domain::UnitId, usize)> =
        roots.into_iter().rev().map(|r| (r, 0)).collect();
    while let Some((id, depth)) = stack.pop() {
        let Some(u) = org.get(id) else { continue };
        tree.push((u, depth));
        let mut kids: Vec<_> = org.children(id).to_vec();
        kids.sort();
        for k in kids.into_iter().rev() {
            stack.push((k, depth + 1));
        }
    }
    let options: String = tree
        .iter()
        .filter(|(u, _)| st.app.unit_active(u.id))
        .map(|(u, depth)| {
            format!(
                "<option value=\"{}\">{}{}</option>",
                u.id.0,
                "　".repeat(*depth),
                esc(&u.name)
            )
        })
        .collect();
    let text = lq.get("text").trim().to_string();
    let (level, kind, state) = (lq.get("level"), lq.get("kind"), lq.get("state"));
    let filtering = !(text.is_empty() && level.is_empty() && kind.is_empty() && state.is_empty());
    let shown: Vec<_> = tree
        .into_iter()
        .filter(|(u, _)| {
            text.is_empty() || u.name.contains(&text) || u.region_code.starts_with(&text)
        })
        .filter(|(u, _)| level.is_empty() || u.level.key() == level)
        .filter(|(u, _)| kind.is_empty() || u.kind.key() == kind)
        .filter(|(u, _)| match state {
            "active" => st.app.unit_active(u.id),
            "inactive" => !st.app.unit_active(u.id),
            _ => true,
        })
        .collect();
    let mut shown = shown;
    sort_in_memory(&mut shown, &lq, |(u, _), key| match key {
        "name" => u.name.clone(),
        _ => format!("{:012}", u.id.0),
    });
    let total = shown.len() as i64;
    let c = csrf_input(csrf);
    let rows = shown
        .iter()
        .map(|(u, depth)| {
            let active = st.app.unit_active(u.id);
            // Indent by depth only when the tree order is shown unfiltered.
            let indent = if filtering { String::new() } else { "　".repeat(*depth) };
            let actions = format!(
                "<details><summary>更名</summary><form method=\"post\" action=\"/admin/units/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"rename\"><input aria-label=\"{name} 新名称\" id=\"n{id}\" name=\"name\" value=\"{name}\" required><button type=\"submit\">保存名称</button></form></details>\
                 <form method=\"post\" action=\"/admin/units/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"{op}\"><button type=\"submit\" class=\"{cls}\" data-confirm=\"{ask}\">{op_zh}</button></form>",
                id = u.id.0,
                name = esc(&u.name),
                op = if active { "deactivate" } else { "activate" },
                cls = if active { "link" } else { "secondary" },
                op_zh = if active { "停用" } else { "启用" },
                ask = if active {
                    format!("确定停用“{}”吗？停用后不能再转送、交办到该单位，历史记录保留。", esc(&u.name))
                } else {
                    format!("确定重新启用“{}”吗？", esc(&u.name))
                },
            );
            vec![
                Cell::text(u.id.0.to_string()),
                Cell::text(format!("{indent}{}", u.name)),
                Cell::text(format!(
                    "{} / {} / {}",
                    u.level.label_zh(),
                    u.kind.label_zh(),
                    u.region_code
                )),
                if active {
                    Cell::text("在用")
                } else {
                    Cell::text("已停用").class("muted")
                },
                Cell::default().html(actions),
            ]
        })
        .collect();
    let view = ListView {
        title: "单位".into(),
        unit_word: "个",
        base: "/admin/units",
        total,
        filters: vec![
            Filter::text(&lq, "text", "名称或区划代码", ""),
            Filter::select(
                &lq,
                "level",
                "层级",
                UnitLevel::ALL.iter().map(|l| (l.key(), l.label_zh())),
            ),
            Filter::select(
                &lq,
                "kind",
                "类别",
                KINDS.iter().map(|k| (k.key(), k.label_zh())),
            ),
            Filter::select(
                &lq,
                "state",
                "状态",
                [("active", "在用"), ("inactive", "已停用")],
            ),
        ],
        columns: vec![
            Column::sortable("编号", "id"),
            Column::sortable("单位", "name"),
            Column::plain("层级 / 类别 / 区划"),
            Column::plain("状态"),
            Column::plain("操作"),
        ],
        rows,
        export: Export::Here,
        empty: "没有符合条件的单位。",
        above: String::new(),
    };
    if ListQuery::wants_xlsx(q) {
        return view.xlsx(st, staff, "units.xlsx").await;
    }
    body.push_str(&view.render(&lq));
    let kinds: String = KINDS
        .iter()
        .map(|k| format!("<option value=\"{}\">{}</option>", k.key(), k.label_zh()))
        .collect();
    body.push_str(&format!(
        "<section><details><summary class=\"h\">新增单位</summary><form method=\"post\" action=\"/admin/units\">{}\
         <label for=\"parent_id\">上级单位</label><select id=\"parent_id\" name=\"parent_id\">{options}</select>\
         <label for=\"name\">单位名称</label><input id=\"name\" name=\"name\" required>\
         <label for=\"level\">层级</label><select id=\"level\" name=\"level\">{}</select>\
         <label for=\"kind\">类别</label><select id=\"kind\" name=\"kind\">{kinds}</select>\
         <label for=\"region_code\">行政区划代码（6 位）</label><input id=\"region_code\" name=\"region_code\" required pattern=\"[0-9]{{6}}\">\
         <button type=\"submit\">新增</button></form></details></section>",
        csrf_input(csrf),
        level_options("county")
    ));
    admin_page(staff, "单位管理", status, &body)
}

/// `/admin/units`.
pub async fn units_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_units(&st, &staff, &csrf, &q, None).await,
        Err(r) => r,
    }
}

/// Add a unit.
pub async fn units_add(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match field(&f, "parent_id").trim().parse::<i64>() {
        Err(_) => Err(AppError::field("parent_id", "请选择上级单位")),
        Ok(parent) => st
            .app
            .add_unit(
                &staff,
                UnitInput {
                    parent,
                    name: field(&f, "name").into(),
                    level: field(&f, "level").into(),
                    kind: field(&f, "kind").into(),
                    region_code: field(&f, "region_code").into(),
                },
            )
            .await
            .map(|id| format!("已新增单位“{}”（编号 {}）", st.app.unit_name(id), id.0)),
    };
    let csrf = session_csrf(&st, &headers).await;
    render_units(&st, &staff, &csrf, &HashMap::new(), Some(r)).await
}

/// Rename, deactivate or activate a unit.
pub async fn units_change(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match field(&f, "op") {
        "rename" => st
            .app
            .change_unit(&staff, id, Some(field(&f, "name")), None)
            .await
            .map(|_| "已更名".to_string()),
        "deactivate" => st
            .app
            .change_unit(&staff, id, None, Some(false))
            .await
            .map(|_| "已停用（历史记录保留）".to_string()),
        "activate" => st
            .app
            .change_unit(&staff, id, None, Some(true))
            .await
            .map(|_| "已启用".to_string()),
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = session_csrf(&st, &headers).await;
    render_units(&st, &staff, &csrf, &HashMap::new(), Some(r)).await
}
