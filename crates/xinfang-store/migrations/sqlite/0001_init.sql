-- xinfang schema, SQLite dialect. Dates are TEXT 'YYYY-MM-DD', times TEXT
-- 'YYYY-MM-DD HH:MM:SS' in Asia/Shanghai; flags are 0/1 BIGINT so the same
-- queries decode on both databases.
CREATE TABLE units (
  id BIGINT PRIMARY KEY,
  parent_id BIGINT REFERENCES units(id),
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  kind TEXT NOT NULL,
  region_code TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE INDEX units_path ON units(path);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  roles TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_no TEXT NOT NULL UNIQUE,
  query_code_hash TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  stage TEXT NOT NULL,
  region_code TEXT NOT NULL,
  registering_unit BIGINT NOT NULL,
  registering_level TEXT NOT NULL,
  current_unit BIGINT NOT NULL,
  accused_unit BIGINT,
  registered_at TEXT NOT NULL,
  registered_on TEXT NOT NULL,
  persons BIGINT NOT NULL,
  skip_level BIGINT NOT NULL,
  category TEXT,
  related_case_no TEXT,
  next_due TEXT,
  grade TEXT,
  next_clock TEXT,
  petitioner_names TEXT NOT NULL,
  request TEXT NOT NULL,
  state_json TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX cases_current ON cases(current_unit, status);
CREATE INDEX cases_registered_on ON cases(registered_on);
CREATE INDEX cases_status_due ON cases(status, next_due);
CREATE TABLE case_units (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  PRIMARY KEY (case_id, unit_id)
);
CREATE INDEX case_units_unit ON case_units(unit_id, case_id);
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  channel TEXT NOT NULL,
  unit_id BIGINT NOT NULL,
  unit_level TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  registered_on TEXT NOT NULL,
  persons BIGINT NOT NULL,
  skip_level BIGINT NOT NULL,
  is_repeat BIGINT NOT NULL
);
CREATE INDEX submissions_on ON submissions(registered_on);
CREATE INDEX submissions_case ON submissions(case_id);
CREATE TABLE petitioner_index (
  pkey TEXT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  PRIMARY KEY (pkey, case_id)
);
CREATE TABLE events (
  seq BIGINT PRIMARY KEY,
  stream TEXT NOT NULL,
  case_id BIGINT,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX events_case ON events(case_id, seq);
CREATE TABLE chain_head (
  id BIGINT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE clock_alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  clock TEXT NOT NULL,
  stage TEXT NOT NULL,
  grade TEXT NOT NULL,
  due TEXT NOT NULL,
  unit_id BIGINT NOT NULL,
  raised_at TEXT NOT NULL,
  UNIQUE (case_id, clock, stage, grade)
);
CREATE INDEX clock_alerts_unit ON clock_alerts(unit_id, raised_at);
