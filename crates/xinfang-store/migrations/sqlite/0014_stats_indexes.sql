-- Covering indexes for the statistics overview and rankings: each indicator
-- scans one date column's range and reads only these small columns (scope
-- is tested on current_unit first), never the wide case row, which carries
-- the full state as JSON.
CREATE INDEX cases_stats_registered ON cases(registered_on, kind, accused_unit, current_unit);
CREATE INDEX cases_stats_accept ON cases(accept_due, accept_met, kind, accused_unit, current_unit);
CREATE INDEX cases_stats_handling ON cases(handling_due, handling_met, kind, accused_unit, current_unit);
CREATE INDEX cases_stats_delivered ON cases(delivered_on, satisfaction, review_requested, repeats_after_delivery, kind, accused_unit, current_unit);
CREATE INDEX cases_kind_accused ON cases(id, kind, accused_unit, current_unit);
CREATE INDEX submissions_stats ON submissions(registered_on, channel, persons, skip_level, is_repeat, unit_level, case_id);
-- The clock scanner's work list: cases whose next duty falls due soon.
CREATE INDEX cases_next_due ON cases(next_due);
