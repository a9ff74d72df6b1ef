-- Erasure: the candidate's row stays, without any personal data, so that counts, the ledger and
-- the provision records the law requires the portal to keep still refer to it; erased_at says when.
ALTER TABLE candidates ADD COLUMN erased_at INTEGER;
