-- Keyword search by index: every character and every pair of adjacent characters of a
-- candidate's search text (skills, languages, summary), kept in step with the profile. A search
-- starts from the rows of one of its grams, newest candidate first, instead of scanning the text
-- of every candidate; two-character Japanese terms (営業, 経理) are one gram.
CREATE TABLE candidate_grams (
    gram TEXT NOT NULL,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    PRIMARY KEY (gram, candidate_id)
) WITHOUT ROWID;
CREATE INDEX candidate_grams_candidate ON candidate_grams (candidate_id);

-- The company's numbers, kept with the events that change them, so that its status page reads
-- one row however long its history: the ledger's balance, the opt-ins and the qualified relays.
ALTER TABLE companies ADD COLUMN credit_balance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN opt_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN qualified INTEGER NOT NULL DEFAULT 0;
UPDATE companies SET
    credit_balance = (SELECT COALESCE(SUM(amount), 0) FROM credit_ledger l WHERE l.company_id = companies.id),
    opt_ins = (SELECT COUNT(*) FROM candidates c WHERE c.company_id = companies.id),
    qualified = (SELECT COUNT(*) FROM relays r WHERE r.company_id = companies.id);
