-- Per-case facts for indicators (xinfang_domain::metrics::CaseFacts), kept with
-- the projection so statistics are aggregates over indexed columns.
ALTER TABLE cases ADD COLUMN accept_due TEXT;
ALTER TABLE cases ADD COLUMN accept_met TEXT;
ALTER TABLE cases ADD COLUMN handling_due TEXT;
ALTER TABLE cases ADD COLUMN handling_met TEXT;
ALTER TABLE cases ADD COLUMN delivered_on TEXT;
ALTER TABLE cases ADD COLUMN satisfaction TEXT;
ALTER TABLE cases ADD COLUMN review_requested BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN repeats_after_delivery BIGINT NOT NULL DEFAULT 0;
CREATE INDEX cases_accept_due ON cases(accept_due);
CREATE INDEX cases_handling_due ON cases(handling_due);
CREATE INDEX cases_delivered_on ON cases(delivered_on);
CREATE INDEX submissions_unit_on ON submissions(unit_id, registered_on);
