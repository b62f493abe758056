//! 系统管理 › 单位管理: the unit tree with add (under an active parent, at a
//! level no higher than it), rename and deactivate — never delete, cases
//! point at units; the cached tree is reloaded by the service.

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, field, kept, session_csrf, Fields, Kept};
use crate::pages::ledgers::kit::{options, render, Banner, Opt};
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use xinfang_app::admin::org::UnitInput;
use xinfang_app::AppError;
use xinfang_domain::{Staff, UnitKind, UnitLevel};

const KINDS: [UnitKind; 6] = [
    UnitKind::Government,
    UnitKind::PetitionBureau,
    UnitKind::Functional,
    UnitKind::Discipline,
    UnitKind::PoliticalLegal,
    UnitKind::Township,
];

/// The page: the list, then the 新增单位 form (open, and filled in as it
/// was, when adding failed).
#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage<'a> {
    banner: Option<Banner>,
    /// The list component's HTML.
    list: String,
    csrf: &'a str,
    open: bool,
    parents: Vec<Opt>,
    name: String,
    levels: Vec<Opt>,
    kinds: Vec<Opt>,
    region_code: String,
}

/// A unit's row controls: 更名 (open with the typed name when renaming
/// failed) and 停用 / 启用, confirmed before it is sent.
#[derive(Template)]
#[template(path = "admin/unit_actions.html")]
struct UnitActions<'a> {
    csrf: &'a str,
    id: i64,
    name: &'a str,
    typed_name: &'a str,
    open: bool,
    active: bool,
}

/// A unit rename that failed: (unit, the name typed).
type Renamed<'a> = Option<(i64, &'a str)>;

async fn render_units(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, AppError>>,
    typed: Kept<'_>,
    renamed: Renamed<'_>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
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
    let parents = options(
        tree.iter()
            .filter(|(u, _)| st.app.unit_active(u.id))
            .map(|(u, depth)| (u.id.0, format!("{}{}", "　".repeat(*depth), u.name))),
        &typed.get("parent_id"),
    );
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
    let rows = shown
        .iter()
        .map(|(u, depth)| {
            let active = st.app.unit_active(u.id);
            // Indent by depth only when the tree order is shown unfiltered.
            let indent = if filtering {
                String::new()
            } else {
                "　".repeat(*depth)
            };
            let failed = renamed.filter(|(id, _)| *id == u.id.0);
            let actions = render(&UnitActions {
                csrf,
                id: u.id.0,
                name: &u.name,
                typed_name: failed.map(|(_, n)| n).unwrap_or(&u.name),
                open: failed.is_some(),
                active,
            });
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
    let body = render(&UnitsPage {
        banner,
        list: view.render(&lq),
        csrf,
        open: typed.is_some(),
        parents,
        name: typed.get("name"),
        levels: options(
            UnitLevel::ALL.iter().map(|l| (l.key(), l.label_zh())),
            &typed.or("level", "county"),
        ),
        kinds: options(
            KINDS.iter().map(|k| (k.key(), k.label_zh())),
            &typed.get("kind"),
        ),
        region_code: typed.get("region_code"),
    });
    admin_page(staff, "单位管理", status, &body)
}

/// `/admin/units`.
pub async fn units_page(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_units(&st, &staff, &csrf, &q, None, Kept(None), None).await
}

/// Add a unit.
pub async fn units_add(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
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
    let typed = kept(&r, &f);
    render_units(&st, &staff, &csrf, &HashMap::new(), Some(r), typed, None).await
}

/// Rename, deactivate or activate a unit.
pub async fn units_change(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    AdminForm { staff, form: f }: AdminForm<UnitChangeForm>,
) -> Response {
    let r = match f.op.as_str() {
        "rename" => st
            .app
            .change_unit(&staff, id, Some(&f.name), None)
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
    let renamed = (r.is_err() && f.op == "rename").then_some((id, f.name.as_str()));
    render_units(
        &st,
        &staff,
        &csrf,
        &HashMap::new(),
        Some(r),
        Kept(None),
        renamed,
    )
    .await
}

/// A unit renamed, deactivated or activated.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitChangeForm {
    op: String,
    name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deactivating_a_unit_is_confirmed_with_its_name_escaped_once() {
        let html = render(&UnitActions {
            csrf: "t",
            id: 5,
            name: "A&B局",
            typed_name: "A&B局",
            open: false,
            active: true,
        });
        assert!(
            html.contains("data-confirm=\"确定停用“A&amp;B局”吗？"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"A&amp;B局 新名称\""), "{html}");
        assert!(html.contains("value=\"deactivate\"") && !html.contains("<details open>"));
    }
}
