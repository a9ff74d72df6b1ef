-- An import stages its rows in short transactions, so that others keep writing while it reads
-- the file, and makes them live in one short final step (all or nothing): the rows that are to
-- be invited wait here with their mail until then.
CREATE TABLE import_staged (
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line BIGINT NOT NULL,
    company_id BIGINT NOT NULL,
    identifier TEXT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    person_key TEXT NOT NULL,
    phone_key TEXT,
    position TEXT,
    rejected_on TEXT,
    token_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    unsubscribe_url TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- The report names each row by the file's own identifier column, or by its e-mail address when
-- the file has none (cleared with the invitation period, as unanswered invitations are).
ALTER TABLE import_report ADD COLUMN identifier TEXT;

