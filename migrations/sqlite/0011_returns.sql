-- Return candidates: a company sees its own rejected candidates who agreed that it may contact
-- them again. Each view is a provision to the company itself, with no agency or claim: the
-- provision records are rebuilt with those two optional (SQLite cannot drop NOT NULL in place).
CREATE TABLE provision_records_new (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE SET NULL,
    agency_id INTEGER REFERENCES agencies (id),
    claim_id INTEGER REFERENCES claims (id),
    data_items TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    provided_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    company_id INTEGER REFERENCES companies (id),
    introduction_id INTEGER REFERENCES introductions (id)
);
INSERT INTO provision_records_new (id, candidate_id, agency_id, claim_id, data_items, consent_version, provided_at, created_at, updated_at, company_id, introduction_id)
    SELECT id, candidate_id, agency_id, claim_id, data_items, consent_version, provided_at, created_at, updated_at, company_id, introduction_id
    FROM provision_records;
DROP TABLE provision_records;
ALTER TABLE provision_records_new RENAME TO provision_records;
CREATE INDEX provision_records_candidate ON provision_records (candidate_id, id);

-- The company's list of its return candidates, newest first.
CREATE INDEX candidates_returns ON candidates (company_id, id) WHERE recontact_consent = 1 AND erased_at IS NULL;

-- "Contacted" marks a company's members leave on a return candidate, with a note.
CREATE TABLE return_contacts (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX return_contacts_candidate ON return_contacts (company_id, candidate_id, id);
