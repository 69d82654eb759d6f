-- Quotes and invoices made from a deal. A document is issued once: its
-- snapshot (lines with totals, buyer, seller) never changes; a correction is
-- a new document. Numbers run per kind and year without gaps.

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    deal_id     INTEGER NOT NULL REFERENCES deals (id),
    kind        TEXT NOT NULL CHECK (kind IN ('quote', 'invoice')),
    number      TEXT NOT NULL UNIQUE,
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'paid')),
    issue_date  TEXT NOT NULL,          -- YYYY-MM-DD
    due_date    TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD: an invoice's due date, a quote's validity date
    snapshot    TEXT NOT NULL,          -- JSON, as printed
    net         INTEGER NOT NULL,
    tax         INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    source_id   INTEGER REFERENCES documents (id), -- the quote an invoice was made from
    created_by  INTEGER REFERENCES employees (id),
    created_at  TEXT NOT NULL,
    status_at   TEXT NOT NULL,
    UNIQUE (kind, year, seq)
);
CREATE INDEX documents_deal ON documents (deal_id, id);

-- An issued document's content is frozen: only its status may change.
CREATE TRIGGER documents_frozen BEFORE UPDATE OF deal_id, kind, number, year, seq, issue_date, due_date, snapshot,
    net, tax, gross, currency, source_id, created_by, created_at ON documents
BEGIN
    SELECT RAISE(ABORT, 'an issued document cannot be changed');
END;
