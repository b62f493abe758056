//! Passwords (argon2id), login with throttling, session and API tokens.
//! Tokens are random 32-byte values shown once; only their hash is stored.

use crate::error::AppError;
use crate::state::App;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::Rng;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xinfang_domain::{Staff, UnitId};
use xinfang_store::{TokenKind, UserRecord};

/// Hash a password for storage.
pub fn hash_password(pw: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Password policy: at least 10 characters with letters and digits.
pub fn check_password_policy(pw: &str) -> Result<(), AppError> {
    let long = pw.chars().count() >= 10;
    let letters = pw.chars().any(|c| c.is_ascii_alphabetic());
    let digits = pw.chars().any(|c| c.is_ascii_digit());
    if long && letters && digits {
        Ok(())
    } else {
        Err(AppError::field(
            "password",
            "密码至少10位，且须同时包含字母和数字",
        ))
    }
}

/// A random URL-safe token.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    hex::encode(bytes)
}

/// A random 8-character query code for the petitioner (no ambiguous characters).
pub fn random_query_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Turn a stored user into the domain's actor.
pub fn staff_of(u: &UserRecord) -> Staff {
    Staff {
        user: u.id,
        username: u.username.clone(),
        name: u.display_name.clone(),
        unit: u.unit,
        roles: u.roles.clone(),
    }
}

/// Simple in-memory failure counter with a lock-out window.
#[derive(Default)]
pub struct Throttle {
    fails: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    /// Err when `key` has failed `max` times within `window`.
    pub fn check(&self, key: &str, max: u32, window: Duration) -> Result<(), AppError> {
        let map = self.fails.lock().expect("throttle");
        match map.get(key) {
            Some((n, since)) if *n >= max && since.elapsed() < window => {
                Err(AppError::TooManyAttempts)
            }
            _ => Ok(()),
        }
    }
    pub fn fail(&self, key: &str, window: Duration) {
        let mut map = self.fails.lock().expect("throttle");
        let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= window {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }
    pub fn clear(&self, key: &str) {
        self.fails.lock().expect("throttle").remove(key);
    }
}

impl App {
    /// Verify a password and issue a token of `kind`. Returns (token, csrf, user).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        kind: TokenKind,
    ) -> Result<(String, String, UserRecord), AppError> {
        let user = self.store.user_by_name(username.trim()).await?;
        let ok = user
            .as_ref()
            .map(|u| u.active && verify_password(password, &u.password_hash))
            .unwrap_or(false);
        let actor = format!("user:{}", username.trim());
        if !ok {
            self.store
                .audit(
                    "audit",
                    "login_failed",
                    &actor,
                    &serde_json::json!({ "username": username.trim() }),
                )
                .await?;
            return Err(AppError::Unauthenticated);
        }
        let user = user.ok_or(AppError::Unauthenticated)?;
        let (token, csrf) = self.issue_token(&user, kind).await?;
        self.store
            .audit(
                "audit",
                "login",
                &actor,
                &serde_json::json!({ "kind": format!("{kind:?}") }),
            )
            .await?;
        Ok((token, csrf, user))
    }

    /// Issue a token for a user without a password (the `xinfang token` CLI).
    pub async fn issue_token(
        &self,
        user: &UserRecord,
        kind: TokenKind,
    ) -> Result<(String, String), AppError> {
        let token = random_token();
        let csrf = random_token();
        let ttl = match kind {
            TokenKind::Session => chrono::Duration::hours(12),
            TokenKind::Api => chrono::Duration::days(365),
        };
        let expires = xinfang_store::fmt_time(xinfang_store::shanghai_now() + ttl);
        self.store
            .insert_token(&token, user.id, kind, &csrf, &expires)
            .await?;
        Ok((token, csrf))
    }

    /// The staff member behind a token.
    pub async fn authenticate(
        &self,
        token: &str,
        kind: TokenKind,
    ) -> Result<(Staff, String), AppError> {
        let (user, csrf) = self
            .store
            .user_for_token(token, kind)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok((staff_of(&user), csrf))
    }

    /// The display name of a unit (for timelines and documents).
    pub fn unit_name(&self, id: UnitId) -> String {
        self.org()
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("单位{}", id.0))
    }
}
