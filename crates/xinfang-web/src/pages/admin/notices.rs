//! 系统管理 › 通知 (issue #19): the gateways' state (configured or not,
//! messages by state, the latest failures — a dead gateway shows here,
//! never to the petitioner) and the text of every notice, edited with only
//! its own placeholders (`xinfang_app::notify`; changes are audited). A
//! refused text comes back as typed, with the reason.

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, session_csrf};
use crate::pages::ledgers::kit::{render, Banner};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use xinfang_app::notify::notice::Notice;
use xinfang_app::AppError;
use xinfang_domain::Staff;

struct GatewayRow {
    channel_label: &'static str,
    configured: bool,
    counts: Vec<(&'static str, i64)>,
    failures: Vec<(String, String)>,
}

struct NoticeRow {
    key: &'static str,
    label: &'static str,
    placeholders: String,
    text: String,
    default_text: &'static str,
}

#[derive(Template)]
#[template(path = "admin/notices.html")]
struct NoticesPage {
    banner: Option<Banner>,
    csrf: String,
    gateways: Vec<GatewayRow>,
    notices: Vec<NoticeRow>,
}

async fn render_page(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
    typed: Option<(&str, &str)>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let gateways = st
        .app
        .gateway_status(staff)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|g| GatewayRow {
            channel_label: g.channel_label,
            configured: g.configured,
            counts: g
                .counts
                .iter()
                .map(|(s, n)| (xinfang_app::notify::status_label(s), *n))
                .collect(),
            failures: g.recent_failures,
        })
        .collect();
    let mut notices = vec![];
    for n in Notice::ALL {
        let text = match typed {
            Some((k, t)) if k == n.key() => t.to_string(),
            _ => st.app.notice_text(n).await.unwrap_or_default(),
        };
        notices.push(NoticeRow {
            key: n.key(),
            label: n.label_zh(),
            placeholders: n.placeholders().join("、"),
            text,
            default_text: n.default_text(),
        });
    }
    let body = render(&NoticesPage {
        banner,
        csrf: csrf.to_string(),
        gateways,
        notices,
    });
    admin_page(staff, "通知", status, &body)
}

/// `/admin/notices`.
pub async fn notices_page(
    State(st): State<AppState>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_page(&st, &staff, &csrf, None, None).await
}

/// Save one notice's text.
pub async fn notices_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<NoticeForm>,
) -> Response {
    let (notice, text) = (f.notice.as_str(), f.text.as_str());
    let r = st.app.set_notice_text(&staff, notice, text).await.map(|_| {
        format!(
            "已保存“{}”",
            Notice::from_key(notice)
                .map(|n| n.label_zh())
                .unwrap_or("通知")
        )
    });
    let csrf = session_csrf(&st, &headers).await;
    let typed = r.is_err().then_some((notice, text));
    render_page(&st, &staff, &csrf, Some(r), typed).await
}

/// One notice's text, as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeForm {
    notice: String,
    text: String,
}
