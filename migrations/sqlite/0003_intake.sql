-- Intake from applicant tracking systems: API keys, idempotent requests, invitations, and the
-- suppression list.

-- A key of a company or an agency; only its SHA-256 is kept. `prefix` is shown to tell keys apart.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    company_id INTEGER REFERENCES companies (id),
    agency_id INTEGER REFERENCES agencies (id),
    -- Who created it: the API acts on their behalf (claims name a person).
    created_by INTEGER REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    revoked_at INTEGER,
    last_used_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((company_id IS NULL) <> (agency_id IS NULL))
);
CREATE INDEX api_keys_company ON api_keys (company_id, id);
CREATE INDEX api_keys_agency ON api_keys (agency_id, id);

-- The answer to a request made with an `Idempotency-Key`, so that a retry gets it again.
CREATE TABLE idempotency_keys (
    api_key_id INTEGER NOT NULL REFERENCES api_keys (id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- A rejected applicant a company registered. Until they consent only name and address are kept;
-- without consent in time both are deleted (the row stays, for the counts).
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT,
    email TEXT,
    -- The keyed hash of the canonical address: one open invitation per person and company.
    person_key TEXT,
    -- The same hash, kept after expiry, so that a late unsubscribe still suppresses the address.
    unsubscribe_key TEXT NOT NULL,
    position TEXT,
    rejected_on TEXT,
    status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'opted_in', 'expired')),
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX invitations_company ON invitations (company_id, id);
CREATE UNIQUE INDEX invitations_person ON invitations (company_id, person_key);
CREATE INDEX invitations_due ON invitations (status, created_at);

-- Addresses never to be invited or imported again (erasure, unsubscribe): keyed hashes only.
CREATE TABLE email_suppressions (
    person_key TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- The language of a company's invitation mails.
ALTER TABLE companies ADD COLUMN invite_language TEXT NOT NULL DEFAULT 'ja';

-- Mails that can be refused (invitations) carry a one-click unsubscribe link (List-Unsubscribe).
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
