//! The two ways a message leaves the building (issue #19): e-mail over SMTP
//! (STARTTLS and authentication, lettre) and SMS through an HTTP gateway
//! (URL, body template, success test — the shape 政务短信 platforms and
//! commercial gateways offer). Configured by the deployment:
//!
//! - `XINFANG_SMTP_URL=smtp://user:password@host:587?from=xinfang@example.gov.cn`
//!   (`&tls=starttls` is the default; `&tls=none` only for a local relay;
//!   `&ca=/path/ca.pem` trusts a private CA, as a government intranet has);
//! - `XINFANG_SMS_HTTP_URL=https://sms.example.gov.cn/send`, with
//!   `XINFANG_SMS_HTTP_BODY` (default `{"phone":"{phone}","text":"{text}"}`,
//!   values JSON-escaped) and `XINFANG_SMS_HTTP_OK` (a text the gateway's
//!   answer must contain; default: any 2xx answer);
//! - or `XINFANG_SMS_SMPP_URL=smpp://system_id:password@host:2775?source=10690000`
//!   for an SMPP 3.4 gateway ([`super::smpp`]); when both are set, SMPP is used.
//!
//! A gateway that is not configured leaves its messages queued: nothing is
//! lost, and administrators see them waiting.

use super::smpp::SmppConfig;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// SMTP settings.
#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub from: String,
    pub starttls: bool,
    /// PEM of a private CA to trust (besides the public roots).
    pub ca_pem: Option<Vec<u8>>,
}

impl SmtpConfig {
    /// Parse `smtp://user:password@host:port?from=…&tls=starttls|none&ca=path`.
    pub fn from_url(url: &str) -> Result<SmtpConfig, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or("XINFANG_SMTP_URL 应以 smtp:// 开头")?;
        let (auth_host, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (auth, hostport) = auth_host
            .rsplit_once('@')
            .map(|(a, h)| (Some(a), h))
            .unwrap_or((None, auth_host));
        let (user, password) = match auth {
            Some(a) => {
                let (u, p) = a.split_once(':').unwrap_or((a, ""));
                (percent_decode(u), percent_decode(p))
            }
            None => (String::new(), String::new()),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| "XINFANG_SMTP_URL 端口无效")?,
            ),
            None => (hostport.to_string(), 587),
        };
        if host.is_empty() {
            return Err("XINFANG_SMTP_URL 缺少主机".into());
        }
        let mut cfg = SmtpConfig {
            host,
            port,
            user,
            password,
            from: String::new(),
            starttls: true,
            ca_pem: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "from" => cfg.from = v,
                "tls" => cfg.starttls = v != "none",
                "ca" => {
                    cfg.ca_pem =
                        Some(std::fs::read(&v).map_err(|e| format!("读取 CA 证书 {v} 失败：{e}"))?)
                }
                other => return Err(format!("XINFANG_SMTP_URL 未知参数：{other}")),
            }
        }
        if cfg.from.is_empty() {
            return Err("XINFANG_SMTP_URL 须以 from= 指定发件人".into());
        }
        Ok(cfg)
    }
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// HTTP SMS gateway settings.
#[derive(Clone, Debug)]
pub struct HttpSmsConfig {
    pub url: String,
    /// The request body with `{phone}` and `{text}` (JSON-escaped).
    pub body: String,
    /// A text the answer must contain to count as sent.
    pub ok_contains: Option<String>,
}

impl HttpSmsConfig {
    pub const DEFAULT_BODY: &'static str = r#"{"phone":"{phone}","text":"{text}"}"#;
}

/// The configured gateways.
#[derive(Clone, Debug, Default)]
pub struct Gateways {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<HttpSmsConfig>,
    pub smpp: Option<SmppConfig>,
}

impl Gateways {
    /// From `XINFANG_SMTP_URL` and `XINFANG_SMS_HTTP_*`; a malformed value is an error.
    pub fn from_env() -> Result<Gateways, String> {
        let smtp = match std::env::var("XINFANG_SMTP_URL") {
            Ok(u) if !u.trim().is_empty() => Some(SmtpConfig::from_url(u.trim())?),
            _ => None,
        };
        let sms = match std::env::var("XINFANG_SMS_HTTP_URL") {
            Ok(u) if !u.trim().is_empty() => Some(HttpSmsConfig {
                url: u.trim().to_string(),
                body: std::env::var("XINFANG_SMS_HTTP_BODY")
                    .ok()
                    .filter(|b| !b.trim().is_empty())
                    .unwrap_or_else(|| HttpSmsConfig::DEFAULT_BODY.into()),
                ok_contains: std::env::var("XINFANG_SMS_HTTP_OK")
                    .ok()
                    .filter(|s| !s.is_empty()),
            }),
            _ => None,
        };
        let smpp = match std::env::var("XINFANG_SMS_SMPP_URL") {
            Ok(u) if !u.trim().is_empty() => Some(SmppConfig::from_url(u.trim())?),
            _ => None,
        };
        Ok(Gateways { smtp, sms, smpp })
    }

    pub fn configured(&self, channel: &str) -> bool {
        match channel {
            "email" => self.smtp.is_some(),
            "sms" => self.sms.is_some() || self.smpp.is_some(),
            _ => false,
        }
    }

    /// Send one message; the error says what the gateway answered.
    pub async fn send(
        &self,
        channel: &str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), String> {
        match channel {
            "email" => {
                let cfg = self.smtp.as_ref().ok_or("未配置邮件服务器")?;
                send_mail(cfg, to, subject, body).await
            }
            "sms" if self.smpp.is_some() => {
                let cfg = self.smpp.as_ref().ok_or("未配置短信网关")?;
                cfg.send(to, body).await
            }
            "sms" => {
                let cfg = self.sms.as_ref().ok_or("未配置短信网关")?;
                send_sms(cfg, to, body).await
            }
            other => Err(format!("未知渠道 {other}")),
        }
    }
}

async fn send_mail(cfg: &SmtpConfig, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let email = Message::builder()
        .from(
            cfg.from
                .parse()
                .map_err(|e| format!("发件人地址无效：{e}"))?,
        )
        .to(to.parse().map_err(|e| format!("收件人地址无效：{e}"))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| e.to_string())?;
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.as_str()).port(cfg.port);
    if cfg.starttls {
        let mut tls = TlsParameters::builder(cfg.host.clone());
        if let Some(pem) = &cfg.ca_pem {
            tls = tls.add_root_certificate(Certificate::from_pem(pem).map_err(|e| e.to_string())?);
        }
        builder = builder.tls(Tls::Required(
            tls.build_rustls().map_err(|e| e.to_string())?,
        ));
    }
    if !cfg.user.is_empty() {
        builder = builder.credentials(Credentials::new(cfg.user.clone(), cfg.password.clone()));
    }
    let transport = builder
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    transport
        .send(email)
        .await
        .map(|_| ())
        .map_err(|e| format!("邮件服务器：{e}"))
}

/// JSON-escape a value for the body template.
fn json_escape(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

async fn send_sms(cfg: &HttpSmsConfig, phone: &str, text: &str) -> Result<(), String> {
    let body = cfg
        .body
        .replace("{phone}", &json_escape(phone))
        .replace("{text}", &json_escape(text));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| e.to_string())?;
    let resp = client
        .post(&cfg.url)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("短信网关不可达：{e}"))?;
    let status = resp.status();
    let answer = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!(
            "短信网关返回 {status}：{}",
            answer.chars().take(200).collect::<String>()
        ));
    }
    if let Some(ok) = &cfg.ok_contains {
        if !answer.contains(ok.as_str()) {
            return Err(format!(
                "短信网关未确认发送：{}",
                answer.chars().take(200).collect::<String>()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_url_parses_user_host_and_sender() {
        let c =
            SmtpConfig::from_url("smtp://xf%40gov:p%3Ass@mail.local:2525?from=xinfang@mail.local")
                .unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("xf@gov", "p:ss"));
        assert_eq!((c.host.as_str(), c.port), ("mail.local", 2525));
        assert!(c.starttls);
        assert!(
            SmtpConfig::from_url("smtp://mail.local").is_err(),
            "a sender is required"
        );
        assert!(SmtpConfig::from_url("http://x").is_err());
    }

    #[test]
    fn body_values_are_json_escaped() {
        assert_eq!(json_escape("说\"明\n"), "说\\\"明\\n");
    }
}
