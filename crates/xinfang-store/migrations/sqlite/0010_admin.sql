-- Administration: the content taxonomy (领域 → 类别 → 细类, stable codes,
-- deactivated never deleted), deactivating units, and the daily 零报告 of
-- petition bureaus during sensitive periods.
CREATE TABLE taxonomy (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level BIGINT NOT NULL,
  active BIGINT NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);
ALTER TABLE units ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
CREATE TABLE zero_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  day TEXT NOT NULL,
  period TEXT NOT NULL,
  nothing_to_report BIGINT NOT NULL,
  note TEXT NOT NULL,
  reported_by TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  UNIQUE (unit_id, day)
);
CREATE INDEX zero_reports_day ON zero_reports(day);
