-- 约谈 / 通报 records (第三十九条), linked to units and cases.
CREATE TABLE accountability (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  case_no TEXT,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX accountability_unit ON accountability(unit_id);
