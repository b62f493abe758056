//! 系统管理 › 单位管理: the unit tree with add (under an active parent, at a
//! level no higher than it), rename and deactivate — never delete, cases
//! point at units; the cached tree is reloaded by the service.

use super::admin::{
    admin_page, admin_post, admin_session, banner, csrf_input, field, session_csrf, Fields,
};
use super::html::esc;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
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

fn render_units(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
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
    body.push_str("<section><h2>单位树</h2><table><thead><tr><th>编号</th><th>单位</th><th>层级 / 类别 / 区划</th><th>状态</th><th>更名</th><th>停用 / 启用</th></tr></thead><tbody>");
    let mut stack: Vec<(xinfang_domain::UnitId, usize)> =
        roots.into_iter().rev().map(|r| (r, 0)).collect();
    let mut options = String::new();
    while let Some((id, depth)) = stack.pop() {
        let Some(u) = org.get(id) else { continue };
        let active = st.app.unit_active(id);
        let indent = "　".repeat(depth);
        body.push_str(&format!(
            "<tr><td>{id}</td><td>{indent}{name}</td><td>{lv} / {kind} / {region}</td><td>{state}</td>\
             <td><form method=\"post\" action=\"/admin/units/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"rename\"><input aria-label=\"{name} 新名称\" id=\"n{id}\" name=\"name\" value=\"{name}\" required><button type=\"submit\">更名</button></form></td>\
             <td><form method=\"post\" action=\"/admin/units/{id}\">{c}<input type=\"hidden\" name=\"op\" value=\"{op}\"><button type=\"submit\">{op_zh}</button></form></td></tr>",
            id = id.0,
            name = esc(&u.name),
            lv = u.level.label_zh(),
            kind = u.kind.label_zh(),
            region = esc(&u.region_code),
            state = if active { "在用" } else { "已停用" },
            c = csrf_input(csrf),
            op = if active { "deactivate" } else { "activate" },
            op_zh = if active { "停用" } else { "启用" },
        ));
        if active {
            options.push_str(&format!(
                "<option value=\"{}\">{indent}{}</option>",
                id.0,
                esc(&u.name)
            ));
        }
        let mut kids: Vec<_> = org.children(id).to_vec();
        kids.sort();
        for k in kids.into_iter().rev() {
            stack.push((k, depth + 1));
        }
    }
    body.push_str("</tbody></table></section>");
    let kinds: String = KINDS
        .iter()
        .map(|k| format!("<option value=\"{}\">{}</option>", k.key(), k.label_zh()))
        .collect();
    body.push_str(&format!(
        "<section><h2>新增单位</h2><form method=\"post\" action=\"/admin/units\">{}\
         <label for=\"parent_id\">上级单位</label><select id=\"parent_id\" name=\"parent_id\">{options}</select>\
         <label for=\"name\">单位名称</label><input id=\"name\" name=\"name\" required>\
         <label for=\"level\">层级</label><select id=\"level\" name=\"level\">{}</select>\
         <label for=\"kind\">类别</label><select id=\"kind\" name=\"kind\">{kinds}</select>\
         <label for=\"region_code\">行政区划代码（6 位）</label><input id=\"region_code\" name=\"region_code\" required pattern=\"[0-9]{{6}}\">\
         <button type=\"submit\">新增</button></form></section>",
        csrf_input(csrf),
        level_options("county")
    ));
    admin_page(staff, "单位管理", status, &body)
}

/// `/admin/units`.
pub async fn units_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_units(&st, &staff, &csrf, None),
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
    render_units(&st, &staff, &csrf, Some(r))
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
    render_units(&st, &staff, &csrf, Some(r))
}
