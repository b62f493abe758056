//! Passwords (argon2id), throttling of guesses, session and API tokens
//! (the sign-in steps themselves are in `sign_in`).
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
    /// Staff sign-in's per-(client, user) back-off (`lockout`).
    pub(crate) backoff: crate::lockout::Backoff,
}

/// Above this many keys, entries older than an hour are dropped, so that
/// per-(client, case) keys cannot grow the map without bound.
const THROTTLE_PRUNE_AT: usize = 50_000;

impl Throttle {
    /// Err when `key` has failed `max` times within `window`.
    pub fn check(&self, key: &str, max: u32, window: Duration) -> Result<(), AppError> {
        if self.failures(key, window) >= max {
            Err(AppError::TooManyAttempts)
        } else {
            Ok(())
        }
    }
    /// The failures of `key` counted in its current window (0 once it is over).
    pub fn failures(&self, key: &str, window: Duration) -> u32 {
        let map = self.fails.lock().expect("throttle");
        match map.get(key) {
            Some((n, since)) if since.elapsed() < window => *n,
            _ => 0,
        }
    }
    pub fn fail(&self, key: &str, window: Duration) {
        let mut map = self.fails.lock().expect("throttle");
        if map.len() >= THROTTLE_PRUNE_AT {
            map.retain(|_, (_, since)| since.elapsed() < Duration::from_secs(3600));
        }
        let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= window {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }
    pub fn clear(&self, key: &str) {
        self.fails.lock().expect("throttle").remove(key);
    }

    /// Refuse a guess at the secret of `target` (a case's query code, a
    /// user's password) from `client` — the real client address, see
    /// `xinfang_web`'s `ClientAddr` — when:
    /// - this client failed `limits.pair` times on this target, or
    /// - this client failed `limits.client` times on any target, or
    /// - everyone together failed `limits.target` times on this target AND
    ///   this client has a failure of its own in the window.
    ///
    /// The last rule is what keeps a stranger from locking the owner out: a
    /// target-wide lock would let anyone who knows a case number or a user
    /// name deny the petitioner or the staff member their own case or
    /// account. A client with a clean record is never refused for what
    /// other clients did; one that is guessing gets at most one more try
    /// per new address once the target is under attack.
    pub fn check_guess(
        &self,
        scope: &str,
        client: &str,
        target: &str,
        limits: &GuessLimits,
    ) -> Result<(), AppError> {
        let (pair, by_client, by_target) = guess_keys(scope, client, target);
        self.check(&pair, limits.pair, limits.window)?;
        self.check(&by_client, limits.client, limits.window)?;
        if self.failures(&by_target, limits.target_window) >= limits.target
            && self.failures(&by_client, limits.window) > 0
        {
            return Err(AppError::TooManyAttempts);
        }
        Ok(())
    }

    /// Count a wrong guess on all three keys of [`Throttle::check_guess`].
    pub fn fail_guess(&self, scope: &str, client: &str, target: &str, limits: &GuessLimits) {
        let (pair, by_client, by_target) = guess_keys(scope, client, target);
        self.fail(&pair, limits.window);
        self.fail(&by_client, limits.window);
        self.fail(&by_target, limits.target_window);
    }

    /// A right guess forgets this client's failures on this target (not its
    /// failures elsewhere, nor the target-wide count).
    pub fn clear_guess(&self, scope: &str, client: &str, target: &str) {
        self.clear(&guess_keys(scope, client, target).0);
    }
}

fn guess_keys(scope: &str, client: &str, target: &str) -> (String, String, String) {
    (
        format!("{scope}|client:{client}|target:{target}"),
        format!("{scope}|client:{client}"),
        format!("{scope}|target:{target}"),
    )
}

/// How many wrong guesses [`Throttle::check_guess`] allows.
#[derive(Clone, Copy, Debug)]
pub struct GuessLimits {
    /// One client on one target, per `window`.
    pub pair: u32,
    /// One client on all targets, per `window`.
    pub client: u32,
    /// All clients on one target, per `target_window`; refuses only clients
    /// that have failed themselves.
    pub target: u32,
    pub window: Duration,
    pub target_window: Duration,
}

/// Staff login: 5 wrong passwords per client and user name in 15 minutes,
/// 30 per client in 15 minutes. User-wide, 20 failures in 5 minutes only
/// slow guessing clients down: the real user, logging in from a client
/// with no failure of its own, is never locked out by a stranger.
pub const LOGIN_LIMITS: GuessLimits = GuessLimits {
    pair: 5,
    client: 30,
    target: 20,
    window: Duration::from_secs(15 * 60),
    target_window: Duration::from_secs(5 * 60),
};

/// The petitioner's query code (8 characters of 32, ≈10^12 values): 10 wrong
/// codes per client and case, 30 per client in 15 minutes. Case-wide, after
/// 100 wrong codes in 15 minutes only clients that have not guessed wrong
/// themselves still get to try, so a stranger cannot lock the petitioner
/// out of their own case (第二十一条第二款: the system lets the
/// petitioner 查询、评价 their matter).
pub const QUERY_CODE_LIMITS: GuessLimits = GuessLimits {
    pair: 10,
    client: 30,
    target: 100,
    window: Duration::from_secs(15 * 60),
    target_window: Duration::from_secs(15 * 60),
};

/// Default lifetime of an API token, in days.
pub const API_TOKEN_DAYS: i64 = 7;
/// The longest lifetime `XINFANG_API_TOKEN_DAYS` may set.
pub const API_TOKEN_MAX_DAYS: i64 = 30;

/// How long an API token is valid: `XINFANG_API_TOKEN_DAYS` (1–30), else 7
/// days. A bearer token copied from a script or a log must stop working
/// soon, not after a year; a client that needs longer logs in again.
pub fn api_token_ttl() -> chrono::Duration {
    let days = std::env::var("XINFANG_API_TOKEN_DAYS")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|d| (1..=API_TOKEN_MAX_DAYS).contains(d))
        .unwrap_or(API_TOKEN_DAYS);
    chrono::Duration::days(days)
}

impl App {
    /// Issue a token for a user without a password (the `xinfang token` CLI).
    pub async fn issue_token(
        &self,
        user: &UserRecord,
        kind: TokenKind,
    ) -> Result<(String, String), AppError> {
        let token = random_token();
        let csrf = random_token();
        let ttl = match kind {
            TokenKind::Session => chrono::Duration::from_std(self.session_policy().absolute)
                .unwrap_or(chrono::Duration::hours(12)),
            TokenKind::PendingCode | TokenKind::Enrol => {
                chrono::Duration::from_std(crate::sign_in::PENDING_TTL)
                    .unwrap_or(chrono::Duration::minutes(10))
            }
            TokenKind::Api => api_token_ttl(),
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
        let found = if kind == TokenKind::Session {
            // Idle timeout: a session unused for `idle` is over; a use is
            // recorded at most every tenth of it (and at least each minute).
            let idle = self.session_policy().idle;
            let now = xinfang_store::shanghai_now();
            let std_to = |d: std::time::Duration| {
                chrono::Duration::from_std(d).unwrap_or(chrono::Duration::minutes(30))
            };
            let idle_cutoff = xinfang_store::fmt_time(now - std_to(idle));
            let touch = (idle / 10).min(std::time::Duration::from_secs(60));
            let touch_cutoff = xinfang_store::fmt_time(now - std_to(touch));
            self.store
                .user_for_session(token, kind, &idle_cutoff, &touch_cutoff)
                .await?
        } else {
            self.store.user_for_token(token, kind).await?
        };
        let (user, csrf) = found.ok_or(AppError::Unauthenticated)?;
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
