-- Leaders' reception calendar (第十八条): sessions of 接访 / 下访 / 约访 per
-- unit, and petitioners' appointments booked into them. Nothing is deleted:
-- sessions and appointments are cancelled by status.
CREATE TABLE reception_sessions (
  id BIGSERIAL PRIMARY KEY,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  leader TEXT NOT NULL,
  day TEXT NOT NULL,
  slot TEXT NOT NULL,
  place TEXT NOT NULL,
  capacity BIGINT NOT NULL,
  status TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX reception_sessions_day ON reception_sessions(day, unit_id);
CREATE TABLE reception_appointments (
  id BIGSERIAL PRIMARY KEY,
  session_id BIGINT NOT NULL REFERENCES reception_sessions(id),
  name TEXT NOT NULL,
  phone TEXT,
  matter TEXT NOT NULL,
  case_no TEXT,
  status TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX reception_appointments_session ON reception_appointments(session_id);
-- Cases registered by the Excel import of historical cases: which file row,
-- and the status the source system recorded. The cases themselves are
-- ordinary registrations, so statistics treat them alike.
CREATE TABLE case_imports (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  batch TEXT NOT NULL,
  row_no BIGINT NOT NULL,
  source_status TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
