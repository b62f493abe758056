-- Each of these single-column indexes is the leading column of a covering
-- index of migration 0014 (cases_stats_*, submissions_stats), which serves
-- every query they served. Every index is another page written per new case
-- in the intake commit, so the duplicates go.
DROP INDEX IF EXISTS cases_registered_on;
DROP INDEX IF EXISTS cases_accept_due;
DROP INDEX IF EXISTS cases_handling_due;
DROP INDEX IF EXISTS cases_delivered_on;
DROP INDEX IF EXISTS submissions_on;
