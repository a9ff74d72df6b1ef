-- An import writes its invitations and their mails batch by batch as it reads the file, held:
-- a held invitation (import_id of an import that is not done) shows nowhere, and its mail waits
-- (next_attempt_at far in the future) until the import's short final step has re-checked the
-- rows against what changed meanwhile and marked the import done. Then the mails are released in
-- short steps; on failure the held rows are deleted. `held` marks an import whose rows still
-- wait for either, so that the jobs finish what a runner that died left.
ALTER TABLE invitations ADD COLUMN import_id BIGINT;
ALTER TABLE invitations ADD COLUMN import_line BIGINT;
CREATE INDEX invitations_import ON invitations (import_id, import_line) WHERE import_id IS NOT NULL;
ALTER TABLE outbox ADD COLUMN import_id BIGINT;
ALTER TABLE outbox ADD COLUMN import_line BIGINT;
CREATE INDEX outbox_import ON outbox (import_id, import_line) WHERE import_id IS NOT NULL;
ALTER TABLE imports ADD COLUMN held BIGINT NOT NULL DEFAULT 0;
CREATE INDEX imports_held ON imports (id) WHERE held = 1;

-- The final step re-checks only against suppressions, relays, candidates and address changes
-- that appeared since the import began.
CREATE INDEX email_suppressions_created ON email_suppressions (created_at);
CREATE INDEX relays_created ON relays (created_at);
CREATE INDEX email_changes_used ON email_changes (used_at);

-- The numbers count a company's invitations by month from this index (a held one's import is
-- looked up by its id).
DROP INDEX invitations_company_time;
CREATE INDEX invitations_company_time ON invitations (company_id, created_at, import_id);
