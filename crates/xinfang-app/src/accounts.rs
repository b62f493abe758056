//! Petitioner accounts (issue #19 item 3), optional: a citizen signs in with
//! a mobile number and a one-time SMS code and sees every petition of theirs
//! without the query codes — the cases whose petitioner phone is the
//! verified number, and, once a staff member checked their ID document at a
//! window (窗口核验身份), those registered under that ID number. 第二十一条
//! asks that petitioners can 查询 their matters through the platform; the
//! query code stays for everyone without an account.
//!
//! The code is 6 digits, valid 5 minutes, stored as a hash, and goes out
//! through the message outbox like every other SMS (its text is blanked
//! once sent). Sending is limited per phone (1 per minute, 5 per hour) and
//! per client address (10 per hour); a code survives 5 wrong tries, and
//! wrong tries are also throttled per client like query codes. A session
//! is a random token in its own cookie (only its hash stored), separate
//! from staff sessions, valid 12 hours.

use crate::auth::{random_token, GuessLimits, Throttle};
use crate::error::AppError;
use crate::notify::notice::{self, Notice};
use crate::state::App;
use chrono::Duration;
use rand::Rng;
use sha2::{Digest, Sha256};
use xinfang_domain::case::Case;
use xinfang_store::{fmt_time, NewMessage};

/// How long a sign-in code is valid.
pub const CODE_MINUTES: i64 = 5;
/// Codes per phone: one per minute, five per hour.
pub const CODES_PER_HOUR: i64 = 5;
/// Codes per client address per hour.
pub const CODES_PER_CLIENT_HOUR: i64 = 10;
/// Wrong entries a code survives.
pub const CODE_TRIES: i64 = 5;
/// A petitioner session's lifetime.
pub const SESSION_HOURS: i64 = 12;

/// Wrong codes per client: 10 per phone, 30 in all, per 15 minutes.
const SIGNIN_LIMITS: GuessLimits = GuessLimits {
    pair: 10,
    client: 30,
    target: 100,
    window: std::time::Duration::from_secs(15 * 60),
    target_window: std::time::Duration::from_secs(15 * 60),
};

/// A signed-in petitioner.
#[derive(Clone, Debug)]
pub struct Petitioner {
    pub phone: String,
    /// 手机验证 or 窗口核验身份.
    pub level_label: &'static str,
    /// Set once staff verified the ID document at a window.
    pub id_number: Option<String>,
}

fn hash(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn code_hash(phone: &str, code: &str) -> String {
    hash(&format!("xinfang-signin|{phone}|{code}"))
}

/// A mobile number as accounts use it (11 digits), or the error to show.
pub fn mobile(phone: &str) -> Result<String, AppError> {
    match xinfang_text::phone::normalize_phone(phone) {
        Ok(p) if p.len() == 11 && p.starts_with('1') => Ok(p),
        _ => Err(AppError::field(
            "phone",
            "请填写11位手机号码，例如13812345678",
        )),
    }
}

pub fn level_label(level: &str) -> &'static str {
    if level == "id" {
        "窗口核验身份"
    } else {
        "手机验证"
    }
}

impl App {
    /// Send a sign-in code to `phone` (through the outbox), within the limits.
    pub async fn request_signin_code(&self, client: &str, phone: &str) -> Result<(), AppError> {
        let phone = mobile(phone)?;
        let now = self.now();
        // The newest code's age, from its expiry (codes live CODE_MINUTES).
        if let Some(last) = self.store.latest_signin_code(&phone).await? {
            let expires = last.expires_at.as_str();
            let a_minute_ago =
                fmt_time(now - Duration::seconds(60) + Duration::minutes(CODE_MINUTES));
            if expires > a_minute_ago.as_str() {
                return Err(AppError::field(
                    "phone",
                    "验证码已发送，请等待60秒后再重新获取",
                ));
            }
        }
        let hour = fmt_time(now - Duration::hours(1));
        let (by_phone, by_client) = self
            .store
            .signin_codes_since(&phone, &hour, client, &hour)
            .await?;
        if by_phone >= CODES_PER_HOUR {
            return Err(AppError::field(
                "phone",
                "这个手机号一小时内获取验证码已达5次，请一小时后再试",
            ));
        }
        if by_client >= CODES_PER_CLIENT_HOUR {
            return Err(AppError::field(
                "phone",
                "您这里获取验证码的次数过多，请一小时后再试",
            ));
        }
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
        let text = self.notice_text(Notice::SignInCode).await?;
        let body = notice::render(&text, &[("{验证码}", code.clone())]);
        let dedupe = format!("signin:{}", random_token());
        let m = NewMessage {
            case_id: None,
            notice: Notice::SignInCode.key(),
            channel: "sms",
            recipient: &phone,
            subject: &Notice::SignInCode.subject(),
            body: &body,
            dedupe: &dedupe,
        };
        self.store
            .insert_signin_code(
                &phone,
                client,
                &code_hash(&phone, &code),
                &fmt_time(now),
                &fmt_time(now + Duration::minutes(CODE_MINUTES)),
                &m,
            )
            .await?;
        Ok(())
    }

    /// Check a code; on success a new session token (for the cookie).
    pub async fn sign_in_petitioner(
        &self,
        throttle: &Throttle,
        client: &str,
        phone: &str,
        code: &str,
    ) -> Result<String, AppError> {
        let phone = mobile(phone)?;
        throttle.check_guess("signin", client, &phone, &SIGNIN_LIMITS)?;
        let code = code.trim();
        let wrong = || AppError::field("code", "验证码不正确，请核对短信中的6位数字");
        let Some(row) = self.store.latest_signin_code(&phone).await? else {
            return Err(AppError::field("code", "请先获取验证码"));
        };
        let now = fmt_time(self.now());
        if row.used || row.expires_at <= now || row.attempts >= CODE_TRIES {
            return Err(AppError::field(
                "code",
                "验证码已失效（5分钟内有效，只能使用一次），请重新获取",
            ));
        }
        if code.len() != 6 || code_hash(&phone, code) != row.code_hash {
            self.store.signin_code_failed(row.id).await?;
            throttle.fail_guess("signin", client, &phone, &SIGNIN_LIMITS);
            return Err(wrong());
        }
        let token = random_token();
        let expires = fmt_time(self.now() + Duration::hours(SESSION_HOURS));
        if !self
            .store
            .sign_in_with_code(row.id, &phone, &hash(&token), &now, &expires)
            .await?
        {
            return Err(AppError::field(
                "code",
                "验证码已失效（5分钟内有效，只能使用一次），请重新获取",
            ));
        }
        throttle.clear_guess("signin", client, &phone);
        Ok(token)
    }

    /// The petitioner of a session cookie, if it is live.
    pub async fn petitioner_of(&self, token: &str) -> Result<Option<Petitioner>, AppError> {
        let now = fmt_time(self.now());
        let Some(phone) = self.store.petitioner_session(&hash(token), &now).await? else {
            return Ok(None);
        };
        let account = self.store.petitioner_account(&phone).await?;
        Ok(Some(Petitioner {
            phone,
            level_label: level_label(account.as_ref().map(|a| a.level.as_str()).unwrap_or("")),
            id_number: account
                .filter(|a| a.level == "id")
                .and_then(|a| a.id_number),
        }))
    }

    pub async fn sign_out_petitioner(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store.delete_petitioner_session(&hash(token)).await?)
    }

    /// The petitioner's own cases, newest first: a petitioner of the case
    /// has this phone, or (verified at a window) this ID number.
    pub async fn my_cases(&self, p: &Petitioner) -> Result<Vec<(i64, Case)>, AppError> {
        let ids = self
            .store
            .case_ids_of_petitioner(&p.phone, p.id_number.as_deref(), 200)
            .await?;
        let mut cases: Vec<(i64, Case)> = self
            .store
            .cases_by_ids(&ids)
            .await?
            .into_iter()
            .filter(|(_, c)| is_theirs(p, c))
            .collect();
        cases.sort_by_key(|c| std::cmp::Reverse(c.0));
        Ok(cases)
    }

    /// One of the petitioner's own cases by number (None when not theirs).
    pub async fn my_case(
        &self,
        p: &Petitioner,
        case_no: &str,
    ) -> Result<Option<(i64, Case)>, AppError> {
        Ok(self
            .store
            .load_case(case_no.trim())
            .await?
            .filter(|(_, c)| is_theirs(p, c)))
    }

    /// A staff member at a reception window checked the ID document of the
    /// account holder (窗口核验身份): their cases under that ID number join
    /// the list. Audited.
    pub async fn verify_petitioner_identity(
        &self,
        staff: &xinfang_domain::Staff,
        phone: &str,
        id_number: &str,
    ) -> Result<(), AppError> {
        may_verify(staff)?;
        let phone = mobile(phone)?;
        let id = xinfang_text::id_number::IdNumber::parse(id_number.trim())
            .map_err(|_| AppError::field("id_number", "身份证号码无效，请核对"))?
            .as_str()
            .to_string();
        let now = fmt_time(self.now());
        if !self
            .store
            .verify_petitioner_id(&phone, &id, &staff.username, &now)
            .await?
        {
            return Err(AppError::field(
                "phone",
                "这个手机号还没有登录过，请信访人先用手机号登录一次",
            ));
        }
        self.store
            .audit(
                "accounts",
                "petitioner_id_verified",
                &format!("user:{}", staff.username),
                &serde_json::json!({
                    "phone": xinfang_text::phone::mask_phone(&phone),
                    "id_number": xinfang_text::mask::mask_id(&id),
                }),
            )
            .await?;
        Ok(())
    }
}

/// An account as the window desk sees it (窗口核验身份).
#[derive(Clone, Debug, serde::Serialize)]
pub struct AccountView {
    pub phone: String,
    pub level_label: &'static str,
    /// Masked: the desk typed it, nobody needs to read it back in full.
    pub id_number: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

/// Whether `staff` works the window desk (登记员) or administers: the
/// only ones who look accounts up and verify identities.
pub fn may_verify(staff: &xinfang_domain::Staff) -> Result<(), AppError> {
    use xinfang_domain::Role;
    if staff.has(Role::Registrar) || staff.has(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl App {
    /// The account of `phone` for the window desk (登记员, 管理员), None when
    /// the number never signed in. Every look-up is a chained audit entry
    /// (a read of personal data).
    pub async fn account_for_window(
        &self,
        staff: &xinfang_domain::Staff,
        phone: &str,
    ) -> Result<Option<AccountView>, AppError> {
        may_verify(staff)?;
        let phone = mobile(phone)?;
        let row = self.store.petitioner_account(&phone).await?;
        self.store
            .audit(
                "accounts",
                "petitioner_account_viewed",
                &format!("user:{}", staff.username),
                &serde_json::json!({
                    "phone": xinfang_text::phone::mask_phone(&phone),
                    "found": row.is_some(),
                }),
            )
            .await?;
        let Some(a) = row else { return Ok(None) };
        let verified_by = match a.verified_by.as_deref() {
            Some(u) => Some(match self.store.user_by_name(u).await? {
                Some(user) => format!("{}（{}）", user.display_name, self.unit_name(user.unit)),
                None => u.to_string(),
            }),
            None => None,
        };
        Ok(Some(AccountView {
            level_label: level_label(&a.level),
            id_number: a.id_number.as_deref().map(xinfang_text::mask::mask_id),
            phone: a.phone,
            verified_by,
            verified_at: a.verified_at,
            created_at: a.created_at,
            last_login_at: a.last_login_at,
        }))
    }

    /// The account level of each petitioner of a case the caller already
    /// may see (the case page, after `case_detail`): 手机验证 / 窗口核验身份,
    /// None without an account. Read from the stored case, since the page's
    /// copy may carry masked phones.
    pub async fn account_levels(
        &self,
        case_no: &str,
    ) -> Result<Vec<Option<&'static str>>, AppError> {
        let Some((_, case)) = self.store.load_case(case_no).await? else {
            return Ok(vec![]);
        };
        let mut out = vec![];
        for p in &case.petitioners {
            let level = match p.phone.as_deref().and_then(|ph| mobile(ph).ok()) {
                Some(ph) => self
                    .store
                    .petitioner_account(&ph)
                    .await?
                    .map(|a| level_label(&a.level)),
                None => None,
            };
            out.push(level);
        }
        Ok(out)
    }
}

/// Whether `p` is a petitioner of `c`.
fn is_theirs(p: &Petitioner, c: &Case) -> bool {
    c.petitioners.iter().any(|x| {
        x.phone.as_deref() == Some(p.phone.as_str())
            || (p.id_number.is_some() && x.id_number == p.id_number)
    })
}
