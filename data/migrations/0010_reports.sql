-- Comptoir schema, version 10: what the reports read (reports.go).
--
-- 1. How far each deal got. reached_stage_id is the open stage of the deal's
--    pipeline furthest along (by position) that the deal has been in; NULL
--    means the deal has not moved since its creation, so its current stage
--    is as far as it got. A stage move writes it in the same statement as the
--    move (moveStage); this migration fills it from the stage history the
--    timeline keeps: the stage ids of every stage, won, lost and reopened
--    entry ({"from_id", "to_id"}). A deal that moved to another pipeline
--    keeps, in deal_pipelines_left, how far it got in each one it left.
--
-- 2. Report summaries, kept by triggers on every write the way stage_totals
--    is, so that a report reads a few thousand summary rows instead of every
--    deal, timeline entry and activity: deals created per day (the funnel),
--    open deals per expected close month (the forecast), deals closed per day
--    and the days won ones took (won and lost) and, per employee and day,
--    what they did (activity).
--    Only live deals count: deleting a deal takes it, and its activity, out.
--
--    Days are days in the business's time zone. A trigger cannot know a time
--    zone, so report_zone holds the zone's UTC offsets with the moment each
--    starts (one row per daylight-saving change): the local day of a stored
--    UTC time is date(t, shift of the last row whose since <= t). Go fills it
--    from the zone in Settings and rebuilds the summaries when the zone they
--    were made in (settings key report_zone) is not that one (zone.go,
--    PrepareReports). Until then, summaries are kept in UTC.
--
-- The fill of reached_stage_id reads every live deal's stage history through
-- the timeline_deal index (about a second on 100,000 deals, inside Open's
-- migration transaction); the summaries are left to the first rebuild.

ALTER TABLE deals ADD COLUMN reached_stage_id INTEGER;

CREATE TABLE deal_pipelines_left (
    pipeline_id      INTEGER NOT NULL,
    deal_id          INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    reached_stage_id INTEGER, -- the open stage furthest along it reached there; NULL: none
    PRIMARY KEY (pipeline_id, deal_id)
) WITHOUT ROWID;

-- Every stage a deal's history names, read once from the timeline.
CREATE TEMP TABLE stage_history AS
SELECT t.deal_id AS deal_id, s.id AS stage_id, s.pipeline_id AS pipeline_id, s.position AS position
FROM deals d
JOIN timeline t ON t.deal_id = d.id AND t.kind IN ('stage', 'won', 'lost', 'reopened')
JOIN json_each(json_array(json_extract(t.data, '$.from_id'), json_extract(t.data, '$.to_id'))) v
JOIN stages s ON s.id = v.value AND s.semantics = 'open'
WHERE d.deleted_at IS NULL;

CREATE INDEX temp.stage_history_deal ON stage_history (deal_id, pipeline_id, position);

UPDATE deals SET reached_stage_id = (
    SELECT h.stage_id FROM stage_history h WHERE h.deal_id = deals.id AND h.pipeline_id = deals.pipeline_id
    ORDER BY h.position DESC LIMIT 1)
WHERE id IN (SELECT deal_id FROM stage_history);

INSERT INTO deal_pipelines_left (pipeline_id, deal_id, reached_stage_id)
SELECT h.pipeline_id, h.deal_id, (SELECT h2.stage_id FROM stage_history h2 WHERE h2.deal_id = h.deal_id
    AND h2.pipeline_id = h.pipeline_id ORDER BY h2.position DESC LIMIT 1)
FROM stage_history h JOIN deals d ON d.id = h.deal_id
WHERE h.pipeline_id <> d.pipeline_id
GROUP BY h.pipeline_id, h.deal_id;

DROP TABLE temp.stage_history;

-- The business's zone, as UTC offsets; UTC until Go writes the real one.
CREATE TABLE report_zone (
    since TEXT PRIMARY KEY, -- UTC time the offset starts, as stored times are written; '' for the first
    shift TEXT NOT NULL     -- a date() modifier: '+60 minutes'
) WITHOUT ROWID;
INSERT INTO report_zone (since, shift) VALUES ('', '+0 minutes');
INSERT INTO settings (key, value) VALUES ('report_zone', '') ON CONFLICT (key) DO UPDATE SET value = '';

-- Live deals by the day they were created, how far they got and where they
-- are now: the funnel.
CREATE TABLE report_funnel (
    day        TEXT NOT NULL,    -- local day of created_at
    reached_id INTEGER NOT NULL, -- coalesce(reached_stage_id, stage_id)
    stage_id   INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    count      INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    PRIMARY KEY (day, reached_id, stage_id, currency)
) WITHOUT ROWID;

-- Live open deals by expected close month: the forecast. The weighted value
-- of a row is own_weighted + stage probability × (amount − own_amount), in
-- hundredths of minor units.
CREATE TABLE report_forecast (
    month          TEXT NOT NULL, -- YYYY-MM of close_date; '' without one
    responsible_id INTEGER NOT NULL,
    stage_id       INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    count          INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    own_amount     INTEGER NOT NULL, -- of the deals with their own probability
    own_weighted   INTEGER NOT NULL, -- Σ amount × own probability (percent) of those deals
    PRIMARY KEY (month, responsible_id, stage_id, currency)
) WITHOUT ROWID;

-- Live closed deals by the day they were closed: won and lost.
CREATE TABLE report_closed (
    day         TEXT NOT NULL, -- local day of closed_at
    stage_id    INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    lost_reason TEXT NOT NULL,
    count       INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (day, stage_id, currency, lost_reason)
) WITHOUT ROWID;

-- The days won deals took, by the day they were won: the median time to
-- win. days is whole 24-hour days from creation to close.
CREATE TABLE report_won_days (
    day      TEXT NOT NULL, -- local day of closed_at
    days     INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    currency TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (day, days, stage_id, currency)
) WITHOUT ROWID;

-- What each employee did per day, on live deals: calls logged (timeline) or
-- planned and done, meetings done, emails sent (outbox), comments written,
-- tasks done (task and documents activities).
CREATE TABLE report_activity (
    employee_id INTEGER NOT NULL,
    week        TEXT NOT NULL, -- the Monday of day's week
    day         TEXT NOT NULL, -- local day
    calls       INTEGER NOT NULL,
    meetings    INTEGER NOT NULL,
    emails      INTEGER NOT NULL,
    comments    INTEGER NOT NULL,
    tasks       INTEGER NOT NULL,
    PRIMARY KEY (employee_id, week, day)
) WITHOUT ROWID;

-- What the reports read row by row. The forecast splits the current month
-- at today (deals_close_date); activity counts overdue activities
-- (activities_overdue) and, for a sales employee, reads their actions deal by
-- deal (timeline_actions, activities_done) and the emails they sent
-- (outbox_sent). The partial indexes hold only the rows their query reads,
-- and the last four every column it reads. A stage move touches none of
-- them: none names a column the move writes (not even in its WHERE, which
-- would make SQLite rewrite the entry).
CREATE INDEX deals_close_date ON deals (close_date) WHERE deleted_at IS NULL;
CREATE INDEX activities_overdue ON activities (due_at, responsible_id, deal_id, done_at) WHERE done_at IS NULL;
CREATE INDEX activities_done ON activities (deal_id, done_at, responsible_id, kind) WHERE done_at IS NOT NULL;
CREATE INDEX timeline_actions ON timeline (deal_id, at, author_id, kind) WHERE kind IN ('call', 'comment');
CREATE INDEX outbox_sent ON outbox (author_id, sent_at) WHERE state = 'sent';

-- The funnel.

CREATE TRIGGER deals_report_funnel_insert AFTER INSERT ON deals WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO report_funnel (day, reached_id, stage_id, currency, count, amount)
    VALUES (date(NEW.created_at, (SELECT shift FROM report_zone WHERE since <= NEW.created_at ORDER BY since DESC LIMIT 1)),
        coalesce(NEW.reached_stage_id, NEW.stage_id), NEW.stage_id, NEW.currency, 1, NEW.amount)
    ON CONFLICT DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER deals_report_funnel_delete AFTER DELETE ON deals WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE report_funnel SET count = count - 1, amount = amount - OLD.amount
    WHERE day = date(OLD.created_at, (SELECT shift FROM report_zone WHERE since <= OLD.created_at ORDER BY since DESC LIMIT 1))
        AND reached_id = coalesce(OLD.reached_stage_id, OLD.stage_id) AND stage_id = OLD.stage_id AND currency = OLD.currency;
END;

-- The forecast.

CREATE TRIGGER deals_report_forecast_insert AFTER INSERT ON deals WHEN NEW.deleted_at IS NULL AND NEW.closed_at IS NULL
BEGIN
    INSERT INTO report_forecast (month, responsible_id, stage_id, currency, count, amount, own_amount, own_weighted)
    VALUES (coalesce(substr(NEW.close_date, 1, 7), ''), NEW.responsible_id, NEW.stage_id, NEW.currency, 1, NEW.amount,
        CASE WHEN NEW.probability IS NULL THEN 0 ELSE NEW.amount END, coalesce(NEW.amount * NEW.probability, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, amount = amount + excluded.amount,
        own_amount = own_amount + excluded.own_amount, own_weighted = own_weighted + excluded.own_weighted;
END;

CREATE TRIGGER deals_report_forecast_delete AFTER DELETE ON deals WHEN OLD.deleted_at IS NULL AND OLD.closed_at IS NULL
BEGIN
    UPDATE report_forecast SET count = count - 1, amount = amount - OLD.amount,
        own_amount = own_amount - CASE WHEN OLD.probability IS NULL THEN 0 ELSE OLD.amount END,
        own_weighted = own_weighted - coalesce(OLD.amount * OLD.probability, 0)
    WHERE month = coalesce(substr(OLD.close_date, 1, 7), '') AND responsible_id = OLD.responsible_id
        AND stage_id = OLD.stage_id AND currency = OLD.currency;
END;

-- Won and lost.

CREATE TRIGGER deals_report_closed_insert AFTER INSERT ON deals WHEN NEW.deleted_at IS NULL AND NEW.closed_at IS NOT NULL
BEGIN
    INSERT INTO report_closed (day, stage_id, currency, lost_reason, count, amount)
    VALUES (date(NEW.closed_at, (SELECT shift FROM report_zone WHERE since <= NEW.closed_at ORDER BY since DESC LIMIT 1)),
        NEW.stage_id, NEW.currency, NEW.lost_reason, 1, NEW.amount)
    ON CONFLICT DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
    INSERT INTO report_won_days (day, days, stage_id, currency, count)
    SELECT date(NEW.closed_at, (SELECT shift FROM report_zone WHERE since <= NEW.closed_at ORDER BY since DESC LIMIT 1)), CAST(round((julianday(NEW.closed_at) - julianday(NEW.created_at)) * 86400) AS INTEGER) / 86400, NEW.stage_id, NEW.currency, 1
    WHERE (SELECT semantics FROM stages WHERE id = NEW.stage_id) = 'won'
    ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER deals_report_closed_delete AFTER DELETE ON deals WHEN OLD.deleted_at IS NULL AND OLD.closed_at IS NOT NULL
BEGIN
    UPDATE report_won_days SET count = count - 1
    WHERE day = date(OLD.closed_at, (SELECT shift FROM report_zone WHERE since <= OLD.closed_at ORDER BY since DESC LIMIT 1)) AND days = CAST(round((julianday(OLD.closed_at) - julianday(OLD.created_at)) * 86400) AS INTEGER) / 86400 AND stage_id = OLD.stage_id AND currency = OLD.currency;
    UPDATE report_closed SET count = count - 1, amount = amount - OLD.amount
    WHERE day = date(OLD.closed_at, (SELECT shift FROM report_zone WHERE since <= OLD.closed_at ORDER BY since DESC LIMIT 1))
        AND stage_id = OLD.stage_id AND currency = OLD.currency AND lost_reason = OLD.lost_reason;
END;

-- A deal changed: each summary takes its old row out and puts its new one in,
-- both in one statement (an upsert of two rows, the first counting -1): a
-- stage move, the commonest write, prepares this one trigger.
CREATE TRIGGER deals_reports_update AFTER UPDATE OF created_at, reached_stage_id, stage_id, currency, amount, deleted_at, closed_at,
    close_date, probability, responsible_id, lost_reason ON deals
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.reached_stage_id IS NOT NEW.reached_stage_id OR OLD.stage_id IS NOT NEW.stage_id
    OR OLD.currency IS NOT NEW.currency OR OLD.amount IS NOT NEW.amount OR OLD.deleted_at IS NOT NEW.deleted_at
    OR OLD.closed_at IS NOT NEW.closed_at OR OLD.close_date IS NOT NEW.close_date OR OLD.probability IS NOT NEW.probability
    OR OLD.responsible_id IS NOT NEW.responsible_id OR OLD.lost_reason IS NOT NEW.lost_reason
BEGIN
    INSERT INTO report_funnel (day, reached_id, stage_id, currency, count, amount)
    SELECT date(OLD.created_at, (SELECT shift FROM report_zone WHERE since <= OLD.created_at ORDER BY since DESC LIMIT 1)),
        coalesce(OLD.reached_stage_id, OLD.stage_id), OLD.stage_id, OLD.currency, -1, -OLD.amount
    WHERE OLD.deleted_at IS NULL
    UNION ALL
    SELECT date(NEW.created_at, (SELECT shift FROM report_zone WHERE since <= NEW.created_at ORDER BY since DESC LIMIT 1)),
        coalesce(NEW.reached_stage_id, NEW.stage_id), NEW.stage_id, NEW.currency, 1, NEW.amount
    WHERE NEW.deleted_at IS NULL
    ON CONFLICT DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount;
    INSERT INTO report_forecast (month, responsible_id, stage_id, currency, count, amount, own_amount, own_weighted)
    SELECT coalesce(substr(OLD.close_date, 1, 7), ''), OLD.responsible_id, OLD.stage_id, OLD.currency, -1, -OLD.amount,
        CASE WHEN OLD.probability IS NULL THEN 0 ELSE -OLD.amount END, -coalesce(OLD.amount * OLD.probability, 0)
    WHERE OLD.deleted_at IS NULL AND OLD.closed_at IS NULL
    UNION ALL
    SELECT coalesce(substr(NEW.close_date, 1, 7), ''), NEW.responsible_id, NEW.stage_id, NEW.currency, 1, NEW.amount,
        CASE WHEN NEW.probability IS NULL THEN 0 ELSE NEW.amount END, coalesce(NEW.amount * NEW.probability, 0)
    WHERE NEW.deleted_at IS NULL AND NEW.closed_at IS NULL
    ON CONFLICT DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount,
        own_amount = own_amount + excluded.own_amount, own_weighted = own_weighted + excluded.own_weighted;
    INSERT INTO report_closed (day, stage_id, currency, lost_reason, count, amount)
    SELECT date(OLD.closed_at, (SELECT shift FROM report_zone WHERE since <= OLD.closed_at ORDER BY since DESC LIMIT 1)),
        OLD.stage_id, OLD.currency, OLD.lost_reason, -1, -OLD.amount
    WHERE OLD.deleted_at IS NULL AND OLD.closed_at IS NOT NULL
    UNION ALL
    SELECT date(NEW.closed_at, (SELECT shift FROM report_zone WHERE since <= NEW.closed_at ORDER BY since DESC LIMIT 1)),
        NEW.stage_id, NEW.currency, NEW.lost_reason, 1, NEW.amount
    WHERE NEW.deleted_at IS NULL AND NEW.closed_at IS NOT NULL
    ON CONFLICT DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount;
    INSERT INTO report_won_days (day, days, stage_id, currency, count)
    SELECT date(OLD.closed_at, (SELECT shift FROM report_zone WHERE since <= OLD.closed_at ORDER BY since DESC LIMIT 1)),
        (CAST(round((julianday(OLD.closed_at) - julianday(OLD.created_at)) * 86400) AS INTEGER) / 86400), OLD.stage_id, OLD.currency, -1
    FROM stages s WHERE s.id = OLD.stage_id AND s.semantics = 'won' AND OLD.deleted_at IS NULL AND OLD.closed_at IS NOT NULL
    UNION ALL
    SELECT date(NEW.closed_at, (SELECT shift FROM report_zone WHERE since <= NEW.closed_at ORDER BY since DESC LIMIT 1)),
        (CAST(round((julianday(NEW.closed_at) - julianday(NEW.created_at)) * 86400) AS INTEGER) / 86400), NEW.stage_id, NEW.currency, 1
    FROM stages s WHERE s.id = NEW.stage_id AND s.semantics = 'won' AND NEW.deleted_at IS NULL AND NEW.closed_at IS NOT NULL
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
END;

-- Activity. Each trigger adds (or takes out) one row's contribution: its
-- employee, its local day and one in the column of its kind. A row of a
-- deleted deal counts nowhere; one of a deal that no longer exists at all is
-- taken out.

CREATE TRIGGER timeline_report_activity_insert AFTER INSERT ON timeline
WHEN NEW.kind IN ('call', 'comment') AND NEW.author_id IS NOT NULL
BEGIN
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT NEW.author_id, date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days'), d, NEW.kind = 'call', 0, 0, NEW.kind = 'comment', 0
    FROM (SELECT date(NEW.at, (SELECT shift FROM report_zone WHERE since <= NEW.at ORDER BY since DESC LIMIT 1)) AS d)
    WHERE EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, comments = comments + excluded.comments;
END;

CREATE TRIGGER timeline_report_activity_delete AFTER DELETE ON timeline
WHEN OLD.kind IN ('call', 'comment') AND OLD.author_id IS NOT NULL
BEGIN
    UPDATE report_activity SET calls = calls - (OLD.kind = 'call'), comments = comments - (OLD.kind = 'comment')
    WHERE employee_id = OLD.author_id
        AND day = date(OLD.at, (SELECT shift FROM report_zone WHERE since <= OLD.at ORDER BY since DESC LIMIT 1))
        AND NOT EXISTS (SELECT 1 FROM deals WHERE id = OLD.deal_id AND deleted_at IS NOT NULL);
END;

CREATE TRIGGER timeline_report_activity_update AFTER UPDATE OF kind, author_id, at, deal_id ON timeline
WHEN (OLD.kind IN ('call', 'comment') OR NEW.kind IN ('call', 'comment')) AND (OLD.kind IS NOT NEW.kind
    OR OLD.author_id IS NOT NEW.author_id OR OLD.at IS NOT NEW.at OR OLD.deal_id IS NOT NEW.deal_id)
BEGIN
    UPDATE report_activity SET calls = calls - (OLD.kind = 'call'), comments = comments - (OLD.kind = 'comment')
    WHERE OLD.kind IN ('call', 'comment') AND employee_id = OLD.author_id
        AND day = date(OLD.at, (SELECT shift FROM report_zone WHERE since <= OLD.at ORDER BY since DESC LIMIT 1))
        AND NOT EXISTS (SELECT 1 FROM deals WHERE id = OLD.deal_id AND deleted_at IS NOT NULL);
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT NEW.author_id, date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days'), d, NEW.kind = 'call', 0, 0, NEW.kind = 'comment', 0
    FROM (SELECT date(NEW.at, (SELECT shift FROM report_zone WHERE since <= NEW.at ORDER BY since DESC LIMIT 1)) AS d)
    WHERE NEW.kind IN ('call', 'comment') AND NEW.author_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, comments = comments + excluded.comments;
END;

CREATE TRIGGER activities_report_insert AFTER INSERT ON activities WHEN NEW.done_at IS NOT NULL
BEGIN
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT NEW.responsible_id, date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days'), d,
        NEW.kind = 'call', NEW.kind = 'meeting', 0, 0, NEW.kind IN ('task', 'documents')
    FROM (SELECT date(NEW.done_at, (SELECT shift FROM report_zone WHERE since <= NEW.done_at ORDER BY since DESC LIMIT 1)) AS d)
    WHERE EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, meetings = meetings + excluded.meetings, tasks = tasks + excluded.tasks;
END;

CREATE TRIGGER activities_report_delete AFTER DELETE ON activities WHEN OLD.done_at IS NOT NULL
BEGIN
    UPDATE report_activity SET calls = calls - (OLD.kind = 'call'), meetings = meetings - (OLD.kind = 'meeting'),
        tasks = tasks - (OLD.kind IN ('task', 'documents'))
    WHERE employee_id = OLD.responsible_id
        AND day = date(OLD.done_at, (SELECT shift FROM report_zone WHERE since <= OLD.done_at ORDER BY since DESC LIMIT 1))
        AND NOT EXISTS (SELECT 1 FROM deals WHERE id = OLD.deal_id AND deleted_at IS NOT NULL);
END;

CREATE TRIGGER activities_report_update AFTER UPDATE OF done_at, responsible_id, kind, deal_id ON activities
WHEN (OLD.done_at IS NOT NULL OR NEW.done_at IS NOT NULL) AND (OLD.done_at IS NOT NEW.done_at
    OR OLD.responsible_id IS NOT NEW.responsible_id OR OLD.kind IS NOT NEW.kind OR OLD.deal_id IS NOT NEW.deal_id)
BEGIN
    UPDATE report_activity SET calls = calls - (OLD.kind = 'call'), meetings = meetings - (OLD.kind = 'meeting'),
        tasks = tasks - (OLD.kind IN ('task', 'documents'))
    WHERE OLD.done_at IS NOT NULL AND employee_id = OLD.responsible_id
        AND day = date(OLD.done_at, (SELECT shift FROM report_zone WHERE since <= OLD.done_at ORDER BY since DESC LIMIT 1))
        AND NOT EXISTS (SELECT 1 FROM deals WHERE id = OLD.deal_id AND deleted_at IS NOT NULL);
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT NEW.responsible_id, date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days'), d,
        NEW.kind = 'call', NEW.kind = 'meeting', 0, 0, NEW.kind IN ('task', 'documents')
    FROM (SELECT date(NEW.done_at, (SELECT shift FROM report_zone WHERE since <= NEW.done_at ORDER BY since DESC LIMIT 1)) AS d)
    WHERE NEW.done_at IS NOT NULL AND EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, meetings = meetings + excluded.meetings, tasks = tasks + excluded.tasks;
END;

CREATE TRIGGER outbox_report_insert AFTER INSERT ON outbox
WHEN NEW.state = 'sent' AND NEW.author_id IS NOT NULL AND NEW.sent_at IS NOT NULL
BEGIN
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT NEW.author_id, date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days'), d, 0, 0, 1, 0, 0
    FROM (SELECT date(NEW.sent_at, (SELECT shift FROM report_zone WHERE since <= NEW.sent_at ORDER BY since DESC LIMIT 1)) AS d)
    WHERE EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET emails = emails + excluded.emails;
END;

CREATE TRIGGER outbox_report_delete AFTER DELETE ON outbox
WHEN OLD.state = 'sent' AND OLD.author_id IS NOT NULL AND OLD.sent_at IS NOT NULL AND OLD.deal_id IS NOT NULL
BEGIN
    UPDATE report_activity SET emails = emails - 1
    WHERE employee_id = OLD.author_id
        AND day = date(OLD.sent_at, (SELECT shift FROM report_zone WHERE since <= OLD.sent_at ORDER BY since DESC LIMIT 1))
        AND NOT EXISTS (SELECT 1 FROM deals WHERE id = OLD.deal_id AND deleted_at IS NOT NULL);
END;

CREATE TRIGGER outbox_report_update AFTER UPDATE OF state, sent_at, author_id, deal_id ON outbox
WHEN (OLD.state = 'sent' OR NEW.state = 'sent') AND (OLD.state IS NOT NEW.state OR OLD.sent_at IS NOT NEW.sent_at
    OR OLD.author_id IS NOT NEW.author_id OR OLD.deal_id IS NOT NEW.deal_id)
BEGIN
    UPDATE report_activity SET emails = emails - 1
    WHERE OLD.state = 'sent' AND OLD.author_id IS NOT NULL AND OLD.sent_at IS NOT NULL AND OLD.deal_id IS NOT NULL
        AND employee_id = OLD.author_id
        AND day = date(OLD.sent_at, (SELECT shift FROM report_zone WHERE since <= OLD.sent_at ORDER BY since DESC LIMIT 1))
        AND NOT EXISTS (SELECT 1 FROM deals WHERE id = OLD.deal_id AND deleted_at IS NOT NULL);
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT NEW.author_id, date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days'), d, 0, 0, 1, 0, 0
    FROM (SELECT date(NEW.sent_at, (SELECT shift FROM report_zone WHERE since <= NEW.sent_at ORDER BY since DESC LIMIT 1)) AS d)
    WHERE NEW.state = 'sent' AND NEW.author_id IS NOT NULL AND NEW.sent_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET emails = emails + excluded.emails;
END;

-- A deal deleted (or back) takes its activity out of (or back into) the
-- summary: s is -1 or +1.
CREATE TRIGGER deals_report_activity_live AFTER UPDATE OF deleted_at ON deals
WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
    INSERT INTO report_activity (employee_id, week, day, calls, meetings, emails, comments, tasks)
    SELECT c.e, date(c.d, '-' || ((strftime('%w', c.d) + 6) % 7) || ' days'), c.d,
        s * sum(c.calls), s * sum(c.meetings), s * sum(c.emails), s * sum(c.comments), s * sum(c.tasks)
    FROM (SELECT CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END AS s) CROSS JOIN (
        SELECT t.author_id AS e, date(t.at, (SELECT shift FROM report_zone WHERE since <= t.at ORDER BY since DESC LIMIT 1)) AS d,
            t.kind = 'call' AS calls, 0 AS meetings, 0 AS emails, t.kind = 'comment' AS comments, 0 AS tasks
        FROM timeline t WHERE t.deal_id = NEW.id AND t.kind IN ('call', 'comment') AND t.author_id IS NOT NULL
        UNION ALL
        SELECT a.responsible_id, date(a.done_at, (SELECT shift FROM report_zone WHERE since <= a.done_at ORDER BY since DESC LIMIT 1)),
            a.kind = 'call', a.kind = 'meeting', 0, 0, a.kind IN ('task', 'documents')
        FROM activities a WHERE a.deal_id = NEW.id AND a.done_at IS NOT NULL
        UNION ALL
        SELECT o.author_id, date(o.sent_at, (SELECT shift FROM report_zone WHERE since <= o.sent_at ORDER BY since DESC LIMIT 1)),
            0, 0, 1, 0, 0
        FROM outbox o WHERE o.deal_id = NEW.id AND o.state = 'sent' AND o.author_id IS NOT NULL AND o.sent_at IS NOT NULL
    ) c
    WHERE true
    GROUP BY c.d, c.e
    ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, meetings = meetings + excluded.meetings,
        emails = emails + excluded.emails, comments = comments + excluded.comments, tasks = tasks + excluded.tasks;
END;

-- Conversion rates an admin set: one unit of currency is worth rate / 10^9
-- units of base. Reports show one converted total when every currency they
-- hold has a rate.
CREATE TABLE currency_rates (
    currency TEXT PRIMARY KEY,
    base     TEXT NOT NULL,
    rate     INTEGER NOT NULL CHECK (rate > 0), -- billionths
    set_at   TEXT NOT NULL,
    set_by   INTEGER REFERENCES employees (id) ON DELETE SET NULL
) WITHOUT ROWID;
