-- 职务 (issue #15): a leader is shown by name and post (包案领导, 接访领导),
-- e.g. 王建国（副区长）. Empty for staff whose post is not shown.
ALTER TABLE users ADD COLUMN post TEXT NOT NULL DEFAULT '';
