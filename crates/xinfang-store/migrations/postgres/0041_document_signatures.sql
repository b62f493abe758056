-- Signed documents (issue #20 item 6): each issuing body signs its
-- documents with its own SM2 key. signing_keys holds only public material:
-- the body's public key and its certificate (the certificate text signed
-- by the platform's SM2 root key, which lives in the key file, not here);
-- the body's private key is derived from the root secret and the key id
-- when signing, so no private key is ever stored in the database. A key is
-- revoked by status, never deleted (old signatures stay verifiable).
CREATE TABLE signing_keys (
  id BIGSERIAL PRIMARY KEY,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  key_id TEXT NOT NULL UNIQUE,
  public_key TEXT NOT NULL,
  cert_body TEXT NOT NULL,
  certificate TEXT NOT NULL,
  root_public_key TEXT NOT NULL,
  status TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX signing_keys_unit ON signing_keys(unit_id, status);
-- One signature per document, made once (at issue, by the signer that
-- runs beside serve, or at the first read), never changed. code is the
-- verification code printed with the document.
CREATE TABLE document_signatures (
  document_id BIGINT PRIMARY KEY REFERENCES documents(id),
  key_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  signature TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  signed_at TEXT NOT NULL
);
