-- Comptoir schema, version 5: an incoming email linked to a deal keeps its
-- visible text once, in its timeline entry (data.text, which the timeline and
-- the export read), rather than in its own row too. Such a row has
-- visible_text = char(0), and text = '' when the whole text is the visible
-- text. Before that entry is deleted (the email moved, the deal deleted) or
-- its text changed, the text goes back into the row, so it is never lost.

CREATE INDEX messages_text_in_entry ON messages (entry_id) WHERE visible_text = char(0);

CREATE TRIGGER timeline_delete_keeps_email_text BEFORE DELETE ON timeline
BEGIN
    UPDATE messages
    SET text = CASE WHEN text = '' THEN coalesce(json_extract(old.data, '$.text'), '') ELSE text END,
        visible_text = CASE WHEN text = '' THEN '' ELSE coalesce(json_extract(old.data, '$.text'), '') END
    WHERE entry_id = old.id AND visible_text = char(0);
END;

CREATE TRIGGER timeline_update_keeps_email_text BEFORE UPDATE OF data ON timeline
WHEN json_extract(old.data, '$.text') IS NOT json_extract(new.data, '$.text')
BEGIN
    UPDATE messages
    SET text = CASE WHEN text = '' THEN coalesce(json_extract(old.data, '$.text'), '') ELSE text END,
        visible_text = CASE WHEN text = '' THEN '' ELSE coalesce(json_extract(old.data, '$.text'), '') END
    WHERE entry_id = old.id AND visible_text = char(0);
END;
