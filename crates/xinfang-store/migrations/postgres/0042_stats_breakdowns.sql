-- The rollup's contribution shape (see ROLLUP_VERSION in
-- crates/xinfang-store/src/stats_rollup.rs). Existing rollups are version 1;
-- the next fold rebuilds them with the breakdowns and the monthly trend.
ALTER TABLE stats_cursor ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
