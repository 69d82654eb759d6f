-- The deal list sorts by title or amount as well as by last update: give
-- those sorts an index each, so a keyset page reads 50 rows instead of
-- sorting every deal.
CREATE INDEX deals_title ON deals (title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_amount ON deals (amount, id) WHERE deleted_at IS NULL;
