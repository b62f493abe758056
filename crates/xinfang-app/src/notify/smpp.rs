//! SMS over SMPP 3.4 (issue #19): the standard protocol of SMS centres,
//! which the operators' 政务短信 platforms also offer beside their HTTP
//! interfaces. Written here rather than taken from a crate: the part a
//! transmitter needs is a dozen fixed binary fields, and the maintained
//! crates either want a newer toolchain or pull a framework in.
//!
//! What is spoken: `bind_transmitter` (system_id, password, system_type,
//! interface version 0x34), `submit_sm` in UCS2 (`data_coding` 0x08, the
//! only coding that carries Chinese), a text longer than one message
//! (70 characters) split into parts of 67 with a concatenation UDH
//! (`esm_class` 0x40, IEI 0x00), `enquire_link` before reusing a session
//! that was idle, `unbind` when the gateway is reconfigured. The gateway's
//! own `enquire_link` is answered while waiting. A non-zero
//! `command_status` is a failure that names the code, so an administrator
//! can look it up in the operator's table.
//!
//! Configured by `XINFANG_SMS_SMPP_URL=smpp://system_id:password@host:port?source=10690000&system_type=xf`
//! (`&enquire_link=30`: seconds of idleness after which a session is
//! checked before use).

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

const BIND_TRANSMITTER: u32 = 0x0000_0002;
const SUBMIT_SM: u32 = 0x0000_0004;
const UNBIND: u32 = 0x0000_0006;
const ENQUIRE_LINK: u32 = 0x0000_0015;
const GENERIC_NACK: u32 = 0x8000_0000;
const RESP: u32 = 0x8000_0000;
/// UTF-16 units in one UCS2 message, and in one part of a long one (the
/// 6-byte UDH takes three).
const SINGLE: usize = 70;
const PART: usize = 67;
const TIMEOUT: Duration = Duration::from_secs(20);

/// SMPP gateway settings, with the session kept between messages.
#[derive(Clone, Debug)]
pub struct SmppConfig {
    pub host: String,
    pub port: u16,
    pub system_id: String,
    pub password: String,
    pub system_type: String,
    /// The sender number (`source_addr`), e.g. a 1069 政务 number.
    pub source: String,
    /// Idle time after which a kept session is checked with `enquire_link`.
    pub enquire_after: Duration,
    session: Arc<Mutex<Option<Session>>>,
}

#[derive(Debug)]
struct Session {
    stream: TcpStream,
    seq: u32,
    last_used: Instant,
}

/// One PDU as read: command id, status, sequence, body.
#[derive(Debug, PartialEq)]
pub struct Pdu {
    pub command: u32,
    pub status: u32,
    pub seq: u32,
    pub body: Vec<u8>,
}

impl Pdu {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.body.len());
        out.extend_from_slice(&((16 + self.body.len()) as u32).to_be_bytes());
        out.extend_from_slice(&self.command.to_be_bytes());
        out.extend_from_slice(&self.status.to_be_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

fn cstr(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

/// The body of `bind_transmitter`.
pub fn bind_body(system_id: &str, password: &str, system_type: &str) -> Vec<u8> {
    let mut b = vec![];
    cstr(&mut b, system_id);
    cstr(&mut b, password);
    cstr(&mut b, system_type);
    b.extend_from_slice(&[0x34, 0, 0]); // interface_version, addr_ton, addr_npi
    cstr(&mut b, ""); // address_range
    b
}

/// The `short_message` of each part: UCS2 (UTF-16BE), and past 70 units
/// parts of at most 67 units behind a concatenation UDH with reference
/// `reference`. A surrogate pair is never cut.
pub fn ucs2_parts(text: &str, reference: u8) -> Vec<Vec<u8>> {
    let units: Vec<u16> = text.encode_utf16().collect();
    if units.len() <= SINGLE {
        return vec![units.iter().flat_map(|u| u.to_be_bytes()).collect()];
    }
    let mut chunks: Vec<&[u16]> = vec![];
    let mut rest = &units[..];
    while !rest.is_empty() {
        let mut n = rest.len().min(PART);
        if n < rest.len() && (0xD800..0xDC00).contains(&rest[n - 1]) {
            n -= 1; // keep a high surrogate with its low one
        }
        chunks.push(&rest[..n]);
        rest = &rest[n..];
    }
    let total = chunks.len() as u8;
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut b = vec![0x05, 0x00, 0x03, reference, total, i as u8 + 1];
            b.extend(c.iter().flat_map(|u| u.to_be_bytes()));
            b
        })
        .collect()
}

/// The body of one `submit_sm`.
pub fn submit_body(source: &str, to: &str, short_message: &[u8], concatenated: bool) -> Vec<u8> {
    let mut b = vec![];
    cstr(&mut b, ""); // service_type
    b.extend_from_slice(&[0x00, 0x01]); // source ton (unknown), npi (ISDN)
    cstr(&mut b, source);
    let (ton, number) = match to.strip_prefix('+') {
        Some(n) => (0x01, n),
        None => (0x00, to),
    };
    b.extend_from_slice(&[ton, 0x01]);
    cstr(&mut b, number);
    b.push(if concatenated { 0x40 } else { 0x00 }); // esm_class: UDHI
    b.extend_from_slice(&[0x00, 0x00]); // protocol_id, priority_flag
    cstr(&mut b, ""); // schedule_delivery_time
    cstr(&mut b, ""); // validity_period
    b.extend_from_slice(&[0x00, 0x00, 0x08, 0x00]); // registered_delivery, replace, UCS2, default msg
    b.push(short_message.len() as u8);
    b.extend_from_slice(short_message);
    b
}

impl SmppConfig {
    /// Parse `smpp://system_id:password@host:port?source=…&system_type=…&enquire_link=secs`.
    pub fn from_url(url: &str) -> Result<SmppConfig, String> {
        let rest = url
            .strip_prefix("smpp://")
            .ok_or("XINFANG_SMS_SMPP_URL 应以 smpp:// 开头")?;
        let (auth_host, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (auth, hostport) = auth_host
            .rsplit_once('@')
            .ok_or("XINFANG_SMS_SMPP_URL 缺少 system_id:password@")?;
        let (id, pw) = auth.split_once(':').unwrap_or((auth, ""));
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| "XINFANG_SMS_SMPP_URL 端口无效")?,
            ),
            None => (hostport.to_string(), 2775),
        };
        if host.is_empty() || id.is_empty() {
            return Err("XINFANG_SMS_SMPP_URL 缺少主机或 system_id".into());
        }
        let mut cfg = SmppConfig::new(&host, port, &super::gateway::percent_decode(id));
        cfg.password = super::gateway::percent_decode(pw);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = super::gateway::percent_decode(v);
            match k {
                "source" => cfg.source = v,
                "system_type" => cfg.system_type = v,
                "enquire_link" => {
                    cfg.enquire_after = Duration::from_secs(
                        v.parse()
                            .map_err(|_| "XINFANG_SMS_SMPP_URL enquire_link 应为秒数")?,
                    )
                }
                other => return Err(format!("XINFANG_SMS_SMPP_URL 未知参数：{other}")),
            }
        }
        if cfg.password.len() > 8 || cfg.system_id.len() > 15 || cfg.system_type.len() > 12 {
            return Err("SMPP 3.4：system_id ≤15、password ≤8、system_type ≤12 个字符".into());
        }
        Ok(cfg)
    }

    /// Settings with an empty password, system type and sender.
    pub fn new(host: &str, port: u16, system_id: &str) -> SmppConfig {
        SmppConfig {
            host: host.into(),
            port,
            system_id: system_id.into(),
            password: String::new(),
            system_type: String::new(),
            source: String::new(),
            enquire_after: Duration::from_secs(30),
            session: Arc::default(),
        }
    }

    /// Send `text` to `to`, over the kept session or a new one. A failed
    /// session is dropped, so the next message binds afresh.
    pub async fn send(&self, to: &str, text: &str) -> Result<(), String> {
        let mut guard = self.session.lock().await;
        if let Some(s) = guard.as_mut() {
            if s.last_used.elapsed() >= self.enquire_after
                && s.request(ENQUIRE_LINK, vec![]).await.is_err()
            {
                *guard = None;
            }
        }
        if guard.is_none() {
            *guard = Some(self.bind().await?);
        }
        let s = guard.as_mut().expect("bound");
        let reference = rand::random::<u8>();
        let parts = ucs2_parts(text, reference);
        let many = parts.len() > 1;
        for part in parts {
            let body = submit_body(&self.source, to, &part, many);
            if let Err(e) = s.request(SUBMIT_SM, body).await {
                if e.transport {
                    *guard = None;
                }
                return Err(e.message);
            }
        }
        s.last_used = Instant::now();
        Ok(())
    }

    /// Unbind and close the kept session (when the gateway is replaced).
    pub async fn close(&self) {
        if let Some(mut s) = self.session.lock().await.take() {
            let _ = s.request(UNBIND, vec![]).await;
        }
    }

    async fn bind(&self) -> Result<Session, String> {
        let stream =
            tokio::time::timeout(TIMEOUT, TcpStream::connect((self.host.as_str(), self.port)))
                .await
                .map_err(|_| "短信网关（SMPP）连接超时".to_string())?
                .map_err(|e| format!("短信网关（SMPP）不可达：{e}"))?;
        let mut s = Session {
            stream,
            seq: 0,
            last_used: Instant::now(),
        };
        s.request(
            BIND_TRANSMITTER,
            bind_body(&self.system_id, &self.password, &self.system_type),
        )
        .await
        .map_err(|e| format!("绑定失败：{}", e.message))?;
        Ok(s)
    }
}

struct Failure {
    message: String,
    /// The connection is unusable (not merely a refused message).
    transport: bool,
}

impl Session {
    /// Send a request and wait for its response, answering the gateway's
    /// own `enquire_link` meanwhile.
    async fn request(&mut self, command: u32, body: Vec<u8>) -> Result<Pdu, Failure> {
        self.seq = self.seq % 0x7FFF_FFFF + 1;
        let seq = self.seq;
        let pdu = Pdu {
            command,
            status: 0,
            seq,
            body,
        };
        let io = |e: String| Failure {
            message: format!("短信网关（SMPP）连接中断：{e}"),
            transport: true,
        };
        tokio::time::timeout(TIMEOUT, async {
            self.stream
                .write_all(&pdu.encode())
                .await
                .map_err(|e| io(e.to_string()))?;
            loop {
                let got = read_pdu(&mut self.stream).await.map_err(io)?;
                if got.command == ENQUIRE_LINK {
                    let ack = Pdu {
                        command: ENQUIRE_LINK | RESP,
                        status: 0,
                        seq: got.seq,
                        body: vec![],
                    };
                    self.stream
                        .write_all(&ack.encode())
                        .await
                        .map_err(|e| io(e.to_string()))?;
                    continue;
                }
                if got.seq != seq || (got.command != command | RESP && got.command != GENERIC_NACK)
                {
                    continue;
                }
                if got.status != 0 {
                    return Err(Failure {
                        message: format!(
                            "短信网关拒绝（command_status 0x{:08X}{}）",
                            got.status,
                            status_words(got.status)
                        ),
                        transport: got.command == GENERIC_NACK,
                    });
                }
                return Ok(got);
            }
        })
        .await
        .unwrap_or_else(|_| Err(io("等待应答超时".into())))
    }
}

/// The standard meaning of the commonest codes (SMPP 3.4 §5.1.3).
fn status_words(status: u32) -> &'static str {
    match status {
        0x0E => "，密码错误",
        0x0F => "，system_id 无效",
        0x0D => "，绑定失败",
        0x0B => "，目的号码无效",
        0x0A => "，发送号码无效",
        0x45 => "，提交失败",
        0x58 => "，超过发送速率",
        0x14 => "，消息队列已满",
        _ => "",
    }
}

async fn read_pdu(stream: &mut TcpStream) -> Result<Pdu, String> {
    let mut head = [0u8; 16];
    stream
        .read_exact(&mut head)
        .await
        .map_err(|e| e.to_string())?;
    let word = |i: usize| u32::from_be_bytes(head[i..i + 4].try_into().expect("4 bytes"));
    let len = word(0) as usize;
    if !(16..=65_536).contains(&len) {
        return Err(format!("PDU 长度无效：{len}"));
    }
    let mut body = vec![0u8; len - 16];
    stream
        .read_exact(&mut body)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Pdu {
        command: word(4),
        status: word(8),
        seq: word(12),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_ucs2_message() {
        let parts = ucs2_parts("您好", 1);
        assert_eq!(parts, vec![vec![0x60, 0xA8, 0x59, 0x7D]]);
    }

    #[test]
    fn long_text_is_split_with_a_concatenation_header() {
        let text = "信".repeat(150);
        let parts = ucs2_parts(&text, 7);
        assert_eq!(parts.len(), 3);
        assert_eq!(&parts[0][..6], &[5, 0, 3, 7, 3, 1]);
        assert_eq!(&parts[2][..6], &[5, 0, 3, 7, 3, 3]);
        assert!(parts.iter().all(|p| p.len() <= 140));
        // A character outside the BMP is never cut in two.
        let text = format!("{}𠀀{}", "信".repeat(66), "访".repeat(10));
        let parts = ucs2_parts(&text, 1);
        assert_eq!(parts[0].len(), 6 + 66 * 2);
    }

    #[test]
    fn url_parses() {
        let c = SmppConfig::from_url(
            "smpp://xf:pw%40@sms.local:2776?source=10690000&system_type=xf&enquire_link=5",
        )
        .unwrap();
        assert_eq!((c.system_id.as_str(), c.password.as_str()), ("xf", "pw@"));
        assert_eq!((c.host.as_str(), c.port), ("sms.local", 2776));
        assert_eq!(
            (c.source.as_str(), c.system_type.as_str()),
            ("10690000", "xf")
        );
        assert_eq!(c.enquire_after, Duration::from_secs(5));
        assert!(SmppConfig::from_url("smpp://host:1").is_err());
        assert!(SmppConfig::from_url("smpp://a:b@h:1?x=1").is_err());
    }

    #[test]
    fn header_length_counts_itself() {
        let p = Pdu {
            command: ENQUIRE_LINK,
            status: 0,
            seq: 9,
            body: vec![],
        };
        assert_eq!(p.encode()[..4], [0, 0, 0, 16]);
    }
}
