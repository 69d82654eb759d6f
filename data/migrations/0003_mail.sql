-- Comptoir schema, version 3: mail accounts, per-folder sync checkpoints,
-- stored messages (incoming and, later, outgoing) and flagged senders.
-- Passwords are never stored here: they live in the keyring or a private file.

CREATE TABLE mail_accounts (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL COLLATE NOCASE UNIQUE, -- the account's main address
    addresses       TEXT NOT NULL DEFAULT '[]',          -- JSON: every address it receives for, email first
    imap_host       TEXT NOT NULL,
    imap_port       INTEGER NOT NULL,
    imap_security   TEXT NOT NULL CHECK (imap_security IN ('tls', 'starttls', 'none')),
    username        TEXT NOT NULL,
    folders         TEXT NOT NULL DEFAULT '["INBOX"]',    -- JSON: folders watched
    smtp_host       TEXT NOT NULL DEFAULT '',
    smtp_port       INTEGER NOT NULL DEFAULT 0,
    smtp_security   TEXT NOT NULL DEFAULT '' CHECK (smtp_security IN ('', 'tls', 'starttls', 'none')),
    smtp_username   TEXT NOT NULL DEFAULT '',
    server_saves_sent INTEGER NOT NULL DEFAULT 0,         -- the SMTP server files sent mail itself
    policy          TEXT NOT NULL DEFAULT 'deal' CHECK (policy IN ('deal', 'inbox', 'ignore')),
    pipeline_id     INTEGER REFERENCES pipelines (id) ON DELETE SET NULL,
    responsible_id  INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    exclusions      TEXT NOT NULL DEFAULT '[]',           -- JSON: addresses and domains never turned into deals
    import_days     INTEGER NOT NULL DEFAULT 30,
    max_size        INTEGER NOT NULL DEFAULT 26214400,
    active          INTEGER NOT NULL DEFAULT 1,
    status          TEXT NOT NULL DEFAULT '',             -- '', 'ok', 'error'
    status_message  TEXT NOT NULL DEFAULT '',
    status_at       TEXT,
    last_sync_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Where the sync of one folder stands: everything up to last_uid under this
-- uidvalidity has been stored, in the same transaction as its messages.
CREATE TABLE mail_folders (
    account_id   INTEGER NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    synced_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
) WITHOUT ROWID;

-- Every stored email, incoming or outgoing. message_id is the Message-ID
-- without angle brackets, or 'sha256:' and the hash of the raw bytes when the
-- message has none: the dedupe key.
-- The large columns come last: SQLite spills a long row into overflow pages,
-- and a column stored after them costs a walk through those pages to read.
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    message_id        TEXT NOT NULL UNIQUE,
    direction         TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    account_id        INTEGER REFERENCES mail_accounts (id) ON DELETE SET NULL,
    folder            TEXT NOT NULL DEFAULT '',
    uid               INTEGER NOT NULL DEFAULT 0,
    state             TEXT NOT NULL CHECK (state IN ('linked', 'inbox', 'filed')),
    reason            TEXT NOT NULL,              -- routing reason code
    reason_text       TEXT NOT NULL DEFAULT '',   -- plain words: why it is where it is
    deal_id           INTEGER REFERENCES deals (id) ON DELETE SET NULL,
    entry_id          INTEGER REFERENCES timeline (id) ON DELETE SET NULL,
    created_deal      INTEGER NOT NULL DEFAULT 0, -- this message started its deal
    bounced_at        TEXT,                       -- for outgoing mail reported undeliverable
    bounced_recipient TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    sent_at           TEXT,                       -- the Date header, UTC
    size              INTEGER NOT NULL DEFAULT 0,
    from_name         TEXT NOT NULL DEFAULT '',
    from_email        TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    subject           TEXT NOT NULL DEFAULT '',
    in_reply_to       TEXT NOT NULL DEFAULT '',
    parse_error       TEXT NOT NULL DEFAULT '',
    truncated         TEXT NOT NULL DEFAULT '',
    to_addrs          TEXT NOT NULL DEFAULT '[]', -- JSON [{name, email}]
    cc_addrs          TEXT NOT NULL DEFAULT '[]',
    refs              TEXT NOT NULL DEFAULT '[]', -- JSON, oldest first
    attachments       TEXT NOT NULL DEFAULT '[]', -- JSON [{name, content_type, size}]
    visible_text      TEXT NOT NULL DEFAULT '',   -- '' when it is the whole text
    text              TEXT NOT NULL DEFAULT '',
    raw               BLOB                        -- the whole message; only the header over the size cap
);
CREATE INDEX messages_deal ON messages (deal_id, sent_at);
CREATE INDEX messages_inbox ON messages (created_at DESC, id DESC) WHERE state = 'inbox';
CREATE INDEX messages_from ON messages (from_email, created_at);

-- Senders a person chose to ignore, or the loop guard stopped.
CREATE TABLE mail_senders (
    email      TEXT PRIMARY KEY COLLATE NOCASE,
    status     TEXT NOT NULL CHECK (status IN ('ignored', 'flagged')),
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) WITHOUT ROWID;
