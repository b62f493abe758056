//! The notification outbox (issue #19): messages waiting, sent, failed or
//! given up; the texts administrators edit; opt-outs; one-time 回访 links;
//! and the case events after a cursor that the notifier turns into
//! messages. A message row is written before anything is sent, and a
//! notice's `dedupe` key makes writing it twice harmless.

use crate::error::StoreError;
use crate::Store;
use serde::Serialize;
use sqlx::Row;

/// A message to write.
pub struct NewMessage<'a> {
    pub case_id: Option<i64>,
    pub notice: &'a str,
    /// `sms` or `email`.
    pub channel: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub dedupe: &'a str,
}

/// A message as stored.
#[derive(Clone, Debug, Serialize)]
pub struct MessageRow {
    pub id: i64,
    pub case_id: Option<i64>,
    pub notice: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `queued`, `sent`, `failed` (will retry), `dead` (given up), `opted_out`.
    pub status: String,
    pub attempts: i64,
    pub next_at: String,
    pub last_error: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

const COLS: &str = "id, case_id, notice, channel, recipient, subject, body, status, attempts, next_at, last_error, created_at, sent_at";

/// A row of [`COLS`], read by column name.
fn row(r: &sqlx::any::AnyRow) -> Result<MessageRow, StoreError> {
    Ok(MessageRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        notice: r.try_get("notice")?,
        channel: r.try_get("channel")?,
        recipient: crate::pii::reveal_text(r.try_get("recipient")?),
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        next_at: r.try_get("next_at")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
    })
}

impl Store {
    /// Queue a message unless one with the same `dedupe` key exists; a
    /// recipient who opted out gets a row with status `opted_out` (the
    /// case timeline shows it was not sent, and why). True when written.
    pub async fn queue_message(&self, m: &NewMessage<'_>, now: &str) -> Result<bool, StoreError> {
        Ok(self.queue_messages(std::slice::from_ref(m), now).await? == 1)
    }

    /// [`Store::queue_message`] for many messages in one transaction: the
    /// notifier writes every registration notice of a round at once (one
    /// commit, one fsync), not one transaction per notice — at 2,000
    /// registrations a second those were 2,000 extra commits queued behind
    /// the intake writer (issue #17). Returns how many were written.
    pub async fn queue_messages(
        &self,
        list: &[NewMessage<'_>],
        now: &str,
    ) -> Result<usize, StoreError> {
        if list.is_empty() {
            return Ok(0);
        }
        // Sealing and blind keys are CPU work: done before the writer is taken.
        let mut rows = Vec::with_capacity(list.len());
        for m in list {
            // Issue #20: the recipient sealed, the dedupe and opt-out keys blind.
            let (recipient, dedupe, _) = crate::pii::stored_recipient(m.recipient, m.dedupe)?;
            // Under every index key while an index-key rotation rebuilds.
            let (optout_keys, dedupe_keys) = crate::pii::recipient_keys(m.recipient, m.dedupe);
            rows.push(Pending {
                m,
                recipient,
                dedupe,
                optout_keys,
                dedupe_keys,
            });
        }
        let dedupe_keys: Vec<&str> = rows
            .iter()
            .flat_map(|r| r.dedupe_keys.iter().map(String::as_str))
            .collect();
        let optout_keys: Vec<&str> = rows
            .iter()
            .flat_map(|r| r.optout_keys.iter().map(String::as_str))
            .collect();
        let (mut tx, _g) = self.write_tx().await?;
        // A few statements for the whole round, not three per message: each
        // statement inside the write transaction is a round trip to the
        // database while intake waits for the writer.
        let written_before = present(&mut tx, "messages", "dedupe", &dedupe_keys).await?;
        let opted_out = present(&mut tx, "message_optouts", "recipient", &optout_keys).await?;
        let mut seen = std::collections::HashSet::new();
        let fresh: Vec<(&Pending<'_>, bool)> = rows
            .iter()
            .filter(|r| !r.dedupe_keys.iter().any(|k| written_before.contains(k)))
            // Twice in one round counts as written once.
            .filter(|r| seen.insert(r.dedupe.as_str()))
            .map(|r| (r, r.optout_keys.iter().any(|k| opted_out.contains(k))))
            .collect();
        let mut cols: &[&str] = &[];
        let rows: Vec<Vec<crate::rows::Val>> = fresh
            .iter()
            .map(|(r, opted_out)| {
                let row = crate::rows::named_row! {
                    case_id: r.m.case_id,
                    notice: r.m.notice,
                    channel: r.m.channel,
                    recipient: r.recipient.as_str(),
                    subject: r.m.subject,
                    body: r.m.body,
                    dedupe: r.dedupe.as_str(),
                    status: if *opted_out { "opted_out" } else { "queued" },
                    attempts: 0i64,
                    next_at: now,
                    last_error: "",
                    created_at: now,
                };
                cols = row.cols;
                row.vals
            })
            .collect();
        crate::rows::insert_rows(
            &mut tx,
            &crate::rows::NamedRow::table_cols(cols, "messages"),
            rows,
            // A notifier on another node may have written one meanwhile.
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        tx.commit().await?;
        Ok(fresh.len())
    }

    /// Messages due to be sent (queued, or failed and due again) on these
    /// channels, longest due first. Only channels with a gateway are asked
    /// for: messages waiting for a gateway nobody configured are neither
    /// read on every round nor in the way of the others.
    pub async fn due_messages(
        &self,
        now: &str,
        channels: &[&str],
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        if channels.is_empty() {
            return Ok(vec![]);
        }
        // Per status, so each reads one range of the (status, next_at) index.
        let mut out = vec![];
        for status in ["queued", "failed"] {
            let sql = format!(
                "SELECT {COLS} FROM messages WHERE status = $1 AND next_at <= $2 AND channel IN ({}) ORDER BY next_at, id LIMIT ${}",
                crate::rows::placeholders(3, channels.len()),
                channels.len() + 3
            );
            let mut q = sqlx::query(&sql).bind(status).bind(now);
            for c in channels {
                q = q.bind(*c);
            }
            for r in q.bind(limit).fetch_all(&self.pool).await? {
                out.push(row(&r)?);
            }
        }
        out.sort_by(|a, b| a.next_at.cmp(&b.next_at).then(a.id.cmp(&b.id)));
        out.truncate(limit.max(0) as usize);
        Ok(out)
    }

    /// Record a delivery attempt: sent, or failed with the error and when to
    /// try again (`dead` when given up). A sent message keeps no secret in
    /// its body: `redacted` replaces it (the query code is shown once).
    pub async fn record_attempt(
        &self,
        id: i64,
        outcome: Result<&str, (&str, &str, bool)>,
        redacted: Option<&str>,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        match outcome {
            Ok(now) => {
                sqlx::query("UPDATE messages SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = '' WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            Err((error, next_at, dead)) => {
                sqlx::query("UPDATE messages SET status = $1, attempts = attempts + 1, next_at = $2, last_error = $3 WHERE id = $4")
                    .bind(if dead { "dead" } else { "failed" })
                    .bind(next_at)
                    .bind(error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(body) = redacted {
            sqlx::query("UPDATE messages SET body = $1 WHERE id = $2")
                .bind(body)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A case's messages in order (for its timeline).
    pub async fn case_messages(&self, case_id: i64) -> Result<Vec<MessageRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM messages WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// The latest messages of a channel (administrators' view of a gateway).
    pub async fn recent_messages(
        &self,
        channel: &str,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM messages WHERE channel = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(channel)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Counts by status for a channel.
    pub async fn message_counts(&self, channel: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM messages WHERE channel = $1 GROUP BY status ORDER BY status")
            .bind(channel)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }

    /// The text an administrator set for a notice, if any.
    pub async fn message_template(&self, notice: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT body FROM message_templates WHERE notice = $1")
                .bind(notice)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Set a notice's text (audited by the caller).
    pub async fn put_message_template(
        &self,
        notice: &str,
        body: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("DELETE FROM message_templates WHERE notice = $1")
            .bind(notice)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO message_templates (notice, body, updated_by, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(notice)
            .bind(body)
            .bind(by)
            .bind(crate::now_text())
            .execute(&mut *tx)
            .await?;
        crate::chain::log(
            &mut tx,
            "settings",
            "message_template_changed",
            by,
            serde_json::json!({ "notice": notice, "body": body }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A recipient asks for no more messages; their queued ones are not sent.
    pub async fn opt_out(&self, recipient: &str) -> Result<(), StoreError> {
        let (_, _, key) = crate::pii::stored_recipient(recipient, "")?;
        let ([k1, k2], _) = crate::pii::recipient_keys(recipient, "");
        let (mut tx, _g) = self.write_tx().await?;
        let now = crate::now_text();
        sqlx::query("DELETE FROM message_optouts WHERE recipient IN ($1, $2)")
            .bind(&k1)
            .bind(&k2)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO message_optouts (recipient, at) VALUES ($1, $2)")
            .bind(&key)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        // A sealed recipient is found by the blind index ending its dedupe key.
        sqlx::query("UPDATE messages SET status = 'opted_out' WHERE (recipient = $1 OR dedupe LIKE $2 OR dedupe LIKE $3) AND status IN ('queued', 'failed')")
            .bind(recipient)
            .bind(format!("%:{k1}"))
            .bind(format!("%:{k2}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The highest event seq (0 when none).
    pub async fn max_event_seq(&self) -> Result<i64, StoreError> {
        self.highest("events", "seq").await
    }

    /// Cases now 已送达 whose reply was received between the two days
    /// (inclusive, 'YYYY-MM-DD'), with their state.
    pub async fn delivered_between(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(i64, xinfang_domain::case::Case)>, StoreError> {
        let rows = sqlx::query("SELECT id, state_json FROM cases WHERE status = 'delivered' AND delivered_on >= $1 AND delivered_on <= $2 ORDER BY id")
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let json: String = r.try_get("state_json")?;
            out.push((r.try_get("id")?, crate::pii::parse_state(&json)?));
        }
        Ok(out)
    }

    /// Store a one-time 回访 link (its hash only).
    pub async fn insert_visit_link(
        &self,
        token_hash: &str,
        case_id: i64,
        stage: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        sqlx::query("INSERT INTO visit_links (token_hash, case_id, stage, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(case_id)
            .bind(stage)
            .bind(crate::now_text())
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The link's (case id, stage, expires_at, used_at).
    pub async fn visit_link(
        &self,
        token_hash: &str,
    ) -> Result<Option<(i64, String, String, Option<String>)>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT case_id, stage, expires_at, used_at FROM visit_links WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            r.try_get("case_id")?,
            r.try_get("stage")?,
            r.try_get("expires_at")?,
            r.try_get("used_at")?,
        )))
    }

    /// Mark the link used; false when it already was (one time only).
    pub async fn use_visit_link(&self, token_hash: &str, now: &str) -> Result<bool, StoreError> {
        let (mut tx, _g) = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE visit_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }
}

/// Keys per `IN (…)` look-up.
const LOOKUP_KEYS: usize = 500;

/// A message ready to write: its stored recipient and keys.
struct Pending<'a> {
    m: &'a NewMessage<'a>,
    recipient: String,
    dedupe: String,
    optout_keys: [String; 2],
    dedupe_keys: [String; 2],
}

/// Which of `keys` are present in `table.column` (read in the transaction).
async fn present(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    column: &str,
    keys: &[&str],
) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut found = std::collections::HashSet::new();
    let mut distinct: Vec<&str> = keys.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    for chunk in distinct.chunks(LOOKUP_KEYS) {
        let sql = format!(
            "SELECT {column} FROM {table} WHERE {column} IN ({})",
            crate::rows::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for k in chunk {
            q = q.bind(*k);
        }
        for r in q.fetch_all(&mut **tx).await? {
            found.insert(r.try_get::<String, _>(column)?);
        }
    }
    Ok(found)
}
