-- Lists that read more than their page (measured on 200,000 relays, claims and introductions):
-- the review queue walked every relay by id to find the held ones; an agency's introductions
-- to one request were read through all of the agency's introductions; the analytics' twelve
-- months of claims were read through every claim there is.
CREATE INDEX relays_held ON relays (id) WHERE status = 'held';
CREATE INDEX introductions_request_agency ON introductions (request_id, agency_id, id);
CREATE INDEX claims_agency_time ON claims (agency_id, claimed_at);
CREATE INDEX claims_time ON claims (claimed_at);
