//! 系统管理 pages for the data intake runs on: the content taxonomy (add,
//! rename, deactivate; codes never change) and the risk lexicon with the
//! repeat/collective thresholds (validated whole, used by the next intake).

use super::admin::{
    admin_page, admin_post, admin_session, banner, csrf_input, field, session_csrf as csrf_of,
    Fields,
};
use super::html::esc;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use xinfang_app::lexicon::{LexiconTerm, RiskSettings, RiskThresholds};
use xinfang_app::AppError;
use xinfang_domain::Staff;

fn render_taxonomy(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let t = st.app.taxonomy();
    let mut parents = String::from("<option value=\"\">（新领域）</option>");
    for n in t.nodes().iter().filter(|n| n.level < 3 && n.active) {
        parents.push_str(&format!(
            "<option value=\"{}\">{} {}</option>",
            esc(&n.code),
            esc(&n.code),
            esc(&t.path(&n.code).unwrap_or_default())
        ));
    }
    let c = csrf_input(csrf);
    body.push_str(&format!(
        "<section><h2>新增分类</h2><form method=\"post\" action=\"/admin/taxonomy\">{c}<input type=\"hidden\" name=\"op\" value=\"add\">\
         <label for=\"parent\">上级</label><select id=\"parent\" name=\"parent\">{parents}</select>\
         <label for=\"name\">名称</label><input id=\"name\" name=\"name\" required><button type=\"submit\">新增</button></form></section>\
         <section><h2>更名、停用、启用</h2><p>代码一经使用不再改变；已登记事项保留原代码，停用的分类不再供登记选择。</p><form method=\"post\" action=\"/admin/taxonomy\">{c}\
         <label for=\"code\">代码</label><input id=\"code\" name=\"code\" required pattern=\"[0-9]{{2,6}}\">\
         <label for=\"op\">操作</label><select id=\"op\" name=\"op\"><option value=\"rename\">更名</option><option value=\"deactivate\">停用</option><option value=\"activate\">启用</option></select>\
         <label for=\"new_name\">新名称（更名时填写）</label><input id=\"new_name\" name=\"new_name\"><button type=\"submit\">提交</button></form></section>"
    ));
    body.push_str("<section><h2>分类表</h2><table><thead><tr><th>代码</th><th>名称</th><th>层级</th><th>状态</th></tr></thead><tbody>");
    for n in t.nodes() {
        let indent = "　".repeat(n.level.saturating_sub(1) as usize);
        body.push_str(&format!(
            "<tr><td>{}</td><td>{indent}{}</td><td>{}</td><td>{}</td></tr>",
            esc(&n.code),
            esc(&n.name),
            ["", "领域", "类别", "细类"]
                .get(n.level as usize)
                .unwrap_or(&""),
            if n.active { "在用" } else { "已停用" }
        ));
    }
    body.push_str("</tbody></table></section>");
    admin_page(staff, "内容分类", status, &body)
}

/// `/admin/taxonomy`.
pub async fn taxonomy_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_taxonomy(&st, &staff, &csrf, None),
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
    render_taxonomy(&st, &staff, &csrf, Some(r))
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

fn render_lexicon(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    text: Option<&str>,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let s = st.app.risk_config().settings();
    let current_text: String = s
        .terms
        .iter()
        .map(|t| format!("{} {} {}\n", t.term, category_label(&t.category), t.level))
        .collect();
    let th = &s.thresholds;
    body.push_str(&format!(
        "<section><h2>风险词库与阈值</h2><p>共 {} 个词。每行“词语 类别 等级”，以空格分隔；类别为 扬言极端、第二十六条行为（《信访工作条例》第二十六条禁止行为）、群体、舆情；等级 1 低、2 中、3 高；词语中的“…”表示两部分之间可隔最多 12 个字。保存后立即用于新登记的信访事项，并记入审计日志。</p>\
         <form method=\"post\" action=\"/admin/lexicon\">{}<label for=\"terms\">词库</label><textarea id=\"terms\" name=\"terms\" rows=\"20\">{}</textarea>\
         <label for=\"repeat_at\">重复信访预警次数</label><input id=\"repeat_at\" name=\"repeat_at\" type=\"number\" min=\"2\" value=\"{}\">\
         <label for=\"repeat_high_at\">重复信访高风险次数</label><input id=\"repeat_high_at\" name=\"repeat_high_at\" type=\"number\" min=\"2\" value=\"{}\">\
         <label for=\"collective_at\">集体访预警人数</label><input id=\"collective_at\" name=\"collective_at\" type=\"number\" min=\"2\" value=\"{}\">\
         <label for=\"collective_high_at\">集体访高风险人数</label><input id=\"collective_high_at\" name=\"collective_high_at\" type=\"number\" min=\"2\" value=\"{}\">\
         <button type=\"submit\">校验并保存</button></form></section>",
        s.terms.len(),
        csrf_input(csrf),
        esc(text.unwrap_or(&current_text)),
        th.repeat_at, th.repeat_high_at, th.collective_at, th.collective_high_at
    ));
    admin_page(staff, "风险词库", status, &body)
}

/// `/admin/lexicon`.
pub async fn lexicon_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_lexicon(&st, &staff, &csrf, None, None),
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
    let keep = r.is_err().then(|| field(&f, "terms").to_string());
    render_lexicon(&st, &staff, &csrf, keep.as_deref(), Some(r))
}
