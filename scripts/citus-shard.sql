-- xinfang on Citus: shard the case data by region code (行政区划代码).
--
-- *** STEPS 3 AND 4 UNTESTED. *** No Citus package exists for this machine's
-- Debian (`apt-cache search citus` is empty) and nothing may be downloaded,
-- so this script has never run on Citus. Steps 1, 2 and 5 are plain
-- PostgreSQL and run in a test on every `scripts/test.sh` with PostgreSQL
-- (crates/xinfang/tests/it/citus_sql.rs: a database made by today's
-- migrations and the demo, the steps in a transaction rolled back; every
-- case has its shard key, no unique key of a distributed table lacks it).
-- Not yet keyed — case-owned tables added after this layout was written,
-- pinned by that test: document_drafts, messages, visit_links,
-- webhook_deliveries, work_orders (each needs region_code, back-filled from
-- its case, and a key that includes it, like `documents`), stats_case_contrib
-- (the statistics rollup's per-case contributions: keyed like `cases`), and
-- idempotency_keys (by case_no, not case_id: distributed by idem_key, like
-- petitioner_index). docs/PERFORMANCE.md "Way past one machine" explains
-- each choice and lists the code changes it presumes (step 0).
--
-- Use: on the Citus coordinator, in a database that `xinfang migrate` created
-- (empty or not), after the workers were added (citus_add_node):
--   psql "$COORDINATOR_URL" -v ON_ERROR_STOP=1 -f scripts/citus-shard.sql
--
-- Step 0 — the application must first write `region_code` into every
-- case-owned row and carry it in every case lookup (WHERE region_code = $r AND
-- id = $id), so Citus routes a statement to one shard. Today's code writes the
-- columns below only on `cases` and `disputes`; the backfills make an existing
-- database conform, the application change keeps it so.

CREATE EXTENSION IF NOT EXISTS citus;

BEGIN;

-- 1. Every case-owned table gets the shard key, copied from its case.
ALTER TABLE case_units       ADD COLUMN region_code TEXT;
ALTER TABLE submissions      ADD COLUMN region_code TEXT;
ALTER TABLE petitioner_index ADD COLUMN region_code TEXT;
ALTER TABLE events           ADD COLUMN region_code TEXT;
ALTER TABLE outbox           ADD COLUMN region_code TEXT;
ALTER TABLE clock_alerts     ADD COLUMN region_code TEXT;
ALTER TABLE warnings         ADD COLUMN region_code TEXT;
ALTER TABLE supervisions     ADD COLUMN region_code TEXT;
ALTER TABLE ownerships       ADD COLUMN region_code TEXT;
ALTER TABLE ownership_progress ADD COLUMN region_code TEXT;
ALTER TABLE instructions     ADD COLUMN region_code TEXT;
ALTER TABLE campaign_items   ADD COLUMN region_code TEXT;
ALTER TABLE documents        ADD COLUMN region_code TEXT;
ALTER TABLE attachments      ADD COLUMN region_code TEXT;
ALTER TABLE case_imports     ADD COLUMN region_code TEXT;
ALTER TABLE document_signatures ADD COLUMN region_code TEXT;

UPDATE case_units t       SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE submissions t      SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE petitioner_index t SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE outbox t           SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE clock_alerts t     SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE warnings t         SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE supervisions t     SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE ownerships t       SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE instructions t     SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE campaign_items t   SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE documents t        SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE attachments t      SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE case_imports t     SET region_code = c.region_code FROM cases c WHERE c.id = t.case_id;
UPDATE ownership_progress t SET region_code = o.region_code FROM ownerships o WHERE o.id = t.ownership_id;
UPDATE document_signatures t SET region_code = d.region_code FROM documents d WHERE d.id = t.document_id;
-- History written before sharding stays ONE chain (re-keying it per region
-- would rewrite every hash): it becomes the province chain '000000' and still
-- verifies as it is. From now on an event goes to its case's region chain;
-- audit entries with no case (logins, calendar and org changes) to '000000'.
UPDATE events SET region_code = '000000';

ALTER TABLE case_units       ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE submissions      ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE petitioner_index ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE events           ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE outbox           ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE clock_alerts     ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE warnings         ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE supervisions     ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE ownerships       ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE ownership_progress ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE instructions     ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE campaign_items   ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE documents        ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE attachments      ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE case_imports     ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE document_signatures ALTER COLUMN region_code SET NOT NULL;

-- 2. Citus enforces uniqueness and foreign keys only within a shard, so every
-- key of a distributed table must contain the shard key. Case numbers stay
-- globally unique by construction: XF + year + region code + per-region
-- counter (store/src/cases.rs next_case_no).
ALTER TABLE cases DROP CONSTRAINT cases_pkey CASCADE;        -- drops the child FKs too
ALTER TABLE cases DROP CONSTRAINT cases_case_no_key;
ALTER TABLE cases ADD PRIMARY KEY (region_code, id);
ALTER TABLE cases ADD UNIQUE (region_code, case_no);

ALTER TABLE case_units DROP CONSTRAINT case_units_pkey;
ALTER TABLE case_units ADD PRIMARY KEY (region_code, case_id, unit_id);
ALTER TABLE submissions DROP CONSTRAINT submissions_pkey;
ALTER TABLE submissions ADD PRIMARY KEY (region_code, id);
ALTER TABLE clock_alerts DROP CONSTRAINT clock_alerts_pkey;
ALTER TABLE clock_alerts DROP CONSTRAINT clock_alerts_case_id_clock_stage_grade_key;
ALTER TABLE clock_alerts ADD PRIMARY KEY (region_code, id);
ALTER TABLE clock_alerts ADD UNIQUE (region_code, case_id, clock, stage, grade);
ALTER TABLE warnings DROP CONSTRAINT warnings_pkey;
ALTER TABLE warnings ADD PRIMARY KEY (region_code, id);
ALTER TABLE supervisions DROP CONSTRAINT supervisions_pkey;
ALTER TABLE supervisions ADD PRIMARY KEY (region_code, id);
ALTER TABLE ownership_progress DROP CONSTRAINT ownership_progress_ownership_id_fkey;
ALTER TABLE ownerships DROP CONSTRAINT ownerships_pkey;
ALTER TABLE ownerships ADD PRIMARY KEY (region_code, id);
ALTER TABLE ownership_progress DROP CONSTRAINT ownership_progress_pkey;
ALTER TABLE ownership_progress ADD PRIMARY KEY (region_code, id);
ALTER TABLE instructions DROP CONSTRAINT instructions_pkey;
ALTER TABLE instructions ADD PRIMARY KEY (region_code, id);
ALTER TABLE campaign_items DROP CONSTRAINT campaign_items_pkey;
ALTER TABLE campaign_items DROP CONSTRAINT campaign_items_campaign_id_case_id_key;
ALTER TABLE campaign_items ADD PRIMARY KEY (region_code, id);
ALTER TABLE campaign_items ADD UNIQUE (region_code, campaign_id, case_id);
-- Document numbers (文号) are unique per issuing unit; a unit lies in one region.
ALTER TABLE document_signatures DROP CONSTRAINT document_signatures_document_id_fkey;
ALTER TABLE documents DROP CONSTRAINT documents_pkey;
ALTER TABLE documents DROP CONSTRAINT documents_issuing_unit_doc_type_year_seq_key;
ALTER TABLE documents ADD PRIMARY KEY (region_code, id);
ALTER TABLE documents ADD UNIQUE (region_code, issuing_unit, doc_type, year, seq);
-- A document's signature lives with its document. The verification code is
-- then unique per region only (random, 文书核验 looks it up across shards).
ALTER TABLE document_signatures DROP CONSTRAINT document_signatures_pkey;
ALTER TABLE document_signatures DROP CONSTRAINT document_signatures_code_key;
ALTER TABLE document_signatures ADD PRIMARY KEY (region_code, document_id);
ALTER TABLE document_signatures ADD UNIQUE (region_code, code);
ALTER TABLE attachments DROP CONSTRAINT attachments_pkey;
ALTER TABLE attachments ADD PRIMARY KEY (region_code, id);
ALTER TABLE case_imports DROP CONSTRAINT case_imports_pkey;
ALTER TABLE case_imports ADD PRIMARY KEY (region_code, case_id);
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
ALTER TABLE outbox ADD PRIMARY KEY (region_code, id);
ALTER TABLE disputes DROP CONSTRAINT disputes_pkey;
ALTER TABLE disputes ADD PRIMARY KEY (region_code, id);

-- The hash chain: one chain per region, each with its own head row and its
-- own gapless seq; `audit verify` walks each region's chain independently.
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (region_code, seq);
DROP INDEX events_case;
CREATE INDEX events_case ON events(region_code, case_id, seq);
-- One head row per region. Each region chain starts at seq 0 from a genesis
-- hash equal to the pre-sharding head's hash, so every region chain is
-- anchored to the verified history; `audit verify` walks the '000000' chain
-- and then each region's chain on its own shard, in parallel.
ALTER TABLE chain_head ADD COLUMN region_code TEXT;
UPDATE chain_head SET region_code = '000000';
ALTER TABLE chain_head ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE chain_head DROP CONSTRAINT chain_head_pkey;
ALTER TABLE chain_head ADD PRIMARY KEY (region_code);
INSERT INTO chain_head (id, region_code, seq, hash)
SELECT 1, r.region_code, 0, h.hash
FROM (SELECT DISTINCT region_code FROM units WHERE region_code <> '000000') r
CROSS JOIN (SELECT hash FROM chain_head WHERE region_code = '000000') h
ON CONFLICT (region_code) DO NOTHING;

-- Case-number and other per-region counters ("case:330102:2026").
ALTER TABLE counters ADD COLUMN region_code TEXT;
UPDATE counters SET region_code = COALESCE(NULLIF(split_part(name, ':', 2), ''), '000000');
UPDATE counters SET region_code = '000000' WHERE region_code !~ '^[0-9]{6}$';
ALTER TABLE counters ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE counters DROP CONSTRAINT counters_pkey;
ALTER TABLE counters ADD PRIMARY KEY (region_code, name);

-- Repeat detection looks a petitioner up by key across regions (a petitioner
-- may write to several counties), so the petitioner index is sharded by the
-- key itself: one router query per lookup, then the cases by (region, id).
-- Its primary key (pkey, case_id) already holds that shard key; its foreign
-- key to cases went with cases_pkey above and cannot come back (other shard).

COMMIT;

-- 3. Reference tables: small, read by every query (scope needs the unit tree,
-- authentication the users and tokens), replicated to every worker.
SELECT create_reference_table('units');
SELECT create_reference_table('users');
SELECT create_reference_table('tokens');
SELECT create_reference_table('settings');
SELECT create_reference_table('taxonomy');
SELECT create_reference_table('campaigns');
SELECT create_reference_table('accountability');
SELECT create_reference_table('zero_reports');
SELECT create_reference_table('reception_sessions');
SELECT create_reference_table('reception_appointments');
SELECT create_reference_table('signing_keys');

-- 4. Distributed tables, all co-located with `cases` on region_code: a case,
-- its 件次, unit links, clocks, warnings, supervision, documents, events and
-- outbox rows live on one shard, so registration and every case action stay
-- single-shard transactions, and a district's statistics touch one shard.
SELECT create_distributed_table('cases', 'region_code', shard_count => 64);
SELECT create_distributed_table('case_units', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('submissions', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('events', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('chain_head', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('counters', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('outbox', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('clock_alerts', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('warnings', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('supervisions', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('ownerships', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('ownership_progress', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('instructions', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('campaign_items', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('documents', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('attachments', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('case_imports', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('disputes', 'region_code', colocate_with => 'cases');
SELECT create_distributed_table('document_signatures', 'region_code', colocate_with => 'cases');
-- Its own co-location group, keyed by the petitioner key.
SELECT create_distributed_table('petitioner_index', 'pkey', colocate_with => 'none');

-- 5. Foreign keys back, now including the shard key (Citus requires it).
ALTER TABLE case_units   ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE submissions  ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE clock_alerts ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE warnings     ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE supervisions ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE ownerships   ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE ownership_progress ADD FOREIGN KEY (region_code, ownership_id) REFERENCES ownerships(region_code, id);
ALTER TABLE instructions ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE campaign_items ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE documents    ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE attachments  ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE case_imports ADD FOREIGN KEY (region_code, case_id) REFERENCES cases(region_code, id);
ALTER TABLE document_signatures ADD FOREIGN KEY (region_code, document_id) REFERENCES documents(region_code, id);
-- Distributed → reference foreign keys (units, users, campaigns) survive as
-- they were; Citus allows them.
