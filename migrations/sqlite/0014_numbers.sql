-- The company's numbers by month read each step of its funnel, and its credits, by company and
-- time.
CREATE INDEX invitations_company_time ON invitations (company_id, created_at);
CREATE INDEX relay_events_company_time ON relay_events (company_id, created_at);
CREATE INDEX relays_company_time ON relays (company_id, qualified_at);
CREATE INDEX claims_company_time ON claims (company_id, claimed_at);
CREATE INDEX placements_company_time ON placements (company_id, created_at);
CREATE INDEX credit_ledger_company_time ON credit_ledger (company_id, created_at);
