-- Comptoir schema, version 9: the deal list sorts by client, responsible and
-- stage from indexes, as it already does by last update, title and amount, so
-- a page reads about as many rows as it shows instead of sorting every
-- matching deal first.
--
-- The client's and the responsible's names live in other tables, and an index
-- holds only the deal's own columns: each live deal keeps a copy of them
-- (client_name is the contact's name, else the company's, else ''; the list
-- has always shown and sorted by that name). Triggers keep the copies when a
-- deal is created, changes contact, company or responsible, or when a
-- contact, company or employee is renamed. Deleted deals are never listed, so
-- their copies are not kept up to date (the rename triggers then read the
-- partial deals_contact, deals_company and deals_responsible_updated indexes
-- instead of the whole table); a deal that came back would be filled again.
-- Both columns compare without case, as the list always sorted them, so that
-- a keyset condition on them, written without COLLATE, seeks in the index.
--
-- The indexes start with the stage: the list reads one index range per stage
-- its filter allows (a pipeline, a status and a stage are all sets of stages)
-- and SQLite merges those ranges (a UNION ALL with one ORDER BY). Sorting by
-- stage is sorting by the stage's position, then the deal: within a stage
-- that is the deal's id, so that sort needs no copied key, and reordering
-- stages rewrites no deal. responsible_id in each index lets "my deals", a
-- chosen responsible and a sales employee's visibility be checked in the
-- index, and deleted_at (always NULL there) lets SQLite see that the index
-- covers the range it reads: the merge reads no deal row, only the page's.
--
-- Fast on a large file (this runs inside Open's one migration transaction;
-- about 0.75 s on 100,000 deals): adding a column with a constant default
-- only changes the schema, without rewriting the table; one UPDATE then fills
-- both names in a single pass over the live deals, with three primary-key
-- reads per deal; and the indexes are created after that fill, each built by
-- one sort, rather than before it and updated row by row.

ALTER TABLE deals ADD COLUMN client_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE;
ALTER TABLE deals ADD COLUMN responsible_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE;

UPDATE deals SET
    client_name = coalesce((SELECT name FROM contacts WHERE id = deals.contact_id),
        (SELECT name FROM companies WHERE id = deals.company_id), ''),
    responsible_name = coalesce((SELECT name FROM employees WHERE id = deals.responsible_id), '')
WHERE deleted_at IS NULL;

CREATE INDEX deals_stage_client ON deals (stage_id, client_name, id, responsible_id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX deals_stage_responsible ON deals (stage_id, responsible_name, id, responsible_id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX deals_stage_id ON deals (stage_id, id, responsible_id, deleted_at) WHERE deleted_at IS NULL;

CREATE TRIGGER deals_sort_names_insert AFTER INSERT ON deals WHEN NEW.deleted_at IS NULL
BEGIN
    UPDATE deals SET
        client_name = coalesce((SELECT name FROM contacts WHERE id = NEW.contact_id),
            (SELECT name FROM companies WHERE id = NEW.company_id), ''),
        responsible_name = coalesce((SELECT name FROM employees WHERE id = NEW.responsible_id), '')
    WHERE id = NEW.id;
END;

CREATE TRIGGER deals_sort_names_update AFTER UPDATE OF contact_id, company_id, responsible_id, deleted_at ON deals
WHEN NEW.deleted_at IS NULL AND (OLD.deleted_at IS NOT NULL OR OLD.contact_id IS NOT NEW.contact_id
    OR OLD.company_id IS NOT NEW.company_id OR OLD.responsible_id IS NOT NEW.responsible_id)
BEGIN
    UPDATE deals SET
        client_name = coalesce((SELECT name FROM contacts WHERE id = NEW.contact_id),
            (SELECT name FROM companies WHERE id = NEW.company_id), ''),
        responsible_name = coalesce((SELECT name FROM employees WHERE id = NEW.responsible_id), '')
    WHERE id = NEW.id;
END;

CREATE TRIGGER contacts_name_to_deals AFTER UPDATE OF name ON contacts WHEN OLD.name IS NOT NEW.name
BEGIN
    UPDATE deals SET client_name = NEW.name WHERE contact_id = NEW.id AND deleted_at IS NULL;
END;

CREATE TRIGGER companies_name_to_deals AFTER UPDATE OF name ON companies WHEN OLD.name IS NOT NEW.name
BEGIN
    UPDATE deals SET client_name = coalesce((SELECT name FROM contacts WHERE id = deals.contact_id), NEW.name)
    WHERE company_id = NEW.id AND deleted_at IS NULL;
END;

CREATE TRIGGER employees_name_to_deals AFTER UPDATE OF name ON employees WHEN OLD.name IS NOT NEW.name
BEGIN
    UPDATE deals SET responsible_name = NEW.name WHERE responsible_id = NEW.id AND deleted_at IS NULL;
END;
