//! 系统管理 pages for the data intake runs on: the content taxonomy (add,
//! rename, deactivate; codes never change) and the risk lexicon with the
//! repeat/collective thresholds (validated whole, used by the next intake).

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, field, kept, session_csrf as csrf_of, Fields, Kept};
use crate::pages::ledgers::kit::{options, render, Banner, Opt};
use crate::pages::list_view::{sort_in_memory, Cell, Column, Export, Filter, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use xinfang_app::admin::lexicon::{LexiconTerm, RiskSettings, RiskThresholds};
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// The taxonomy's levels, by depth (1 = 领域).
const TAXON_LEVELS: [(&str, &str); 3] = [("1", "领域"), ("2", "类别"), ("3", "细类")];

/// The taxonomy: add, rename / deactivate / activate (the form that failed
/// keeps what was typed), and the whole table.
#[derive(Template)]
#[template(path = "admin/taxonomy.html")]
struct TaxonomyPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    parents: Vec<Opt>,
    name: String,
    code: String,
    ops: Vec<Opt>,
    new_name: String,
    /// The list component's HTML (filter bar, paging, export).
    table: String,
    /// Which form was posted (kept open with what was typed).
    adding: bool,
    changing: bool,
}

/// The taxonomy as a list: filter by name or code, level and state; in
/// code order (the tree) unless sorted by name; exported as shown.
fn taxonomy_list(st: &AppState, lq: &ListQuery) -> ListView {
    let t = st.app.taxonomy();
    let text = lq.get("text").trim().to_string();
    let (level, state) = (lq.get("level"), lq.get("state"));
    let filtering = !(text.is_empty() && level.is_empty() && state.is_empty());
    let mut shown: Vec<_> = t
        .nodes()
        .iter()
        .filter(|n| text.is_empty() || n.name.contains(&text) || n.code.starts_with(&text))
        .filter(|n| level.is_empty() || n.level.to_string() == level)
        .filter(|n| match state {
            "active" => n.active,
            "inactive" => !n.active,
            _ => true,
        })
        .collect();
    sort_in_memory(&mut shown, lq, |n, key| match key {
        "name" => n.name.clone(),
        _ => n.code.clone(),
    });
    let rows = shown
        .iter()
        .map(|n| {
            // Indented by level only in the unfiltered tree order.
            let indent = if filtering || !lq.sort.is_empty() {
                String::new()
            } else {
                "　".repeat(n.level.saturating_sub(1) as usize)
            };
            let level = TAXON_LEVELS
                .iter()
                .find(|(k, _)| *k == n.level.to_string())
                .map(|(_, l)| *l)
                .unwrap_or("");
            vec![
                Cell::text(n.code.clone()),
                Cell::text(format!("{indent}{}", n.name)),
                Cell::text(t.path(&n.code).unwrap_or_default()),
                Cell::text(level),
                if n.active {
                    Cell::text("在用")
                } else {
                    Cell::text("已停用").class("muted")
                },
            ]
        })
        .collect();
    ListView {
        title: "分类表".into(),
        unit_word: "个",
        base: "/admin/taxonomy",
        total: shown.len() as i64,
        filters: vec![
            Filter::text(lq, "text", "名称或代码", ""),
            Filter::select(lq, "level", "层级", TAXON_LEVELS),
            Filter::select(
                lq,
                "state",
                "状态",
                [("active", "在用"), ("inactive", "已停用")],
            ),
        ],
        columns: vec![
            Column::sortable("代码", "code"),
            Column::sortable("名称", "name"),
            Column::plain("所属"),
            Column::plain("层级"),
            Column::plain("状态"),
        ],
        rows,
        export: Export::Here,
        empty: "没有符合条件的分类。",
        above: String::new(),
    }
}

fn render_taxonomy(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    lq: &ListQuery,
    outcome: Option<Result<String, AppError>>,
    typed: Kept<'_>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let t = st.app.taxonomy();
    let adding = typed.get("op") == "add";
    let changing = typed.is_some() && !adding;
    let parents = options(
        std::iter::once((String::new(), "（新领域）".to_string())).chain(
            t.nodes()
                .iter()
                .filter(|n| n.level < 3 && n.active)
                .map(|n| {
                    (
                        n.code.clone(),
                        format!("{} {}", n.code, t.path(&n.code).unwrap_or_default()),
                    )
                }),
        ),
        &if adding {
            typed.get("parent")
        } else {
            String::new()
        },
    );
    let kept_if = |yes: bool, name: &str| if yes { typed.get(name) } else { String::new() };
    let body = render(&TaxonomyPage {
        banner,
        csrf,
        parents,
        name: kept_if(adding, "name"),
        code: kept_if(changing, "code"),
        ops: options(
            [
                ("rename", "更名"),
                ("deactivate", "停用"),
                ("activate", "启用"),
            ],
            &kept_if(changing, "op"),
        ),
        new_name: kept_if(changing, "new_name"),
        table: taxonomy_list(st, lq).render(lq),
        adding,
        changing,
    });
    admin_page(staff, "内容分类", status, &body)
}

/// `/admin/taxonomy` (`?format=xlsx`: the filtered rows as a workbook).
pub async fn taxonomy_page(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    let lq = ListQuery::from_query(&q);
    if ListQuery::wants_xlsx(&q) {
        return taxonomy_list(&st, &lq)
            .xlsx(&st, &staff, "taxonomy.xlsx")
            .await;
    }
    render_taxonomy(&st, &staff, &csrf, &lq, None, Kept(None))
}

/// Add, rename, deactivate or activate a node.
pub async fn taxonomy_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
    let code = field(&f, "code").trim();
    let r = match field(&f, "op") {
        "add" => {
            let parent = Some(field(&f, "parent")).filter(|p| !p.trim().is_empty());
            st.app
                .add_taxon(&staff, parent, field(&f, "name"))
                .await
                .map(|n| format!("已新增 {} {}", n.code, n.name))
        }
        "rename" => st
            .app
            .change_taxon(&staff, code, Some(field(&f, "new_name")), None)
            .await
            .map(|n| format!("{} 已更名为“{}”", n.code, n.name)),
        "deactivate" => st
            .app
            .change_taxon(&staff, code, None, Some(false))
            .await
            .map(|n| format!("{} 已停用", n.code)),
        "activate" => st
            .app
            .change_taxon(&staff, code, None, Some(true))
            .await
            .map(|n| format!("{} 已启用", n.code)),
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = csrf_of(&st, &headers).await;
    let typed = kept(&r, &f);
    let lq = ListQuery::from_query(&HashMap::new());
    render_taxonomy(&st, &staff, &csrf, &lq, Some(r), typed)
}

fn category_label(key: &str) -> &str {
    match key {
        "threat" => "扬言极端",
        "article26" => "第二十六条行为",
        "collective" => "群体",
        "public_opinion" => "舆情",
        other => other,
    }
}

/// The lexicon as text and the thresholds, in one form that is validated
/// whole (what was typed comes back when it fails).
#[derive(Template)]
#[template(path = "admin/lexicon.html")]
struct LexiconPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    count: usize,
    terms: String,
    repeat_at: String,
    repeat_high_at: String,
    collective_at: String,
    collective_high_at: String,
}

fn render_lexicon(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
    typed: Kept<'_>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let s = st.app.risk_config().settings();
    let current_text: String = s
        .terms
        .iter()
        .map(|t| format!("{} {} {}\n", t.term, category_label(&t.category), t.level))
        .collect();
    let th = &s.thresholds;
    let body = render(&LexiconPage {
        banner,
        csrf,
        count: s.terms.len(),
        terms: typed.or("terms", &current_text),
        repeat_at: typed.or("repeat_at", &th.repeat_at.to_string()),
        repeat_high_at: typed.or("repeat_high_at", &th.repeat_high_at.to_string()),
        collective_at: typed.or("collective_at", &th.collective_at.to_string()),
        collective_high_at: typed.or("collective_high_at", &th.collective_high_at.to_string()),
    });
    admin_page(staff, "风险词库", status, &body)
}

/// `/admin/lexicon`.
pub async fn lexicon_page(
    State(st): State<AppState>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_lexicon(&st, &staff, &csrf, None, Kept(None))
}

/// Parse the page's lexicon text and thresholds.
fn lexicon_form(f: &Fields) -> Result<RiskSettings, AppError> {
    let mut terms = vec![];
    for (i, line) in field(f, "terms").lines().enumerate() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts[..] {
            [] => continue,
            [term, category, level] => terms.push(LexiconTerm {
                term: term.into(),
                category: category.into(),
                level: level.parse().unwrap_or(0),
            }),
            _ => {
                return Err(AppError::field(
                    "terms",
                    format!("第 {} 行应为“词语 类别 等级”三项", i + 1),
                ))
            }
        }
    }
    let num = |name: &str| -> Result<u32, AppError> {
        field(f, name)
            .trim()
            .parse()
            .map_err(|_| AppError::field(name, "阈值应为正整数"))
    };
    Ok(RiskSettings {
        terms,
        thresholds: RiskThresholds {
            repeat_at: num("repeat_at")?,
            repeat_high_at: num("repeat_high_at")?,
            collective_at: num("collective_at")?,
            collective_high_at: num("collective_high_at")?,
        },
    })
}

/// Save the lexicon and thresholds.
pub async fn lexicon_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
    let r = match lexicon_form(&f) {
        Ok(s) => st
            .app
            .set_risk_settings(&staff, s)
            .await
            .map(|c| format!("已保存：{} 个词", c.lexicon.len())),
        Err(e) => Err(e),
    };
    let csrf = csrf_of(&st, &headers).await;
    let typed = kept(&r, &f);
    render_lexicon(&st, &staff, &csrf, Some(r), typed)
}
