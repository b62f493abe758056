-- When the clock scanner must next look at a case (issue #17): the first day
-- an open duty turns 临期 or 超期. The scanner reads only cases whose day has
-- come and writes the next one back, so a case already 超期 and alerted is
-- not re-read on every scan. Existing open cases start at their next due
-- date less 30 days (wider than any warning window), so nothing due is skipped;
-- the first scan writes each its exact day.
ALTER TABLE cases ADD COLUMN next_check TEXT;
UPDATE cases SET next_check = date(next_due, '-30 days') WHERE next_due IS NOT NULL;
CREATE INDEX cases_next_check ON cases(next_check) WHERE next_check IS NOT NULL;
