-- The versions of the consent notice, newest last. The notice's standing sections (purpose,
-- recipients, data items, retention, rights) are the portal's own words in both languages; each
-- version the platform admin publishes adds what changed, in both languages. A material change
-- takes every candidate who consented under an older version out of the pool until they agree
-- to it; a change that is not material is shown, not asked.
CREATE TABLE consent_notices (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL UNIQUE,
    text_ja TEXT NOT NULL,
    text_en TEXT NOT NULL,
    material INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- The versions the portal shipped before the admin could publish one.
INSERT INTO consent_notices (version, text_ja, text_en, material, published_at, created_at, updated_at)
    VALUES ('2026-11-v1', '', '', 0, 0, 0, 0);
INSERT INTO consent_notices (version, text_ja, text_en, material, published_at, created_at, updated_at)
    VALUES ('2026-11-v2', '', '', 0, 0, 0, 0);
