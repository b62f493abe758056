//! 系统管理 › 时限规则 (the statutory table; a deployment may only tighten,
//! through the existing audited service that re-flows open cases) and
//! 敏感时期 (create and end 重大活动 windows).

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, field, kept, session_csrf as csrf_of, Fields, Kept};
use crate::pages::ledgers::kit::{options, render, Banner, Opt};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use xinfang_app::AppError;
use xinfang_domain::clock::{ClockKind, ClockRule, Counting, PeriodSpec};
use xinfang_domain::Staff;

/// One limit in the table.
struct RuleRow {
    name: &'static str,
    article: String,
    statutory: String,
    current: String,
    approaching_days: u32,
    max_extension_days: u32,
}

/// The table of limits and the form to tighten one (what was typed comes
/// back when it is refused).
#[derive(Template)]
#[template(path = "admin/rules.html")]
struct RulesPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    rules: Vec<RuleRow>,
    kinds: Vec<Opt>,
    amount: String,
    countings: Vec<Opt>,
    rollover: bool,
    approaching_days: String,
    source: String,
    max_extension_days: String,
}

/// "15 日（末日遇休息日顺延）".
fn period_text(s: &PeriodSpec) -> String {
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
}

fn render_rules(
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
    let rules = st.app.rules();
    let stat = xinfang_domain::clock::RuleTable::statutory();
    let rows = rules
        .rules
        .iter()
        .map(|r| RuleRow {
            name: r.kind.name_zh(),
            article: r.article.clone(),
            statutory: if r.kind.is_local() {
                "条例未规定".to_string()
            } else {
                period_text(&stat.get(r.kind).spec)
            },
            current: period_text(&r.spec),
            approaching_days: r.approaching_days,
            max_extension_days: r.max_extension_days,
        })
        .collect();
    let body = render(&RulesPage {
        banner,
        csrf,
        rules: rows,
        kinds: options(
            rules.rules.iter().map(|r| (r.kind.key(), r.kind.name_zh())),
            &typed.get("kind"),
        ),
        amount: typed.get("amount"),
        countings: options(
            [("calendar", "日（自然日）"), ("working", "工作日")],
            &typed.get("counting"),
        ),
        rollover: typed.or("rollover", "1") == "1",
        approaching_days: typed.or("approaching_days", "3"),
        source: typed.get("source"),
        max_extension_days: typed.or("max_extension_days", "0"),
    });
    admin_page(staff, "时限规则", status, &body)
}

/// `/admin/rules`.
pub async fn rules_page(
    State(st): State<AppState>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_rules(&st, &staff, &csrf, None, Kept(None))
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
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
    let r = match rule_form(&f) {
        Ok(rule) => st
            .app
            .override_rule(&staff, rule)
            .await
            .map(|_| "已保存，未办结事项期限已重新计算".to_string()),
        Err(e) => Err(e),
    };
    let csrf = csrf_of(&st, &headers).await;
    let typed = kept(&r, &f);
    render_rules(&st, &staff, &csrf, Some(r), typed)
}

/// One sensitive period in the table.
struct PeriodRow {
    index: usize,
    name: String,
    from: NaiveDate,
    to: NaiveDate,
    state: &'static str,
    /// Not over yet: it can be ended.
    open: bool,
}

/// The sensitive periods, ending one (confirmed), and setting up one.
#[derive(Template)]
#[template(path = "admin/periods.html")]
struct PeriodsPage<'a> {
    banner: Option<Banner>,
    csrf: &'a str,
    periods: Vec<PeriodRow>,
    name: String,
    from: String,
    to: String,
}

fn render_periods(
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
    let today = st.app.now().date();
    let periods = st
        .app
        .sensitive_periods()
        .iter()
        .enumerate()
        .map(|(index, p)| PeriodRow {
            index,
            name: p.name.clone(),
            from: p.from,
            to: p.to,
            state: if p.to < today {
                "已结束"
            } else if p.from > today {
                "未开始"
            } else {
                "进行中"
            },
            open: p.to >= today,
        })
        .collect();
    // Only the form to set one up keeps what was typed (ending has no fields).
    let adding = typed.get("op") == "add";
    let kept_or = |name: &str| {
        if adding {
            typed.get(name)
        } else {
            today.to_string()
        }
    };
    let body = render(&PeriodsPage {
        banner,
        csrf,
        periods,
        name: if adding {
            typed.get("name")
        } else {
            String::new()
        },
        from: kept_or("from"),
        to: kept_or("to"),
    });
    admin_page(staff, "敏感时期", status, &body)
}

/// `/admin/sensitive-periods`.
pub async fn periods_page(
    State(st): State<AppState>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_periods(&st, &staff, &csrf, None, Kept(None))
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
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
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
    let typed = kept(&r, &f);
    render_periods(&st, &staff, &csrf, Some(r), typed)
}
