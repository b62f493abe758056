-- Formal documents (告知书, 转送/交办单, 延期告知书, 处理/复查/复核意见书) with
-- their 文号, numbered per issuing body, year and type in the transaction of
-- the case event they belong to; never updated or deleted (a correction is a
-- new document). Attachments of online submissions, stored in the database.
CREATE TABLE documents (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  issuing_unit BIGINT NOT NULL REFERENCES units(id),
  doc_type TEXT NOT NULL,
  year BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  doc_no TEXT NOT NULL,
  title TEXT NOT NULL,
  to_petitioner BIGINT NOT NULL,
  issued_at TEXT NOT NULL,
  content_json TEXT NOT NULL,
  event_seq BIGINT NOT NULL,
  UNIQUE (issuing_unit, doc_type, year, seq)
);
CREATE INDEX documents_case ON documents(case_id, id);
CREATE TABLE attachments (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  content BYTEA NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id, id);
