-- Issue #20: personal data encrypted at rest, keyed audit chain.
-- `events.pii`: the SM4-GCM sealed personal-data values taken out of the
-- chained payload (markers stand in their place), bound to the event's seq.
ALTER TABLE events ADD COLUMN pii TEXT;
-- From `keyed_from` on, chain entries are HMAC-SM3 under the chain key
-- `chain_key` (an id in the key file); NULL = not yet cut over (SHA-256).
ALTER TABLE chain_head ADD COLUMN keyed_from BIGINT;
ALTER TABLE chain_head ADD COLUMN chain_key TEXT;
