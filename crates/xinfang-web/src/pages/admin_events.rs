//! 系统管理 › 数据推送 (issue #19; 第二十一条 互联互通、信息共享): the
//! webhook endpoints other systems receive case events at — the list with
//! an alert for endpoints suspended after persistent failure, registering
//! one (the secret is shown once), and one endpoint's page: change it,
//! disable or resume it, a new secret, and its delivery log (cases the
//! administrator may see only, 第三十条). The services in
//! `xinfang_app::events::endpoints` check and audit; a refusal re-renders
//! the form as typed.

use super::admin::{admin_page, admin_post, admin_session, banner, field, session_csrf, Fields};
use super::ledger_kit::{options, render, Banner, Opt};
use super::list_view::{Cell, Column, Export, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use xinfang_app::events::endpoints::{delivery_label, WebhookInput, WebhookView};
use xinfang_app::AppError;
use xinfang_domain::outbound::KINDS;
use xinfang_domain::Staff;

/// Deliveries shown on an endpoint's page.
const LOG_ROWS: i64 = 100;

/// One event kind checkbox.
struct KindBox {
    key: &'static str,
    label: &'static str,
    checked: bool,
}

/// The fields of the endpoint form, as stored or as typed.
struct FormValues {
    name: String,
    url: String,
    units: Vec<Opt>,
    kinds: Vec<KindBox>,
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct ListPage<'a> {
    banner: Option<Banner>,
    /// A secret just set, shown this once.
    secret: Option<String>,
    alerts: Vec<WebhookView>,
    list: String,
    csrf: &'a str,
    open: bool,
    form: FormValues,
}

#[derive(Template)]
#[template(path = "admin/webhook.html")]
struct OnePage<'a> {
    banner: Option<Banner>,
    secret: Option<String>,
    h: WebhookView,
    counts: String,
    csrf: &'a str,
    form: FormValues,
    log: String,
}

fn input_of(f: &Fields) -> WebhookInput {
    WebhookInput {
        name: field(f, "name").into(),
        url: field(f, "url").into(),
        kinds: f
            .iter()
            .filter(|(k, _)| k == "kinds")
            .map(|(_, v)| v.clone())
            .collect(),
        scope_unit: field(f, "scope_unit").trim().parse().unwrap_or(0),
        secret: Some(field(f, "secret").trim().to_string()).filter(|s| !s.is_empty()),
    }
}

/// The form filled with `v`: what was typed, else the endpoint, else empty.
fn form_values(st: &AppState, staff: &Staff, v: &WebhookInput) -> FormValues {
    let org = st.app.org();
    let reach = st.app.reach_of(staff);
    let mut units: Vec<_> = org
        .units()
        .filter(|u| org.is_within(u.id, reach) && st.app.unit_active(u.id))
        .collect();
    units.sort_by_key(|u| (u.level, u.id));
    FormValues {
        name: v.name.clone(),
        url: v.url.clone(),
        units: options(
            units.iter().map(|u| (u.id.0, &u.name)),
            &v.scope_unit.to_string(),
        ),
        kinds: KINDS
            .iter()
            .map(|(k, l)| KindBox {
                key: k,
                label: l,
                checked: v.kinds.iter().any(|x| x == k),
            })
            .collect(),
    }
}

fn counts_text(h: &WebhookView) -> String {
    let parts: Vec<String> = h
        .counts
        .iter()
        .map(|(s, n)| format!("{} {n}", delivery_label(s)))
        .collect();
    if parts.is_empty() {
        "尚无推送".into()
    } else {
        parts.join("；")
    }
}

async fn render_list(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, AppError>>,
    secret: Option<String>,
    typed: Option<WebhookInput>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let lq = ListQuery::from_query(q);
    let hooks = st.app.webhook_views(staff).await.unwrap_or_default();
    let rows = hooks
        .iter()
        .map(|h| {
            let state = Cell::text(h.status_label);
            vec![
                Cell::link(&h.name, format!("/admin/webhooks/{}", h.id)),
                Cell::text(&h.url),
                Cell::text(&h.scope_unit_name),
                Cell::text(h.kind_labels.join("、")),
                if h.status == "active" {
                    state
                } else {
                    state.class("overdue")
                },
                Cell::text(counts_text(h)),
            ]
        })
        .collect();
    let view = ListView {
        title: "接收地址".into(),
        unit_word: "个",
        base: "/admin/webhooks",
        total: hooks.len() as i64,
        filters: vec![],
        columns: vec![
            Column::plain("接收系统"),
            Column::plain("推送地址"),
            Column::plain("订阅范围"),
            Column::plain("事件"),
            Column::plain("状态"),
            Column::plain("推送情况"),
        ],
        rows,
        export: Export::None,
        empty: "尚未登记接收地址。",
        above: String::new(),
    };
    let open = typed.is_some();
    let default_kinds = WebhookInput {
        kinds: KINDS.iter().map(|(k, _)| k.to_string()).collect(),
        scope_unit: st.app.reach_of(staff).0,
        ..Default::default()
    };
    let body = render(&ListPage {
        banner,
        secret,
        alerts: hooks
            .iter()
            .filter(|h| h.status == "suspended")
            .cloned()
            .collect(),
        list: view.render(&lq),
        csrf,
        open,
        form: form_values(st, staff, typed.as_ref().unwrap_or(&default_kinds)),
    });
    admin_page(staff, "数据推送", status, &body)
}

/// `/admin/webhooks`.
pub async fn list_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_list(&st, &staff, &csrf, &q, None, None, None).await,
        Err(r) => r,
    }
}

/// Register an endpoint.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let input = input_of(&f);
    let r = st.app.create_webhook(&staff, &input).await;
    let csrf = session_csrf(&st, &headers).await;
    let (outcome, secret, typed) = match r {
        Ok((_, secret)) => (
            Ok(format!(
                "已登记“{}”，此后发生的事件将推送到该地址",
                input.name.trim()
            )),
            Some(secret),
            None,
        ),
        Err(e) => (Err(e), None, Some(input)),
    };
    let q = HashMap::new();
    render_list(&st, &staff, &csrf, &q, Some(outcome), secret, typed).await
}

async fn render_one(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    id: i64,
    outcome: Option<Result<String, AppError>>,
    secret: Option<String>,
    typed: Option<WebhookInput>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let h = match st.app.webhook_view(staff, id).await {
        Ok(h) => h,
        Err(_) => {
            let b = render(&super::ledger_kit::Message::alert("未找到该接收地址"));
            return admin_page(staff, "数据推送", StatusCode::NOT_FOUND, &b);
        }
    };
    // The latest deliveries on one page (the API reads up to 500).
    let lq = ListQuery {
        page: 1,
        size: LOG_ROWS,
        sort: String::new(),
        filter: vec![],
    };
    let log = st
        .app
        .webhook_log(staff, id, LOG_ROWS)
        .await
        .unwrap_or_default();
    let rows = log
        .iter()
        .map(|d| {
            let state = Cell::text(d.status_label);
            vec![
                Cell::text(&d.created_at),
                Cell::link(&d.case_no, format!("/work/cases/{}", d.case_no)),
                Cell::text(d.kind_label),
                if d.status == "delivered" {
                    state
                } else {
                    state.class("muted")
                },
                Cell::text(d.attempts.to_string()),
                Cell::text(match (&d.last_code, d.last_error.is_empty()) {
                    (_, false) => d.last_error.clone(),
                    (Some(c), true) => format!("HTTP {c}"),
                    (None, true) => "—".into(),
                }),
                Cell::text(d.done_at.clone().unwrap_or_else(|| "—".into())),
            ]
        })
        .collect();
    let view = ListView {
        title: format!("最近推送记录（至多{LOG_ROWS}条）"),
        unit_word: "条",
        base: "",
        total: log.len() as i64,
        filters: vec![],
        columns: vec![
            Column::plain("生成时间"),
            Column::plain("信访编号"),
            Column::plain("事件"),
            Column::plain("状态"),
            Column::plain("尝试次数"),
            Column::plain("最近结果"),
            Column::plain("完成时间"),
        ],
        rows,
        export: Export::None,
        empty: "尚无推送记录。",
        above: String::new(),
    };
    let log_html = view.render(&lq);
    let current = WebhookInput {
        name: h.name.clone(),
        url: h.url.clone(),
        kinds: h.kinds.clone(),
        scope_unit: h.scope_unit,
        secret: None,
    };
    let body = render(&OnePage {
        banner,
        secret,
        counts: counts_text(&h),
        csrf,
        form: form_values(st, staff, typed.as_ref().unwrap_or(&current)),
        log: log_html,
        h,
    });
    admin_page(staff, "数据推送", status, &body)
}

/// `/admin/webhooks/{id}`.
pub async fn one_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match admin_session(&st, &headers).await {
        Ok((staff, csrf)) => render_one(&st, &staff, &csrf, id, None, None, None).await,
        Err(r) => r,
    }
}

/// Save, disable, enable, or set a new secret.
pub async fn change(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let staff = match admin_post(&st, &headers, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut secret = None;
    let mut typed = None;
    let r = match field(&f, "op") {
        "save" => {
            let mut input = input_of(&f);
            input.secret = None;
            let r = st.app.update_webhook(&staff, id, &input).await;
            if r.is_err() {
                typed = Some(input);
            }
            r.map(|_| "已保存".to_string())
        }
        "disable" => st
            .app
            .set_webhook_enabled(&staff, id, false)
            .await
            .map(|_| "已停用：不再推送，也不再积存事件".to_string()),
        "enable" => st
            .app
            .set_webhook_enabled(&staff, id, true)
            .await
            .map(|_| "已恢复推送".to_string()),
        "secret" => {
            let given = field(&f, "secret").trim();
            st.app
                .rotate_webhook_secret(&staff, id, Some(given).filter(|s| !s.is_empty()))
                .await
                .map(|s| {
                    secret = Some(s);
                    "已更换签名密钥".to_string()
                })
        }
        _ => Err(AppError::field("op", "未知操作")),
    };
    let csrf = session_csrf(&st, &headers).await;
    render_one(&st, &staff, &csrf, id, Some(r), secret, typed).await
}
