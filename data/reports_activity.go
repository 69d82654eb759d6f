package data

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ActivityReport is what each employee did per week of the period (Monday to
// Sunday, the first and last cut to the period): calls (logged on a
// timeline, or planned and done), meetings done, emails sent, comments
// written and tasks done (task and documents activities), and their open
// activities overdue now. An action counts for who did it (the author of a
// call, comment or email; the responsible of a planned activity), on the
// day it happened; a sales employee sees only their own, on the deals they
// see. Activity counts every pipeline and currency.
type ActivityReport struct {
	Filter ReportFilter   `json:"filter"`
	Weeks  []Period       `json:"weeks"`
	People []ActivityRow  `json:"people"` // by name
	Total  ActivityCounts `json:"total"`  // everyone over the period
}

// ActivityRow is one employee's activity.
type ActivityRow struct {
	EmployeeID int64            `json:"employee_id"`
	Name       string           `json:"name"`
	Weeks      []ActivityCounts `json:"weeks"` // one per week of the report
	Total      ActivityCounts   `json:"total"`
	// Overdue counts their open activities due before now.
	Overdue      int       `json:"overdue"`
	OverdueDeals DealQuery `json:"-"`
}

// ActivityCounts is what was done in a week (or the period).
type ActivityCounts struct {
	Calls    int       `json:"calls"`
	Meetings int       `json:"meetings"`
	Emails   int       `json:"emails"`
	Comments int       `json:"comments"`
	Tasks    int       `json:"tasks"`
	Deals    DealQuery `json:"-"` // the deals acted on
}

func (c *ActivityCounts) add(o ActivityCounts) {
	c.Calls += o.Calls
	c.Meetings += o.Meetings
	c.Emails += o.Emails
	c.Comments += o.Comments
	c.Tasks += o.Tasks
}

// ActivityReport computes the activity report.
func (s *Store) ActivityReport(ctx context.Context, actor int64, f ReportFilter) (ActivityReport, error) {
	return s.activity(ctx, actor, f, false)
}

func (s *Store) activity(ctx context.Context, actor int64, f ReportFilter, exact bool) (ActivityReport, error) {
	sc, err := s.reportScope(ctx, actor, ReportActivity, f)
	if err != nil {
		return ActivityReport{}, fmt.Errorf("activity: %w", err)
	}
	sc.exact = exact
	weeks := sc.weeks()
	index := map[string]int{}
	for i, w := range weeks {
		index[w.From] = i
	}
	names, err := s.employeeNames(ctx)
	if err != nil {
		return ActivityReport{}, fmt.Errorf("activity: %w", err)
	}
	people := map[int64]*ActivityRow{}
	row := func(id int64) *ActivityRow {
		r := people[id]
		if r == nil {
			r = &ActivityRow{EmployeeID: id, Name: names[id], Weeks: make([]ActivityCounts, len(weeks))}
			people[id] = r
		}
		return r
	}
	if sc.employee != 0 {
		row(sc.employee)
	} else {
		active, err := s.queryIDs(ctx, `SELECT id FROM employees WHERE active = 1`)
		if err != nil {
			return ActivityReport{}, fmt.Errorf("activity: %w", err)
		}
		for _, id := range active {
			row(id)
		}
	}
	counts, err := s.activityRows(ctx, sc)
	if err != nil {
		return ActivityReport{}, fmt.Errorf("activity: %w", err)
	}
	for _, c := range counts {
		if i, ok := index[max(c.week, sc.filter.Period.From)]; ok {
			row(c.employee).Weeks[i].add(c.counts)
		}
	}
	overdue, err := s.overdueActivities(ctx, sc)
	if err != nil {
		return ActivityReport{}, fmt.Errorf("activity: %w", err)
	}
	for id, n := range overdue {
		row(id).Overdue = n
	}
	out := ActivityReport{Filter: sc.filter, Weeks: weeks, People: []ActivityRow{}}
	q := DealQuery{Report: ReportActivity, Filter: sc.filter, Measure: MeasureDone}
	for _, r := range people {
		for i := range r.Weeks {
			r.Total.add(r.Weeks[i])
			r.Weeks[i].Deals = q
			r.Weeks[i].Deals.From, r.Weeks[i].Deals.To, r.Weeks[i].Deals.EmployeeID = weeks[i].From, weeks[i].To, r.EmployeeID
		}
		r.Total.Deals = q
		r.Total.Deals.From, r.Total.Deals.To, r.Total.Deals.EmployeeID = sc.filter.Period.From, sc.filter.Period.To, r.EmployeeID
		r.OverdueDeals = DealQuery{Report: ReportActivity, Filter: sc.filter, Measure: MeasureOverdue, EmployeeID: r.EmployeeID}
		out.Total.add(r.Total)
		out.People = append(out.People, *r)
	}
	out.Total.Deals = q
	out.Total.Deals.From, out.Total.Deals.To = sc.filter.Period.From, sc.filter.Period.To
	slices.SortFunc(out.People, func(a, b ActivityRow) int {
		return cmpOr(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), int(a.EmployeeID-b.EmployeeID))
	})
	return out, nil
}

// weeks are the weeks of the period, Monday to Sunday, cut to the period.
func (sc *reportScope) weeks() []Period {
	saved := sc.filter.Interval
	sc.filter.Interval = ByWeek
	defer func() { sc.filter.Interval = saved }()
	var out []Period
	for _, b := range sc.buckets() {
		out = append(out, Period{From: b.From, To: b.To})
	}
	return out
}

// activityCount is what one employee did in one week (its Monday).
type activityCount struct {
	employee int64
	week     string
	counts   ActivityCounts
}

// activityRows reads what was done per employee and week: for a manager or
// an admin, from the summary; for a sales employee, action by action on the
// deals they see.
func (s *Store) activityRows(ctx context.Context, sc *reportScope) ([]activityCount, error) {
	var q string
	var args []any
	if sc.viewer == 0 && !sc.exact {
		q = `SELECT employee_id, week, sum(calls), sum(meetings), sum(emails), sum(comments), sum(tasks)
			FROM report_activity WHERE day >= ? AND day <= ?`
		args = []any{sc.filter.Period.From, sc.filter.Period.To}
		if sc.employee != 0 {
			q, args = q+` AND employee_id = ?`, append(args, sc.employee)
		}
		q += ` GROUP BY 1, 2`
	} else {
		where, wargs := sc.actionConds()
		q = `SELECT c.e, ` + mondayOf(localDay("c.at")) + `, sum(c.calls), sum(c.meetings), sum(c.emails), sum(c.comments), sum(c.tasks)
			FROM (` + activityContributions(where) + `) c GROUP BY 1, 2`
		args = wargs()
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []activityCount
	for rows.Next() {
		var c activityCount
		if err := rows.Scan(&c.employee, &c.week, &c.counts.Calls, &c.counts.Meetings, &c.counts.Emails, &c.counts.Comments, &c.counts.Tasks); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// actionConds is the condition activityContributions adds to each of its
// parts to keep the actions of the scope in the period, on live deals (seen
// by the sales employee), with the function that returns their arguments in
// order.
func (sc *reportScope) actionConds() (func(alias, at, employee string) string, func() []any) {
	var args []any
	where := func(alias, at, employee string) string {
		q := ` AND ` + at + ` >= ? AND ` + at + ` < ?`
		args = append(args, sc.start, sc.end)
		if sc.employee != 0 {
			q, args = q+` AND `+employee+` = ?`, append(args, sc.employee)
		}
		q += ` AND ` + alias + `.deal_id IN (SELECT id FROM deals WHERE deleted_at IS NULL`
		if sc.viewer != 0 {
			q += ` AND (responsible_id = ? OR id IN (SELECT deal_id FROM deal_observers WHERE employee_id = ?))`
			args = append(args, sc.viewer, sc.viewer)
		}
		return q + `)`
	}
	return where, func() []any { return args }
}

// overdueActivities counts each employee's open activities due before now,
// on live deals (that the sales employee sees).
func (s *Store) overdueActivities(ctx context.Context, sc *reportScope) (map[int64]int, error) {
	q := `SELECT a.responsible_id, count(*) FROM activities a INDEXED BY activities_open CROSS JOIN deals d NOT INDEXED ON d.id = a.deal_id
		WHERE a.done_at IS NULL AND a.due_at < ? AND d.deleted_at IS NULL`
	args := []any{fmtTime(sc.now)}
	if sc.employee != 0 {
		q, args = q+` AND a.responsible_id = ?`, append(args, sc.employee)
	}
	if sc.viewer != 0 {
		q += ` AND (d.responsible_id = ? OR d.id IN (SELECT deal_id FROM deal_observers WHERE employee_id = ?))`
		args = append(args, sc.viewer, sc.viewer)
	}
	rows, err := s.r.QueryContext(ctx, q+` GROUP BY 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// activityDeals lists the deals an employee acted on in a week (or the
// period), or that hold their overdue activities.
func (s *Store) activityDeals(ctx context.Context, sc *reportScope, dq DealQuery) ([]int64, error) {
	if dq.EmployeeID != 0 {
		if sc.viewer != 0 && dq.EmployeeID != sc.viewer {
			return nil, fmt.Errorf("%s may only see their own figures: %w", sc.me.Email, ErrForbidden)
		}
		sc.employee = dq.EmployeeID
	}
	switch dq.Measure {
	case MeasureOverdue:
		q := `SELECT DISTINCT d.id FROM activities a INDEXED BY activities_open CROSS JOIN deals d NOT INDEXED ON d.id = a.deal_id
			WHERE a.done_at IS NULL AND a.due_at < ? AND d.deleted_at IS NULL`
		args := []any{fmtTime(sc.now)}
		if sc.employee != 0 {
			q, args = q+` AND a.responsible_id = ?`, append(args, sc.employee)
		}
		if sc.viewer != 0 {
			q += ` AND (d.responsible_id = ? OR d.id IN (SELECT deal_id FROM deal_observers WHERE employee_id = ?))`
			args = append(args, sc.viewer, sc.viewer)
		}
		return s.queryIDs(ctx, q, args...)
	case MeasureDone:
		if dq.From != "" && dq.To != "" {
			from, err1 := time.Parse(time.DateOnly, max(dq.From, sc.filter.Period.From))
			to, err2 := time.Parse(time.DateOnly, min(dq.To, sc.filter.Period.To))
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("week %s–%s: not dates", dq.From, dq.To)
			}
			sc.start = fmtTime(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, sc.loc))
			sc.end = fmtTime(time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, sc.loc))
		}
		where, args := sc.actionConds()
		return s.queryIDs(ctx, `SELECT DISTINCT c.deal FROM (`+activityContributions(where)+`) c`, args()...)
	}
	return nil, fmt.Errorf("%w %q for activity", errUnknownMeasure, dq.Measure)
}
