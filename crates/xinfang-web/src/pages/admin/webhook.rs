//! 系统管理 › 数据推送 › one endpoint (issue #19): its state and failures,
//! the form to change it, 停用 / 恢复推送, a new secret (shown once), and
//! its latest deliveries — of cases the administrator may see only
//! (第三十条). The services in `xinfang_app::events::endpoints` check and
//! audit; a refused change re-renders the form as typed.

use crate::pages::admin::events::{counts_text, form_values, input_of, FormValues};
use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, field, session_csrf, Fields};
use crate::pages::ledgers::kit::{render, Banner};
use crate::pages::list_view::{Cell, Column, Export, ListQuery, ListView};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use xinfang_app::events::endpoints::{WebhookInput, WebhookView};
use xinfang_app::AppError;
use xinfang_domain::Staff;

/// Deliveries shown on an endpoint's page.
const LOG_ROWS: i64 = 100;

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
            let b = render(&crate::pages::ledgers::kit::Message::alert(
                "未找到该接收地址",
            ));
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
    Path(id): Path<i64>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_one(&st, &staff, &csrf, id, None, None, None).await
}

/// Save, disable, enable, or set a new secret.
pub async fn change(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    AdminForm { staff, form: f }: AdminForm<Fields>,
) -> Response {
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
