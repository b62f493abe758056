//! Who is on the other end, for the throttles (query codes, logins).
//!
//! The client is the TCP peer (axum's `ConnectInfo`, present because `serve`
//! builds the app with `into_make_service_with_connect_info`). Only when the
//! peer is one of the configured trusted proxies (`XINFANG_TRUSTED_PROXIES`,
//! comma-separated IPs or CIDRs, default none) is `X-Forwarded-For` read,
//! right to left, skipping trusted hops: anyone else can write any header, so
//! trusting it let a client pick a fresh throttle key per request, or pose as
//! someone else to lock them out.
//!
//! IPv6 clients are keyed by their /64 (one host usually holds a whole /64,
//! so single addresses would be free to rotate). A request without
//! `ConnectInfo` (in-process tests) is the client `unknown`, and its
//! forwarded headers are ignored: there is no peer to trust.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The environment variable naming the trusted reverse proxies.
pub const TRUSTED_PROXIES_ENV: &str = "XINFANG_TRUSTED_PROXIES";

/// Reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parse `10.0.0.1, 192.168.0.0/16, ::1`; an entry that is not an IP or
    /// CIDR is an error (a typo must not silently trust nobody or everybody).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = vec![];
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("不是 IP 地址或网段：{item}"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("网段前缀长度无效：{item}"))?,
                None => max,
            };
            nets.push((canonical(ip), bits));
        }
        Ok(TrustedProxies(nets))
    }

    /// From `XINFANG_TRUSTED_PROXIES` (unset or empty: none).
    pub fn from_env() -> Result<TrustedProxies, String> {
        match std::env::var(TRUSTED_PROXIES_ENV) {
            Ok(v) => Self::parse(&v).map_err(|e| format!("{TRUSTED_PROXIES_ENV}: {e}")),
            Err(_) => Ok(TrustedProxies::default()),
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| in_net(ip, *net, *bits))
    }
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
        let (full, rest) = ((bits / 8) as usize, bits % 8);
        if a[..full] != b[..full] {
            return false;
        }
        rest == 0 || {
            let mask = 0xffu8 << (8 - rest);
            a[full] & mask == b[full] & mask
        }
    }
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => prefix_eq(&a.octets(), &b.octets(), bits),
        (IpAddr::V6(a), IpAddr::V6(b)) => prefix_eq(&a.octets(), &b.octets(), bits),
        _ => false,
    }
}

/// The throttle key of an address: IPv4 as is, IPv6 by its /64.
fn key_of(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

/// The client address: the peer, or — only when the peer is a trusted
/// proxy — the nearest untrusted hop of `X-Forwarded-For`.
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    if !trusted.contains(peer) {
        return Some(peer);
    }
    // Each proxy appends the address it received from, so the right-most
    // entries are the ones our own proxies wrote; the first untrusted one
    // from the right is the client. Anything left of it is client-written.
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().parse::<IpAddr>().map(canonical))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !trusted.contains(hop) {
            break;
        }
    }
    Some(client)
}

/// The real client, as a throttle key (`unknown` without `ConnectInfo`).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(
            client_ip(peer, &parts.headers, &st.trusted_proxies)
                .map(key_of)
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }
    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        let proxy = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let h = xff("203.0.113.7, 10.0.0.2");
        assert_eq!(client_ip(ip("198.51.100.1"), &h, &none), ip("198.51.100.1"));
        assert_eq!(
            client_ip(ip("198.51.100.1"), &h, &proxy),
            ip("198.51.100.1")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &proxy), ip("203.0.113.7"));
        // A client-written left part cannot choose the key.
        let h = xff("1.2.3.4, 203.0.113.7");
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &proxy), ip("203.0.113.7"));
        // Garbage: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &xff("nonsense"), &proxy),
            ip("10.0.0.1")
        );
        assert_eq!(client_ip(None, &h, &proxy), None);
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &h, &proxy),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn parse_and_match() {
        assert!(TrustedProxies::parse("10.0.0.1/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        let t = TrustedProxies::parse("192.168.4.0/22,2001:db8::/32").unwrap();
        assert!(t.contains("192.168.7.255".parse().unwrap()));
        assert!(!t.contains("192.168.8.0".parse().unwrap()));
        assert!(t.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!TrustedProxies::default().contains("127.0.0.1".parse().unwrap()));
        assert_eq!(
            key_of("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
    }
}
