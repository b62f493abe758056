//! Petitioner accounts (issue #19 item 3): one-time sign-in codes (hashed),
//! the accounts with their verification level, petitioner sessions (token
//! hashes, separate from staff tokens), and the look-up of a petitioner's
//! own cases by verified phone or ID number through `petitioner_index`.
//! The rules (limits, expiry, what a level allows) are the app's.
//!
//! Sealed at rest (issue #20): with keys loaded the `phone` columns of
//! accounts, codes and sessions hold the phone's blind index
//! (`ph#<HMAC-SM3>`, [`crate::pii::phone_keys`]) — the account's key and
//! every look-up — and the number itself lives SM4-GCM sealed in
//! `petitioner_accounts.phone_sealed`, the checked ID number sealed in
//! `id_number`. Callers pass and receive plain numbers; rows an older
//! version wrote are converted by `Store::protect` (`protect_accounts.rs`).

use crate::error::StoreError;
use crate::messages::NewMessage;
use crate::Store;
use sqlx::Row;

/// The newest sign-in code of a phone.
#[derive(Clone, Debug)]
pub struct SignInCodeRow {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: String,
    pub attempts: i64,
    pub used: bool,
}

/// A petitioner account.
#[derive(Clone, Debug)]
pub struct PetitionerAccountRow {
    pub phone: String,
    /// `phone` (手机验证) or `id` (窗口核验身份).
    pub level: String,
    pub id_number: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

impl Store {
    /// Codes sent to `phone` since `since`, and to `client` since `since_client`
    /// (the rate limits count the code rows).
    pub async fn signin_codes_since(
        &self,
        phone: &str,
        since: &str,
        client: &str,
        since_client: &str,
    ) -> Result<(i64, i64), StoreError> {
        let [k1, k2] = crate::pii::phone_keys(phone);
        let by_phone: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM petitioner_codes WHERE phone IN ($1, $2) AND created_at >= $3",
        )
        .bind(k1)
        .bind(k2)
        .bind(since)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        let by_client: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM petitioner_codes WHERE client = $1 AND created_at >= $2",
        )
        .bind(client)
        .bind(since_client)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok((by_phone, by_client))
    }

    /// Write a code and the SMS that carries it, in one transaction. The
    /// message is queued even to a number that opted out of case notices:
    /// the petitioner asked for this one.
    pub async fn insert_signin_code(
        &self,
        phone: &str,
        client: &str,
        code_hash: &str,
        now: &str,
        expires_at: &str,
        message: &NewMessage<'_>,
    ) -> Result<(), StoreError> {
        let (recipient, dedupe, _) =
            crate::pii::stored_recipient(message.recipient, message.dedupe)?;
        let [key, _] = crate::pii::phone_keys(phone);
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("INSERT INTO petitioner_codes (phone, client, code_hash, created_at, expires_at, attempts, used) VALUES ($1, $2, $3, $4, $5, 0, 0)")
            .bind(key)
            .bind(client)
            .bind(code_hash)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO messages (case_id, notice, channel, recipient, subject, body, dedupe, status, attempts, next_at, last_error, created_at) VALUES (NULL, $1, $2, $3, $4, $5, $6, 'queued', 0, $7, '', $7)")
            .bind(message.notice)
            .bind(message.channel)
            .bind(&recipient)
            .bind(message.subject)
            .bind(message.body)
            .bind(&dedupe)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest code sent to `phone`.
    pub async fn latest_signin_code(
        &self,
        phone: &str,
    ) -> Result<Option<SignInCodeRow>, StoreError> {
        let [k1, k2] = crate::pii::phone_keys(phone);
        let r = sqlx::query("SELECT id, code_hash, expires_at, attempts, used FROM petitioner_codes WHERE phone IN ($1, $2) ORDER BY id DESC LIMIT 1")
            .bind(k1)
            .bind(k2)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = r else {
            return Ok(None);
        };
        Ok(Some(SignInCodeRow {
            id: r.try_get("id")?,
            code_hash: r.try_get("code_hash")?,
            expires_at: r.try_get("expires_at")?,
            attempts: r.try_get("attempts")?,
            used: r.try_get::<i64, _>("used")? != 0,
        }))
    }

    /// Count a wrong code against the code.
    pub async fn signin_code_failed(&self, id: i64) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("UPDATE petitioner_codes SET attempts = attempts + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Use a code once: true only for the first caller. The account is
    /// created (level `phone`) if new, and a session written.
    pub async fn sign_in_with_code(
        &self,
        code_id: i64,
        phone: &str,
        token_hash: &str,
        now: &str,
        session_expires: &str,
    ) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let used = sqlx::query("UPDATE petitioner_codes SET used = 1 WHERE id = $1 AND used = 0")
            .bind(code_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if used != 1 {
            return Ok(false);
        }
        let [k1, k2] = crate::pii::phone_keys(phone);
        let existing: Option<String> =
            sqlx::query("SELECT phone FROM petitioner_accounts WHERE phone IN ($1, $2)")
                .bind(&k1)
                .bind(&k2)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("phone"))
                .transpose()?;
        // The session joins the account by the key the account is stored under.
        let key = match existing {
            Some(key) => {
                sqlx::query("UPDATE petitioner_accounts SET last_login_at = $1 WHERE phone = $2")
                    .bind(now)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
                key
            }
            None => {
                sqlx::query("INSERT INTO petitioner_accounts (phone, level, created_at, last_login_at, phone_sealed) VALUES ($1, 'phone', $2, $2, $3)")
                    .bind(&k1)
                    .bind(now)
                    .bind(crate::pii::seal_opt(Some(phone))?)
                    .execute(&mut *tx)
                    .await?;
                k1
            }
        };
        sqlx::query("INSERT INTO petitioner_sessions (token_hash, phone, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(&key)
            .bind(now)
            .bind(session_expires)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The phone of a live petitioner session (opened from the account's
    /// sealed copy; a plain row from before keys is the number itself).
    pub async fn petitioner_session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<String>, StoreError> {
        let r = sqlx::query(
            "SELECT s.phone, a.phone_sealed FROM petitioner_sessions s \
             LEFT JOIN petitioner_accounts a ON a.phone = s.phone \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let (key, sealed): (String, Option<String>) =
            (r.try_get("phone")?, r.try_get("phone_sealed")?);
        match sealed {
            Some(s) if !s.is_empty() => Ok(Some(crate::pii::open_text(&s)?)),
            // A blind key without its account cannot be turned back into a number.
            _ if crate::pii::is_blind_key(&key) => Ok(None),
            _ => Ok(Some(key)),
        }
    }

    pub async fn delete_petitioner_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("DELETE FROM petitioner_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn petitioner_account(
        &self,
        phone: &str,
    ) -> Result<Option<PetitionerAccountRow>, StoreError> {
        let [k1, k2] = crate::pii::phone_keys(phone);
        let r = sqlx::query("SELECT phone, level, id_number, verified_by, verified_at, created_at, last_login_at FROM petitioner_accounts WHERE phone IN ($1, $2)")
            .bind(k1)
            .bind(k2)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = r else { return Ok(None) };
        let id_number = match r.try_get::<Option<String>, _>("id_number")? {
            Some(s) => Some(crate::pii::open_text(&s)?),
            None => None,
        };
        Ok(Some(PetitionerAccountRow {
            // The stored key is a blind index; the caller looked it up by the number.
            phone: phone.to_string(),
            level: r.try_get("level")?,
            id_number,
            verified_by: r.try_get("verified_by")?,
            verified_at: r.try_get("verified_at")?,
            created_at: r.try_get("created_at")?,
            last_login_at: r.try_get("last_login_at")?,
        }))
    }

    /// Staff checked the ID document at a window: level `id`. False when
    /// the phone has no account.
    pub async fn verify_petitioner_id(
        &self,
        phone: &str,
        id_number: &str,
        by: &str,
        now: &str,
    ) -> Result<bool, StoreError> {
        let [k1, k2] = crate::pii::phone_keys(phone);
        let sealed = crate::pii::seal_opt(Some(id_number))?;
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query("UPDATE petitioner_accounts SET level = 'id', id_number = $1, verified_by = $2, verified_at = $3 WHERE phone IN ($4, $5)")
            .bind(sealed)
            .bind(by)
            .bind(now)
            .bind(k1)
            .bind(k2)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Cases whose petitioner keys carry this phone (`np:<name>|<phone>`)
    /// or this ID number (`id:<id>`), newest first. The phone look-up reads
    /// the key index by suffix; the caller checks each case's petitioners.
    pub async fn case_ids_of_petitioner(
        &self,
        phone: &str,
        id_number: Option<&str>,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if crate::keys::installed_keys().is_some() {
            // Blinded index (issue #20): the `ph:` key stands for the phone
            // alone; under every index key while a rotation rebuilds.
            let mut keys = vec![format!("ph:{digits}")];
            keys.extend(id_number.map(|i| format!("id:{i}")));
            let keys = crate::pii::lookup_keys(&keys);
            let sql = format!(
                "SELECT DISTINCT case_id FROM petitioner_index WHERE pkey IN ({}) ORDER BY case_id DESC LIMIT ${}",
                crate::rows::placeholders(1, keys.len()),
                keys.len() + 1
            );
            let mut q = sqlx::query(&sql);
            for k in &keys {
                q = q.bind(k);
            }
            let rows = q.bind(limit).fetch_all(&self.pool).await?;
            return Ok(rows
                .iter()
                .map(|r| r.try_get("case_id"))
                .collect::<Result<_, _>>()?);
        }
        let rows = sqlx::query("SELECT DISTINCT case_id FROM petitioner_index WHERE (pkey LIKE $1 OR pkey = $2) ORDER BY case_id DESC LIMIT $3")
            .bind(format!("np:%|{digits}"))
            .bind(id_number.map(|i| format!("id:{i}")).unwrap_or_default())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("case_id"))
            .collect::<Result<_, _>>()?)
    }
}
