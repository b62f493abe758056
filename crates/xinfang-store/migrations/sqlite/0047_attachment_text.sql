-- The text read from a letter's scan (issue #22): written once when the scan
-- registered with the form has been read, sealed like other personal data
-- when keys are loaded (the letter carries ID numbers and phones), and fed
-- to the search index with the case's own words (search_feed.rs). NULL: not
-- read (not a scan, or the binary was built without OCR).
ALTER TABLE attachments ADD COLUMN ocr_text TEXT;
