-- Staff sign-in for 等保 level 3 (issue #20 item 3): a session's last use
-- (idle timeout), the TOTP second factor (RFC 6238) with the last time step
-- accepted (a code is not accepted twice), and one-time recovery codes
-- (stored as SHA-256 hashes only).
ALTER TABLE tokens ADD COLUMN last_seen_at TEXT;
CREATE TABLE second_factors (
  user_id BIGINT PRIMARY KEY REFERENCES users(id),
  secret TEXT NOT NULL,
  confirmed_at TEXT,
  last_step BIGINT NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE TABLE recovery_codes (
  user_id BIGINT NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (user_id, code_hash)
);
