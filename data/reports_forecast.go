package data

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Forecast keys of the buckets that are not months.
const (
	ForecastOverdue = "overdue" // open deals whose expected close date has passed
	ForecastNoDate  = "no_date" // open deals without an expected close date
)

// Forecast is the value of the open deals by the month they are expected to
// close, raw and weighted by their probability (the deal's own, else its
// stage's), per responsible. The months are those of the period from the
// current one on; a deal whose close date has passed is Overdue and one
// without a date NeedsDate, whatever the period, so that no open deal hides.
// The current month holds the deals closing from today to its end.
type Forecast struct {
	Filter     ReportFilter     `json:"filter"`
	Today      string           `json:"today"`
	Months     []ForecastBucket `json:"months"`
	Total      ForecastBucket   `json:"total"` // the months together
	Overdue    ForecastBucket   `json:"overdue"`
	NeedsDate  ForecastBucket   `json:"needs_date"`
	Conversion *Conversion      `json:"conversion,omitempty"`
}

// ForecastBucket is a month (Key "2026-12"), the months together (Key ""),
// the overdue deals or those without a date.
type ForecastBucket struct {
	Key string `json:"key"`
	// Raw is the deals' value; Weighted, the value times the probability,
	// rounded once on the bucket's exact sum.
	Raw      Figure         `json:"raw"`
	Weighted Figure         `json:"weighted"`
	People   []ForecastCell `json:"people"` // per responsible, by name
	Deals    DealQuery      `json:"-"`
}

// ForecastCell is one responsible's part of a bucket.
type ForecastCell struct {
	EmployeeID int64     `json:"employee_id"`
	Name       string    `json:"name"`
	Raw        Figure    `json:"raw"`
	Weighted   Figure    `json:"weighted"`
	Deals      DealQuery `json:"-"`
}

// forecastRow is a group of open deals: bucket key, responsible, currency,
// count, value and weighted value (hundredths of minor units).
type forecastRow struct {
	key         string
	responsible int64
	currency    string
	count       int
	amount      int64
	weighted    int64
}

// Forecast computes the forecast.
func (s *Store) Forecast(ctx context.Context, actor int64, f ReportFilter) (Forecast, error) {
	return s.forecast(ctx, actor, f, false)
}

func (s *Store) forecast(ctx context.Context, actor int64, f ReportFilter, exact bool) (Forecast, error) {
	sc, err := s.reportScope(ctx, actor, ReportForecast, f)
	if err != nil {
		return Forecast{}, fmt.Errorf("forecast: %w", err)
	}
	sc.exact = exact
	rows, err := s.forecastRows(ctx, sc)
	if err != nil {
		return Forecast{}, fmt.Errorf("forecast: %w", err)
	}
	names, err := s.employeeNames(ctx)
	if err != nil {
		return Forecast{}, fmt.Errorf("forecast: %w", err)
	}
	months := sc.forecastMonths()
	type cell struct{ raw, weighted tally }
	buckets := map[string]map[int64]*cell{}
	for _, r := range rows {
		key := r.key
		switch {
		case key == "":
			key = ForecastNoDate
		case key != ForecastOverdue && key < sc.today[:7]:
			key = ForecastOverdue
		case key != ForecastOverdue && !slices.Contains(months, key):
			continue
		}
		for _, k := range []string{key, "total"} {
			if k == "total" && (key == ForecastOverdue || key == ForecastNoDate) {
				continue
			}
			if buckets[k] == nil {
				buckets[k] = map[int64]*cell{}
			}
			c := buckets[k][r.responsible]
			if c == nil {
				c = &cell{}
				buckets[k][r.responsible] = c
			}
			c.raw.add(r.currency, r.count, r.amount)
			c.weighted.add(r.currency, r.count, r.weighted)
		}
	}
	q := DealQuery{Report: ReportForecast, Filter: sc.filter, Measure: MeasureOpen}
	bucket := func(key, dealKey string) ForecastBucket {
		b := ForecastBucket{Key: key, People: []ForecastCell{}}
		b.Deals = q
		b.Deals.Key = dealKey
		var raw, weighted tally
		for id, c := range buckets[key] {
			if c.raw.count == 0 {
				continue // a current month's deals all overdue
			}
			cq := b.Deals
			cq.EmployeeID = id
			b.People = append(b.People, ForecastCell{EmployeeID: id, Name: names[id],
				Raw: c.raw.figure(sc.conv, 1), Weighted: c.weighted.figure(sc.conv, 100), Deals: cq})
			raw.merge(c.raw)
			weighted.merge(c.weighted)
		}
		slices.SortFunc(b.People, func(a, b ForecastCell) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.EmployeeID, b.EmployeeID))
		})
		b.Raw, b.Weighted = raw.figure(sc.conv, 1), weighted.figure(sc.conv, 100)
		return b
	}
	out := Forecast{Filter: sc.filter, Today: sc.today, Months: []ForecastBucket{},
		Total: bucket("total", ""), Overdue: bucket(ForecastOverdue, ForecastOverdue), NeedsDate: bucket(ForecastNoDate, ForecastNoDate)}
	out.Total.Key = ""
	for _, m := range months {
		out.Months = append(out.Months, bucket(m, m))
	}
	out.Conversion = sc.conv.conversion()
	return out, nil
}

// forecastMonths are the months the forecast shows: the period's, from the
// current one on.
func (sc *reportScope) forecastMonths() []string {
	var out []string
	from, _ := time.Parse("2006-01", max(sc.filter.Period.From[:7], sc.today[:7]))
	for m := from; m.Format("2006-01") <= sc.filter.Period.To[:7]; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// forecastRows reads the groups of open deals. For everyone (or one
// responsible), from the summary by close month; the part of the current
// month before today, which is overdue, is then read deal by deal and moved
// from the month to Overdue.
func (s *Store) forecastRows(ctx context.Context, sc *reportScope) ([]forecastRow, error) {
	weighted := `sum(d.amount * coalesce(d.probability, s.probability))`
	if sc.exact || sc.viewer != 0 {
		ds := sc.deals("d.pipeline_id")
		return s.scanForecast(ctx, `SELECT CASE WHEN d.close_date IS NULL THEN '' WHEN d.close_date < ? THEN 'overdue'
			ELSE substr(d.close_date, 1, 7) END, d.responsible_id, d.currency, count(*), sum(d.amount), `+weighted+`
			FROM `+ds.from+` JOIN stages s ON s.id = d.stage_id WHERE d.closed_at IS NULL`+ds.conds+` GROUP BY 1, 2, 3`,
			append(append([]any{sc.today}, ds.fromArgs...), ds.condArgs...)...) // today comes first, in the SELECT
	}
	q := `SELECT f.month, f.responsible_id, f.currency, sum(f.count), sum(f.amount),
		sum(f.own_weighted + s.probability * (f.amount - f.own_amount))
		FROM report_forecast f JOIN stages s ON s.id = f.stage_id
		WHERE (f.month = '' OR f.month <= ?)` + sc.stageIn("f.stage_id", "")
	args := []any{max(sc.filter.Period.To[:7], sc.today[:7])} // the months shown, and every overdue one
	if sc.responsible != 0 {
		q, args = q+` AND f.responsible_id = ?`, append(args, sc.responsible)
	}
	if sc.filter.Currency != "" {
		q, args = q+` AND f.currency = ?`, append(args, sc.filter.Currency)
	}
	rows, err := s.scanForecast(ctx, q+` GROUP BY 1, 2, 3`, args...)
	if err != nil {
		return nil, err
	}
	conds, cargs := sc.dealConds("d.pipeline_id")
	past, err := s.scanForecast(ctx, `SELECT 'overdue', d.responsible_id, d.currency, count(*), sum(d.amount), `+weighted+`
		FROM deals d INDEXED BY deals_close_date JOIN stages s ON s.id = d.stage_id
		WHERE d.closed_at IS NULL AND d.close_date >= ? AND d.close_date < ?`+conds+` GROUP BY 2, 3`,
		append([]any{sc.today[:7] + "-01", sc.today}, cargs...)...)
	if err != nil {
		return nil, err
	}
	for _, r := range past {
		rows = append(rows, r)
		r.key, r.count, r.amount, r.weighted = sc.today[:7], -r.count, -r.amount, -r.weighted
		rows = append(rows, r)
	}
	return rows, nil
}

func (s *Store) scanForecast(ctx context.Context, q string, args ...any) ([]forecastRow, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []forecastRow
	for rows.Next() {
		var r forecastRow
		if err := rows.Scan(&r.key, &r.responsible, &r.currency, &r.count, &r.amount, &r.weighted); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// forecastDeals lists the open deals of a forecast bucket (of one
// responsible when EmployeeID is set).
func (s *Store) forecastDeals(ctx context.Context, sc *reportScope, dq DealQuery) ([]int64, error) {
	if dq.Measure != MeasureOpen {
		return nil, fmt.Errorf("%w %q for the forecast", errUnknownMeasure, dq.Measure)
	}
	ds := sc.deals("d.pipeline_id")
	q := `SELECT d.id FROM ` + ds.from + ` WHERE d.closed_at IS NULL` + ds.conds
	args := ds.args()
	months := sc.forecastMonths()
	switch dq.Key {
	case ForecastOverdue:
		q, args = q+` AND d.close_date < ?`, append(args, sc.today)
	case ForecastNoDate:
		q += ` AND d.close_date IS NULL`
	case "":
		if len(months) == 0 {
			return nil, nil
		}
		q, args = q+` AND d.close_date >= ? AND substr(d.close_date, 1, 7) <= ?`, append(args, sc.today, months[len(months)-1])
	default:
		if !slices.Contains(months, dq.Key) {
			return nil, nil
		}
		q, args = q+` AND d.close_date >= ? AND substr(d.close_date, 1, 7) = ?`, append(args, sc.today, dq.Key)
	}
	if dq.EmployeeID != 0 {
		q, args = q+` AND d.responsible_id = ?`, append(args, dq.EmployeeID)
	}
	return s.queryIDs(ctx, q, args...)
}

// employeeNames maps every employee's id to their name.
func (s *Store) employeeNames(ctx context.Context) (map[int64]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name FROM employees`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
