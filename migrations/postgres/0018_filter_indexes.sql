-- Filters that read more than their page. The pool filtered by a job type and a prefecture
-- walked the prefecture's candidates and checked the job type of each (a twelfth matched):
-- each job type row now carries its candidate's prefecture (written with it when the profile is
-- saved), so that the pair is one index walk. A company's returns in one prefecture walked the
-- company's whole list. The numbers' three ledger steps read every entry of the twelve months
-- from the table for its kind and amount: the index by company and time now carries both, and
-- replaces the one without them.
ALTER TABLE candidate_job_types ADD COLUMN prefecture BIGINT;
UPDATE candidate_job_types SET prefecture = (SELECT c.prefecture FROM candidates c WHERE c.id = candidate_job_types.candidate_id);
CREATE INDEX candidate_job_types_place ON candidate_job_types (job_type, prefecture, candidate_id);
CREATE INDEX candidates_returns_prefecture ON candidates (company_id, prefecture, id) WHERE recontact_consent = 1 AND erased_at IS NULL;
CREATE INDEX credit_ledger_company_time_kind ON credit_ledger (company_id, created_at, kind, amount);
DROP INDEX credit_ledger_company_time;
