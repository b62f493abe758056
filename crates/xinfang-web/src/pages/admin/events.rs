//! 系统管理 › 数据推送 (issue #19; 第二十一条 互联互通、信息共享): the
//! webhook endpoints other systems receive case events at — the list with
//! an alert for endpoints suspended after persistent failure, and
//! registering one (the secret is shown once); the endpoint form both
//! pages share. One endpoint's page is `admin_webhook`. The services in
//! `xinfang_app::events::endpoints` check and audit; a refusal re-renders
//! the form as typed.

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, field, session_csrf, Fields};
use crate::pages::ledgers::kit::{options, render, Banner, Opt};
use crate::pages::list_view::{Cell, Column, Export, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use xinfang_app::events::endpoints::{delivery_label, WebhookInput, WebhookView};
use xinfang_app::AppError;
use xinfang_domain::outbound::KINDS;
use xinfang_domain::Staff;

/// One event kind checkbox.
pub(super) struct KindBox {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) checked: bool,
}

/// The fields of the endpoint form, as stored or as typed.
pub(super) struct FormValues {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) units: Vec<Opt>,
    pub(super) kinds: Vec<KindBox>,
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

pub(super) fn input_of(f: &Fields) -> WebhookInput {
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
pub(super) fn form_values(st: &AppState, staff: &Staff, v: &WebhookInput) -> FormValues {
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

pub(super) fn counts_text(h: &WebhookView) -> String {
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
    Query(q): Query<HashMap<String, String>>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_list(&st, &staff, &csrf, &q, None, None, None).await
}

/// Register an endpoint.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
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
