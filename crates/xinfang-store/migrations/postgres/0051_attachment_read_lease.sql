-- The background letter reader (issue #22) runs beside every `serve`; with
-- several nodes on one PostgreSQL database each would read the same scans.
-- A reader now claims the attachments it takes until this time (Asia/Shanghai,
-- 'YYYY-MM-DD HH:MM:SS'); another reader skips them until the claim lapses,
-- so a reader that died mid-read leaves its files to the others.
ALTER TABLE attachments ADD COLUMN ocr_claimed_until TEXT;
