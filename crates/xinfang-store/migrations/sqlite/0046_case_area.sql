-- A case's area: the path of the lowest unit at or above all its units
-- (crates/xinfang-store/src/area.rs). The scope's area rule reads it first;
-- rows from before this migration are filled by Store::migrate.
ALTER TABLE cases ADD COLUMN area_path TEXT;
CREATE INDEX cases_status_area ON cases(status, area_path);
CREATE INDEX cases_area ON cases(area_path);
