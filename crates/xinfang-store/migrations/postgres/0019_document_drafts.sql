-- 审核签发: a written opinion is drafted by a handler and only becomes a
-- document (numbered, fixed, seen by the petitioner) when the body's head
-- signs it off. Drafts are never deleted: a returned draft keeps the
-- reviewer's comment, a revision is a new row linked to the one it replaces.
CREATE TABLE document_drafts (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit BIGINT NOT NULL REFERENCES units(id),
  stage TEXT NOT NULL,
  outcome TEXT NOT NULL,
  basis TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  drafted_by TEXT NOT NULL,
  drafted_at TEXT NOT NULL,
  reviewed_by TEXT,
  reviewed_at TEXT,
  review_comment TEXT NOT NULL,
  replaces BIGINT
);
CREATE INDEX document_drafts_case ON document_drafts(case_id, status);
CREATE INDEX document_drafts_unit ON document_drafts(unit, status);
