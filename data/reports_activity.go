package data

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
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
	return s.activityReport(ctx, actor, f, false)
}

func (s *Store) activityReport(ctx context.Context, actor int64, f ReportFilter, exact bool) (ActivityReport, error) {
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
	ids := slices.Collect(maps.Keys(names))
	slices.Sort(ids)
	counts, err := s.activityRows(ctx, sc, ids, weeks)
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
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.EmployeeID, b.EmployeeID))
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

// activityRows reads what was done per employee and week (its first day in
// the period, or its Monday): for a manager or an admin, from the summary,
// one range of weeks per employee; for a sales employee, action by action on
// the deals they see.
func (s *Store) activityRows(ctx context.Context, sc *reportScope, employees []int64, weeks []Period) ([]activityCount, error) {
	var q string
	var args []any
	perDay := sc.viewer != 0 || sc.exact
	if !perDay {
		if sc.employee != 0 {
			employees = []int64{sc.employee}
		}
		ids := make([]string, len(employees))
		for i, id := range employees {
			ids[i] = strconv.FormatInt(id, 10)
		}
		q = `SELECT employee_id, week, sum(calls), sum(meetings), sum(emails), sum(comments), sum(tasks)
			FROM report_activity WHERE employee_id IN (` + strings.Join(ids, ", ") + `) AND week >= ? AND week <= ? AND day >= ? AND day <= ?
			GROUP BY 1, 2`
		args = []any{sc.weekOf(sc.filter.Period.From), sc.filter.Period.To, sc.filter.Period.From, sc.filter.Period.To}
	} else {
		// Action by action: Go finds each one's week from the UTC times
		// weeks start at.
		with, from, where, wargs := sc.actionConds()
		q = with + `SELECT c.e, c.at, c.calls, c.meetings, c.emails, c.comments, c.tasks
			FROM (` + activityContributions(from, where) + `) c`
		args = wargs()
	}
	days := make([]string, len(weeks))
	for i, w := range weeks {
		days[i] = w.From
	}
	starts := sc.bucketStarts(days)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []activityCount
	index := map[[2]any]int{} // action by action: one count per employee and week
	for rows.Next() {
		var c activityCount
		if err := rows.Scan(&c.employee, &c.week, &c.counts.Calls, &c.counts.Meetings, &c.counts.Emails, &c.counts.Comments, &c.counts.Tasks); err != nil {
			return nil, err
		}
		if perDay {
			i := bucketAt(starts, c.week)
			if i < 0 {
				continue
			}
			c.week = days[i]
			key := [2]any{c.employee, c.week}
			if j, ok := index[key]; ok {
				out[j].counts.add(c.counts)
				continue
			}
			index[key] = len(out)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// weekOf is the Monday of a day's week.
func (sc *reportScope) weekOf(day string) string {
	t, _ := time.Parse(time.DateOnly, day)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
}

// actionConds are what activityContributions needs to keep the actions of
// the scope in the period, on live deals: a WITH clause to start the
// statement with, each part's FROM clause and conditions, and the function
// that returns their arguments in order. For a sales employee, the actions
// are read deal by deal from the deals they see (vis), through each deal's
// index of its calls and comments, done activities and sent emails.
func (sc *reportScope) actionConds() (string, func(table, alias string) string, func(alias, at, employee string) string, func() []any) {
	var args []any
	with := ""
	if sc.viewer != 0 {
		with = `WITH vis (id) AS MATERIALIZED (SELECT id FROM deals WHERE responsible_id = ? AND deleted_at IS NULL
			UNION SELECT ob.deal_id FROM deal_observers ob JOIN deals od ON od.id = ob.deal_id WHERE ob.employee_id = ? AND od.deleted_at IS NULL) `
		args = append(args, sc.viewer, sc.viewer)
	}
	from := func(table, alias string) string {
		if sc.viewer == 0 {
			return plainFrom(table, alias)
		}
		return `vis v CROSS JOIN ` + table + ` ` + alias + ` ON ` + alias + `.deal_id = v.id`
	}
	where := func(alias, at, employee string) string {
		q := ` AND ` + at + ` >= ? AND ` + at + ` < ?`
		args = append(args, sc.start, sc.end)
		if sc.employee != 0 {
			q, args = q+` AND `+employee+` = ?`, append(args, sc.employee)
		}
		if sc.viewer == 0 {
			q += ` AND ` + alias + `.deal_id IN (SELECT id FROM deals WHERE deleted_at IS NULL)`
		}
		return q
	}
	return with, from, where, func() []any { return args }
}

// overdueActivities counts each employee's open activities due before now,
// on live deals (that the sales employee sees).
func (s *Store) overdueActivities(ctx context.Context, sc *reportScope) (map[int64]int, error) {
	// Everyone's: the overdue ones from their index by due time; one
	// employee's: from their own range of open activities.
	index := "activities_overdue"
	if sc.employee != 0 {
		index = "activities_open"
	}
	q := `SELECT a.responsible_id, count(*) FROM activities a INDEXED BY ` + index + ` CROSS JOIN deals d NOT INDEXED ON d.id = a.deal_id
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
		with, from, where, args := sc.actionConds()
		return s.queryIDs(ctx, with+`SELECT DISTINCT c.deal FROM (`+activityContributions(from, where)+`) c`, args()...)
	}
	return nil, fmt.Errorf("%w %q for activity", errUnknownMeasure, dq.Measure)
}
