-- Idempotent online submissions (issue #21): the client's Idempotency-Key,
-- written in the same transaction as the case it registered, so a retry with
-- the same key (after a timeout, a 503, a database failover) is answered
-- with the same case number and query code instead of registering twice.
-- `fingerprint` is the SHA-256 of the submission: the same key with other
-- content is refused. `replay` is the answer given (JSON, without case_no).
-- Never deleted, like everything registered.
CREATE TABLE idempotency_keys (
  idem_key TEXT PRIMARY KEY,
  case_no TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  replay TEXT NOT NULL,
  created_at TEXT NOT NULL
);
