-- Petitioner accounts sealed (issue #20 item 1). With keys loaded,
-- `petitioner_accounts.phone`, `petitioner_codes.phone` and
-- `petitioner_sessions.phone` hold the phone's blind index
-- (`ph#<HMAC-SM3>`, the same key `petitioner_index` and
-- `reception_appointments.phone_key` use) instead of the number;
-- the number itself, needed to show the account (masked) and to find the
-- petitioner's cases, is kept SM4-GCM sealed in `phone_sealed`, and
-- `id_number` is sealed in place. Rows written before keys are converted
-- by `Store::protect` on the next start (no keys are available here).
ALTER TABLE petitioner_accounts ADD COLUMN phone_sealed TEXT;
