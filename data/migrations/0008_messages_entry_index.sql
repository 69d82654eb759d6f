-- Comptoir schema, version 8: deleting a timeline entry (a comment, an
-- email moved to another deal, a deleted deal's entries) no longer reads
-- every stored message. messages.entry_id refers to the timeline with ON
-- DELETE SET NULL, and SQLite looks for the messages that name the deleted
-- entry with "entry_id = ?": the index of version 5 only held messages whose
-- text lives in their entry, which that lookup cannot use, so it scanned the
-- whole table. This index holds every message linked to an entry; the
-- triggers of version 5 use it too.

DROP INDEX messages_text_in_entry;
CREATE INDEX messages_entry ON messages (entry_id) WHERE entry_id IS NOT NULL;
