-- Free referral requests: a company spends a credit to ask the agency network for a candidate
-- for one position; agencies accept it and introduce candidates they hold; each candidate agrees
-- before the company sees them; the company's screening results go back.
CREATE TABLE referral_requests (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    job_type TEXT NOT NULL,
    -- NULL when the position is remote.
    prefecture INTEGER,
    employment_type TEXT NOT NULL CHECK (employment_type IN ('full_time', 'contract', 'part_time', 'temporary')),
    -- Annual salary in units of 10,000 yen (万円), as profiles state it.
    salary_min INTEGER NOT NULL,
    salary_max INTEGER NOT NULL,
    min_years INTEGER NOT NULL DEFAULT 0,
    must_have TEXT NOT NULL DEFAULT '',
    nice_to_have TEXT NOT NULL DEFAULT '',
    -- Shown to agencies only: deal-breakers, the interview flow.
    agency_notes TEXT NOT NULL DEFAULT '',
    hires INTEGER NOT NULL DEFAULT 1,
    deadline INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled', 'cancelled', 'expired')),
    closed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX referral_requests_company ON referral_requests (company_id, id);
CREATE INDEX referral_requests_status ON referral_requests (status, id);
CREATE INDEX referral_requests_status_job ON referral_requests (status, job_type, id);
CREATE INDEX referral_requests_due ON referral_requests (deadline) WHERE status = 'open';

-- The agencies that work on a request.
CREATE TABLE request_agencies (
    request_id INTEGER NOT NULL REFERENCES referral_requests (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    accepted_at INTEGER NOT NULL,
    PRIMARY KEY (request_id, agency_id)
);
CREATE INDEX request_agencies_agency ON request_agencies (agency_id, request_id);

CREATE TABLE introductions (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES referral_requests (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    -- The candidate (an erased candidate's row stays, without personal data).
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE SET NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    recommendation TEXT NOT NULL,
    -- withdrawn: the candidate erased their data while it was open.
    status TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'declined', 'agreed', 'passed', 'interview', 'offer', 'hired', 'rejected', 'withdrawn')),
    -- Why the company declined (見送り), from a fixed list: told to the agency, not the candidate.
    reason TEXT,
    answered_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (request_id, candidate_id)
);
CREATE INDEX introductions_request ON introductions (request_id, id);
CREATE INDEX introductions_agency ON introductions (agency_id, id);
CREATE INDEX introductions_candidate ON introductions (candidate_id, id);

-- A provision to a company (an introduction the candidate agreed to) names the company; the
-- agency and claim are the introducing agency's.
ALTER TABLE provision_records ADD COLUMN company_id INTEGER REFERENCES companies (id);
ALTER TABLE provision_records ADD COLUMN introduction_id INTEGER REFERENCES introductions (id);

-- Credits lapse: each entry that adds new credits (earned, placement bonus) carries the day it
-- lapses; spendings, refunds and holds carry none. Credits from before: 12 months after.
ALTER TABLE credit_ledger ADD COLUMN expires_at INTEGER;
UPDATE credit_ledger SET expires_at = created_at + 365 * 86400 WHERE kind IN ('earned', 'placement_bonus');
CREATE INDEX credit_ledger_company_expiry ON credit_ledger (company_id, expires_at, amount);
CREATE INDEX credit_ledger_expiry ON credit_ledger (expires_at) WHERE expires_at IS NOT NULL;

-- Mails sent once per event (credits about to lapse): the key decides, whichever instance writes.
CREATE TABLE notices (
    key TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

-- How far a periodic job has looked (the credit expiry job's last look).
CREATE TABLE job_marks (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- The language each person uses the portal in (their last sign-in or language switch): the
-- language of the mails they are sent.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'ja';
ALTER TABLE candidates ADD COLUMN language TEXT NOT NULL DEFAULT 'ja';

-- Agencies get a daily digest of new requests that match their work, unless their admins turn
-- it off.
ALTER TABLE agencies ADD COLUMN request_digest INTEGER NOT NULL DEFAULT 1;

-- Companies are told of credits earned from here on (not of those earned before), and the first
-- digest covers the day after this migration.
INSERT INTO job_marks (name, value) SELECT 'credit_earned', COALESCE(MAX(id), 0) FROM credit_ledger;
INSERT INTO job_marks (name, value) VALUES ('request_digest', CAST(strftime('%s', 'now') AS INTEGER));
