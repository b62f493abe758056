-- Intake intelligence: risk warnings with their own workflow (核查 → 处置 →
-- 解除), flags on cases and submissions.
CREATE TABLE warnings (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  level BIGINT NOT NULL,
  signals TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX warnings_unit ON warnings(unit_id, status);
CREATE INDEX warnings_case ON warnings(case_id);
ALTER TABLE cases ADD COLUMN risk_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN litigation BIGINT NOT NULL DEFAULT 0;
