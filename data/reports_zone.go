package data

import (
	"context"
	"fmt"
	"time"
)

// reportZoneSetting names the settings key that holds the time zone the
// report summaries count days in ("" until they are first built).
const reportZoneSetting = "report_zone"

// localDay is the SQL for the business's day of a stored UTC time (a column
// or a parameter), as the report triggers of migration 0010 compute it.
func localDay(t string) string {
	return `date(` + t + `, (SELECT shift FROM report_zone WHERE since <= ` + t + ` ORDER BY since DESC LIMIT 1))`
}

// daysToClose is the SQL for a deal d's whole 24-hour days from creation to
// close (the seconds between, rounded, divided by a day's).
const daysToClose = `(CAST(round((julianday(d.closed_at) - julianday(d.created_at)) * 86400) AS INTEGER) / 86400)`

// mondayOf is the SQL for the Monday of a day's week (weeks run Monday to
// Sunday).
func mondayOf(day string) string {
	return `date(` + day + `, '-' || ((strftime('%w', ` + day + `) + 6) % 7) || ' days')`
}

// PrepareReports makes the report summaries count days in the business's
// time zone (Seller.TimeZone). After an upgrade, or once the zone changed in
// Settings, it rebuilds them in one transaction (about a second for 100,000
// deals); otherwise it costs two reads. Every report calls it first; the seed
// calls it before writing, so that its rows land in the right days at once.
func (s *Store) PrepareReports(ctx context.Context) error {
	loc, err := s.location(ctx)
	if err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	have, err := s.Setting(ctx, reportZoneSetting)
	if err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	if have == loc.String() {
		return nil
	}
	err = s.writeTx(ctx, func(tx *wtx) error {
		if tx.setting(reportZoneSetting) == loc.String() {
			return nil // another writer was first
		}
		return tx.rebuildReports(loc)
	})
	if err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	return nil
}

// zoneShift is one row of report_zone.
type zoneShift struct {
	since string // as stored times are written; "" for the first
	shift string // date() modifier
}

// zoneShifts lists a zone's UTC offsets from 1970 to 2200, each with the
// moment it starts.
func zoneShifts(loc *time.Location) []zoneShift {
	modifier := func(t time.Time) string {
		_, off := t.In(loc).Zone()
		return fmt.Sprintf("%+d seconds", off)
	}
	t := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	out := []zoneShift{{since: "", shift: modifier(t)}}
	for {
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || !next.After(t) || next.After(end) {
			return out
		}
		if m := modifier(next); m != out[len(out)-1].shift {
			out = append(out, zoneShift{since: fmtTime(next), shift: m})
		}
		t = next
	}
}

// activityContributions is the SQL of every row that counts in the activity
// report, one per logged call or comment, done activity and sent email, with
// its deal, its employee (e), the UTC time it counts at (at) and a one in its
// kind's column. from gives each part's FROM clause for its table and alias
// (t, a or o) and where adds to each part a condition on that alias, given
// the columns of its time and employee.
func activityContributions(from func(table, alias string) string, where func(alias, at, employee string) string) string {
	return `SELECT t.deal_id AS deal, t.author_id AS e, t.at AS at, t.kind = 'call' AS calls, 0 AS meetings, 0 AS emails,
			t.kind = 'comment' AS comments, 0 AS tasks
		FROM ` + from("timeline", "t") + ` WHERE t.kind IN ('call', 'comment') AND t.author_id IS NOT NULL` + where("t", "t.at", "t.author_id") + `
		UNION ALL
		SELECT a.deal_id, a.responsible_id, a.done_at, a.kind = 'call', a.kind = 'meeting', 0, 0, a.kind IN ('task', 'documents')
		FROM ` + from("activities", "a") + ` WHERE a.done_at IS NOT NULL` + where("a", "a.done_at", "a.responsible_id") + `
		UNION ALL
		SELECT o.deal_id, o.author_id, o.sent_at, 0, 0, 1, 0, 0
		FROM ` + from("outbox", "o") + ` WHERE o.state = 'sent' AND o.author_id IS NOT NULL AND o.sent_at IS NOT NULL` + where("o", "o.sent_at", "o.author_id")
}

// plainFrom is a part's table alone.
func plainFrom(table, alias string) string { return table + " " + alias }

// rebuildReports writes report_zone for loc and every summary from scratch,
// as the triggers would have kept them had the zone always been loc.
func (tx *wtx) rebuildReports(loc *time.Location) error {
	if _, err := tx.exec(`DELETE FROM report_zone`); err != nil {
		return err
	}
	for _, z := range zoneShifts(loc) {
		if _, err := tx.exec(`INSERT INTO report_zone (since, shift) VALUES (?, ?)`, z.since, z.shift); err != nil {
			return err
		}
	}
	live := func(alias, _, _ string) string {
		return ` AND EXISTS (SELECT 1 FROM deals d WHERE d.id = ` + alias + `.deal_id AND d.deleted_at IS NULL)`
	}
	for _, q := range []string{
		`DELETE FROM report_funnel`,
		`INSERT INTO report_funnel (day, reached_id, stage_id, currency, count, amount)
		SELECT ` + localDay("created_at") + `, coalesce(reached_stage_id, stage_id), stage_id, currency, count(*), sum(amount)
		FROM deals WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4`,
		`DELETE FROM report_forecast`,
		`INSERT INTO report_forecast (month, responsible_id, stage_id, currency, count, amount, own_amount, own_weighted)
		SELECT coalesce(substr(close_date, 1, 7), ''), responsible_id, stage_id, currency, count(*), sum(amount),
			sum(CASE WHEN probability IS NULL THEN 0 ELSE amount END), sum(coalesce(amount * probability, 0))
		FROM deals WHERE deleted_at IS NULL AND closed_at IS NULL GROUP BY 1, 2, 3, 4`,
		`DELETE FROM report_closed`,
		`INSERT INTO report_closed (day, stage_id, currency, lost_reason, count, amount)
		SELECT ` + localDay("closed_at") + `, stage_id, currency, lost_reason, count(*), sum(amount)
		FROM deals WHERE deleted_at IS NULL AND closed_at IS NOT NULL GROUP BY 1, 2, 3, 4`,
		`DELETE FROM report_won_days`,
		`INSERT INTO report_won_days (day, days, stage_id, currency, count)
		SELECT ` + localDay("d.closed_at") + `, ` + daysToClose + `, d.stage_id, d.currency, count(*)
		FROM deals d JOIN stages s ON s.id = d.stage_id
		WHERE d.deleted_at IS NULL AND d.closed_at IS NOT NULL AND s.semantics = 'won' GROUP BY 1, 2, 3, 4`,
		`DELETE FROM report_activity`,
		`INSERT INTO report_activity (day, employee_id, week, calls, meetings, emails, comments, tasks)
		SELECT day, e, ` + mondayOf("day") + `, sum(calls), sum(meetings), sum(emails), sum(comments), sum(tasks)
		FROM (SELECT ` + localDay("c.at") + ` AS day, c.* FROM (` + activityContributions(plainFrom, live) + `) c)
		GROUP BY day, e`,
	} {
		if _, err := tx.exec(q); err != nil {
			return fmt.Errorf("rebuild report summaries: %w", err)
		}
	}
	_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		reportZoneSetting, loc.String())
	return err
}
