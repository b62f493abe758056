//! 系统管理 › 电子签章 (issue #20 item 6): the platform's root key
//! fingerprint, every body's signing key with its fingerprint and state,
//! 换发 (a new key for a body; the old one stops signing) and 吊销. Keys are
//! derived from the root key in the key file, so nothing secret is shown or
//! stored here (`xinfang_app::document_seal`); every change is audited.

use crate::pages::admin::extract::{AdminForm, AdminSession};
use crate::pages::admin::{admin_page, banner, session_csrf};
use crate::pages::ledgers::kit::{options, render, Banner, Opt};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use xinfang_app::document_seal::{fingerprint, KeyView};
use xinfang_app::AppError;
use xinfang_domain::Staff;

#[derive(Template)]
#[template(path = "admin/seals.html")]
struct SealsPage {
    banner: Option<Banner>,
    csrf: String,
    root: Option<String>,
    keys: Vec<KeyView>,
    units: Vec<Opt>,
}

async fn render_page(
    st: &AppState,
    staff: &Staff,
    csrf: &str,
    outcome: Option<Result<String, AppError>>,
) -> Response {
    let (status, banner) = outcome
        .as_ref()
        .map(banner)
        .unwrap_or((StatusCode::OK, None));
    let keys = st.app.signing_keys(staff).await.unwrap_or_default();
    let org = st.app.org();
    let units = options(
        org.subtree(staff.unit)
            .into_iter()
            .filter_map(|u| org.get(u))
            .map(|u| (u.id.0, &u.name)),
        "",
    );
    let body = render(&SealsPage {
        banner,
        csrf: csrf.to_string(),
        root: st.app.signing_root_public_key().map(|k| fingerprint(&k)),
        keys,
        units,
    });
    admin_page(staff, "电子签章", status, &body)
}

/// `/admin/seals`.
pub async fn seals_page(
    State(st): State<AppState>,
    AdminSession { staff, csrf }: AdminSession,
) -> Response {
    render_page(&st, &staff, &csrf, None).await
}

/// 换发 (`action=reissue`, `unit_id`) or 吊销 (`action=revoke`, `key_id`).
pub async fn seals_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    AdminForm { staff, form: f }: AdminForm<SealForm>,
) -> Response {
    let r = match f.action.as_str() {
        "reissue" => match f.unit_id.parse::<i64>() {
            Ok(unit) => st
                .app
                .reissue_signing_key(&staff, unit)
                .await
                .map(|k| format!("已换发签章密钥 {k}，此后的文书用新密钥签章")),
            Err(_) => Err(AppError::field("unit_id", "请选择单位")),
        },
        "revoke" => {
            let key = f.key_id.as_str();
            st.app.revoke_signing_key(&staff, key).await.map(|new| {
                format!("已吊销签章密钥 {key}，并换发新密钥 {new}；此前签发的文书仍可核验")
            })
        }
        _ => Err(AppError::field("action", "未知操作")),
    };
    let csrf = session_csrf(&st, &headers).await;
    render_page(&st, &staff, &csrf, Some(r)).await
}

/// A seal key reissued for a unit, or one key revoked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SealForm {
    action: String,
    unit_id: String,
    key_id: String,
}
