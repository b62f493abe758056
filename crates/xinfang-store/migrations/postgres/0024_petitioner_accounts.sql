-- Petitioner accounts (issue #19 item 3): sign-in by mobile number and a
-- one-time SMS code. Codes and session tokens are stored only as hashes.
-- A code row is also the record the rate limits count (per phone and per
-- client address). The account records its verification level: 'phone'
-- (手机验证) or 'id' (窗口核验身份, with the ID number a staff member
-- checked at a reception window and who did it).
CREATE TABLE petitioner_codes (
  id BIGSERIAL PRIMARY KEY,
  phone TEXT NOT NULL,
  client TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  used BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX petitioner_codes_phone ON petitioner_codes(phone, created_at);
CREATE INDEX petitioner_codes_client ON petitioner_codes(client, created_at);
CREATE TABLE petitioner_accounts (
  phone TEXT PRIMARY KEY,
  level TEXT NOT NULL,
  id_number TEXT,
  verified_by TEXT,
  verified_at TEXT,
  created_at TEXT NOT NULL,
  last_login_at TEXT
);
CREATE TABLE petitioner_sessions (
  token_hash TEXT PRIMARY KEY,
  phone TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
