-- The unit that must act next (the receiver while 待签收, the sender while
-- 异议待核, else the holder): what inboxes are built from.
ALTER TABLE cases ADD COLUMN action_unit BIGINT;
UPDATE cases SET action_unit = current_unit;
CREATE INDEX cases_action_unit ON cases(action_unit, status);
