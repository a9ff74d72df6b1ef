-- CSV imports of ATS exports. The file is kept in chunks in the database (never whole in memory,
-- and any instance can run the import); the import runs in one transaction.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    created_by INTEGER REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('uploading', 'uploaded', 'queued', 'running', 'done', 'failed')),
    -- `UTF-8` or `Shift_JIS`, as found in the file.
    encoding TEXT NOT NULL DEFAULT 'UTF-8',
    bytes INTEGER NOT NULL DEFAULT 0,
    -- Column numbers per field, as JSON.
    mapping TEXT,
    processed_bytes INTEGER NOT NULL DEFAULT 0,
    rows_read INTEGER NOT NULL DEFAULT 0,
    invited INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX imports_company ON imports (company_id, id);
CREATE INDEX imports_due ON imports (status, lease_until);

CREATE TABLE import_chunks (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- Every row of an import that was not invited, with the reason (no personal data).
CREATE TABLE import_report (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    result TEXT NOT NULL,
    field TEXT,
    PRIMARY KEY (import_id, line)
);

-- The column headers a company mapped last time, per field (JSON), to map the next file alike.
ALTER TABLE companies ADD COLUMN import_mapping TEXT;
