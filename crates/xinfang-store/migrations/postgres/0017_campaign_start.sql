-- A campaign runs over a period: its start date (the deadline is its end).
-- Campaigns created before this migration start on the day they were created.
ALTER TABLE campaigns ADD COLUMN starts_on TEXT;
UPDATE campaigns SET starts_on = substr(created_at, 1, 10);
