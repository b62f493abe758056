-- Statistics rollup (derived, rebuildable; see crates/xinfang-store/src/stats_rollup.rs).
-- A case's visibility group: the exact set of units that may see it (its
-- holder and every involved unit), the accused body of a 检举控告 (0 when
-- none, for 第三十条) and the holder (for rankings).
CREATE TABLE stats_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  units TEXT NOT NULL,
  accused BIGINT NOT NULL,
  holder BIGINT NOT NULL,
  UNIQUE (units, accused, holder)
);
CREATE TABLE stats_group_units (
  group_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL,
  PRIMARY KEY (unit_id, group_id)
);
-- Sums per group, metric and day. day2 is '' except for the ranking metrics,
-- which count in [from, to] when day >= from and day2 <= to.
CREATE TABLE stats_rollup (
  metric TEXT NOT NULL,
  day TEXT NOT NULL,
  day2 TEXT NOT NULL,
  group_id BIGINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (metric, day, day2, group_id)
);
-- Readers scan one day range and read every column from this index.
CREATE INDEX stats_rollup_day ON stats_rollup(day, day2, metric, group_id, n);
-- What each case last added to stats_rollup, so a change subtracts it.
CREATE TABLE stats_case_contrib (
  case_id BIGINT PRIMARY KEY,
  group_id BIGINT NOT NULL,
  entries TEXT NOT NULL
);
-- The outbox position folded so far, and a gap in outbox ids being waited for.
CREATE TABLE stats_cursor (
  id BIGINT PRIMARY KEY,
  pos BIGINT NOT NULL,
  gap_id BIGINT NOT NULL,
  gap_since TEXT NOT NULL
);
INSERT INTO stats_cursor (id, pos, gap_id, gap_since) VALUES (1, 0, 0, '');
