-- Every uploaded letter, photo or PDF is read (issue #22), whichever path
-- brought it — the registration form, the portal, the API: a background
-- reader takes the attachments not yet read (ocr_text IS NULL) in upload
-- order and writes their text, or '' when nothing could be read. This index
-- holds only those waiting, so finding them costs nothing once all are read.
CREATE INDEX attachments_unread ON attachments(id) WHERE ocr_text IS NULL;
