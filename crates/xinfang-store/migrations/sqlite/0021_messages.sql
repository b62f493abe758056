-- Notifications to petitioners (issue #19): every message the system means
-- to send is a row here first (the outbox), written from the event log or
-- at intake; a sender delivers it later, retrying with back-off, so a dead
-- gateway never blocks or fails a registration. `dedupe` makes each
-- notice at most one message per recipient and channel. Never deleted.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id BIGINT REFERENCES cases(id),
  notice TEXT NOT NULL,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  dedupe TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_at TEXT NOT NULL,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX messages_due ON messages(status, next_at);
CREATE INDEX messages_case ON messages(case_id, id);
-- Texts administrators edit, by notice; absent = the built-in text.
CREATE TABLE message_templates (
  notice TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Recipients (normalised phone or e-mail) who asked for no more messages.
CREATE TABLE message_optouts (
  recipient TEXT PRIMARY KEY,
  at TEXT NOT NULL
);
-- One-time 回访 links: the token's hash, the case, when used.
CREATE TABLE visit_links (
  token_hash TEXT PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  stage TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
-- The notifier reads case events after this cursor; an existing store
-- starts at its head (history is never re-announced).
INSERT INTO settings (key, value, updated_at)
SELECT 'notify_cursor', CAST(COALESCE(MAX(seq), 0) AS TEXT), '' FROM events;
