-- Supervision objects (督办、挂牌督办、催办), 第四十条.
CREATE TABLE supervisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  from_unit BIGINT NOT NULL REFERENCES units(id),
  to_unit BIGINT NOT NULL REFERENCES units(id),
  requirement TEXT NOT NULL,
  feedback_due TEXT,
  status TEXT NOT NULL,
  feedback TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX supervisions_to ON supervisions(to_unit, status);
CREATE INDEX supervisions_from ON supervisions(from_unit, status);
CREATE INDEX supervisions_due ON supervisions(status, feedback_due);
