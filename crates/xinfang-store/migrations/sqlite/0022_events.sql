-- Events to other systems (issue #19; 第二十一条 互联互通、信息共享).
--
-- Webhook endpoints administrators register: where to POST, the secret the
-- body is signed with, which event kinds, and the unit whose view the
-- endpoint gets (it sees what a user of that unit sees, 第三十条 included).
-- status: active | suspended (by the sender after persistent failure; events
-- keep queuing) | disabled (by an administrator; nothing queues). Never
-- deleted. failures/next_at: the endpoint's back-off; lease_*: which serve
-- process sends for it now.
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  kinds TEXT NOT NULL,
  scope_unit BIGINT NOT NULL REFERENCES units(id),
  status TEXT NOT NULL,
  from_seq BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  next_at TEXT NOT NULL,
  last_error TEXT NOT NULL,
  suspended_at TEXT,
  lease_by TEXT,
  lease_until TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- The outbox and delivery log: one row per endpoint and event, written with
-- the fan-out cursor in one transaction (the unique index makes a replay
-- harmless); body is exactly what is signed and sent. status: pending |
-- delivered | withheld (the case left the endpoint's view before sending).
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id BIGINT NOT NULL REFERENCES webhooks(id),
  event_seq BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  last_code BIGINT,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  done_at TEXT
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries(webhook_id, event_seq);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(webhook_id, status, id);
-- Cursors over the event log of the pumps that read it (webhook fan-out,
-- AMQP publisher), with a lease so one serve process runs each at a time.
CREATE TABLE event_pumps (
  name TEXT PRIMARY KEY,
  cursor BIGINT NOT NULL,
  lease_by TEXT,
  lease_until TEXT
);
-- Work orders of other platforms (12345, a provincial platform): their
-- external id, unique per source, and the case it was registered as. A row
-- with no case is a registration in progress (the idempotency lock).
CREATE TABLE work_orders (
  source TEXT NOT NULL,
  external_id TEXT NOT NULL,
  case_id BIGINT REFERENCES cases(id),
  case_no TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (source, external_id)
);
CREATE INDEX work_orders_case ON work_orders(case_id);
