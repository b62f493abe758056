//! Notifications to petitioners (issue #19). Every message goes through the
//! outbox (`messages` in the store) and never through the request that
//! caused it, so a slow or dead gateway cannot block or fail a
//! registration:
//!
//! 1. **What to say** comes from the case's events: a background pump reads
//!    the event log after its cursor ([`App::notify_feed`]) and writes one
//!    message per notice, channel and recipient (a `dedupe` key makes a
//!    replay harmless). The registration notice, which carries the query
//!    code shown once, is handed over in memory at intake and written by
//!    the same pump. The 复查 window reminder is found by date.
//! 2. **Sending** ([`App::notify_send`]) takes due messages, sends them by
//!    their gateway, and records sent / failed (retried with back-off:
//!    1, 2, 4 … 60 minutes) / dead (after [`MAX_ATTEMPTS`]). A sent
//!    registration notice keeps no query code.
//! 3. **Recipients** are the case's petitioners with a phone (SMS) or an
//!    e-mail address; one who opted out gets nothing more.
//!
//! What a message may say is fixed per notice (see [`notice`]): nothing a
//! petitioner could not already read on the tracking page.

pub mod gateway;
pub mod notice;
pub mod smpp;
pub mod visit;

use crate::error::AppError;
use crate::state::App;
use chrono::Duration;
use gateway::Gateways;
use notice::Notice;
use std::sync::{Mutex, RwLock};
use xinfang_domain::case::{Case, EventBody, Route, Stage, Status};
use xinfang_store::NewMessage;

/// Attempts before a message is given up (`dead`).
pub const MAX_ATTEMPTS: i64 = 8;
const CURSOR: &str = "notify_cursor";
/// The kinds of case event `notice_of_event` acts on (`EventBody::type_key`);
/// the feed reads only these — registrations, the bulk of the log, are
/// handed over by intake instead (issue #17).
const NOTICE_EVENTS: &[&str] = &[
    "evaluated",
    "transferred",
    "notified",
    "extension_decided",
    "replied",
    "delivered",
];
/// The day (Asia/Shanghai) the 复查/复核 window reminders last ran.
const REMINDERS_DAY: &str = "notify_review_reminders_day";
/// Events older than this are history, not news.
const STALE_DAYS: i64 = 7;

/// The notifier's state inside [`App`]: the gateways and the registration
/// notices handed over at intake.
#[derive(Default)]
pub struct Outbox {
    gateways: RwLock<Gateways>,
    /// (case no, query code, recipients) of registrations not yet written;
    /// bounded, so a process that never pumps (a benchmark) stays small.
    registered: Mutex<Vec<Handed>>,
    /// Where the portal is reached from outside (for 回访 links).
    public_url: RwLock<String>,
}

type Handed = (String, String, Vec<(&'static str, String)>);

/// Registration notices kept in memory at most (the pump empties it every few seconds).
const MAX_HANDED: usize = 50_000;

/// What one pump did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PumpReport {
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
}

/// Back-off after `attempts` failures: 1, 2, 4 … minutes, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    Duration::minutes((1i64 << attempts.clamp(0, 6)).min(60))
}

use xinfang_store::fmt_time as fmt;

/// Where a case's messages go: (channel, recipient) per petitioner.
fn recipients(case: &Case) -> Vec<(&'static str, String)> {
    let mut out = vec![];
    for p in &case.petitioners {
        if let Some(phone) = p.phone.as_deref().filter(|x| !x.is_empty()) {
            out.push(("sms", phone.to_string()));
        }
        if let Some(mail) = p.email.as_deref().filter(|x| !x.is_empty()) {
            out.push(("email", mail.to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The 告知 result in the petitioner's words.
fn route_words(route: &Route) -> String {
    match route {
        Route::Accept { .. } => "予以受理，依法办理".into(),
        Route::Divert { .. } => {
            "属于应当通过诉讼、仲裁、复议等法定途径解决的事项，请依法定途径提出".into()
        }
        Route::NotOurs { .. } => "不属于本机关职权范围，请向有权处理的机关提出".into(),
    }
}

impl App {
    pub(crate) fn outbox(&self) -> &Outbox {
        &self.notify
    }

    /// Use these gateways from now on (from the environment at `serve`).
    pub fn configure_gateways(&self, g: Gateways) {
        let old = std::mem::replace(
            &mut *self.outbox().gateways.write().expect("gateways lock"),
            g,
        );
        // An SMPP session of the gateway replaced is unbound, not left open.
        if let (Some(smpp), Ok(rt)) = (old.smpp, tokio::runtime::Handle::try_current()) {
            rt.spawn(async move { smpp.close().await });
        }
    }

    pub fn gateways(&self) -> Gateways {
        self.outbox()
            .gateways
            .read()
            .expect("gateways lock")
            .clone()
    }

    /// The portal's address as petitioners reach it (`XINFANG_PUBLIC_URL`).
    pub fn set_public_url(&self, url: &str) {
        *self.outbox().public_url.write().expect("url lock") =
            url.trim_end_matches('/').to_string();
    }

    pub(crate) fn public_url(&self) -> String {
        self.outbox().public_url.read().expect("url lock").clone()
    }

    /// Intake hands over the registration notice (with the code shown once).
    pub(crate) fn hand_over_registered(&self, case_no: &str, code: &str, case: &Case) {
        let to = recipients(case);
        if to.is_empty() {
            return;
        }
        let mut list = self.outbox().registered.lock().expect("outbox lock");
        if list.len() < MAX_HANDED {
            list.push((case_no.to_string(), code.to_string(), to));
        }
    }

    /// Forget registrations handed over but not yet written (demo data).
    pub fn drop_handed_over(&self) {
        self.outbox()
            .registered
            .lock()
            .expect("outbox lock")
            .clear();
    }

    /// The text of a notice: the administrator's, else the built-in one.
    pub async fn notice_text(&self, n: Notice) -> Result<String, AppError> {
        Ok(self
            .store
            .message_template(n.key())
            .await?
            .unwrap_or_else(|| n.default_text().to_string()))
    }

    /// Write a notice for every recipient of `case`; `key` makes it unique.
    async fn queue_notice(
        &self,
        case_id: Option<i64>,
        case: &Case,
        n: Notice,
        key: &str,
        values: &[(&str, String)],
    ) -> Result<usize, AppError> {
        self.queue_to(case_id, &case.case_no, recipients(case), n, key, values)
            .await
    }

    async fn queue_to(
        &self,
        case_id: Option<i64>,
        case_no: &str,
        to_all: Vec<(&'static str, String)>,
        n: Notice,
        key: &str,
        values: &[(&str, String)],
    ) -> Result<usize, AppError> {
        let text = self.notice_text(n).await?;
        let list = notices_to(&text, case_id, case_no, to_all, n, key, values);
        let now = fmt(self.now());
        Ok(self.store.queue_messages(&borrowed(&list), &now).await?)
    }

    /// The registration notices intake handed over, written in one
    /// transaction (one lookup of the case ids, one commit for the round).
    async fn queue_handed_over(&self) -> Result<usize, AppError> {
        let handed: Vec<_> =
            std::mem::take(&mut *self.outbox().registered.lock().expect("outbox lock"));
        if handed.is_empty() {
            return Ok(0);
        }
        let nos: Vec<&str> = handed.iter().map(|(no, _, _)| no.as_str()).collect();
        let ids = self.store.case_ids_of(&nos).await?;
        let text = self.notice_text(Notice::Registered).await?;
        let mut list = vec![];
        for (case_no, code, to) in handed {
            let id = ids.get(&case_no).copied();
            let values = [("{查询码}", code)];
            let key = case_no.clone();
            list.extend(notices_to(
                &text,
                id,
                &case_no,
                to,
                Notice::Registered,
                &key,
                &values,
            ));
        }
        let now = fmt(self.now());
        Ok(self.store.queue_messages(&borrowed(&list), &now).await?)
    }

    /// Turn new case events (and handed-over registrations, and 复查
    /// windows closing) into queued messages. Returns how many were queued.
    pub async fn notify_feed(&self) -> Result<usize, AppError> {
        let mut queued = self.queue_handed_over().await?;
        let mut cursor: i64 = self
            .store
            .get_setting(CURSOR)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        loop {
            let (events, reached) = self
                .store
                .log_events_of_kinds_after(cursor, 500, NOTICE_EVENTS)
                .await?;
            let Some(last) = reached else {
                break;
            };
            for e in &events {
                queued += self.notice_of_event(e).await?;
            }
            cursor = last;
            self.store.put_setting(CURSOR, &cursor.to_string()).await?;
        }
        // Once a day: a case enters the reminder window as the date moves
        // on, and each reminder is sent once per case and stage anyway.
        // Every round re-read every case delivered 27–30 days ago — at a
        // million cases ~4,900 sealed states, 4–5 s of a core every ~9 s.
        let today = self.now().date().to_string();
        if self.store.get_setting(REMINDERS_DAY).await?.as_deref() != Some(today.as_str()) {
            queued += self.review_window_reminders().await?;
            self.store.put_setting(REMINDERS_DAY, &today).await?;
        }
        Ok(queued)
    }

    async fn notice_of_event(&self, e: &xinfang_store::LogEvent) -> Result<usize, AppError> {
        // History (an import of past years, a store restored from backup) is
        // never announced: only what happened in the last week.
        let recent = fmt(self.now() - Duration::days(STALE_DAYS));
        if e.at < recent {
            return Ok(0);
        }
        let Ok(body) = serde_json::from_str::<EventBody>(&e.payload) else {
            return Ok(0);
        };
        if let EventBody::Evaluated {
            satisfaction: xinfang_domain::case::Satisfaction::Dissatisfied,
            reason,
            ..
        } = &body
        {
            if let Some((_, case)) = self
                .store
                .cases_by_ids(&[e.case_id])
                .await?
                .into_iter()
                .next()
            {
                self.supervise_dissatisfied(e.case_id, &case, reason)
                    .await?;
            }
            return Ok(0);
        }
        let (n, values) = match &body {
            EventBody::Transferred { .. } => (Notice::Transferred, vec![]),
            EventBody::Notified { route } => {
                (Notice::Notified, vec![("{告知结果}", route_words(route))])
            }
            EventBody::ExtensionDecided { approved: true } => {
                // The days and reason of the request this approves.
                let events = self.store.case_events(e.case_id).await?;
                let asked = events.iter().rev().filter(|s| s.seq < e.seq).find_map(|s| {
                    match &s.event.body {
                        EventBody::ExtensionRequested { days, reason, .. } => {
                            Some((*days, reason.clone()))
                        }
                        _ => None,
                    }
                });
                let (days, reason) = asked.unwrap_or((0, String::new()));
                (
                    Notice::Extended,
                    vec![("{延期天数}", days.to_string()), ("{延期理由}", reason)],
                )
            }
            EventBody::Replied { .. } => (Notice::Replied, vec![]),
            EventBody::Delivered { .. } => (Notice::Visit, vec![]),
            _ => return Ok(0),
        };
        let Some((_, case)) = self
            .store
            .cases_by_ids(&[e.case_id])
            .await?
            .into_iter()
            .next()
        else {
            return Ok(0);
        };
        let mut values = values;
        if n == Notice::Visit {
            if recipients(&case).is_empty() {
                return Ok(0);
            }
            let token = self.create_visit_link(e.case_id, &case).await?;
            values.push(("{回访链接}", format!("{}/visit/{token}", self.public_url())));
        }
        self.queue_notice(Some(e.case_id), &case, n, &e.seq.to_string(), &values)
            .await
    }

    /// 第三十五、三十六条: remind petitioners whose window to ask for 复查 or
    /// 复核 closes within three days (once per case and stage).
    async fn review_window_reminders(&self) -> Result<usize, AppError> {
        let today = self.now().date();
        // Received on d: the window runs to d + 30 days.
        let from = today - Duration::days(30);
        let to = today - Duration::days(27);
        let mut queued = 0;
        for (id, case) in self
            .store
            .delivered_between(&from.to_string(), &to.to_string())
            .await?
        {
            if case.status != Status::Delivered || case.stage == Stage::ReReview {
                continue;
            }
            let Some(received) = case.current_stage().delivered_on else {
                continue;
            };
            let last = received + Duration::days(30);
            let ask = if case.stage == Stage::Initial {
                "向原办理机关的上一级机关请求复查"
            } else {
                "向复查机关的上一级机关请求复核"
            };
            queued += self
                .queue_notice(
                    Some(id),
                    &case,
                    Notice::ReviewClosing,
                    &format!("{id}:{:?}", case.stage),
                    &[
                        ("{截止日期}", last.format("%Y年%-m月%-d日").to_string()),
                        ("{请求事项}", ask.to_string()),
                    ],
                )
                .await?;
        }
        Ok(queued)
    }

    /// Send what is due; failures wait with back-off, a message with no
    /// configured gateway stays queued.
    pub async fn notify_send(&self) -> Result<PumpReport, AppError> {
        let gateways = self.gateways();
        let now = self.now();
        let mut report = PumpReport::default();
        let channels: Vec<&str> = ["sms", "email"]
            .into_iter()
            .filter(|c| gateways.configured(c))
            .collect();
        let code_expired = fmt(now - Duration::minutes(crate::accounts::CODE_MINUTES));
        for m in self.store.due_messages(&fmt(now), &channels, 200).await? {
            // A sign-in code not sent in time is useless: given up and blanked.
            if m.notice == Notice::SignInCode.key() && m.created_at < code_expired {
                let body = redact_digits(&m.body);
                let why = ("验证码已过期，不再发送", fmt(now), true);
                self.store
                    .record_attempt(m.id, Err((why.0, &why.1, why.2)), Some(&body))
                    .await?;
                report.failed += 1;
                continue;
            }
            let result = gateways
                .send(&m.channel, &m.recipient, &m.subject, &m.body)
                .await;
            // A sent registration notice keeps no query code.
            // … nor a sign-in code.
            let redacted = match (result.is_ok(), m.notice.as_str()) {
                (true, "registered") => Some(redact_code(&m.body)),
                (true, "signin_code") => Some(redact_digits(&m.body)),
                _ => None,
            };
            match result {
                Ok(()) => {
                    self.store
                        .record_attempt(m.id, Ok(&fmt(self.now())), redacted.as_deref())
                        .await?;
                    report.sent += 1;
                }
                Err(e) => {
                    let dead = m.attempts + 1 >= MAX_ATTEMPTS;
                    let next = fmt(self.now() + backoff(m.attempts));
                    tracing::warn!(id = m.id, channel = %m.channel, error = %e, "message not sent");
                    self.store
                        .record_attempt(m.id, Err((&e, &next, dead)), None)
                        .await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    /// One round: feed, then send.
    pub async fn notify_pump(&self) -> Result<PumpReport, AppError> {
        let queued = self.notify_feed().await?;
        let mut r = self.notify_send().await?;
        r.queued = queued;
        Ok(r)
    }
}

/// A message to write, owning its text (see [`notices_to`]).
struct Pending {
    case_id: Option<i64>,
    notice: &'static str,
    channel: &'static str,
    recipient: String,
    subject: String,
    body: String,
    dedupe: String,
}

/// One notice's messages, one per channel and recipient; `key` makes each
/// unique (its `dedupe`), `text` is the notice's wording.
fn notices_to(
    text: &str,
    case_id: Option<i64>,
    case_no: &str,
    to_all: Vec<(&'static str, String)>,
    n: Notice,
    key: &str,
    values: &[(&str, String)],
) -> Vec<Pending> {
    let mut values = values.to_vec();
    values.push(("{信访编号}", case_no.to_string()));
    let body = notice::render(text, &values);
    let subject = n.subject();
    to_all
        .into_iter()
        .map(|(channel, to)| Pending {
            case_id,
            notice: n.key(),
            channel,
            dedupe: format!("{}:{key}:{channel}:{to}", n.key()),
            recipient: to,
            subject: subject.clone(),
            body: body.clone(),
        })
        .collect()
}

fn borrowed(list: &[Pending]) -> Vec<NewMessage<'_>> {
    list.iter()
        .map(|p| NewMessage {
            case_id: p.case_id,
            notice: p.notice,
            channel: p.channel,
            recipient: &p.recipient,
            subject: &p.subject,
            body: &p.body,
            dedupe: &p.dedupe,
        })
        .collect()
}

/// A sign-in code's text with every run of 6 or more digits blanked,
/// wherever an administrator's wording put the code.
fn redact_digits(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 6 {
            out.push_str(&"*".repeat(run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in body.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The registration text with the query code blanked.
fn redact_code(body: &str) -> String {
    match body.find("查询码") {
        Some(i) => {
            let start = i + "查询码".len();
            let rest = &body[start..];
            let code_len: usize = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(char::len_utf8)
                .sum();
            if code_len == 0 {
                return body.to_string();
            }
            format!("{}********{}", &body[..start], &rest[code_len..])
        }
        None => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_to_an_hour() {
        assert_eq!(backoff(0), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(7), Duration::minutes(60));
    }

    #[test]
    fn a_sent_registration_keeps_no_code() {
        assert_eq!(
            redact_code("信访编号XF1，查询码AB12CD34，请妥善保管"),
            "信访编号XF1，查询码********，请妥善保管"
        );
        assert_eq!(
            redact_digits("您的登录验证码：123456，5分钟内有效"),
            "您的登录验证码：******，5分钟内有效"
        );
    }
}

/// A message as staff see it on the case: the recipient masked unless the
/// viewer holds the case (the same rule as the case's identity fields).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub notice: String,
    pub notice_label: &'static str,
    pub channel: String,
    pub channel_label: &'static str,
    pub recipient: String,
    pub body: String,
    pub status: String,
    pub status_label: &'static str,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "queued" => "待发送",
        "sent" => "已发送",
        "failed" => "发送失败，等待重试",
        "dead" => "发送失败，已停止重试",
        "opted_out" => "信访人已退订，未发送",
        _ => "未知",
    }
}

pub fn channel_label(c: &str) -> &'static str {
    match c {
        "sms" => "短信",
        "email" => "电子邮件",
        _ => "其他",
    }
}

fn mask_recipient(r: &str) -> String {
    match r.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => xinfang_text::phone::mask_phone(r),
    }
}

/// A gateway's state for administrators: configured or not, messages by
/// status, and the latest failures (a dead gateway shows here, never to the
/// petitioner).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct GatewayView {
    pub channel: &'static str,
    pub channel_label: &'static str,
    pub configured: bool,
    pub counts: Vec<(String, i64)>,
    pub recent_failures: Vec<(String, String)>,
}

/// A notice's text in force beside its default and the placeholders it
/// may use (what an administrator edits).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NoticeText {
    pub notice: &'static str,
    pub label: &'static str,
    pub text: String,
    pub default_text: &'static str,
    pub placeholders: &'static [&'static str],
}

impl App {
    /// The messages of a case, for its timeline.
    pub async fn case_messages(
        &self,
        staff: &xinfang_domain::Staff,
        case_no: &str,
    ) -> Result<Vec<MessageView>, AppError> {
        let (id, case) = self.visible_case(staff, case_no).await?;
        let holder = staff.unit == case.current_unit
            && staff.has_any(&[
                xinfang_domain::Role::Registrar,
                xinfang_domain::Role::Handler,
                xinfang_domain::Role::Leader,
            ]);
        Ok(self
            .store
            .case_messages(id)
            .await?
            .into_iter()
            .map(|m| MessageView {
                notice_label: Notice::from_key(&m.notice)
                    .map(|n| n.label_zh())
                    .unwrap_or("通知"),
                channel_label: channel_label(&m.channel),
                status_label: status_label(&m.status),
                recipient: if holder {
                    m.recipient.clone()
                } else {
                    mask_recipient(&m.recipient)
                },
                id: m.id,
                notice: m.notice,
                channel: m.channel,
                body: m.body,
                status: m.status,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: m.created_at,
                sent_at: m.sent_at,
            })
            .collect())
    }

    /// Gateways and their messages (administrators only).
    pub async fn gateway_status(
        &self,
        staff: &xinfang_domain::Staff,
    ) -> Result<Vec<GatewayView>, AppError> {
        if !staff.has(xinfang_domain::Role::Admin) {
            return Err(AppError::Forbidden);
        }
        let g = self.gateways();
        let mut out = vec![];
        for channel in ["sms", "email"] {
            let recent = self.store.recent_messages(channel, 200).await?;
            out.push(GatewayView {
                channel,
                channel_label: channel_label(channel),
                configured: g.configured(channel),
                counts: self.store.message_counts(channel).await?,
                recent_failures: recent
                    .into_iter()
                    .filter(|m| m.status == "failed" || m.status == "dead")
                    .take(10)
                    .map(|m| (m.created_at, m.last_error))
                    .collect(),
            });
        }
        Ok(out)
    }

    /// Every notice with its text in force (administrators only).
    pub async fn notice_texts(
        &self,
        staff: &xinfang_domain::Staff,
    ) -> Result<Vec<NoticeText>, AppError> {
        if !staff.has(xinfang_domain::Role::Admin) {
            return Err(AppError::Forbidden);
        }
        let mut out = vec![];
        for n in Notice::ALL {
            out.push(NoticeText {
                notice: n.key(),
                label: n.label_zh(),
                text: self.notice_text(n).await?,
                default_text: n.default_text(),
                placeholders: n.placeholders(),
            });
        }
        Ok(out)
    }

    /// An administrator sets a notice's text (checked, audited).
    pub async fn set_notice_text(
        &self,
        staff: &xinfang_domain::Staff,
        notice: &str,
        text: &str,
    ) -> Result<(), AppError> {
        if !staff.has(xinfang_domain::Role::Admin) {
            return Err(AppError::Forbidden);
        }
        let n =
            Notice::from_key(notice).ok_or_else(|| AppError::field("notice", "没有这种通知"))?;
        notice::check_text(n, text).map_err(|m| AppError::field("text", m))?;
        self.store
            .put_message_template(n.key(), text.trim(), &format!("user:{}", staff.username))
            .await?;
        Ok(())
    }

    /// The petitioner stops all messages about a case (with its number and
    /// query code, checked and throttled as on the tracking page).
    pub async fn opt_out_of_case(
        &self,
        throttle: &crate::auth::Throttle,
        client: &str,
        case_no: &str,
        code: &str,
    ) -> Result<usize, AppError> {
        let (_, case) = self
            .check_query_code(throttle, client, case_no.trim(), code)
            .await?;
        self.stop_messages_for(&case).await
    }

    /// Stop messages to every phone and address of `case`, for a
    /// petitioner whose query code was already checked (the tracking page).
    pub async fn stop_messages_for(&self, case: &Case) -> Result<usize, AppError> {
        let to = recipients(case);
        for (_, r) in &to {
            self.store.opt_out(r).await?;
        }
        Ok(to.len())
    }
}
