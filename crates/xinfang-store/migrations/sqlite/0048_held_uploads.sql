-- Files that came with a form which had to be shown again — a registration
-- or an online submission with a mistake in it (422). They are kept here so
-- the corrected form need not choose them again: bad input loses nothing
-- already accepted (issue #22). A file is found again by its random token
-- together with its owner (the registrar, or the portal), and marked taken
-- when the form registers; nothing here is deleted.
CREATE TABLE held_uploads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content BLOB NOT NULL,
  held_at TEXT NOT NULL,
  taken_at TEXT
);
