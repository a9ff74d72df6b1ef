-- Every company whose link brought a person (one candidate per address): the first is the
-- candidate's own company; a person who opts in again through another company's link is a relay
-- event of that company, which qualifies for it once the attribution window of the person's
-- last qualifying relay has passed.
CREATE TABLE relay_events (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    relay_link_id INTEGER REFERENCES relay_links (id),
    created_at INTEGER NOT NULL,
    UNIQUE (candidate_id, company_id)
);
CREATE INDEX relay_events_company ON relay_events (company_id, id);
INSERT INTO relay_events (candidate_id, company_id, relay_link_id, created_at)
    SELECT id, company_id, relay_link_id, created_at FROM candidates;

-- A person relayed again after the window has a qualifying relay for each company: no longer one
-- relay per candidate.
DROP INDEX relays_candidate;
CREATE INDEX relays_candidate ON relays (candidate_id);
