-- 领导包案 (第十八条) with 专班 and progress; 批示.
CREATE TABLE ownerships (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  leader_id BIGINT NOT NULL REFERENCES users(id),
  team TEXT NOT NULL,
  plan TEXT NOT NULL,
  deadline TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ownerships_case ON ownerships(case_id, status);
CREATE INDEX ownerships_leader ON ownerships(leader_id, status);
CREATE TABLE ownership_progress (
  id BIGSERIAL PRIMARY KEY,
  ownership_id BIGINT NOT NULL REFERENCES ownerships(id),
  author_id BIGINT NOT NULL REFERENCES users(id),
  text TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX ownership_progress_o ON ownership_progress(ownership_id);
CREATE TABLE instructions (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  leader_id BIGINT NOT NULL REFERENCES users(id),
  text TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX instructions_case ON instructions(case_id);
