//! 系统管理: the index page and what every administration page shares — only
//! administrators get in (403 page for others), every form carries the
//! session's CSRF token, and a posted form re-renders its page with the
//! outcome (the services in `xinfang-app` validate and audit), keeping what
//! was typed when it failed. The pages are askama templates under
//! `templates/admin/` (escaped by askama; see `ledgers/kit.rs` for what they
//! share with the ledgers). The folder: units, users, taxonomy and risk
//! lexicon (`data.rs`), notice texts, seals, clock rules and sensitive
//! periods, webhooks (`events.rs`, `webhook.rs`) and the historical-case
//! import (`import.rs`).

pub(crate) mod data;
pub(crate) mod events;
pub(crate) mod extract;
pub(crate) mod import;
pub(crate) mod notices;
pub(crate) mod rules;
pub(crate) mod seals;
pub(crate) mod units;
pub(crate) mod users;
pub(crate) mod webhook;

use crate::pages::admin::extract::AdminSession;
use crate::pages::html::page;
use crate::pages::ledgers::kit::{message_page, render, Banner, Message};
use crate::pages::session::current;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use xinfang_app::AppError;
use xinfang_domain::{Role, Staff};

/// Posted form fields (a list, so repeated checkboxes such as roles survive).
pub(super) type Fields = Vec<(String, String)>;

pub(super) fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The logged-in administrator and CSRF secret, or the response to send instead.
pub(super) async fn admin_session(
    st: &AppState,
    headers: &HeaderMap,
) -> Result<(Staff, String), Response> {
    let Some((staff, csrf)) = current(st, headers).await else {
        return Err(Redirect::to("/login").into_response());
    };
    if !staff.has(Role::Admin) {
        return Err(forbidden(&staff, "仅管理员可以使用系统管理。"));
    }
    Ok((staff, csrf))
}

pub(super) fn forbidden(staff: &Staff, msg: &str) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "无权访问",
        Some(staff),
        Message::alert(msg),
    )
}

/// The Chinese message of a service error.
pub(super) fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => list
            .iter()
            .map(|x| x.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        AppError::NotFound => "未找到".into(),
        other => other.to_string(),
    }
}

/// Outcome banner of a posted form: (status, banner).
pub(super) fn banner(r: &Result<String, AppError>) -> (StatusCode, Option<Banner>) {
    match r {
        Ok(m) => (StatusCode::OK, Some(Banner::ok(m.clone()))),
        Err(e) => (
            match e {
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            Some(Banner::err(format!("未保存：{}", message(e)))),
        ),
    }
}

/// The way back to 系统管理 above an administration page's own content.
#[derive(Template)]
#[template(path = "admin/page.html")]
struct AdminPage<'a> {
    body: &'a str,
}

/// An administration page: `body` is the HTML of the page's template.
pub(super) fn admin_page(staff: &Staff, title: &str, status: StatusCode, body: &str) -> Response {
    let body = render(&AdminPage { body });
    (
        status,
        Html(crate::pages::html::page_in(
            title,
            staff,
            &[("系统管理", "/admin")],
            &body,
        )),
    )
        .into_response()
}

/// What a re-rendered form shows: the fields of the post that failed.
pub(super) struct Kept<'a>(pub Option<&'a Fields>);

impl Kept<'_> {
    /// What was typed into `name` ("" when the form was not posted).
    pub fn get(&self, name: &str) -> String {
        self.0
            .map(|f| field(f, name).to_string())
            .unwrap_or_default()
    }
    /// What was typed, or `default` on a fresh form.
    pub fn or(&self, name: &str, default: &str) -> String {
        match self.0 {
            Some(f) => field(f, name).to_string(),
            None => default.to_string(),
        }
    }
    /// Every value of a repeated field (checkboxes), or `default`.
    pub fn all(&self, name: &str, default: &[&str]) -> Vec<String> {
        match self.0 {
            Some(f) => f
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect(),
            None => default.iter().map(|s| s.to_string()).collect(),
        }
    }
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }
}

/// The fields of a post to keep on the re-rendered page: only when it failed.
pub(super) fn kept<'a, T>(r: &Result<T, AppError>, f: &'a Fields) -> Kept<'a> {
    Kept(r.is_err().then_some(f))
}

/// One role checkbox.
pub(super) struct RoleBox {
    pub key: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The role checkboxes with `checked` ticked.
pub(super) fn role_boxes(checked: &[String]) -> Vec<RoleBox> {
    Role::ALL
        .iter()
        .map(|r| RoleBox {
            key: r.key(),
            label: r.label_zh(),
            checked: checked.iter().any(|c| c == r.key()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct Index {
    links: [(&'static str, &'static str, &'static str); 11],
    /// 数据推送 endpoints suspended after persistent failure.
    alerts: Vec<xinfang_app::events::endpoints::WebhookView>,
}

/// `/admin`: links to every administration page.
pub async fn index(
    State(st): State<AppState>,
    AdminSession { staff, .. }: AdminSession,
) -> Response {
    let links = [
        (
            "/admin/units",
            "单位管理",
            "单位树：新增下级单位、更名、停用",
        ),
        (
            "/admin/users",
            "用户管理",
            "按单位查看用户；新建、调整角色、重置密码、停用",
        ),
        (
            "/admin/sign-in",
            "登录安全",
            "须使用动态验证码的角色；会话超时与登录失败锁定",
        ),
        (
            "/admin/taxonomy",
            "内容分类",
            "领域 → 类别 → 细类：新增、更名、停用",
        ),
        (
            "/admin/lexicon",
            "风险词库",
            "扬言、第二十六条行为等风险词及重复访、集体访阈值",
        ),
        ("/admin/rules", "时限规则", "法定时限及本地收紧"),
        (
            "/admin/notices",
            "通知",
            "短信网关、邮件服务器的状态；发给信访人的通知内容",
        ),
        (
            "/admin/seals",
            "电子签章",
            "平台根密钥，各单位文书签章密钥的换发、吊销",
        ),
        (
            "/admin/webhooks",
            "数据推送",
            "向其他系统推送办理进展的接收地址、推送记录",
        ),
        ("/admin/calendar", "节假日安排", "国务院年度节假日安排"),
        (
            "/admin/sensitive-periods",
            "敏感时期",
            "重大活动期间的敏感时期及每日零报告",
        ),
    ];
    let alerts = st.app.webhook_alerts(&staff).await.unwrap_or_default();
    let body = render(&Index { links, alerts });
    Html(page("系统管理", Some(&staff), &body)).into_response()
}

/// The session's CSRF secret (to re-render a form after a post).
pub(super) async fn session_csrf(st: &AppState, headers: &HeaderMap) -> String {
    current(st, headers).await.map(|x| x.1).unwrap_or_default()
}
