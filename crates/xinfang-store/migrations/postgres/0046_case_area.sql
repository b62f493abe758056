-- A case's area: the path of the lowest unit at or above all its units
-- (crates/xinfang-store/src/area.rs). The scope's area rule reads it first;
-- rows from before this migration are filled by Store::migrate.
ALTER TABLE cases ADD COLUMN area_path TEXT COLLATE "C";
-- Lists filter by status and scope from this index alone (kind and
-- accused_unit for 第三十条, next_due for the due-date sort), then read
-- only the page's rows.
CREATE INDEX cases_status_area ON cases(status, area_path, kind, accused_unit, next_due);
CREATE INDEX cases_area ON cases(area_path);
