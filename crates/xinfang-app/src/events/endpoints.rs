//! Webhook endpoints as administrators manage them (issue #19): register
//! (URL, secret, event kinds, the unit whose view the endpoint gets), change,
//! disable and enable (an enabled suspended endpoint resumes where it
//! stopped), a new secret; and each endpoint's state and delivery log.
//!
//! An administrator grants only what their own area covers: the scope unit
//! must lie in their reach. The log and its counts show only cases the
//! administrator may see themselves (第三十条: an administrator of a body
//! above an accused one must not learn of the accusation from the log of an
//! endpoint that may). The secret is shown once, when it is set.

use super::webhook::MAX_FAILURES;
use crate::error::{AppError, FieldError};
use crate::state::App;
use serde::{Deserialize, Serialize};
use xinfang_domain::outbound::{kind_label, KINDS};
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_store::{fmt_time, DeliveryRow, WebhookFields, WebhookRow};

/// What an administrator submits.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct WebhookInput {
    /// 接收系统名称
    #[schema(max_length = 50)]
    pub name: String,
    /// 推送地址（http:// 或 https://，不含用户名密码）
    pub url: String,
    #[schema(schema_with = event_kinds)]
    pub kinds: Vec<String>,
    /// 订阅范围：该单位的工作人员能看到的信访事项（含第三十条限制），须在本人管辖范围内
    pub scope_unit: i64,
    /// 签名密钥；不填（或为空）则随机生成，只在本次响应中返回一次
    #[serde(default)]
    #[schema(min_length = 16, max_length = 200)]
    pub secret: Option<String>,
}

/// The OpenAPI schema of [`WebhookInput::kinds`]: at least one of [`KINDS`].
fn event_kinds() -> utoipa::openapi::schema::Array {
    let kind = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(KINDS.iter().map(|(key, _)| *key)));
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(kind)
        .min_items(Some(1))
        .description(Some("订阅的事件"))
        .build()
}

/// The OpenAPI schema of [`WebhookView::status`]: the keys [`status_label`] names.
fn webhook_status() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["active", "suspended", "disabled"]))
        .build()
}

/// An endpoint as administrators see it (never its secret).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub kinds: Vec<String>,
    pub kind_labels: Vec<&'static str>,
    pub scope_unit: i64,
    pub scope_unit_name: String,
    #[schema(schema_with = webhook_status)]
    pub status: String,
    pub status_label: &'static str,
    pub failures: i64,
    pub max_failures: i64,
    pub next_at: String,
    pub last_error: String,
    pub suspended_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    /// Deliveries by status (of cases the reader may see).
    pub counts: Vec<(String, i64)>,
}

/// One line of an endpoint's delivery log.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub case_no: String,
    pub event_id: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub status: String,
    pub status_label: &'static str,
    pub attempts: i64,
    pub last_code: Option<i64>,
    pub last_error: String,
    pub created_at: String,
    pub done_at: Option<String>,
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "active" => "推送中",
        "suspended" => "因持续失败已暂停",
        "disabled" => "已停用",
        _ => "未知",
    }
}

pub fn delivery_label(s: &str) -> &'static str {
    match s {
        "pending" => "待推送",
        "delivered" => "已送达",
        "withheld" => "未推送（已超出订阅范围）",
        _ => "未知",
    }
}

fn field(errors: &mut Vec<FieldError>, f: &str, m: &str) {
    errors.push(FieldError {
        field: f.into(),
        message: m.into(),
    });
}

fn check_secret(s: &str, errors: &mut Vec<FieldError>) {
    let n = s.chars().count();
    if !(16..=200).contains(&n) || !s.chars().all(|c| c.is_ascii_graphic()) {
        field(
            errors,
            "secret",
            "密钥应为16至200个字符的英文字母、数字或符号，不含空格",
        );
    }
}

fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

impl App {
    fn admin_only(&self, staff: &Staff) -> Result<(), AppError> {
        if staff.has(Role::Admin) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Every error of `input` at once; the kinds joined for storage.
    fn check_webhook(&self, staff: &Staff, input: &WebhookInput) -> Result<String, AppError> {
        let mut errors = vec![];
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            field(&mut errors, "name", "请填写接收系统名称（不超过50字）");
        }
        let url = input.url.trim();
        match reqwest::Url::parse(url) {
            Ok(u) if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() => {
                field(&mut errors, "url", "推送地址应以 http:// 或 https:// 开头")
            }
            Ok(u) if !u.username().is_empty() || u.password().is_some() => field(
                &mut errors,
                "url",
                "推送地址中不得含用户名或密码，请用密钥验证签名",
            ),
            Ok(_) if url.len() > 500 => field(&mut errors, "url", "推送地址过长"),
            Ok(_) => {}
            Err(_) => field(&mut errors, "url", "推送地址格式不正确"),
        }
        let mut kinds: Vec<&str> = vec![];
        for k in &input.kinds {
            match KINDS.iter().find(|(key, _)| key == k) {
                Some((key, _)) if !kinds.contains(key) => kinds.push(key),
                Some(_) => {}
                None => field(&mut errors, "kinds", &format!("没有这种事件：{k}")),
            }
        }
        if input.kinds.is_empty() {
            field(&mut errors, "kinds", "请至少选择一种事件");
        }
        let org = self.org();
        let unit = UnitId(input.scope_unit);
        if org.get(unit).is_none() || !self.unit_active(unit) {
            field(&mut errors, "scope_unit", "请选择在用的单位作为订阅范围");
        } else if !org.is_within(unit, self.reach_of(staff)) {
            field(
                &mut errors,
                "scope_unit",
                "订阅范围只能是本人管辖范围内的单位",
            );
        }
        if let Some(s) = input.secret.as_deref().filter(|s| !s.is_empty()) {
            check_secret(s, &mut errors);
        }
        if errors.is_empty() {
            Ok(kinds.join(","))
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    /// Register an endpoint; returns its id and secret (shown once). Its
    /// events start with the next one written.
    pub async fn create_webhook(
        &self,
        staff: &Staff,
        input: &WebhookInput,
    ) -> Result<(i64, String), AppError> {
        self.admin_only(staff)?;
        let kinds = self.check_webhook(staff, input)?;
        let secret = match input.secret.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => s.to_string(),
            None => new_secret(),
        };
        let f = WebhookFields {
            name: input.name.trim(),
            url: input.url.trim(),
            kinds: &kinds,
            scope_unit: input.scope_unit,
        };
        let head = self.store.max_event_seq().await?;
        let by = format!("user:{}", staff.username);
        let id = self
            .store
            .insert_webhook(&f, &secret, head, &fmt_time(self.now()), &by)
            .await?;
        Ok((id, secret))
    }

    /// Change name, URL, kinds and scope (the secret stays unless given).
    pub async fn update_webhook(
        &self,
        staff: &Staff,
        id: i64,
        input: &WebhookInput,
    ) -> Result<(), AppError> {
        self.admin_only(staff)?;
        self.store.webhook(id).await?.ok_or(AppError::NotFound)?;
        let kinds = self.check_webhook(staff, input)?;
        let f = WebhookFields {
            name: input.name.trim(),
            url: input.url.trim(),
            kinds: &kinds,
            scope_unit: input.scope_unit,
        };
        let by = format!("user:{}", staff.username);
        let now = fmt_time(self.now());
        self.store.update_webhook(id, &f, &now, &by).await?;
        if let Some(s) = input.secret.as_deref().filter(|s| !s.is_empty()) {
            self.store.set_webhook_secret(id, s, &now, &by).await?;
        }
        Ok(())
    }

    /// A new secret: the one given, or a random one; returned once.
    pub async fn rotate_webhook_secret(
        &self,
        staff: &Staff,
        id: i64,
        given: Option<&str>,
    ) -> Result<String, AppError> {
        self.admin_only(staff)?;
        let secret = match given.filter(|s| !s.is_empty()) {
            Some(s) => {
                let mut errors = vec![];
                check_secret(s, &mut errors);
                if !errors.is_empty() {
                    return Err(AppError::Invalid(errors));
                }
                s.to_string()
            }
            None => new_secret(),
        };
        let by = format!("user:{}", staff.username);
        self.store
            .set_webhook_secret(id, &secret, &fmt_time(self.now()), &by)
            .await?;
        Ok(secret)
    }

    /// Disable, or enable (a suspended endpoint resumes with its queue; a
    /// disabled one starts again with the next event).
    pub async fn set_webhook_enabled(
        &self,
        staff: &Staff,
        id: i64,
        enabled: bool,
    ) -> Result<(), AppError> {
        self.admin_only(staff)?;
        let head = self.store.max_event_seq().await?;
        let status = if enabled { "active" } else { "disabled" };
        let by = format!("user:{}", staff.username);
        self.store
            .set_webhook_status(id, status, head, &fmt_time(self.now()), &by)
            .await?;
        Ok(())
    }

    async fn view(&self, staff: &Staff, h: WebhookRow) -> Result<WebhookView, AppError> {
        let kinds: Vec<String> = h.kinds.split(',').map(str::to_string).collect();
        let counts = self
            .store
            .webhook_counts(h.id, &self.scope_of(staff))
            .await?;
        Ok(WebhookView {
            kind_labels: kinds.iter().filter_map(|k| kind_label(k)).collect(),
            kinds,
            scope_unit_name: self
                .org()
                .get(UnitId(h.scope_unit))
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            status_label: status_label(&h.status),
            max_failures: MAX_FAILURES,
            counts,
            id: h.id,
            name: h.name,
            url: h.url,
            scope_unit: h.scope_unit,
            status: h.status,
            failures: h.failures,
            next_at: h.next_at,
            last_error: h.last_error,
            suspended_at: h.suspended_at,
            created_by: h.created_by,
            created_at: h.created_at,
            updated_at: h.updated_at,
        })
    }

    /// Every endpoint (administrators).
    pub async fn webhook_views(&self, staff: &Staff) -> Result<Vec<WebhookView>, AppError> {
        self.admin_only(staff)?;
        let mut out = vec![];
        for h in self.store.webhooks().await? {
            out.push(self.view(staff, h).await?);
        }
        Ok(out)
    }

    /// One endpoint (administrators).
    pub async fn webhook_view(&self, staff: &Staff, id: i64) -> Result<WebhookView, AppError> {
        self.admin_only(staff)?;
        let h = self.store.webhook(id).await?.ok_or(AppError::NotFound)?;
        self.view(staff, h).await
    }

    /// The endpoint's latest deliveries, of cases the reader may see.
    pub async fn webhook_log(
        &self,
        staff: &Staff,
        id: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryView>, AppError> {
        self.admin_only(staff)?;
        self.store.webhook(id).await?.ok_or(AppError::NotFound)?;
        let rows = self
            .store
            .webhook_log(id, &self.scope_of(staff), limit.clamp(1, 500))
            .await?;
        Ok(rows.into_iter().map(delivery_view).collect())
    }

    /// Endpoints suspended after persistent failure: the alert on the
    /// administration pages (administrators; empty for anyone else).
    pub async fn webhook_alerts(&self, staff: &Staff) -> Result<Vec<WebhookView>, AppError> {
        if !staff.has(Role::Admin) {
            return Ok(vec![]);
        }
        let mut out = vec![];
        for h in self.store.webhooks().await? {
            if h.status == "suspended" {
                out.push(self.view(staff, h).await?);
            }
        }
        Ok(out)
    }
}

fn delivery_view(d: DeliveryRow) -> DeliveryView {
    DeliveryView {
        kind_label: kind_label(&d.kind).unwrap_or("事件"),
        status_label: delivery_label(&d.status),
        case_no: d.case_no,
        event_id: d.event_id,
        kind: d.kind,
        status: d.status,
        attempts: d.attempts,
        last_code: d.last_code,
        last_error: d.last_error,
        created_at: d.created_at,
        done_at: d.done_at,
    }
}
