-- Comptoir schema, version 4: the outbox (email written from a deal, waiting
-- to be sent or sent), its attachments while it can still be edited, and
-- email templates. The message itself (Message-ID, headers, the exact bytes
-- to send) is a row of messages with direction 'out', so that a reply is
-- routed to the deal even before the message leaves the device.

-- The size limit of what one account sends (attachments together).
ALTER TABLE mail_accounts ADD COLUMN send_max_size INTEGER NOT NULL DEFAULT 20971520;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    email_id        INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    message_id      TEXT NOT NULL UNIQUE,               -- without angle brackets; fixed at queueing
    deal_id         INTEGER REFERENCES deals (id) ON DELETE SET NULL,
    account_id      INTEGER REFERENCES mail_accounts (id) ON DELETE SET NULL,
    author_id       INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    entry_id        INTEGER REFERENCES timeline (id) ON DELETE SET NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
    envelope_from   TEXT NOT NULL,
    recipients      TEXT NOT NULL,                      -- JSON: every RCPT TO, Bcc included
    compose         TEXT NOT NULL,                      -- JSON: what the person wrote, to edit it
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',           -- the server's words
    claimed_by      TEXT NOT NULL DEFAULT '',
    claimed_at      TEXT,
    sent_at         TEXT,
    sent_checked_at TEXT,                               -- an unknown row was looked for in Sent
    sent_copy       TEXT NOT NULL DEFAULT 'none' CHECK (sent_copy IN ('none', 'pending', 'appending', 'done')),
    sent_copy_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_open ON outbox (state) WHERE state <> 'sent' AND state <> 'cancelled';
CREATE INDEX outbox_copy ON outbox (id) WHERE sent_copy IN ('pending', 'appending');

-- Attachments of a message that can still be edited; dropped once it is sent.
CREATE TABLE outbox_files (
    outbox_id    INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    pos          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (outbox_id, pos)
) WITHOUT ROWID;

CREATE TABLE email_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
