-- Single sign-on: each company and agency may be bound to one identity provider (an id from the
-- portal's configuration) and to the e-mail domains that are its own.
ALTER TABLE companies ADD COLUMN sso_provider TEXT;
-- Anyone with a verified address at one of the organisation's domains may join through SSO.
ALTER TABLE companies ADD COLUMN sso_domain_join INTEGER NOT NULL DEFAULT 0;
-- Staff may also sign in with mailed one-time links (off: SSO only).
ALTER TABLE companies ADD COLUMN staff_email_links INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agencies ADD COLUMN sso_provider TEXT;
ALTER TABLE agencies ADD COLUMN sso_domain_join INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN staff_email_links INTEGER NOT NULL DEFAULT 1;

-- A domain belongs to one organisation at most, so a sign-in address leads to one provider.
CREATE TABLE org_domains (
    domain TEXT PRIMARY KEY,
    company_id INTEGER REFERENCES companies (id),
    agency_id INTEGER REFERENCES agencies (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((company_id IS NULL) <> (agency_id IS NULL))
);
CREATE INDEX org_domains_company ON org_domains (company_id);
CREATE INDEX org_domains_agency ON org_domains (agency_id);

-- Who a provider's subject is here; the first SSO sign-in links it to the staff account.
CREATE TABLE sso_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);
