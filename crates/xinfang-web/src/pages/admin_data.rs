//! 系统管理 pages for data the platform runs on: the content taxonomy, the
//! risk lexicon and thresholds, the clock rules (tighten only), sensitive
//! periods; and the daily 零报告 page every staff member can open (信访局
//! staff record their unit's report there).

use super::admin::{admin_page, admin_post, admin_session, banner, csrf_input, field, Fields};
use super::html::{esc, page_with};
use super::session::{csrf_ok, current};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use std::collections::HashMap;
use xinfang_app::lexicon::{LexiconTerm, RiskSettings, RiskThresholds};
use xinfang_app::AppError;
use xinfang_domain::clock::{ClockKind, ClockRule, Counting, PeriodSpec};
use xinfang_domain::{Role, Staff};

async fn csrf_of(st: &AppState, headers: &HeaderMap) -> String {
    current(st, headers).await.map(|x| x.1).unwrap_or_default()
}

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

fn render_rules(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let rules = st.app.rules();
    let stat = xinfang_domain::clock::RuleTable::statutory();
    body.push_str("<section><h2>时限规则</h2><p>法定时限来自《信访工作条例》；本地只能收紧（更短），不能放宽；信访人请求复查、复核的期限是其权利，不能缩短。修改后所有未办结事项的期限重新计算。</p><table><thead><tr><th>时限</th><th>依据</th><th>法定</th><th>现行</th><th>临期提醒（天）</th><th>最长延期（天）</th></tr></thead><tbody>");
    let fmt = |s: &PeriodSpec| {
        format!(
            "{} {}{}",
            s.amount,
            if s.counting == Counting::WorkingDays {
                "个工作日"
            } else {
                "日"
            },
            if s.rollover {
                "（末日遇休息日顺延）"
            } else {
                ""
            }
        )
    };
    let mut options = String::new();
    for r in &rules.rules {
        let base = stat.get(r.kind);
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.kind.name_zh(),
            esc(&r.article),
            fmt(&base.spec),
            fmt(&r.spec),
            r.approaching_days,
            r.max_extension_days
        ));
        options.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            r.kind.key(),
            r.kind.name_zh()
        ));
    }
    body.push_str("</tbody></table></section>");
    body.push_str(&format!(
        "<section><h2>收紧某一时限</h2><form method=\"post\" action=\"/admin/rules\">{}\
         <label for=\"kind\">时限</label><select id=\"kind\" name=\"kind\">{options}</select>\
         <label for=\"amount\">期限（天）</label><input id=\"amount\" name=\"amount\" type=\"number\" min=\"0\" required>\
         <label for=\"counting\">计算方式</label><select id=\"counting\" name=\"counting\"><option value=\"calendar\">日（自然日）</option><option value=\"working\">工作日</option></select>\
         <label><input type=\"checkbox\" name=\"rollover\" value=\"1\" checked> 末日遇休息日顺延</label>\
         <label for=\"approaching_days\">临期提醒（剩余天数）</label><input id=\"approaching_days\" name=\"approaching_days\" type=\"number\" min=\"0\" value=\"3\" required>\
         <label for=\"max_extension_days\">最长延期（天）</label><input id=\"max_extension_days\" name=\"max_extension_days\" type=\"number\" min=\"0\" value=\"0\" required>\
         <button type=\"submit\">校验并保存</button></form></section>",
        csrf_input(csrf)
    ));
    admin_page(staff, "时限规则", status, &body)
}

/// `/admin/rules`.
pub async fn rules_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_rules(&st, &staff, &csrf, None),
        Err(r) => r,
    }
}

fn rule_form(f: &Fields) -> Result<ClockRule, AppError> {
    let kind = ClockKind::from_key(field(f, "kind"))
        .ok_or_else(|| AppError::field("kind", "请选择时限"))?;
    let num = |name: &str| -> Result<u32, AppError> {
        field(f, name)
            .trim()
            .parse()
            .map_err(|_| AppError::field(name, "应为非负整数"))
    };
    Ok(ClockRule {
        kind,
        spec: PeriodSpec {
            amount: num("amount")?,
            counting: if field(f, "counting") == "working" {
                Counting::WorkingDays
            } else {
                Counting::CalendarDays
            },
            rollover: field(f, "rollover") == "1",
        },
        article: xinfang_domain::clock::RuleTable::statutory()
            .get(kind)
            .article
            .clone(),
        approaching_days: num("approaching_days")?,
        max_extension_days: num("max_extension_days")?,
    })
}

/// Tighten a rule through the existing service (validated, audited, re-flowed).
pub async fn rules_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match rule_form(&f) {
        Ok(rule) => st
            .app
            .override_rule(&staff, rule)
            .await
            .map(|_| "已保存，未办结事项期限已重新计算".to_string()),
        Err(e) => Err(e),
    };
    let csrf = csrf_of(&st, &headers).await;
    render_rules(&st, &staff, &csrf, Some(r))
}

fn render_periods(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let today = st.app.now().date();
    let c = csrf_input(csrf);
    body.push_str("<section><h2>敏感时期</h2><p>敏感时期内，风险信号等级提高一级，各信访局每日报送预警情况或零报告（<a href=\"/work/zero-reports\">查看今日报告情况</a>）。</p><table><thead><tr><th>名称</th><th>起</th><th>止</th><th>状态</th><th></th></tr></thead><tbody>");
    for (i, p) in st.app.sensitive_periods().iter().enumerate() {
        let state = if p.to < today {
            "已结束"
        } else if p.from > today {
            "未开始"
        } else {
            "进行中"
        };
        let end = if p.to >= today {
            format!("<form method=\"post\" action=\"/admin/sensitive-periods\">{c}<input type=\"hidden\" name=\"op\" value=\"end\"><input type=\"hidden\" name=\"index\" value=\"{i}\"><button type=\"submit\">结束</button></form>")
        } else {
            String::new()
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{state}</td><td>{end}</td></tr>",
            esc(&p.name),
            p.from,
            p.to
        ));
    }
    body.push_str("</tbody></table></section>");
    body.push_str(&format!(
        "<section><h2>设立敏感时期</h2><form method=\"post\" action=\"/admin/sensitive-periods\">{c}<input type=\"hidden\" name=\"op\" value=\"add\">\
         <label for=\"name\">名称（如 全国两会）</label><input id=\"name\" name=\"name\" required>\
         <label for=\"from\">起</label><input id=\"from\" name=\"from\" type=\"date\" required value=\"{today}\">\
         <label for=\"to\">止</label><input id=\"to\" name=\"to\" type=\"date\" required value=\"{today}\">\
         <button type=\"submit\">设立</button></form></section>"
    ));
    admin_page(staff, "敏感时期", status, &body)
}

/// `/admin/sensitive-periods`.
pub async fn periods_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_periods(&st, &staff, &csrf, None),
        Err(r) => r,
    }
}

fn date_field(f: &Fields, name: &str) -> Result<NaiveDate, AppError> {
    field(f, name)
        .trim()
        .parse()
        .map_err(|_| AppError::field(name, "日期格式应为 YYYY-MM-DD"))
}

/// Create or end a sensitive period.
pub async fn periods_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match field(&f, "op") {
        "add" => match (date_field(&f, "from"), date_field(&f, "to")) {
            (Ok(from), Ok(to)) => st
                .app
                .add_sensitive_period(&staff, field(&f, "name"), from, to)
                .await
                .map(|_| "已设立".to_string()),
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        "end" => match field(&f, "index").parse::<usize>() {
            Ok(i) => st
                .app
                .end_sensitive_period(&staff, i)
                .await
                .map(|_| "已结束".to_string()),
            Err(_) => Err(AppError::field("index", "未指定敏感时期")),
        },
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = csrf_of(&st, &headers).await;
    render_periods(&st, &staff, &csrf, Some(r))
}

async fn render_zero(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    day: NaiveDate,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, mut body) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, String::new()));
    let today = st.app.now().date();
    match st.app.zero_report_status(staff, day).await {
        Ok(z) => {
            let period = z
                .period
                .as_ref()
                .map(|p| format!("敏感时期：{}（{} 至 {}）", esc(&p.name), p.from, p.to))
                .unwrap_or_else(|| "该日不在敏感时期，无需报告。".into());
            body.push_str(&format!(
                "<section><h2>每日零报告 · {day}</h2><p>{period}</p><form method=\"get\" action=\"/work/zero-reports\"><label for=\"day\">日期</label><input id=\"day\" name=\"day\" type=\"date\" value=\"{day}\"><button type=\"submit\">查看</button></form>\
                 <h3>已报告（{}）</h3><table><thead><tr><th>单位</th><th>报告</th><th>报告人</th><th>时间</th></tr></thead><tbody>",
                z.reported.len()
            ));
            for b in &z.reported {
                if let Some(r) = &b.report {
                    let what = if r.nothing_to_report {
                        "零报告".to_string()
                    } else {
                        format!("预警：{}", r.note)
                    };
                    body.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&b.unit_name),
                        esc(&what),
                        esc(&r.reported_by),
                        esc(&r.reported_at)
                    ));
                }
            }
            body.push_str(&format!(
                "</tbody></table><h3>未报告（{}）</h3><ul>",
                z.missing.len()
            ));
            for b in &z.missing {
                body.push_str(&format!("<li>{}</li>", esc(&b.unit_name)));
            }
            body.push_str("</ul></section>");
        }
        Err(e) => body.push_str(&format!(
            "<p class=\"err\">{}</p>",
            esc(&super::admin::message(&e))
        )),
    }
    let bureau = st
        .app
        .org()
        .get(staff.unit)
        .map(|u| u.kind == xinfang_domain::UnitKind::PetitionBureau)
        .unwrap_or(false);
    if bureau && st.app.sensitive_period_on(today).is_some() {
        body.push_str(&format!(
            "<section><h2>本单位今日报告</h2><form method=\"post\" action=\"/work/zero-reports\">{}\
             <label><input type=\"radio\" name=\"nothing\" value=\"1\" checked> 零报告（今日无情况）</label>\
             <label><input type=\"radio\" name=\"nothing\" value=\"0\"> 有预警情况</label>\
             <label for=\"note\">预警情况（有情况时填写）</label><textarea id=\"note\" name=\"note\" rows=\"4\"></textarea>\
             <button type=\"submit\">报告</button></form></section>",
            csrf_input(csrf)
        ));
    }
    (
        status,
        Html(page_with(
            "每日零报告",
            Some(&staff.name),
            staff.has(Role::Admin),
            &body,
        )),
    )
        .into_response()
}

/// `/work/zero-reports?day=`: who has reported (any staff; their area).
pub async fn zero_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let day = q
        .get("day")
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or_else(|| st.app.now().date());
    render_zero(&st, &staff, &csrf, day, None).await
}

/// Record today's report for the staff member's 信访局.
pub async fn zero_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let Some((staff, csrf)) = current(&st, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !csrf_ok(&csrf, field(&f, "csrf")) {
        return super::admin::forbidden(&staff, "表单已过期，请刷新页面后重试。");
    }
    let r = st
        .app
        .record_zero_report(&staff, field(&f, "nothing") == "1", field(&f, "note"))
        .await
        .map(|r| {
            if r.nothing_to_report {
                "已报送零报告".to_string()
            } else {
                "已报送预警情况".to_string()
            }
        });
    let today = st.app.now().date();
    render_zero(&st, &staff, &csrf, today, Some(r)).await
}
