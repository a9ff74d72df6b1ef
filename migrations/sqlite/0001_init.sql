-- Career Relay schema. Times are unix seconds (INTEGER); flags are 0/1 integers.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'suspended')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX agencies_status ON agencies (status, id);

-- Staff of companies and agencies, and platform admins. Candidates live in their own table.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('admin', 'company', 'agency')),
    company_id INTEGER REFERENCES companies (id),
    agency_id INTEGER REFERENCES agencies (id),
    member_role TEXT NOT NULL DEFAULT 'member' CHECK (member_role IN ('admin', 'member')),
    -- Moved on by "sign out everywhere": sessions signed in under an older epoch end.
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX users_company ON users (company_id);
CREATE INDEX users_agency ON users (agency_id);

CREATE TABLE relay_links (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    code TEXT NOT NULL UNIQUE,
    visits INTEGER NOT NULL DEFAULT 0,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One live link per company.
CREATE UNIQUE INDEX relay_links_one_live ON relay_links (company_id) WHERE revoked_at IS NULL;

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    relay_link_id INTEGER REFERENCES relay_links (id),
    email TEXT UNIQUE,
    email_confirmed_at INTEGER,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    handoff_consent INTEGER NOT NULL DEFAULT 0,
    recontact_consent INTEGER NOT NULL DEFAULT 0,
    name TEXT,
    name_kana TEXT,
    phone TEXT,
    prefecture INTEGER,
    job_types TEXT NOT NULL DEFAULT '',
    skills TEXT NOT NULL DEFAULT '',
    years_experience INTEGER,
    desired_salary INTEGER,
    languages TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    search_text TEXT NOT NULL DEFAULT '',
    profile_completed_at INTEGER,
    qualified_at INTEGER,
    -- 1 while the candidate may be claimed: active, confirmed, consenting, profile complete.
    in_pool INTEGER NOT NULL DEFAULT 0,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX candidates_company ON candidates (company_id, id);
CREATE INDEX candidates_pool ON candidates (in_pool, id);
CREATE INDEX candidates_pool_prefecture ON candidates (in_pool, prefecture, id);
CREATE INDEX candidates_pool_years ON candidates (in_pool, years_experience, id);
CREATE INDEX candidates_phone ON candidates (phone);

CREATE TABLE candidate_job_types (
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    job_type TEXT NOT NULL,
    PRIMARY KEY (candidate_id, job_type)
);
CREATE INDEX candidate_job_types_by_type ON candidate_job_types (job_type, candidate_id);

CREATE TABLE candidate_skills (
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    PRIMARY KEY (candidate_id, skill)
);
CREATE INDEX candidate_skills_by_skill ON candidate_skills (skill, candidate_id);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('handoff', 'recontact')),
    notice_version TEXT NOT NULL,
    scope TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    withdrawn_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX consents_candidate ON consents (candidate_id, kind);

-- A qualified relay: counted once per person for the first company within the attribution window.
CREATE TABLE relays (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE SET NULL,
    person_key TEXT NOT NULL,
    phone_key TEXT,
    qualified_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (company_id, person_key)
);
CREATE INDEX relays_person ON relays (person_key, qualified_at);
CREATE INDEX relays_phone ON relays (phone_key, qualified_at);
CREATE UNIQUE INDEX relays_candidate ON relays (candidate_id);

CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    -- The relaying company (the candidate's), so its status page reads its claims by index.
    company_id INTEGER NOT NULL REFERENCES companies (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    claimed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT CHECK (end_reason IN ('released', 'expired', 'placed', 'withdrawn')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- Exclusivity: one open claim per candidate, whatever the race.
CREATE UNIQUE INDEX claims_one_open ON claims (candidate_id) WHERE ended_at IS NULL;
CREATE INDEX claims_agency ON claims (agency_id, ended_at, id);
CREATE INDEX claims_candidate ON claims (candidate_id, id);
CREATE INDEX claims_company ON claims (company_id, id);
CREATE INDEX claims_expiry ON claims (expires_at) WHERE ended_at IS NULL;

CREATE TABLE claim_notes (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX claim_notes_claim ON claim_notes (claim_id, id);

-- APPI Art. 29/30: each provision to a third party, kept for 3 years.
CREATE TABLE provision_records (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE SET NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    data_items TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    provided_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX provision_records_candidate ON provision_records (candidate_id, id);

CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL UNIQUE REFERENCES claims (id),
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE SET NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    employer TEXT NOT NULL,
    position TEXT NOT NULL,
    start_date TEXT NOT NULL,
    fee INTEGER,
    status TEXT NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'confirmed', 'disputed', 'upheld', 'rejected')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX placements_company ON placements (company_id, id);
CREATE INDEX placements_candidate ON placements (candidate_id);
CREATE INDEX placements_status ON placements (status, id);

-- Append-only: the balance is always the sum. reason_key makes every event count once.
CREATE TABLE credit_ledger (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    kind TEXT NOT NULL CHECK (kind IN ('earned', 'placement_bonus', 'placement_held', 'placement_released', 'redeemed', 'refunded', 'expired')),
    amount INTEGER NOT NULL,
    reason_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX credit_ledger_company ON credit_ledger (company_id, id);
-- Counting earned credits and summing the balance read only the index.
CREATE INDEX credit_ledger_company_kind ON credit_ledger (company_id, kind, amount);

CREATE TABLE sign_in_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX sign_in_tokens_expiry ON sign_in_tokens (expires_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Not before this time: a delivery in progress (a lease) or the back-off after a failure.
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    -- A permanent failure: never tried again.
    failed_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Who did what to which record (ids only, never personal data). Read newest first by id.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_target ON audit_log (target, id);

-- Rate limits: hits per bucket (a hash of what is counted) and fixed window.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- Secrets of the installation (e.g. the key of the person hashes), made once at first start.
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
