-- Erasure: the candidate's row stays, without any personal data, so that counts, the ledger and
-- the provision records the law requires the portal to keep still refer to it; erased_at says when.
ALTER TABLE candidates ADD COLUMN erased_at BIGINT;

-- Candidates are told when an agency claims their data and when a placement is reported about
-- them, from here on (not of what happened before).
INSERT INTO job_marks (name, value) SELECT 'claim_notice', COALESCE(MAX(id), 0) FROM claims;
INSERT INTO job_marks (name, value) SELECT 'placement_notice', COALESCE(MAX(id), 0) FROM placements;

-- A candidate's change of address, waiting for the new address to be confirmed by its link.
CREATE TABLE email_changes (
    token_hash TEXT PRIMARY KEY,
    candidate_id BIGINT NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    new_email TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX email_changes_candidate ON email_changes (candidate_id);
