-- Comptoir schema, version 1: employees, clients, pipelines, deals, custom
-- fields, products, timeline, activities, search and the change log.
-- Times are RFC 3339 text in UTC; money is an integer count of minor units.

CREATE TABLE employees (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL COLLATE NOCASE UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'sales')),
    active     INTEGER NOT NULL DEFAULT 1,
    signature  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE companies (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    vat_number   TEXT NOT NULL DEFAULT '',
    registration TEXT NOT NULL DEFAULT '',
    emails       TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    phones       TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX companies_name ON companies (name COLLATE NOCASE, id);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    company_id INTEGER REFERENCES companies (id) ON DELETE SET NULL,
    address    TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE, id);
CREATE INDEX contacts_company ON contacts (company_id);

CREATE TABLE contact_emails (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    email      TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (contact_id, position)
);
CREATE INDEX contact_emails_email ON contact_emails (email COLLATE NOCASE);

CREATE TABLE contact_phones (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    phone      TEXT NOT NULL,
    digits     TEXT NOT NULL, -- the phone's digits only, for matching
    PRIMARY KEY (contact_id, position)
);
CREATE INDEX contact_phones_digits ON contact_phones (digits);

CREATE TABLE pipelines (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE stages (
    id          INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    color       TEXT NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    semantics   TEXT NOT NULL CHECK (semantics IN ('open', 'won', 'lost')),
    position    INTEGER NOT NULL
);
CREATE INDEX stages_pipeline ON stages (pipeline_id, position);

CREATE TABLE deals (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    pipeline_id    INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id       INTEGER NOT NULL REFERENCES stages (id),
    contact_id     INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    company_id     INTEGER REFERENCES companies (id) ON DELETE SET NULL,
    responsible_id INTEGER NOT NULL REFERENCES employees (id),
    amount         INTEGER NOT NULL DEFAULT 0,
    currency       TEXT NOT NULL DEFAULT 'EUR',
    probability    INTEGER, -- NULL: the stage's default
    close_date     TEXT,    -- YYYY-MM-DD
    source         TEXT NOT NULL CHECK (source IN ('manual', 'email', 'call', 'import')),
    closed_at      TEXT,
    lost_reason    TEXT NOT NULL DEFAULT '',
    author_id      INTEGER REFERENCES employees (id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    deleted_at     TEXT
);
-- Board columns and the deal list read deals of one stage, newest first.
CREATE INDEX deals_stage_updated ON deals (stage_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX deals_updated ON deals (updated_at DESC, id DESC) WHERE deleted_at IS NULL;
-- A sales employee's board and totals read their own deals from this index
-- alone, in card order (deleted_at, always NULL here, makes it cover the
-- totals query).
CREATE INDEX deals_responsible ON deals (responsible_id, stage_id, updated_at DESC, id DESC, currency, amount, deleted_at)
    WHERE deleted_at IS NULL;
-- and their deal list, by last update.
CREATE INDEX deals_responsible_updated ON deals (responsible_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX deals_contact ON deals (contact_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_company ON deals (company_id) WHERE deleted_at IS NULL;

-- Per-stage totals, kept by triggers on every write, so that the board's
-- column headers never scan the deals table.
CREATE TABLE stage_totals (
    stage_id INTEGER NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    count    INTEGER NOT NULL,
    amount   INTEGER NOT NULL,
    PRIMARY KEY (stage_id, currency)
) WITHOUT ROWID;

CREATE TRIGGER deals_totals_insert AFTER INSERT ON deals WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO stage_totals (stage_id, currency, count, amount) VALUES (NEW.stage_id, NEW.currency, 1, NEW.amount)
    ON CONFLICT (stage_id, currency) DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER deals_totals_delete AFTER DELETE ON deals WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE stage_totals SET count = count - 1, amount = amount - OLD.amount
    WHERE stage_id = OLD.stage_id AND currency = OLD.currency;
END;

CREATE TRIGGER deals_totals_update AFTER UPDATE OF stage_id, currency, amount, deleted_at ON deals
BEGIN
    UPDATE stage_totals SET count = count - 1, amount = amount - OLD.amount
    WHERE OLD.deleted_at IS NULL AND stage_id = OLD.stage_id AND currency = OLD.currency;
    INSERT INTO stage_totals (stage_id, currency, count, amount)
    SELECT NEW.stage_id, NEW.currency, 1, NEW.amount WHERE NEW.deleted_at IS NULL
    ON CONFLICT (stage_id, currency) DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

CREATE TABLE deal_observers (
    deal_id     INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    employee_id INTEGER NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    PRIMARY KEY (deal_id, employee_id)
) WITHOUT ROWID;
CREATE INDEX deal_observers_employee ON deal_observers (employee_id, deal_id);

CREATE TABLE custom_fields (
    id       INTEGER PRIMARY KEY,
    entity   TEXT NOT NULL CHECK (entity IN ('deal', 'contact', 'company')),
    key      TEXT NOT NULL,
    label    TEXT NOT NULL,
    type     TEXT NOT NULL CHECK (type IN ('text', 'number', 'money', 'date', 'bool', 'list')),
    options  TEXT NOT NULL DEFAULT '[]', -- JSON array, for lists
    required INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    UNIQUE (entity, key)
);

CREATE TABLE custom_values (
    field_id  INTEGER NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
    record_id INTEGER NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (record_id, field_id)
) WITHOUT ROWID;

CREATE TABLE products (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    sku        TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL DEFAULT '',
    price      INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    tax_rate   INTEGER NOT NULL, -- hundredths of a percent: 2000 = 20 %
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX products_name ON products (name COLLATE NOCASE, id);
CREATE UNIQUE INDEX products_sku ON products (sku) WHERE sku <> '';

CREATE TABLE deal_products (
    id             INTEGER PRIMARY KEY,
    deal_id        INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    product_id     INTEGER REFERENCES products (id) ON DELETE SET NULL,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',
    price          INTEGER NOT NULL,         -- unit price, minor units
    quantity       INTEGER NOT NULL,         -- thousandths
    discount_kind  TEXT NOT NULL CHECK (discount_kind IN ('percent', 'amount')),
    discount       INTEGER NOT NULL DEFAULT 0, -- hundredths of a percent, or minor units per unit
    tax_rate       INTEGER NOT NULL,         -- hundredths of a percent
    tax_included   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deal_products_deal ON deal_products (deal_id, position);

CREATE TABLE timeline (
    id         INTEGER PRIMARY KEY,
    deal_id    INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    author_id  INTEGER REFERENCES employees (id),
    at         TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}', -- JSON, shape depends on kind
    edited_at  TEXT
);
CREATE INDEX timeline_deal ON timeline (deal_id, at DESC, id DESC);

CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    deal_id        INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'task', 'documents')),
    subject        TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    responsible_id INTEGER NOT NULL REFERENCES employees (id),
    remind_at      TEXT,
    reminded_at    TEXT,
    done_at        TEXT,
    result         TEXT NOT NULL DEFAULT '',
    author_id      INTEGER REFERENCES employees (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX activities_deal ON activities (deal_id, done_at, due_at);
CREATE INDEX activities_open ON activities (responsible_id, due_at) WHERE done_at IS NULL;
CREATE INDEX activities_remind ON activities (remind_at) WHERE reminded_at IS NULL AND done_at IS NULL AND remind_at IS NOT NULL;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Full-text search over deals, contacts and companies. Accents folded by the
-- unicode61 tokenizer; prefix indexes make search-as-you-type cheap.
-- The rowid encodes the record: id * 4 + 1 for a deal, + 2 for a contact,
-- + 3 for a company. The table is contentless (the text lives in the
-- records; a search reads rowids only) and keeps no token positions
-- (detail=column: queries are single-token prefixes, optionally limited to
-- the title column, never phrases). That keeps the index about half the size.
CREATE VIRTUAL TABLE search USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3',
    detail = column,
    content = '',
    contentless_delete = 1
);

-- Every write appends the records it changed here, so that other processes
-- (the CLI, the sync) can tell open screens what to refresh.
CREATE TABLE changes (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT NOT NULL,
    ref    INTEGER NOT NULL
);
