package data

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// reportZoneSetting names the settings key that holds the time zone the
// report summaries count days in ("" until they are first built).
const reportZoneSetting = "report_zone"

// localDay is the SQL for the business's day of a stored UTC time (a column
// or a parameter), with the zone's offsets in report_zone (migration 0010).
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

// reportSeqSetting names the settings key that holds the last change-log
// row the report summaries took in.
const reportSeqSetting = "report_seq"

// PrepareReports brings the report summaries up to date: it folds in the
// deals changed since the last report (migration 0010 says why they wait)
// and, after an upgrade, once the zone in Settings changed or when the
// change log was pruned past what they took in, rebuilds them in the
// business's time zone (about two seconds for 100,000 deals and 200,000
// activities). With nothing to do it costs four small reads. Every report
// calls it first; the seed calls it when done, so a seeded file is ready.
func (s *Store) PrepareReports(ctx context.Context) error {
	loc, err := s.location(ctx)
	if err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	zone, err := s.Setting(ctx, reportZoneSetting)
	if err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	seq, err := s.Setting(ctx, reportSeqSetting)
	if err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	var last int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&last); err != nil {
		return fmt.Errorf("prepare reports: %w", err)
	}
	if zone == loc.String() && seq == strconv.FormatInt(last, 10) {
		return nil
	}
	err = s.writeTx(ctx, func(tx *wtx) error {
		if tx.setting(reportZoneSetting) != loc.String() {
			return tx.rebuildReports(loc)
		}
		return tx.foldChanged()
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

// rebuildReports writes report_zone for loc and every summary from scratch:
// every deal is folded in, none having been yet.
func (tx *wtx) rebuildReports(loc *time.Location) error {
	if _, err := tx.exec(`DELETE FROM report_zone`); err != nil {
		return err
	}
	for _, z := range zoneShifts(loc) {
		if _, err := tx.exec(`INSERT INTO report_zone (since, shift) VALUES (?, ?)`, z.since, z.shift); err != nil {
			return err
		}
	}
	for _, table := range []string{"report_funnel", "report_forecast", "report_closed", "report_won_days", "report_activity",
		"report_deals", "report_deal_activity", "report_dirty"} {
		if _, err := tx.exec(`DELETE FROM ` + table); err != nil {
			return fmt.Errorf("rebuild report summaries: %w", err)
		}
	}
	last, err := tx.lastChange()
	if err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO report_dirty (deal_id) SELECT id FROM deals`); err != nil {
		return fmt.Errorf("rebuild report summaries: %w", err)
	}
	if err := tx.fold(last); err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		reportZoneSetting, loc.String())
	return err
}

// lastChange is the newest change-log row.
func (tx *wtx) lastChange() (int64, error) {
	var last int64
	err := tx.queryRow(`SELECT coalesce(max(seq), 0) FROM changes`).Scan(&last)
	return last, err
}

// foldChanged folds in the deals the change log names since the summaries
// last took it in. A bulk load names no deal ("many"), and a pruned log may
// have lost some: then every deal is folded in again.
func (tx *wtx) foldChanged() error {
	last, err := tx.lastChange()
	if err != nil {
		return err
	}
	from, _ := strconv.ParseInt(tx.setting(reportSeqSetting), 10, 64)
	var many bool
	err = tx.queryRow(`SELECT EXISTS (SELECT 1 FROM changes WHERE seq > ? AND seq <= ? AND kind = ? AND ref = 0)
		OR coalesce((SELECT min(seq) FROM changes), 0) > ? + 1`, from, last, KindDeal, from).Scan(&many)
	if err != nil {
		return err
	}
	q := `INSERT OR IGNORE INTO report_dirty (deal_id) SELECT ref FROM changes WHERE seq > ? AND seq <= ? AND kind = ?`
	args := []any{from, last, KindDeal}
	if many {
		q, args = `INSERT OR IGNORE INTO report_dirty (deal_id) SELECT id FROM deals UNION SELECT deal_id FROM report_deals`, nil
	}
	if _, err := tx.exec(q, args...); err != nil {
		return fmt.Errorf("fold deals into the report summaries: %w", err)
	}
	return tx.fold(last)
}

// summaryFold is how one summary takes in what the dirty deals contribute:
// the columns of its key and values, read from a deal's contribution (r),
// and which contributions count there.
type summaryFold struct {
	table, keys, values, sums, where, from, group string
}

// summaryFolds are the summaries and where their rows come from.
var summaryFolds = []summaryFold{
	{"report_funnel", "day, reached_id, stage_id, currency", "count, amount", "count(*), sum(r.amount)",
		"true", "report_deals", "r.day, r.reached_id, r.stage_id, r.currency"},
	{"report_forecast", "month, responsible_id, stage_id, currency", "count, amount, own_amount, own_weighted",
		"count(*), sum(r.amount), sum(r.own_amount), sum(r.own_weighted)",
		"r.open", "report_deals", "r.month, r.responsible_id, r.stage_id, r.currency"},
	{"report_closed", "day, stage_id, currency, lost_reason", "count, amount", "count(*), sum(r.amount)",
		"r.closed_day IS NOT NULL", "report_deals", "r.closed_day, r.stage_id, r.currency, r.lost_reason"},
	{"report_won_days", "day, days, stage_id, currency", "count", "count(*)",
		"r.won_days IS NOT NULL", "report_deals", "r.closed_day, r.won_days, r.stage_id, r.currency"},
	{"report_activity", "employee_id, week, day", "calls, meetings, emails, comments, tasks",
		"sum(r.calls), sum(r.meetings), sum(r.emails), sum(r.comments), sum(r.tasks)",
		"true", "report_deal_activity", "r.employee_id, r.week, r.day"},
}

// statement adds (sign 1) or takes out (sign -1) the contributions of the
// dirty deals.
func (f summaryFold) statement(sign string) string {
	var set, sums []string
	for _, v := range strings.Split(f.values, ", ") {
		set = append(set, v+" = "+v+" + excluded."+v)
	}
	for _, v := range strings.Split(f.sums, ", ") {
		sums = append(sums, sign+v)
	}
	return `INSERT INTO ` + f.table + ` (` + f.keys + `, ` + f.values + `)
		SELECT ` + f.group + `, ` + strings.Join(sums, ", ") + `
		FROM report_dirty q JOIN ` + f.from + ` r ON r.deal_id = q.deal_id WHERE ` + f.where + `
		GROUP BY ` + f.group + `
		ON CONFLICT DO UPDATE SET ` + strings.Join(set, ", ")
}

// fold brings the summaries up to date with the deals in report_dirty:
// takes out what each contributed, reads it again from the deal (if it is
// still a live one) and puts that in; the summaries have then taken in the
// change log up to last.
func (tx *wtx) fold(last int64) error {
	// The actions of the dirty deals still live, read deal by deal.
	dirty := func(table, alias string) string {
		return `(SELECT q.deal_id AS id FROM report_dirty q JOIN deals dd ON dd.id = q.deal_id WHERE dd.deleted_at IS NULL) v
			CROSS JOIN ` + table + ` ` + alias + ` ON ` + alias + `.deal_id = v.id`
	}
	none := func(_, _, _ string) string { return "" }
	var qs []string
	for _, f := range summaryFolds {
		qs = append(qs, f.statement("-"))
	}
	qs = append(qs,
		`DELETE FROM report_deals WHERE deal_id IN (SELECT deal_id FROM report_dirty)`,
		`DELETE FROM report_deal_activity WHERE deal_id IN (SELECT deal_id FROM report_dirty)`,
		`INSERT INTO report_deals (deal_id, day, reached_id, stage_id, currency, amount, responsible_id, month, own_amount, own_weighted,
			open, closed_day, lost_reason, won_days)
		SELECT d.id, `+localDay("d.created_at")+`, coalesce(d.reached_stage_id, d.stage_id), d.stage_id, d.currency, d.amount,
			d.responsible_id, coalesce(substr(d.close_date, 1, 7), ''), CASE WHEN d.probability IS NULL THEN 0 ELSE d.amount END,
			coalesce(d.amount * d.probability, 0), d.closed_at IS NULL,
			CASE WHEN d.closed_at IS NOT NULL THEN `+localDay("d.closed_at")+` END, d.lost_reason,
			CASE WHEN d.closed_at IS NOT NULL AND s.semantics = 'won' THEN `+daysToClose+` END
		FROM report_dirty q JOIN deals d ON d.id = q.deal_id JOIN stages s ON s.id = d.stage_id
		WHERE d.deleted_at IS NULL`,
		`INSERT INTO report_deal_activity (deal_id, employee_id, day, week, calls, meetings, emails, comments, tasks)
		SELECT deal, e, day, `+mondayOf("day")+`, sum(calls), sum(meetings), sum(emails), sum(comments), sum(tasks)
		FROM (SELECT `+localDay("c.at")+` AS day, c.* FROM (`+activityContributions(dirty, none)+`) c)
		GROUP BY deal, e, day`)
	for _, f := range summaryFolds {
		qs = append(qs, f.statement(""))
	}
	qs = append(qs, `DELETE FROM report_dirty`)
	for _, q := range qs {
		if _, err := tx.exec(q); err != nil {
			return fmt.Errorf("fold deals into the report summaries: %w", err)
		}
	}
	_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		reportSeqSetting, strconv.FormatInt(last, 10))
	return err
}
