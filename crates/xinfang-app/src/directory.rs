//! Directory sign-in (issue #20 item 5): staff of a government intranet
//! sign in with their directory (LDAP) account. The service account binds
//! over StartTLS or LDAPS (never in clear), finds the user by uid under the
//! base DN, the user's own password is checked by binding as them, and
//! their groups are read (`groupOfNames` with `member`). Groups map to
//! roles and a unit by configuration (`[ldap]` in `xinfang.toml`); a user
//! in no mapped group is refused. The first sign-in creates a local shadow
//! record (audited) that holds no usable password, so when the directory
//! is down nobody signs in with a stale one — the page says the directory
//! is unavailable. Local accounts keep working beside it.

use crate::error::AppError;
use ldap3::{ldap_escape, LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::sync::Arc;
use std::time::Duration;
use xinfang_domain::{Role, UnitId};

/// The `password_hash` of a directory user's shadow record: not a hash,
/// so no password ever verifies against it locally.
pub const DIRECTORY_MARK: &str = "!directory";

/// One group → roles and unit.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMap {
    /// The group's `cn`.
    pub group: String,
    pub roles: Vec<Role>,
    pub unit: UnitId,
}

/// The `[ldap]` settings.
#[derive(Clone)]
pub struct DirectoryConfig {
    /// `ldap://host:389` (with `starttls`) or `ldaps://host:636`.
    pub url: String,
    pub starttls: bool,
    pub bind_dn: String,
    pub bind_password: String,
    /// Where users are searched (subtree).
    pub base_dn: String,
    /// With `{uid}` for the escaped user name, e.g. `(&(objectClass=inetOrgPerson)(uid={uid}))`.
    pub user_filter: String,
    /// Where groups are searched (subtree).
    pub group_base_dn: String,
    pub groups: Vec<GroupMap>,
    /// TLS settings trusting the configured CA (PEM).
    pub tls: Arc<rustls::ClientConfig>,
    pub timeout: Duration,
}

impl DirectoryConfig {
    /// Parse a group mapping `cn = "role,role@unit_id"`.
    pub fn parse_group(cn: &str, value: &str) -> Result<GroupMap, String> {
        let (roles, unit) = value
            .split_once('@')
            .ok_or_else(|| format!("组 {cn} 的映射须写成 \"角色,角色@单位编号\"：{value}"))?;
        let unit = unit
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("组 {cn} 的单位编号无效：{unit}"))?;
        let mut list = vec![];
        for r in roles.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            list.push(Role::from_key(r).ok_or_else(|| format!("组 {cn} 的角色无效：{r}"))?);
        }
        if list.is_empty() {
            return Err(format!("组 {cn} 未映射任何角色"));
        }
        Ok(GroupMap {
            group: cn.trim().to_string(),
            roles: list,
            unit: UnitId(unit),
        })
    }

    /// TLS trusting only the CA certificates in `ca_pem` (PEM text).
    pub fn tls_trusting(ca_pem: &[u8]) -> Result<Arc<rustls::ClientConfig>, String> {
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_slice_iter(ca_pem) {
            let c = c.map_err(|e| format!("CA 证书不是有效的 PEM：{e}"))?;
            roots.add(c).map_err(|e| format!("CA 证书无效：{e}"))?;
        }
        if roots.is_empty() {
            return Err("CA 证书文件中没有证书".into());
        }
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cfg = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(cfg))
    }
}

/// A directory user whose password was right, with what their groups map to.
#[derive(Clone, Debug)]
pub struct DirectoryUser {
    pub username: String,
    pub display_name: String,
    pub dn: String,
    pub roles: Vec<Role>,
    pub unit: UnitId,
}

/// Why a directory sign-in did not succeed.
#[derive(Debug)]
pub enum DirectoryRefusal {
    /// No such uid, or a wrong password.
    BadCredentials,
    /// Right password, but in no mapped group.
    NoMappedGroup,
    /// The directory could not be asked (down, TLS refused, service bind failed).
    Unavailable(String),
}

fn unavailable(e: impl std::fmt::Display) -> DirectoryRefusal {
    DirectoryRefusal::Unavailable(e.to_string())
}

/// A bound connection (StartTLS/LDAPS as configured).
async fn connect(c: &DirectoryConfig) -> Result<ldap3::Ldap, DirectoryRefusal> {
    if !c.starttls && !c.url.starts_with("ldaps://") {
        return Err(unavailable("目录服务须使用 StartTLS 或 LDAPS"));
    }
    let settings = LdapConnSettings::new()
        .set_starttls(c.starttls)
        .set_config(c.tls.clone())
        .set_conn_timeout(c.timeout);
    let (conn, ldap) = LdapConnAsync::with_settings(settings, &c.url)
        .await
        .map_err(unavailable)?;
    ldap3::drive!(conn);
    Ok(ldap)
}

/// Check `username` and `password` against the directory.
pub async fn authenticate(
    c: &DirectoryConfig,
    username: &str,
    password: &str,
) -> Result<DirectoryUser, DirectoryRefusal> {
    let uid = username.trim();
    // An empty password would be an unauthenticated bind, which "succeeds".
    if uid.is_empty() || password.is_empty() {
        return Err(DirectoryRefusal::BadCredentials);
    }
    let mut svc = connect(c).await?;
    svc.with_timeout(c.timeout)
        .simple_bind(&c.bind_dn, &c.bind_password)
        .await
        .map_err(unavailable)?
        .success()
        .map_err(|e| unavailable(format!("服务账号绑定失败：{e}")))?;
    let filter = c.user_filter.replace("{uid}", &ldap_escape(uid));
    let (entries, _) = svc
        .with_timeout(c.timeout)
        .search(
            &c.base_dn,
            Scope::Subtree,
            &filter,
            vec!["uid", "cn", "displayName"],
        )
        .await
        .map_err(unavailable)?
        .success()
        .map_err(unavailable)?;
    if entries.len() != 1 {
        let _ = svc.unbind().await;
        return Err(DirectoryRefusal::BadCredentials);
    }
    let entry = SearchEntry::construct(entries.into_iter().next().expect("one entry"));
    let first = |k: &str| entry.attrs.get(k).and_then(|v| v.first()).cloned();
    let display_name = first("displayName")
        .or_else(|| first("cn"))
        .unwrap_or_else(|| uid.to_string());
    // The user's own password: a bind as them, on a connection of its own.
    let mut own = connect(c).await?;
    let bound = own
        .with_timeout(c.timeout)
        .simple_bind(&entry.dn, password)
        .await
        .map_err(unavailable)?;
    let _ = own.unbind().await;
    match bound.rc {
        0 => {}
        49 => {
            let _ = svc.unbind().await;
            return Err(DirectoryRefusal::BadCredentials);
        }
        rc => return Err(unavailable(format!("用户绑定失败（{rc}）：{}", bound.text))),
    }
    let gfilter = format!(
        "(&(objectClass=groupOfNames)(member={}))",
        ldap_escape(&entry.dn)
    );
    let (groups, _) = svc
        .with_timeout(c.timeout)
        .search(&c.group_base_dn, Scope::Subtree, &gfilter, vec!["cn"])
        .await
        .map_err(unavailable)?
        .success()
        .map_err(unavailable)?;
    let _ = svc.unbind().await;
    let cns: Vec<String> = groups
        .into_iter()
        .flat_map(|g| {
            SearchEntry::construct(g)
                .attrs
                .remove("cn")
                .unwrap_or_default()
        })
        .collect();
    let mapped: Vec<&GroupMap> = c
        .groups
        .iter()
        .filter(|m| cns.iter().any(|cn| cn.eq_ignore_ascii_case(&m.group)))
        .collect();
    let Some(first_map) = mapped.first() else {
        return Err(DirectoryRefusal::NoMappedGroup);
    };
    let mut roles: Vec<Role> = vec![];
    for m in &mapped {
        for r in &m.roles {
            if !roles.contains(r) {
                roles.push(*r);
            }
        }
    }
    Ok(DirectoryUser {
        username: uid.to_lowercase(),
        display_name,
        dn: entry.dn.clone(),
        roles,
        unit: first_map.unit,
    })
}

impl From<DirectoryRefusal> for AppError {
    fn from(r: DirectoryRefusal) -> AppError {
        match r {
            DirectoryRefusal::BadCredentials => AppError::Unauthenticated,
            DirectoryRefusal::NoMappedGroup => AppError::field(
                "username",
                "您的目录账号未分配本系统的角色，请联系系统管理员",
            ),
            DirectoryRefusal::Unavailable(e) => AppError::DirectoryUnavailable(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_mappings_parse_or_say_why_not() {
        let m = DirectoryConfig::parse_group("xfj", "registrar, handler@1001").unwrap();
        assert_eq!(m.roles, vec![Role::Registrar, Role::Handler]);
        assert_eq!(m.unit, UnitId(1001));
        assert!(DirectoryConfig::parse_group("x", "registrar")
            .unwrap_err()
            .contains("角色,角色@单位编号"));
        assert!(DirectoryConfig::parse_group("x", "boss@1")
            .unwrap_err()
            .contains("角色无效"));
        assert!(DirectoryConfig::parse_group("x", "leader@abc")
            .unwrap_err()
            .contains("单位编号无效"));
    }
}
