-- The candidate's last own activity (signing in, the profile, a consent, an answer): the
-- retention period counts from it.
ALTER TABLE candidates ADD COLUMN active_at INTEGER;
UPDATE candidates SET active_at = updated_at;
CREATE INDEX candidates_active ON candidates (active_at) WHERE erased_at IS NULL;

-- When the candidate first opted in (gave hand-off consent): the follow-ups count from it.
ALTER TABLE candidates ADD COLUMN opted_in_at INTEGER;
UPDATE candidates SET opted_in_at = (SELECT MIN(granted_at) FROM consents k WHERE k.candidate_id = candidates.id AND k.kind = 'handoff');
CREATE INDEX candidates_opted_in ON candidates (opted_in_at) WHERE erased_at IS NULL;

-- Whether the candidate is looking for a job: only those looking are in the pool.
ALTER TABLE candidates ADD COLUMN search_status TEXT NOT NULL DEFAULT 'looking'
    CHECK (search_status IN ('looking', 'paused', 'found'));
-- 0 once the candidate asked for no more follow-up mails.
ALTER TABLE candidates ADD COLUMN followups INTEGER NOT NULL DEFAULT 1;

-- What the portal asks a candidate by mail, answered through a single-use link without signing
-- in: a follow-up (round: 1 or 2) or a retention renewal (round: the last activity it asks
-- about). One ask per candidate, kind and round, whichever instance asks.
CREATE TABLE candidate_asks (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    kind TEXT NOT NULL CHECK (kind IN ('followup', 'renewal')),
    round INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    asked_at INTEGER NOT NULL,
    -- A renewal: the end of the day the mail names, after which the data is anonymised.
    deadline_at INTEGER,
    -- When it was answered, or closed unanswered (the candidate was anonymised or active again).
    closed_at INTEGER,
    answer TEXT CHECK (answer IN ('looking', 'paused', 'found', 'keep', 'delete')),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (candidate_id, kind, round)
);
CREATE INDEX candidate_asks_open ON candidate_asks (kind, asked_at) WHERE closed_at IS NULL;

-- Candidates' satisfaction (1 to 5) from the follow-ups, summed per relaying company.
ALTER TABLE companies ADD COLUMN satisfaction_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN satisfaction_count INTEGER NOT NULL DEFAULT 0;
