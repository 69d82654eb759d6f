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
-- 2. Report summaries, so that a report reads a few thousand summary rows
--    instead of every deal, timeline entry and activity: live deals created
--    per day (the funnel), open deals per expected close month (the
--    forecast), deals closed per day and the days won ones took (won and
--    lost) and, per employee and day, what they did (activity). Only live
--    deals count: deleting a deal takes it, and its activity, out.
--
--    They follow the change log rather than triggers: every write already
--    records the deals it changed (changes, for the screens to refresh), and
--    before it reads, a report folds the deals changed since it last looked
--    (settings key report_seq) into the summaries (reports_summaries.go):
--    what each contributed (report_deals, report_deal_activity) is taken out,
--    read again from the deal and put back. Triggers cost every write: SQLite
--    compiles the triggers a statement may fire into it each time it is
--    prepared, and the store prepares its statements in every transaction,
--    so summary triggers made a stage move a third slower, and even
--    one-statement triggers that only noted the deal cost it a few percent.
--
--    Days are days in the business's time zone: report_zone holds the
--    zone's UTC offsets with the moment each starts (one row per
--    daylight-saving change), and the local day of a stored UTC time is
--    date(t, shift of the last row whose since <= t). Go fills it from the
--    zone in Settings and rebuilds the summaries when the zone they were made
--    in (settings key report_zone) is not that one; the first report after
--    this migration builds them.
--
-- The fill of reached_stage_id reads every live deal's stage history through
-- the timeline_deal index (under a second on 100,000 deals, inside Open's
-- migration transaction).

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
    shift TEXT NOT NULL     -- a date() modifier: '+3600 seconds'
) WITHOUT ROWID;
INSERT INTO report_zone (since, shift) VALUES ('', '+0 seconds');
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

-- What each live deal adds to the summaries, as last folded in: the keys and
-- values of its funnel, forecast (when open), closed (closed_day) and won
-- days (won_days) rows.
CREATE TABLE report_deals (
    deal_id        INTEGER PRIMARY KEY,
    day            TEXT NOT NULL,
    reached_id     INTEGER NOT NULL,
    stage_id       INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    responsible_id INTEGER NOT NULL,
    month          TEXT NOT NULL,
    own_amount     INTEGER NOT NULL,
    own_weighted   INTEGER NOT NULL,
    open           INTEGER NOT NULL,
    closed_day     TEXT,    -- NULL while open
    lost_reason    TEXT NOT NULL,
    won_days       INTEGER  -- NULL unless won
);

-- What each live deal adds to the activity summary, as last folded in.
CREATE TABLE report_deal_activity (
    deal_id     INTEGER NOT NULL,
    employee_id INTEGER NOT NULL,
    day         TEXT NOT NULL,
    week        TEXT NOT NULL,
    calls       INTEGER NOT NULL,
    meetings    INTEGER NOT NULL,
    emails      INTEGER NOT NULL,
    comments    INTEGER NOT NULL,
    tasks       INTEGER NOT NULL,
    PRIMARY KEY (deal_id, employee_id, day)
) WITHOUT ROWID;

-- The deals being folded in (a work table, empty between folds).
CREATE TABLE report_dirty (
    deal_id INTEGER PRIMARY KEY
);
INSERT INTO settings (key, value) VALUES ('report_seq', '0') ON CONFLICT (key) DO UPDATE SET value = '0';

-- What the reports read row by row. The forecast splits the current month
-- at today (deals_close_date); activity counts overdue activities
-- (activities_overdue) and reads actions deal by deal, for a sales employee
-- and when folding changed deals in (timeline_actions, activities_done,
-- outbox_sent). The partial indexes hold only the rows their query reads,
-- and the last four every column it reads. A stage move touches none of
-- them: none names a column the move writes (not even in its WHERE, which
-- would make SQLite rewrite the entry).
CREATE INDEX deals_close_date ON deals (close_date) WHERE deleted_at IS NULL;
CREATE INDEX activities_overdue ON activities (due_at, responsible_id, deal_id, done_at) WHERE done_at IS NULL;
CREATE INDEX activities_done ON activities (deal_id, done_at, responsible_id, kind) WHERE done_at IS NOT NULL;
CREATE INDEX timeline_actions ON timeline (deal_id, at, author_id, kind) WHERE kind IN ('call', 'comment');
CREATE INDEX outbox_sent ON outbox (deal_id, sent_at, author_id) WHERE state = 'sent';

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
