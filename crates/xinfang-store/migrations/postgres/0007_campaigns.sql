-- Campaigns (积案化解攻坚, 动态销号) and the 三张清单 (控制增量/消减存量/防范变量).
CREATE TABLE campaigns (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  list_kind TEXT NOT NULL,
  owner_unit BIGINT NOT NULL REFERENCES units(id),
  deadline TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE campaign_items (
  id BIGSERIAL PRIMARY KEY,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL,
  evidence TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (campaign_id, case_id)
);
CREATE INDEX campaign_items_c ON campaign_items(campaign_id, status);
-- 矛盾纠纷排查台账 with 三调联动 (第三十七条).
CREATE TABLE disputes (
  id BIGSERIAL PRIMARY KEY,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  region_code TEXT NOT NULL,
  parties TEXT NOT NULL,
  summary TEXT NOT NULL,
  found_on TEXT NOT NULL,
  risk_level BIGINT NOT NULL,
  track TEXT,
  status TEXT NOT NULL,
  outcome TEXT NOT NULL,
  case_no TEXT,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX disputes_unit ON disputes(unit_id, status);
