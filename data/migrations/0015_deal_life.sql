-- Comptoir schema, version 15: a deal's whole life (issue 15) — files on
-- deals, contacts and companies; a trash that keeps deleted records for 30
-- days; saved filters; the indexes that filter the deal list by custom
-- field, creation and expected close date.

-- 1. Files. Bytes are stored once by content: a blob is named by the
--    SHA-256 of its bytes, and every file attached (to a deal, a contact or
--    a company) is a row of files that names its blob. They live in this
--    database rather than in a folder beside it: a file and its timeline
--    entry commit together or not at all (no half-written file on a phone
--    killed mid-write, no orphan to sweep), the database file stays the one
--    thing to back up, copy or open elsewhere, and the team sync carries a
--    blob by its sha256, as the name of an object in NATS's object store,
--    without reading any path. The data column comes last, so that reading
--    the others never walks its overflow pages.
CREATE TABLE blobs (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE, -- hex
    size       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    data       BLOB NOT NULL
);

-- What a blob shows before it is opened, made once when it is first stored:
-- an image's (or a scanned PDF's first page's) size and a small JPEG, read
-- only when a row that shows it is on screen.
CREATE TABLE blob_previews (
    blob_id INTEGER PRIMARY KEY REFERENCES blobs (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('image', 'pdf', 'none')),
    width   INTEGER NOT NULL DEFAULT 0, -- of the picture, in pixels
    height  INTEGER NOT NULL DEFAULT 0,
    pages   INTEGER NOT NULL DEFAULT 0, -- a PDF's
    thumb   BLOB                        -- JPEG, at most 320 px a side; NULL: none
);

-- owner_kind 'trash' holds the files of a contact or company in the trash
-- (owner_id is then the trash row), so that a new record given the same id
-- never shows them.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('deal', 'contact', 'company', 'trash')),
    owner_id     INTEGER NOT NULL,
    blob_id      INTEGER NOT NULL REFERENCES blobs (id),
    name         TEXT NOT NULL,    -- made safe to save under (SafeFileName)
    content_type TEXT NOT NULL,    -- from the bytes, else the name's extension
    size         INTEGER NOT NULL,
    author_id    INTEGER REFERENCES employees (id),
    entry_id     INTEGER REFERENCES timeline (id) ON DELETE SET NULL, -- a deal's file: its timeline entry
    created_at   TEXT NOT NULL
);
CREATE INDEX files_owner ON files (owner_kind, owner_id, id);
CREATE INDEX files_blob ON files (blob_id);
CREATE INDEX files_entry ON files (entry_id) WHERE entry_id IS NOT NULL;

-- 2. The trash. A deleted deal stays in deals with deleted_at set (every
--    list and count already leaves those out), its lines, timeline, files
--    and activities untouched; a deleted contact or company leaves its
--    table (so that no read of clients, nor the mail routing, has to learn
--    to skip it) and is kept here as it was, in record, with the deals and
--    contacts it was linked to. Either way one row here says who deleted
--    what and when it is purged (30 days later).
--    parent_id: the deals a contact or company took with it to the trash.
--    reason: 'invoiced' when an admin deleted a won deal with an invoice.
CREATE TABLE trash (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('deal', 'contact', 'company')),
    ref        INTEGER NOT NULL,
    title      TEXT NOT NULL,
    deleted_by INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    deleted_at TEXT NOT NULL,
    purge_at   TEXT NOT NULL,
    parent_id  INTEGER REFERENCES trash (id) ON DELETE SET NULL,
    reason     TEXT NOT NULL DEFAULT '',
    record     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX trash_ref ON trash (kind, ref);
CREATE INDEX trash_recent ON trash (deleted_at DESC, id DESC);
CREATE INDEX trash_purge ON trash (purge_at);
CREATE INDEX trash_parent ON trash (parent_id) WHERE parent_id IS NOT NULL;

-- Deals deleted before the trash existed go to it, with their 30 days.
INSERT INTO trash (kind, ref, title, deleted_at, purge_at)
SELECT 'deal', id, title, deleted_at, strftime('%Y-%m-%dT%H:%M:%S', deleted_at, '+30 days') || '.000000Z'
FROM deals WHERE deleted_at IS NOT NULL;

-- 3. Saved filters of the deal list and board: a name, the filter as JSON
--    (data.DealFilter), shared with everyone (admins share) or not. Each
--    employee pins the ones they want at hand, theirs or shared ones.
CREATE TABLE deal_filters (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX deal_filters_name ON deal_filters (owner_id, name COLLATE NOCASE);
CREATE INDEX deal_filters_shared ON deal_filters (shared) WHERE shared = 1;

CREATE TABLE deal_filter_pins (
    employee_id INTEGER NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    filter_id   INTEGER NOT NULL REFERENCES deal_filters (id) ON DELETE CASCADE,
    PRIMARY KEY (employee_id, filter_id)
) WITHOUT ROWID;

-- 4. What the filters read. A custom field condition reads the field's
--    values from an index, by value (an option, yes/no, a date range, a
--    text) or by number (a number or money range: the value's leading
--    number, "12.50 EUR" is 12.5), and the list then reads only those deals
--    (or, when most deals match, walks its sort order and checks each deal
--    in custom_values' primary key). The creation date is a range of its own
--    index; the expected close date reads deals_close_date (version 10).
CREATE INDEX custom_values_value ON custom_values (field_id, value, record_id);
CREATE INDEX custom_values_number ON custom_values (field_id, CAST(value AS REAL), record_id);
CREATE INDEX deals_created ON deals (created_at, id) WHERE deleted_at IS NULL;
