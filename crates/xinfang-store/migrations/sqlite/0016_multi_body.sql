-- 一信多投: the 件次 is the same letter sent to several bodies, linked to the
-- case first registered rather than opening another (counted and filtered in SQL).
ALTER TABLE submissions ADD COLUMN multi_body BIGINT NOT NULL DEFAULT 0;
