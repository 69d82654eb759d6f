package data

import (
	"comptoir/data/storage"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reports: the figures a sales manager looks at (the funnel, the forecast,
// won and lost, activity), computed here and shown by the Reports screen and
// `comptoir report`.
//
// Rules common to every report:
//   - Days are days in the business's time zone (Seller.TimeZone); a period
//     is a range of such days, both ends included.
//   - Only live deals count, and only those the actor sees: a sales employee
//     counts the deals they are responsible for or observe and may name no
//     one else; a manager or an admin counts every deal, or one employee's
//     (the deals they are responsible for; for activity, what they did).
//   - Money is a count of minor units per currency. Totals are given per
//     currency; when an admin set conversion rates (SetCurrencyRates) and
//     every currency of a figure has one, the figure also has one converted
//     total, and the report says which rates it used (Conversion).
//   - Rounding: a weighted value (amount × probability / 100) and a
//     converted total are rounded half away from zero once, on the exact sum
//     of the deals behind the figure, never deal by deal. So the weighted
//     values of the people of a month may not add up to the month's own, by
//     a minor unit or so.
//   - Every figure carries a DealQuery, which DealsBehind turns into the ids
//     of the deals behind it (the deal list filters to those).
//   - A manager's or admin's figures for everyone come from summaries that
//     fold in the deals the change log names (migration 0010); a sales
//     employee's, or one employee's, are counted deal by deal, as the tests
//     count every figure to check the summaries.

// ReportKind names a report.
type ReportKind string

// The reports.
const (
	ReportFunnel   ReportKind = "funnel"
	ReportForecast ReportKind = "forecast"
	ReportWonLost  ReportKind = "wonlost"
	ReportActivity ReportKind = "activity"
)

// Period is a range of days in the business's time zone, both included.
type Period struct {
	From string `json:"from"` // YYYY-MM-DD
	To   string `json:"to"`
}

// PeriodPreset names a period that holds today.
type PeriodPreset string

// Period presets.
const (
	ThisMonth   PeriodPreset = "month"
	ThisQuarter PeriodPreset = "quarter"
	ThisYear    PeriodPreset = "year"
)

// PresetPeriod returns the month, quarter or year that holds the day today.
func PresetPeriod(p PeriodPreset, today time.Time) (Period, error) {
	y, m, _ := today.Date()
	var from, to time.Time
	switch p {
	case ThisMonth:
		from = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 1, -1)
	case ThisQuarter:
		from = time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 3, -1)
	case ThisYear:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		to = time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		return Period{}, fmt.Errorf("unknown period %q: month, quarter or year", p)
	}
	return Period{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}, nil
}

// ReportPeriod returns the month, quarter or year that holds today in the
// business's time zone.
func (s *Store) ReportPeriod(ctx context.Context, p PeriodPreset) (Period, error) {
	loc, err := s.location(ctx)
	if err != nil {
		return Period{}, err
	}
	return PresetPeriod(p, s.Now().In(loc))
}

// Interval is the width of the buckets of won and lost.
type Interval string

// Intervals.
const (
	ByMonth Interval = "month"
	ByWeek  Interval = "week"
)

// ReportFilter narrows a report. Its zero value is every deal the actor sees
// over the quarter that holds today, in every pipeline and currency.
type ReportFilter struct {
	// PipelineID is the funnel's pipeline (0: the first one); for the
	// forecast and won and lost, 0 is every pipeline. Activity counts every
	// pipeline.
	PipelineID int64 `json:"pipeline_id,omitempty"`
	// Period is the days the report covers; zero: this quarter.
	Period Period `json:"period"`
	// EmployeeID narrows to one employee: the deals they are responsible
	// for, or what they did. A sales employee may name only themselves.
	EmployeeID int64 `json:"employee_id,omitempty"`
	// Currency keeps only deals in that currency ("": every one). Activity
	// counts every currency.
	Currency string `json:"currency,omitempty"`
	// Interval is the width of won and lost's buckets (default month).
	Interval Interval `json:"interval,omitempty"`
}

// Figure is a number of deals (or of actions) and their value.
type Figure struct {
	Count int `json:"count"`
	// Amounts has one total per currency, by currency code.
	Amounts []Total `json:"amounts"`
	// Converted is one total in the conversion rates' base currency, when
	// rates are set and every currency of the figure has one.
	Converted *Total `json:"converted,omitempty"`
}

// Amount returns the total in one currency (0 when there is none).
func (f Figure) Amount(currency string) int64 {
	for _, t := range f.Amounts {
		if t.Currency == currency {
			return t.Amount
		}
	}
	return 0
}

// Cell is one figure of a report and the deals behind it.
type Cell struct {
	Figure
	Deals DealQuery `json:"-"`
}

// Ratio is a share: Part of Whole.
type Ratio struct {
	Part  int `json:"part"`
	Whole int `json:"whole"`
}

// Percent is the share in percent; ok is false when Whole is zero.
func (r Ratio) Percent() (p float64, ok bool) {
	if r.Whole == 0 {
		return 0, false
	}
	return 100 * float64(r.Part) / float64(r.Whole), true
}

// DealQuery names the deals behind one figure of a report; DealsBehind
// resolves it. Measure says which figure; the other fields, what it needs.
type DealQuery struct {
	Report  ReportKind   `json:"report"`
	Filter  ReportFilter `json:"filter"`
	Measure Measure      `json:"measure"`
	// StageID is a funnel stage.
	StageID int64 `json:"stage_id,omitempty"`
	// From and To are a bucket's days (won and lost, activity).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Key is a forecast bucket (a month "2026-12", ForecastOverdue or
	// ForecastNoDate; "" is every month of the period) or a lost reason.
	Key string `json:"key,omitempty"`
	// EmployeeID is a forecast responsible or an activity employee.
	EmployeeID int64 `json:"employee_id,omitempty"`
}

// Measure names a figure of a report.
type Measure string

// Measures.
const (
	MeasureCohort   Measure = "cohort"    // funnel: every deal counted
	MeasureReached  Measure = "reached"   // funnel: reached StageID or went beyond
	MeasureCurrent  Measure = "current"   // funnel: in StageID now
	MeasureLostHere Measure = "lost_here" // funnel: lost after getting as far as StageID
	MeasureWon      Measure = "won"       // funnel, won and lost: won (in From–To)
	MeasureLost     Measure = "lost"      // funnel, won and lost: lost (in From–To)
	MeasureMovedOut Measure = "moved_out" // funnel: moved to another pipeline
	MeasureOpen     Measure = "open"      // forecast: open deals of bucket Key (of EmployeeID)
	MeasureReason   Measure = "reason"    // won and lost: lost for reason Key
	MeasureDone     Measure = "done"      // activity: deals EmployeeID acted on in From–To
	MeasureOverdue  Measure = "overdue"   // activity: deals with an overdue activity of EmployeeID
)

// reportScope is a report's filter resolved for an actor: who may see what,
// the period as stored UTC times, the stages and the rates.
type reportScope struct {
	kind   ReportKind
	filter ReportFilter
	me     Employee
	loc    *time.Location
	now    time.Time
	today  string // YYYY-MM-DD in loc

	start, end string // the period as stored UTC times: [start, end)

	pipelines []Pipeline
	stages    map[int64]Stage
	pipeline  *Pipeline // nil: every pipeline

	responsible int64 // only the deals of this responsible (picked by a manager or an admin)
	viewer      int64 // only the deals this sales employee sees
	employee    int64 // activity: only what this employee did

	// exact counts deal by deal even where a summary would do (tests).
	exact bool
	conv  *converter
}

// maxReportYears bounds a period.
const maxReportYears = 20

// reportScope resolves a filter for an actor.
func (s *Store) reportScope(ctx context.Context, actor int64, kind ReportKind, f ReportFilter) (*reportScope, error) {
	if err := s.PrepareReports(ctx); err != nil {
		return nil, err
	}
	me, err := s.Employee(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !me.Active {
		return nil, fmt.Errorf("employee %s is inactive: %w", me.Email, ErrForbidden)
	}
	loc, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	sc := &reportScope{kind: kind, me: me, loc: loc, now: s.Now().UTC()}
	sc.today = sc.now.In(loc).Format(time.DateOnly)
	var v validator
	if f.Period == (Period{}) {
		f.Period, _ = PresetPeriod(ThisQuarter, sc.now.In(loc))
	}
	from, errFrom := time.Parse(time.DateOnly, f.Period.From)
	to, errTo := time.Parse(time.DateOnly, f.Period.To)
	switch {
	case errFrom != nil:
		v.add("from", "invalid_date", "%q is not a date (YYYY-MM-DD)", f.Period.From)
	case errTo != nil:
		v.add("to", "invalid_date", "%q is not a date (YYYY-MM-DD)", f.Period.To)
	case to.Before(from):
		v.add("to", "before_from", "the period ends before it starts")
	case to.After(from.AddDate(maxReportYears, 0, 0)):
		v.add("to", "too_long", "a report covers at most %d years", maxReportYears)
	default:
		sc.start = fmtTime(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc))
		sc.end = fmtTime(time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc))
	}
	switch {
	case kind != ReportWonLost:
		f.Interval = ""
	case f.Interval == "":
		f.Interval = ByMonth
	case f.Interval != ByMonth && f.Interval != ByWeek:
		v.add("interval", "invalid", "the interval is month or week, not %q", f.Interval)
	}
	if kind == ReportActivity {
		f.PipelineID, f.Currency = 0, ""
	}
	f.Currency = strings.ToUpper(strings.TrimSpace(f.Currency))
	if _, ok := CurrencyDigits(f.Currency); f.Currency != "" && !ok {
		v.add("currency", "unknown_currency", "%q is not an ISO 4217 currency", f.Currency)
	}
	if sc.pipelines, err = loadPipelinesQ(ctx, s.r); err != nil {
		return nil, err
	}
	sc.stages = map[int64]Stage{}
	for i, p := range sc.pipelines {
		for _, st := range p.Stages {
			sc.stages[st.ID] = st
		}
		if p.ID == f.PipelineID || (f.PipelineID == 0 && kind == ReportFunnel && i == 0) {
			sc.pipeline = &sc.pipelines[i]
		}
	}
	if sc.pipeline != nil {
		f.PipelineID = sc.pipeline.ID
	} else if f.PipelineID != 0 || kind == ReportFunnel {
		v.add("pipeline", "unknown_pipeline", "pipeline %d does not exist", f.PipelineID)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	switch {
	case !me.SeesAll():
		if f.EmployeeID != 0 && f.EmployeeID != me.ID {
			return nil, fmt.Errorf("%s may only see their own figures: %w", me.Email, ErrForbidden)
		}
		f.EmployeeID = me.ID
		sc.viewer, sc.employee = me.ID, me.ID
	case f.EmployeeID != 0:
		if _, err := s.Employee(ctx, f.EmployeeID); err != nil {
			return nil, err
		}
		sc.responsible, sc.employee = f.EmployeeID, f.EmployeeID
	}
	rates, err := s.CurrencyRates(ctx)
	if err != nil {
		return nil, err
	}
	sc.conv = newConverter(rates)
	sc.filter = f
	return sc, nil
}

// summarised reports whether the summaries answer: a manager's or an
// admin's figures for everyone.
func (sc *reportScope) summarised() bool {
	return !sc.exact && sc.viewer == 0 && sc.responsible == 0
}

// dealConds are the conditions on a deal d that the scope sets, after the
// pipeline (pipeline is the column that names it, "" for none).
func (sc *reportScope) dealConds(pipeline string) (string, []any) {
	q, args := sc.conds(pipeline)
	if sc.viewer != 0 {
		q += ` AND d.id IN (` + visibleDeals + `)`
		args = append(args, sc.viewer, sc.viewer)
	}
	return q, args
}

// visibleDeals are the ids of the live deals an employee (the two
// parameters) is responsible for or observes.
const visibleDeals = `SELECT id FROM deals WHERE responsible_id = ? AND deleted_at IS NULL
	UNION SELECT deal_id FROM deal_observers WHERE employee_id = ?`

// dealScope is the FROM clause of a query over the scope's deals (as d) and
// the conditions to add to its WHERE, each with its arguments.
type dealScope struct {
	from     string
	fromArgs []any
	conds    string
	condArgs []any
}

// deals is the scope's deals for a query that reads many: for a sales
// employee, the deals they see, read one by one from their ids, rather than
// every deal of the period checked against them.
func (sc *reportScope) deals(pipeline string) dealScope {
	ds := dealScope{from: "deals d"}
	ds.conds, ds.condArgs = sc.conds(pipeline)
	if sc.viewer != 0 {
		ds.from = `(` + visibleDeals + `) v CROSS JOIN deals d ON d.id = v.id`
		ds.fromArgs = []any{sc.viewer, sc.viewer}
	}
	return ds
}

// args are the query's arguments: the FROM clause's, the query's own, then
// the conditions'.
func (ds dealScope) args(own ...any) []any {
	return append(append(append([]any{}, ds.fromArgs...), own...), ds.condArgs...)
}

// conds are the conditions of the scope but the sales employee's.
func (sc *reportScope) conds(pipeline string) (string, []any) {
	q := ` AND d.deleted_at IS NULL`
	var args []any
	if sc.pipeline != nil && pipeline != "" {
		q, args = q+` AND `+pipeline+` = ?`, append(args, sc.pipeline.ID)
	}
	if sc.responsible != 0 {
		q, args = q+` AND d.responsible_id = ?`, append(args, sc.responsible)
	}
	if sc.filter.Currency != "" {
		q, args = q+` AND d.currency = ?`, append(args, sc.filter.Currency)
	}
	return q, args
}

// bucketStarts are the stored UTC times at which days start, in the
// business's zone.
func (sc *reportScope) bucketStarts(days []string) []string {
	out := make([]string, len(days))
	for i, day := range days {
		d, _ := time.Parse(time.DateOnly, day)
		out[i] = fmtTime(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, sc.loc))
	}
	return out
}

// bucketAt is the index of the last start at or before a stored time (or
// its first characters), -1 before the first.
func bucketAt(starts []string, t string) int {
	if len(t) < len(storage.TimeLayout) {
		t += "0000-00-00T00:00:00.000000Z"[len(t):]
	}
	i, found := slices.BinarySearch(starts, t)
	if !found {
		i--
	}
	return i
}

// stageIn is a condition on a stage column: in the scope's pipeline and,
// when sem is not "", of that semantics. "" when it holds for every stage.
func (sc *reportScope) stageIn(column string, sem Semantics) string {
	if sc.pipeline == nil && sem == "" {
		return ""
	}
	var ids []string
	for _, st := range sc.stages {
		if (sc.pipeline == nil || st.PipelineID == sc.pipeline.ID) && (sem == "" || st.Semantics == sem) {
			ids = append(ids, strconv.FormatInt(st.ID, 10))
		}
	}
	slices.Sort(ids)
	return ` AND ` + column + ` IN (` + strings.Join(ids, ", ") + `)`
}

// tally adds up deals (or actions) and their value per currency. For
// weighted values the sums are in hundredths of minor units (scale 100).
// Counts may be taken back (a summary's rows, a correction): a currency
// whose deals all went is left out.
type tally struct {
	count  int
	counts map[string]int
	sums   map[string]int64
}

func (t *tally) add(currency string, count int, sum int64) {
	t.count += count
	if currency == "" {
		return
	}
	if t.sums == nil {
		t.sums, t.counts = map[string]int64{}, map[string]int{}
	}
	t.sums[currency] += sum
	t.counts[currency] += count
}

func (t *tally) merge(o tally) {
	for c, v := range o.sums {
		t.add(c, o.counts[c], v)
	}
}

// figure rounds the sums (divided by scale) half away from zero and
// converts them.
func (t tally) figure(conv *converter, scale int64) Figure {
	f := Figure{Count: t.count, Amounts: []Total{}}
	sums := map[string]int64{}
	for _, c := range slices.Sorted(maps.Keys(t.sums)) {
		if t.counts[c] == 0 {
			continue
		}
		sums[c] = t.sums[c]
		f.Amounts = append(f.Amounts, Total{Currency: c, Amount: roundDiv(t.sums[c], scale)})
	}
	f.Converted = conv.convert(sums, scale)
	return f
}

// roundDiv divides rounding half away from zero.
func roundDiv(n, d int64) int64 {
	if d == 1 {
		return n
	}
	q, r := n/d, n%d
	if 2*abs64(r) >= d {
		if n < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// DealsBehind returns the ids of the deals behind one figure of a report,
// in id order, counted with the actor's rights (whoever made the query).
func (s *Store) DealsBehind(ctx context.Context, actor int64, q DealQuery) ([]int64, error) {
	sc, err := s.reportScope(ctx, actor, q.Report, q.Filter)
	if err != nil {
		return nil, fmt.Errorf("deals behind a figure: %w", err)
	}
	var ids []int64
	switch q.Report {
	case ReportFunnel:
		ids, err = s.funnelDeals(ctx, sc, q)
	case ReportForecast:
		ids, err = s.forecastDeals(ctx, sc, q)
	case ReportWonLost:
		ids, err = s.wonLostDeals(ctx, sc, q)
	case ReportActivity:
		ids, err = s.activityDeals(ctx, sc, q)
	default:
		err = fmt.Errorf("unknown report %q", q.Report)
	}
	if err != nil {
		return nil, fmt.Errorf("deals behind a figure: %w", err)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

var errUnknownMeasure = errors.New("unknown measure")

// queryIDs runs a query of deal ids.
func (s *Store) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}
