-- Credit farming is held for review (docs/design.md, "Qualified relay"). An opt-in keeps the
-- network it came from, as a prefix only (/24 for IPv4, /64 for IPv6), never the address.
ALTER TABLE relay_events ADD COLUMN network TEXT;
CREATE INDEX relay_events_network ON relay_events (company_id, network, created_at);

-- A relay is counted, held (it tripped a farming rule and waits for the admin) or rejected
-- (the admin decided it never counts). It keeps its opt-in's network and the keyed hash of its
-- profile's shape, which the rules compare.
ALTER TABLE relays ADD COLUMN status TEXT NOT NULL DEFAULT 'counted';
ALTER TABLE relays ADD COLUMN network TEXT;
ALTER TABLE relays ADD COLUMN fingerprint TEXT;
ALTER TABLE relays ADD COLUMN decided_at INTEGER;
CREATE INDEX relays_status ON relays (status, company_id, id);
CREATE INDEX relays_fingerprint ON relays (company_id, fingerprint, qualified_at);

-- The rules a held relay tripped, with their evidence: a network prefix or a mail domain, and
-- the numbers that tripped it.
CREATE TABLE relay_holds (
    id INTEGER PRIMARY KEY,
    relay_id INTEGER NOT NULL REFERENCES relays (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    rule TEXT NOT NULL,
    detail TEXT NOT NULL,
    amount INTEGER NOT NULL,
    baseline INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (relay_id, rule)
);
CREATE INDEX relay_holds_company ON relay_holds (company_id, rule);

-- The company sees how many of its relays wait for review, without the reasons.
ALTER TABLE companies ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

-- The never-confirmed share is taken over the opt-ins of the last 30 days, per company and for
-- the platform (the index alone answers).
CREATE INDEX candidates_company_created ON candidates (company_id, created_at, email_confirmed_at);
CREATE INDEX candidates_created ON candidates (created_at, email_confirmed_at);

-- The notice says that the network is kept (not a material change); where the platform admin
-- has published a version already, theirs stays in force and they publish the next.
INSERT INTO consent_notices (version, text_ja, text_en, material, published_at, created_at, updated_at)
    SELECT '2026-11-v3',
        'クレジットの不正取得を防ぐため、同意の送信元ネットワーク（IP アドレスの前半部分のみ。アドレスそのものは保存しません）を記録し、不審な紹介は運営者が確認するまで数えません。この情報は第三者に提供しません。',
        'To keep credits fair, we record the network your consent was sent from (only the first part of the IP address, never the address itself) and do not count suspicious relays until the platform checks them. This is never given to anyone.',
        0, 0, 0, 0
    WHERE NOT EXISTS (SELECT 1 FROM consent_notices WHERE published_at > 0);

-- The numbers by month: link visits per company and month (the month's first moment, Japan
-- time), and claims that ended without a placement, by when they ended.
CREATE TABLE link_visits (
    company_id INTEGER NOT NULL REFERENCES companies (id),
    month_start INTEGER NOT NULL,
    visits INTEGER NOT NULL,
    PRIMARY KEY (company_id, month_start)
);
CREATE INDEX claims_company_ended ON claims (company_id, ended_at);
