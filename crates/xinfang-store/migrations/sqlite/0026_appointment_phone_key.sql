-- Issue #20: appointment phones are sealed (SM4-GCM, random nonce), so the
-- look-ups by phone (我的预约, one booking per session) go through a blind
-- index: HMAC-SM3 of the phone when keys are loaded (`Store::protect`
-- rewrites older rows), the phone itself on a store without keys.
ALTER TABLE reception_appointments ADD COLUMN phone_key TEXT;
UPDATE reception_appointments SET phone_key = phone WHERE phone IS NOT NULL;
CREATE INDEX reception_appointments_phone_key ON reception_appointments(phone_key, session_id);
