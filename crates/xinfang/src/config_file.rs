//! `./xinfang.toml`: the few deployment settings that live in a file
//! rather than on the command line — `database_url` at the top, and the
//! `[tls]` (cert, key, listen_http), `[session]` (idle_minutes,
//! absolute_hours) and `[ldap]` sections. Flags and environment variables win over the
//! file. A small reader of `key = "value"` lines per section, enough for
//! these flat settings.

/// The file's text, if there is one.
fn text() -> Option<String> {
    std::fs::read_to_string("xinfang.toml").ok()
}

/// `key` in `[section]` ("" = before any section) of `text`.
pub fn lookup(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
            continue;
        }
        if current != section {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            if k.trim() == key {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// Every `key = value` of `[section]` in `text`, in order.
pub fn entries_in(text: &str, section: &str) -> Vec<(String, String)> {
    let mut current = String::new();
    let mut out = vec![];
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
        } else if current == section {
            if let Some((k, v)) = line.split_once('=') {
                out.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
            }
        }
    }
    out
}

/// Every entry of `[section]` in `./xinfang.toml`.
pub fn entries(section: &str) -> Vec<(String, String)> {
    text().map(|t| entries_in(&t, section)).unwrap_or_default()
}

/// `key` in `[section]` of `./xinfang.toml`.
pub fn value(section: &str, key: &str) -> Option<String> {
    lookup(&text()?, section, key)
}

/// A positive whole number setting; an unreadable one is an error, not a default.
pub fn number(section: &str, key: &str) -> anyhow::Result<Option<u64>> {
    match value(section, key) {
        None => Ok(None),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => anyhow::bail!("xinfang.toml [{section}] {key} 须为正整数：{v}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::lookup;

    #[test]
    fn sections_and_keys() {
        let t = "database_url = \"sqlite://a.db\"\n# note\n[tls]\ncert = \"/etc/x.pem\" # the chain\nkey = \"/etc/k.pem\"\n[session]\nidle_minutes = 15\n";
        assert_eq!(
            lookup(t, "", "database_url").as_deref(),
            Some("sqlite://a.db")
        );
        assert_eq!(lookup(t, "tls", "cert").as_deref(), Some("/etc/x.pem"));
        assert_eq!(lookup(t, "session", "idle_minutes").as_deref(), Some("15"));
        assert_eq!(lookup(t, "tls", "idle_minutes"), None);
        assert_eq!(lookup(t, "", "cert"), None);
        let e = super::entries_in(t, "tls");
        assert_eq!(e.len(), 2);
        assert_eq!(e[1], ("key".to_string(), "/etc/k.pem".to_string()));
    }
}
