//! 系统管理 pages for the data intake runs on: the content taxonomy (add,
//! rename, deactivate; codes never change) and the risk lexicon with the
//! repeat/collective thresholds (validated whole, used by the next intake).

use super::admin::{
    admin_page, admin_post, admin_session, banner, field, kept, session_csrf as csrf_of, Fields,
    Kept,
};
use super::ledger_kit::{options, render, Banner, Opt};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use xinfang_app::lexicon::{LexiconTerm, RiskSettings, RiskThresholds};
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// One row of the taxonomy table.
struct Node {
    code: String,
    /// The name indented by level.
    name: String,
    level: &'static str,
    active: bool,
}

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
    nodes: Vec<Node>,
}

fn render_taxonomy(
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
    let nodes = t
        .nodes()
        .iter()
        .map(|n| Node {
            code: n.code.clone(),
            name: format!(
                "{}{}",
                "　".repeat(n.level.saturating_sub(1) as usize),
                n.name
            ),
            level: ["", "领域", "类别", "细类"]
                .get(n.level as usize)
                .copied()
                .unwrap_or(""),
            active: n.active,
        })
        .collect();
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
        nodes,
    });
    admin_page(staff, "内容分类", status, &body)
}

/// `/admin/taxonomy`.
pub async fn taxonomy_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_taxonomy(&st, &staff, &csrf, None, Kept(None)),
        Err(r) => r,
    }
}

/// Add, rename, deactivate or activate a node.
pub async fn taxonomy_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
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
    render_taxonomy(&st, &staff, &csrf, Some(r), typed)
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
pub async fn lexicon_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_lexicon(&st, &staff, &csrf, None, Kept(None)),
        Err(r) => r,
    }
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
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
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
