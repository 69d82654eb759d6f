-- Comptoir schema, version 7: a sent email's timeline entry is no longer
-- rewritten when the sender records it sent (its JSON carries the whole
-- body, and rewriting it was most of the database work of draining the
-- outbox). The timeline reads the state of an email_out entry from its
-- outbox row instead, found by this index.

CREATE INDEX outbox_entry ON outbox (entry_id) WHERE entry_id IS NOT NULL;
