//! Staff sign-in fit for 等保 2.0 level 3 (issue #20 item 3): the password
//! step behind the back-off (`lockout`), the TOTP second factor (`totp`)
//! with its enrolment and one-time recovery codes, the roles an
//! administrator requires it for, and the session policy (idle and
//! absolute timeouts). Every sign-in, failure, lock, enrolment, use of a
//! recovery code and reset is an entry in the chained audit log.
//!
//! A page sign-in is one or two steps: the password gives either a full
//! session, or a short-lived pending token that is good only for the code
//! form (enrolled user) or only for the enrolment page (role requires a
//! factor the user has not set up). The full session is always a NEW
//! token, so no identifier known before the sign-in survives it.

use crate::auth::{verify_password, Throttle, LOGIN_LIMITS};
use crate::error::AppError;
use crate::lockout::minutes;
use crate::state::App;
use crate::totp;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use xinfang_domain::org::Role;
use xinfang_domain::UserId;
use xinfang_store::{TokenKind, UserRecord};

/// The setting naming the roles that must use a second factor (JSON list of role keys).
pub const SECOND_FACTOR_ROLES_SETTING: &str = "second_factor_roles";
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;
/// How long the password step's pending token lasts.
pub const PENDING_TTL: Duration = Duration::from_secs(10 * 60);
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "信访工作平台";

/// How long browser sessions live.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Signed out after this long without a request (default 30 minutes).
    pub idle: Duration,
    /// Signed out this long after signing in, whatever the use (default 12 hours).
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
        }
    }
}

/// Where the password step leaves the user.
pub enum SignIn {
    /// Signed in: the new session token and its CSRF secret.
    Done {
        token: String,
        csrf: String,
        user: UserRecord,
    },
    /// The code is next; `token` is good for the code form only.
    NeedCode { token: String, user: UserRecord },
    /// The role requires a second factor not set up yet; `token` is good
    /// for the enrolment page only.
    NeedEnrolment { token: String, user: UserRecord },
}

/// A started enrolment: the secret to show once (QR code and text).
pub struct Enrolment {
    pub secret_b32: String,
    pub uri: String,
}

/// Whether a user has a confirmed second factor and whether their role requires one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactorState {
    pub enrolled: bool,
    pub required: bool,
    pub recovery_left: i64,
}

fn login_keys(client: &str, user: &str) -> (String, String, String) {
    (
        format!("login|client:{client}|target:{user}"),
        format!("login|client:{client}"),
        format!("login|target:{user}"),
    )
}

fn recovery_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(
        format!("xinfang-recovery:{norm}").as_bytes(),
    ))
}

fn new_recovery_code() -> String {
    let a = crate::auth::random_query_code();
    let b = crate::auth::random_query_code();
    format!("{}-{}", &a[..5], &b[..5])
}

impl Throttle {
    /// Refuse a sign-in attempt (password or code) for `user` from `client`:
    /// the pair's back-off ([`crate::lockout`]), then the per-client and
    /// user-wide limits of [`LOGIN_LIMITS`] (the latter only for clients
    /// that failed themselves).
    pub fn check_login(&self, client: &str, user: &str) -> Result<(), AppError> {
        let (pair, by_client, by_target) = login_keys(client, user);
        if let Some(d) = self.backoff.locked_for(&pair) {
            return Err(AppError::LockedOut(minutes(d)));
        }
        self.check(&by_client, LOGIN_LIMITS.client, LOGIN_LIMITS.window)?;
        if self.failures(&by_target, LOGIN_LIMITS.target_window) >= LOGIN_LIMITS.target
            && self.failures(&by_client, LOGIN_LIMITS.window) > 0
        {
            return Err(AppError::TooManyAttempts);
        }
        Ok(())
    }

    /// Count a failed attempt; the lock it starts, if any.
    pub fn fail_login(&self, client: &str, user: &str) -> Option<Duration> {
        let (pair, by_client, by_target) = login_keys(client, user);
        self.fail(&by_client, LOGIN_LIMITS.window);
        self.fail(&by_target, LOGIN_LIMITS.target_window);
        self.backoff.fail(&pair)
    }

    pub fn clear_login(&self, client: &str, user: &str) {
        self.backoff.clear(&login_keys(client, user).0);
    }
}

impl App {
    pub fn session_policy(&self) -> SessionPolicy {
        *self.sessions.read().expect("session policy")
    }
    /// Set by `serve` from its configuration (and by tests).
    pub fn set_session_policy(&self, p: SessionPolicy) {
        *self.sessions.write().expect("session policy") = p;
    }

    /// The roles whose members must use a second factor.
    pub async fn second_factor_roles(&self) -> Result<Vec<Role>, AppError> {
        let text = self.store.get_setting(SECOND_FACTOR_ROLES_SETTING).await?;
        let keys: Vec<String> = text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Ok(Role::ALL
            .into_iter()
            .filter(|r| keys.iter().any(|k| k == r.key()))
            .collect())
    }

    /// An administrator sets which roles require a second factor (audited).
    pub async fn set_second_factor_roles(
        &self,
        admin: &xinfang_domain::Staff,
        keys: &[String],
    ) -> Result<Vec<Role>, AppError> {
        if !admin.roles.contains(&Role::Admin) {
            return Err(AppError::Forbidden);
        }
        let mut roles = vec![];
        for k in keys {
            match Role::from_key(k.trim()) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => return Err(AppError::field("roles", format!("未知角色：{k}"))),
            }
        }
        let list: Vec<&str> = roles.iter().map(|r| r.key()).collect();
        self.store
            .put_setting(
                SECOND_FACTOR_ROLES_SETTING,
                &serde_json::to_string(&list).unwrap_or_default(),
            )
            .await?;
        self.store
            .audit(
                "audit",
                "second_factor_policy",
                &format!("user:{}", admin.username),
                &serde_json::json!({ "roles": list }),
            )
            .await?;
        Ok(roles)
    }

    pub async fn factor_state(&self, user: &UserRecord) -> Result<FactorState, AppError> {
        let row = self.store.second_factor(user.id).await?;
        let enrolled = row.map(|r| r.confirmed).unwrap_or(false);
        let required_roles = self.second_factor_roles().await?;
        Ok(FactorState {
            enrolled,
            required: user.roles.iter().any(|r| required_roles.contains(r)),
            recovery_left: if enrolled {
                self.store.recovery_codes_left(user.id).await?
            } else {
                0
            },
        })
    }

    /// The password step, behind the back-off. Failures and locks are audited.
    async fn password_step(
        &self,
        throttle: &Throttle,
        client: &str,
        username: &str,
        password: &str,
    ) -> Result<UserRecord, AppError> {
        let name = username.trim().to_lowercase();
        let actor = format!("user:{}", username.trim());
        // Refused while locked: logged, not audited — the chain must not
        // grow at the rate an outsider can send requests (the lock itself
        // is audited once, when it starts).
        if let Err(e) = throttle.check_login(client, &name) {
            tracing::info!("sign-in of {name} from {client} refused: {e}");
            return Err(e);
        }
        let user = self.store.user_by_name(username.trim()).await?;
        let shadow = user
            .as_ref()
            .is_some_and(|u| u.password_hash == crate::directory::DIRECTORY_MARK);
        // Directory users (and unknown names, when a directory is set):
        // the directory decides; a local account is checked locally.
        if let Some(dir) = self.directory().filter(|_| user.is_none() || shadow) {
            return self
                .directory_step(throttle, client, &dir, user, username, password)
                .await;
        }
        let ok = user
            .as_ref()
            .map(|u| u.active && verify_password(password, &u.password_hash))
            .unwrap_or(false);
        match user {
            Some(u) if ok => {
                throttle.clear_login(client, &name);
                Ok(u)
            }
            _ => {
                self.login_failure(throttle, client, &name, &actor, "password")
                    .await?;
                Err(AppError::Unauthenticated)
            }
        }
    }

    /// The directory's answer for `username`, and the shadow record kept in
    /// step with its groups (created on first sign-in, audited).
    async fn directory_step(
        &self,
        throttle: &Throttle,
        client: &str,
        dir: &crate::directory::DirectoryConfig,
        local: Option<UserRecord>,
        username: &str,
        password: &str,
    ) -> Result<UserRecord, AppError> {
        use crate::directory::{authenticate, DirectoryRefusal, DIRECTORY_MARK};
        let name = username.trim().to_lowercase();
        let actor = format!("user:{}", username.trim());
        let found = match authenticate(dir, &name, password).await {
            Ok(u) => u,
            Err(DirectoryRefusal::BadCredentials) => {
                self.login_failure(throttle, client, &name, &actor, "directory")
                    .await?;
                return Err(AppError::Unauthenticated);
            }
            Err(DirectoryRefusal::NoMappedGroup) => {
                self.store
                    .audit("audit", "login_failed", &actor, &serde_json::json!({ "username": name, "client": client, "step": "directory_no_mapped_group" }))
                    .await?;
                return Err(DirectoryRefusal::NoMappedGroup.into());
            }
            Err(e @ DirectoryRefusal::Unavailable(_)) => {
                // Logged, not audited: an outage must not let anyone grow
                // the chain one request at a time.
                tracing::warn!("directory sign-in of {name} from {client}: {e:?}");
                return Err(e.into());
            }
        };
        if self.org().get(found.unit).is_none() {
            return Err(AppError::DirectoryUnavailable(format!(
                "[ldap] 组映射的单位 {} 不存在",
                found.unit.0
            )));
        }
        throttle.clear_login(client, &name);
        let user = match local {
            Some(u) => {
                if !u.active {
                    self.login_failure(throttle, client, &name, &actor, "inactive")
                        .await?;
                    return Err(AppError::Unauthenticated);
                }
                if u.roles != found.roles {
                    let change = xinfang_store::UserChange {
                        display_name: None,
                        roles: Some(found.roles.clone()),
                        password_hash: None,
                        active: None,
                    };
                    self.store.update_user(u.id, &change, "directory").await?;
                }
                self.store
                    .user_by_id(u.id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?
            }
            None => {
                let new = xinfang_store::NewUser {
                    username: &found.username,
                    display_name: &found.display_name,
                    unit: found.unit,
                    roles: &found.roles,
                    password_hash: DIRECTORY_MARK,
                    post: "",
                };
                let id = self.store.create_user(&new, "directory").await?;
                self.store
                    .audit("audit", "directory_user_created", &actor, &serde_json::json!({ "username": found.username, "dn": found.dn, "unit": found.unit.0, "roles": found.roles.iter().map(|r| r.key()).collect::<Vec<_>>() }))
                    .await?;
                self.store
                    .user_by_id(id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?
            }
        };
        Ok(user)
    }

    /// The configured directory, if any.
    pub fn directory(&self) -> Option<Arc<crate::directory::DirectoryConfig>> {
        self.directory.read().expect("directory").clone()
    }
    /// Set by `serve` from `[ldap]` (and by tests).
    pub fn set_directory(&self, d: Option<crate::directory::DirectoryConfig>) {
        *self.directory.write().expect("directory") = d.map(Arc::new);
    }

    async fn login_failure(
        &self,
        throttle: &Throttle,
        client: &str,
        name: &str,
        actor: &str,
        step: &str,
    ) -> Result<(), AppError> {
        let lock = throttle.fail_login(client, name);
        self.store
            .audit(
                "audit",
                "login_failed",
                actor,
                &serde_json::json!({ "username": name, "client": client, "step": step }),
            )
            .await?;
        if let Some(d) = lock {
            self.store
                .audit("audit", "login_locked", actor, &serde_json::json!({ "username": name, "client": client, "minutes": minutes(d) }))
                .await?;
        }
        Ok(())
    }

    /// The page sign-in's first step.
    pub async fn sign_in(
        &self,
        throttle: &Throttle,
        client: &str,
        username: &str,
        password: &str,
    ) -> Result<SignIn, AppError> {
        let user = self
            .password_step(throttle, client, username, password)
            .await?;
        let state = self.factor_state(&user).await?;
        if state.enrolled {
            let (token, _) = self.issue_token(&user, TokenKind::PendingCode).await?;
            return Ok(SignIn::NeedCode { token, user });
        }
        if state.required {
            let (token, _) = self.issue_token(&user, TokenKind::Enrol).await?;
            self.audit_user(
                &user,
                "login_needs_enrolment",
                serde_json::json!({ "client": client }),
            )
            .await?;
            return Ok(SignIn::NeedEnrolment { token, user });
        }
        let (token, csrf) = self.start_session(&user, client, "password").await?;
        Ok(SignIn::Done { token, csrf, user })
    }

    /// The page sign-in's second step: `pending` is the code form's token,
    /// `code` a TOTP code or a recovery code. On success the pending token
    /// is gone and a new session exists.
    pub async fn sign_in_code(
        &self,
        throttle: &Throttle,
        client: &str,
        pending: &str,
        code: &str,
    ) -> Result<(String, String, UserRecord), AppError> {
        let (user, _) = self
            .store
            .user_for_token(pending, TokenKind::PendingCode)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let how = self.check_code(throttle, client, &user, code).await?;
        self.store.delete_token(pending).await?;
        let (token, csrf) = self.start_session(&user, client, how).await?;
        Ok((token, csrf, user))
    }

    /// Check a TOTP or recovery code of an enrolled user behind the back-off.
    async fn check_code(
        &self,
        throttle: &Throttle,
        client: &str,
        user: &UserRecord,
        code: &str,
    ) -> Result<&'static str, AppError> {
        let name = user.username.to_lowercase();
        throttle.check_login(client, &name)?;
        let row = self
            .store
            .second_factor(user.id)
            .await?
            .filter(|r| r.confirmed)
            .ok_or(AppError::Unauthenticated)?;
        let secret = totp::base32_decode(&row.secret).unwrap_or_default();
        let code = code.trim();
        let actor = format!("user:{}", user.username);
        if code.chars().all(|c| c.is_ascii_digit()) {
            match totp::matching_step(&secret, self.unix_now(), code) {
                Some(step) if self.store.use_totp_step(user.id, step).await? => {
                    throttle.clear_login(client, &name);
                    return Ok("totp");
                }
                Some(_) => {
                    self.login_failure(throttle, client, &name, &actor, "code_reused")
                        .await?;
                    return Err(AppError::field(
                        "code",
                        "该验证码已使用过，请等待验证器显示下一个验证码",
                    ));
                }
                None => {}
            }
        } else if self
            .store
            .use_recovery_code(user.id, &recovery_hash(code))
            .await?
        {
            throttle.clear_login(client, &name);
            let left = self.store.recovery_codes_left(user.id).await?;
            self.audit_user(
                user,
                "recovery_code_used",
                serde_json::json!({ "client": client, "left": left }),
            )
            .await?;
            return Ok("recovery_code");
        }
        self.login_failure(throttle, client, &name, &actor, "code")
            .await?;
        Err(AppError::field("code", "验证码错误"))
    }

    /// Issue a full session after all steps, audited as a sign-in.
    async fn start_session(
        &self,
        user: &UserRecord,
        client: &str,
        how: &str,
    ) -> Result<(String, String), AppError> {
        let (token, csrf) = self.issue_token(user, TokenKind::Session).await?;
        self.audit_user(
            user,
            "login",
            serde_json::json!({ "kind": "Session", "client": client, "factor": how }),
        )
        .await?;
        Ok((token, csrf))
    }

    /// The API's one-step login: a user with a second factor sends the
    /// code with the password (`code`); one whose role requires a factor
    /// not yet set up must enrol on the page first.
    pub async fn login_throttled(
        &self,
        throttle: &Throttle,
        client: &str,
        username: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<(String, String, UserRecord), AppError> {
        let user = self
            .password_step(throttle, client, username, password)
            .await?;
        let state = self.factor_state(&user).await?;
        let how = if state.enrolled {
            match code.filter(|c| !c.trim().is_empty()) {
                Some(c) => self.check_code(throttle, client, &user, c).await?,
                None => return Err(AppError::field("code", "请填写动态验证码")),
            }
        } else if state.required {
            return Err(AppError::field(
                "code",
                "您的角色须使用动态验证码登录，请先在网页登录并完成绑定",
            ));
        } else {
            "password"
        };
        let (token, csrf) = self.issue_token(&user, TokenKind::Api).await?;
        self.audit_user(
            &user,
            "login",
            serde_json::json!({ "kind": "Api", "client": client, "factor": how }),
        )
        .await?;
        Ok((token, csrf, user))
    }

    /// Start enrolment for `user` (signed in, or holding an enrolment
    /// token): a fresh secret, not active until confirmed with a code.
    pub async fn begin_enrolment(&self, user: &UserRecord) -> Result<Enrolment, AppError> {
        let bytes: [u8; 20] = rand::random();
        let secret_b32 = totp::base32_encode(&bytes);
        if !self.store.begin_second_factor(user.id, &secret_b32).await? {
            return Err(AppError::field(
                "code",
                "已绑定动态验证码；如需更换，请联系管理员重置",
            ));
        }
        Ok(Enrolment {
            uri: totp::otpauth_uri(ISSUER, &user.username, &secret_b32),
            secret_b32,
        })
    }

    /// The pending enrolment's secret (to show again after a wrong code).
    pub async fn pending_enrolment(
        &self,
        user: &UserRecord,
    ) -> Result<Option<Enrolment>, AppError> {
        Ok(self
            .store
            .second_factor(user.id)
            .await?
            .filter(|r| !r.confirmed)
            .map(|r| Enrolment {
                uri: totp::otpauth_uri(ISSUER, &user.username, &r.secret),
                secret_b32: r.secret,
            }))
    }

    /// Confirm enrolment with the first code: the factor is active and the
    /// recovery codes (returned once, stored hashed) replace any earlier.
    pub async fn confirm_enrolment(
        &self,
        throttle: &Throttle,
        client: &str,
        user: &UserRecord,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let name = user.username.to_lowercase();
        throttle.check_login(client, &name)?;
        let row = self
            .store
            .second_factor(user.id)
            .await?
            .filter(|r| !r.confirmed)
            .ok_or_else(|| AppError::field("code", "请先生成密钥"))?;
        let secret = totp::base32_decode(&row.secret).unwrap_or_default();
        let Some(step) = totp::matching_step(&secret, self.unix_now(), code) else {
            self.login_failure(
                throttle,
                client,
                &name,
                &format!("user:{}", user.username),
                "enrol",
            )
            .await?;
            return Err(AppError::field("code", "验证码错误"));
        };
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
        if !self
            .store
            .confirm_second_factor(user.id, step, &hashes)
            .await?
        {
            return Err(AppError::field("code", "验证码错误"));
        }
        throttle.clear_login(client, &name);
        self.audit_user(
            user,
            "second_factor_enrolled",
            serde_json::json!({ "client": client }),
        )
        .await?;
        Ok(codes)
    }

    /// After enrolment from an enrolment token: that token ends and a full
    /// session begins (a new identifier).
    pub async fn finish_enrolment_sign_in(
        &self,
        enrol_token: &str,
        user: &UserRecord,
        client: &str,
    ) -> Result<(String, String), AppError> {
        self.store.delete_token(enrol_token).await?;
        self.start_session(user, client, "totp_enrolment").await
    }

    /// An administrator removes a user's second factor (lost phone): the
    /// user's sessions end and they enrol again at the next sign-in.
    pub async fn reset_second_factor(
        &self,
        admin: &xinfang_domain::Staff,
        user: UserId,
    ) -> Result<bool, AppError> {
        if !admin.roles.contains(&Role::Admin) {
            return Err(AppError::Forbidden);
        }
        let target = self
            .store
            .user_by_id(user)
            .await?
            .ok_or(AppError::NotFound)?;
        let had = self.store.reset_second_factor(user).await?;
        self.store
            .audit(
                "audit",
                "second_factor_reset",
                &format!("user:{}", admin.username),
                &serde_json::json!({ "user": target.username, "had_factor": had }),
            )
            .await?;
        Ok(had)
    }

    async fn audit_user(
        &self,
        user: &UserRecord,
        kind: &str,
        payload: serde_json::Value,
    ) -> Result<(), AppError> {
        self.store
            .audit("audit", kind, &format!("user:{}", user.username), &payload)
            .await?;
        Ok(())
    }

    /// Unix seconds of the application's clock (Asia/Shanghai naive time).
    pub fn unix_now(&self) -> i64 {
        (self.time.now() - chrono::Duration::hours(8))
            .and_utc()
            .timestamp()
    }
}

/// The user behind a pending or enrolment token (for the code and enrolment pages).
pub async fn pending_user(app: &App, token: &str, kind: TokenKind) -> Option<UserRecord> {
    app.store
        .user_for_token(token, kind)
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u)
}
