//! 系统管理 › 时限规则 (the statutory table; a deployment may only tighten,
//! through the existing audited service that re-flows open cases) and
//! 敏感时期 (create and end 重大活动 windows).

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
use chrono::NaiveDate;
use xinfang_app::AppError;
use xinfang_domain::clock::{ClockKind, ClockRule, Counting, PeriodSpec};
use xinfang_domain::Staff;
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
    body.push_str("<section><h2>时限规则</h2><p>法定时限来自《信访工作条例》；本地只能收紧（更短），不能放宽；信访人请求复查、复核的期限是其权利，不能缩短。建议意见类、检举控告类事项的办理期限条例未作规定（第三十四条的60日只适用于第三十一条第六项事项），按本地规定设置并写明依据。修改后所有未办结事项的期限重新计算。</p><table><thead><tr><th>时限</th><th>依据</th><th>法定</th><th>现行</th><th>临期提醒（天）</th><th>最长延期（天）</th></tr></thead><tbody>");
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
            if r.kind.is_local() {
                "条例未规定".to_string()
            } else {
                fmt(&base.spec)
            },
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
         <label for=\"source\">依据（仅本地规定的期限填写，如《××省信访事项办理规定》第十条）</label><input id=\"source\" name=\"source\" maxlength=\"100\">\
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
        // The article of a statutory limit is fixed (the service keeps it);
        // a local limit names its own source.
        article: if kind.is_local() {
            field(f, "source").trim().to_string()
        } else {
            xinfang_domain::clock::RuleTable::statutory()
                .get(kind)
                .article
                .clone()
        },
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
