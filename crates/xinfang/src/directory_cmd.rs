//! `[ldap]` in `xinfang.toml` → the directory `serve` signs staff in with
//! (`xinfang_app::directory`). Anything missing or malformed stops `serve`
//! with the setting named: a half-configured directory must not quietly
//! leave staff unable to sign in, or trust a server it should not.
//!
//! ```toml
//! [ldap]
//! url = "ldap://ldap.example.gov.cn:389"   # or ldaps://…:636
//! starttls = true                           # required with ldap://
//! bind_dn = "cn=xinfang,ou=services,dc=example,dc=gov,dc=cn"
//! bind_password_file = "/etc/xinfang/ldap-password"  # or XINFANG_LDAP_BIND_PASSWORD
//! base_dn = "ou=people,dc=example,dc=gov,dc=cn"
//! user_filter = "(&(objectClass=inetOrgPerson)(uid={uid}))"
//! group_base_dn = "ou=groups,dc=example,dc=gov,dc=cn"
//! ca_file = "/etc/xinfang/ldap-ca.pem"
//! group.xfj-registrars = "registrar,handler@330102001"
//! group.county-leaders = "leader@330102000"
//! ```

use crate::config_file::entries;
use anyhow::{bail, Context};
use xinfang_app::directory::DirectoryConfig;

/// The directory from `[ldap]`, or None when the section has no `url`.
pub fn from_config() -> anyhow::Result<Option<DirectoryConfig>> {
    let e = entries("ldap");
    let get = |k: &str| e.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let Some(url) = get("url") else {
        return Ok(None);
    };
    let need = |k: &str| get(k).with_context(|| format!("xinfang.toml [ldap] 缺少 {k}"));
    let starttls = matches!(get("starttls").as_deref(), Some("true"));
    if !starttls && !url.starts_with("ldaps://") {
        bail!("xinfang.toml [ldap]：须使用 ldaps:// 或 starttls = true（密码不得明文传输）");
    }
    let bind_password = match (
        std::env::var("XINFANG_LDAP_BIND_PASSWORD"),
        get("bind_password_file"),
    ) {
        (Ok(p), _) => p,
        (Err(_), Some(f)) => std::fs::read_to_string(&f)
            .with_context(|| format!("无法读取 [ldap] bind_password_file：{f}"))?
            .trim_end_matches(['\r', '\n'])
            .to_string(),
        _ => bail!(
            "xinfang.toml [ldap]：须给出 bind_password_file 或环境变量 XINFANG_LDAP_BIND_PASSWORD"
        ),
    };
    let ca_file = need("ca_file")?;
    let ca =
        std::fs::read(&ca_file).with_context(|| format!("无法读取 [ldap] ca_file：{ca_file}"))?;
    let mut groups = vec![];
    for (k, v) in &e {
        if let Some(cn) = k.strip_prefix("group.") {
            groups.push(DirectoryConfig::parse_group(cn, v).map_err(anyhow::Error::msg)?);
        }
    }
    if groups.is_empty() {
        bail!("xinfang.toml [ldap]：未配置任何 group.<组名> = \"角色@单位编号\" 映射");
    }
    let user_filter =
        get("user_filter").unwrap_or_else(|| "(&(objectClass=inetOrgPerson)(uid={uid}))".into());
    if !user_filter.contains("{uid}") {
        bail!("xinfang.toml [ldap] user_filter 须含 {{uid}}");
    }
    Ok(Some(DirectoryConfig {
        url,
        starttls,
        bind_dn: need("bind_dn")?,
        bind_password,
        base_dn: need("base_dn")?,
        user_filter,
        group_base_dn: need("group_base_dn")?,
        groups,
        tls: DirectoryConfig::tls_trusting(&ca).map_err(anyhow::Error::msg)?,
        timeout: std::time::Duration::from_secs(10),
    }))
}
