-- The company's next credits to lapse (when, and how many that day), kept on its row by every
-- ledger write: the pages read one row however long the ledger grows. lapse_known is 0 until the
-- jobs first work it out for a company whose ledger was written before this.
ALTER TABLE companies ADD COLUMN next_lapse_at BIGINT;
ALTER TABLE companies ADD COLUMN next_lapse_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN lapse_known BIGINT NOT NULL DEFAULT 0;
CREATE INDEX companies_lapse_unknown ON companies (lapse_known) WHERE lapse_known = 0;
