package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"comptoir/data"
	"comptoir/data/formats"
)

// `comptoir report` writes one report's figures, as JSON (one object) or
// CSV (a header row, then one row per figure; its first column, "row", says
// what the row is). Money is a decimal string with the currency's digits,
// per currency; "converted" totals appear when an admin set conversion rates
// and every currency has one, and "conversion" names the rates used. A
// weighted or converted amount is rounded half away from zero once, on the
// exact sum behind it (data/reports.go). The names below are a contract, as
// for `comptoir export`: add, never rename.

func reportCommand() *command {
	return &command{
		name: "report",
		usage: "funnel|forecast|wonlost|activity [--pipeline ID] [--period month|quarter|year | --from DATE --to DATE] " +
			"[--employee EMAIL] [--currency EUR] [--by month|week] [--format json|csv] [--out FILE] [--db PATH] [--as EMAIL]",
		summary: "write a report's figures: the funnel, the forecast, won and lost, or activity",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			pipeline := fs.Int64("pipeline", 0, "the pipeline's id (funnel: default the first; forecast, wonlost: default every one)")
			period := fs.String("period", "", "this month, quarter or year (default quarter)")
			from := fs.String("from", "", "first day of the period: 2026-11-01, or as your language writes it (01/11/2026 in French)")
			to := fs.String("to", "", "last day of the period")
			employee := fs.String("employee", "", "one employee's figures (a manager or an admin; a sales employee sees only their own)")
			currency := fs.String("currency", "", "only the deals in this currency (ISO 4217)")
			by := fs.String("by", "", "wonlost: month (default) or week")
			format := fs.String("format", "json", "json or csv (pdf comes later)")
			out := fs.String("out", "", "write to this file instead of stdout")
			return func(env *Env) error {
				if len(env.Args) != 1 {
					return usagef("say which report: funnel, forecast, wonlost or activity")
				}
				kind := data.ReportKind(env.Args[0])
				switch kind {
				case data.ReportFunnel, data.ReportForecast, data.ReportWonLost, data.ReportActivity:
				default:
					return usagef("there is no report %q: funnel, forecast, wonlost or activity", env.Args[0])
				}
				switch *format {
				case "json", "csv":
				case "pdf":
					return usagef("reports are not made as PDF yet: use --format json or csv")
				default:
					return usagef("--format must be json or csv, not %q", *format)
				}
				if kind == data.ReportActivity && (*pipeline != 0 || *currency != "") {
					return usagef("activity counts every pipeline and currency: drop --pipeline and --currency")
				}
				if *by != "" && kind != data.ReportWonLost {
					return usagef("--by is for wonlost only")
				}
				if *by != "" && *by != "month" && *by != "week" {
					return usagef("--by must be month or week, not %q", *by)
				}
				if *period != "" && (*from != "" || *to != "") {
					return usagef("give --period or --from and --to, not both")
				}
				if (*from == "") != (*to == "") {
					return usagef("give both --from and --to")
				}
				lang := env.Global.Lang
				if lang == "" {
					lang = systemLanguage()
				}
				f := data.ReportFilter{PipelineID: *pipeline, Currency: *currency, Interval: data.Interval(*by)}
				if *from != "" {
					var err error
					if f.Period.From, err = data.ParseDay(*from, lang); err != nil {
						return usagef("--from: %v", err)
					}
					if f.Period.To, err = data.ParseDay(*to, lang); err != nil {
						return usagef("--to: %v", err)
					}
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				if *period != "" {
					if f.Period, err = st.ReportPeriod(env.Ctx, data.PeriodPreset(*period)); err != nil {
						return usagef("--period: %v", err)
					}
				}
				if *employee != "" {
					e, err := st.EmployeeByEmail(env.Ctx, *employee)
					if errors.Is(err, data.ErrNotFound) {
						return fmt.Errorf("--employee %s: no such employee", *employee)
					}
					if err != nil {
						return err
					}
					f.EmployeeID = e.ID
				}
				rep, err := buildReport(env, st, me.ID, kind, f)
				if err != nil {
					return err
				}
				return writeReport(env, rep, *format, *out)
			}
		},
	}
}

// reportOutput is one report, ready to be written as JSON or as CSV rows.
type reportOutput struct {
	json   any
	header []string
	rows   [][]string
}

// buildReport computes a report and lays it out.
func buildReport(env *Env, st *data.Store, actor int64, kind data.ReportKind, f data.ReportFilter) (*reportOutput, error) {
	people, err := st.Employees(env.Ctx, actor)
	if err != nil {
		return nil, err
	}
	ps, err := st.Pipelines(env.Ctx, actor)
	if err != nil {
		return nil, err
	}
	lay := &layout{people: map[int64]data.Employee{}}
	for _, e := range people {
		lay.people[e.ID] = e
	}
	filter := func(rf data.ReportFilter) reportFilterJSON {
		fj := reportFilterJSON{From: rf.Period.From, To: rf.Period.To, Interval: string(rf.Interval)}
		for _, p := range ps {
			if p.ID == rf.PipelineID {
				fj.Pipeline = &idName{ID: p.ID, Name: p.Name}
			}
		}
		if rf.EmployeeID != 0 {
			p := lay.person(rf.EmployeeID)
			fj.Employee = &p
		}
		if rf.Currency != "" {
			c := rf.Currency
			fj.Currency = &c
		}
		return fj
	}
	switch kind {
	case data.ReportFunnel:
		r, err := st.Funnel(env.Ctx, actor, f)
		if err != nil {
			return nil, err
		}
		return lay.funnel(r, filter(r.Filter)), nil
	case data.ReportForecast:
		r, err := st.Forecast(env.Ctx, actor, f)
		if err != nil {
			return nil, err
		}
		return lay.forecast(r, filter(r.Filter)), nil
	case data.ReportWonLost:
		r, err := st.WonLost(env.Ctx, actor, f)
		if err != nil {
			return nil, err
		}
		return lay.wonLost(r, filter(r.Filter)), nil
	default:
		r, err := st.ActivityReport(env.Ctx, actor, f)
		if err != nil {
			return nil, err
		}
		return lay.activity(r, filter(r.Filter)), nil
	}
}

// writeReport writes the report to stdout or, through a temporary file
// renamed at the end, to the --out file.
func writeReport(env *Env, rep *reportOutput, format, out string) (err error) {
	var w io.Writer = env.Stdout
	var tmp *os.File
	if out != "" {
		tmp, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		defer func() {
			if err != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		w = tmp
	}
	bw := bufio.NewWriter(w)
	if format == "csv" {
		cw := csv.NewWriter(bw)
		for _, row := range append([][]string{rep.header}, rep.rows...) {
			for i := range row {
				row[i] = formats.SafeCell(row[i])
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	} else {
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep.json); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	return nil
}

// JSON shapes.

type idName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type personJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type reportFilterJSON struct {
	Pipeline *idName     `json:"pipeline"`
	From     string      `json:"from"`
	To       string      `json:"to"`
	Employee *personJSON `json:"employee"`
	Currency *string     `json:"currency"`
	Interval string      `json:"interval,omitempty"`
}

type moneyJSON struct {
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
}

type figureJSON struct {
	Deals     int         `json:"deals"`
	Amounts   []moneyJSON `json:"amounts"`
	Converted *moneyJSON  `json:"converted,omitempty"`
}

type rateJSON struct {
	Currency string `json:"currency"`
	Rate     string `json:"rate"`
	SetAt    string `json:"set_at"`
}

type conversionJSON struct {
	Base    string     `json:"base"`
	Rates   []rateJSON `json:"rates"`
	Missing []string   `json:"missing"`
}

// layout turns reports into their JSON and CSV shapes.
type layout struct {
	people     map[int64]data.Employee
	currencies []string // every currency the report's figures hold, sorted
	base       string   // the converted totals' currency, "" without
}

func (l *layout) person(id int64) personJSON {
	e := l.people[id]
	return personJSON{ID: id, Name: e.Name, Email: e.Email}
}

func money(t data.Total) moneyJSON {
	return moneyJSON{Currency: t.Currency, Amount: data.FormatMinor(t.Amount, t.Currency)}
}

// figure writes a figure and notes its currencies for the CSV columns.
func (l *layout) figure(f data.Figure) figureJSON {
	out := figureJSON{Deals: f.Count, Amounts: []moneyJSON{}}
	for _, t := range f.Amounts {
		out.Amounts = append(out.Amounts, money(t))
		if !slices.Contains(l.currencies, t.Currency) {
			l.currencies = append(l.currencies, t.Currency)
			slices.Sort(l.currencies)
		}
	}
	if f.Converted != nil {
		m := money(*f.Converted)
		out.Converted = &m
	}
	return out
}

func (l *layout) conversion(c *data.Conversion) *conversionJSON {
	if c == nil {
		return nil
	}
	l.base = c.Base
	out := &conversionJSON{Base: c.Base, Rates: []rateJSON{}, Missing: c.Missing}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	for _, r := range c.Used {
		out.Rates = append(out.Rates, rateJSON{Currency: r.Currency, Rate: r.Rate, SetAt: r.SetAt.UTC().Format(time.RFC3339)})
	}
	return out
}

// amountColumns are the CSV columns of a figure's value: one per currency
// and, with rates, the converted total.
func (l *layout) amountColumns(prefix string) []string {
	var cols []string
	for _, c := range l.currencies {
		cols = append(cols, prefix+c)
	}
	if l.base != "" {
		cols = append(cols, prefix+"converted_"+l.base)
	}
	return cols
}

// amountCells are a figure's cells for amountColumns.
func (l *layout) amountCells(f data.Figure) []string {
	var cells []string
	for _, c := range l.currencies {
		cell := ""
		for _, t := range f.Amounts {
			if t.Currency == c {
				cell = data.FormatMinor(t.Amount, c)
			}
		}
		cells = append(cells, cell)
	}
	if l.base != "" {
		cell := ""
		if f.Converted != nil {
			cell = data.FormatMinor(f.Converted.Amount, l.base)
		}
		cells = append(cells, cell)
	}
	return cells
}

// percent is a share in percent with one decimal, or nil.
func percent(r data.Ratio) *float64 {
	p, ok := r.Percent()
	if !ok {
		return nil
	}
	p = math.Round(p*10) / 10
	return &p
}

func percentCell(r data.Ratio) string {
	if p := percent(r); p != nil {
		return strconv.FormatFloat(*p, 'f', 1, 64)
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// The funnel.

type funnelJSON struct {
	Report     string            `json:"report"`
	Filter     reportFilterJSON  `json:"filter"`
	Conversion *conversionJSON   `json:"conversion"`
	Stages     []funnelStageJSON `json:"stages"`
	Cohort     figureJSON        `json:"cohort"`
	Won        figureJSON        `json:"won"`
	Lost       figureJSON        `json:"lost"`
	MovedOut   figureJSON        `json:"moved_out"`
}

type funnelStageJSON struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Reached       figureJSON `json:"reached"`
	Current       figureJSON `json:"current"`
	LostHere      figureJSON `json:"lost_here"`
	ToNextPercent *float64   `json:"to_next_percent"`
}

func (l *layout) funnel(r data.Funnel, filter reportFilterJSON) *reportOutput {
	j := funnelJSON{Report: "funnel", Filter: filter, Conversion: l.conversion(r.Conversion), Stages: []funnelStageJSON{},
		Cohort: l.figure(r.Cohort.Figure), Won: l.figure(r.Won.Figure), Lost: l.figure(r.Lost.Figure), MovedOut: l.figure(r.MovedOut.Figure)}
	for _, s := range r.Stages {
		j.Stages = append(j.Stages, funnelStageJSON{ID: s.Stage.ID, Name: s.Stage.Name, Reached: l.figure(s.Reached.Figure),
			Current: l.figure(s.Current.Figure), LostHere: l.figure(s.LostHere.Figure), ToNextPercent: percent(s.ToNext)})
	}
	out := &reportOutput{json: j, header: append([]string{"row", "stage_id", "stage", "deals", "to_next_percent"}, l.amountColumns("")...)}
	for _, s := range r.Stages {
		id := strconv.FormatInt(s.Stage.ID, 10)
		for _, m := range []struct {
			row string
			f   data.Figure
		}{{"reached", s.Reached.Figure}, {"current", s.Current.Figure}, {"lost_here", s.LostHere.Figure}} {
			next := ""
			if m.row == "reached" {
				next = percentCell(s.ToNext)
			}
			out.rows = append(out.rows, append([]string{m.row, id, s.Stage.Name, itoa(m.f.Count), next}, l.amountCells(m.f)...))
		}
	}
	for _, m := range []struct {
		row string
		f   data.Figure
	}{{"won", r.Won.Figure}, {"lost", r.Lost.Figure}, {"moved_out", r.MovedOut.Figure}, {"cohort", r.Cohort.Figure}} {
		out.rows = append(out.rows, append([]string{m.row, "", "", itoa(m.f.Count), ""}, l.amountCells(m.f)...))
	}
	return out
}

// The forecast.

type forecastJSON struct {
	Report     string               `json:"report"`
	Filter     reportFilterJSON     `json:"filter"`
	Conversion *conversionJSON      `json:"conversion"`
	Today      string               `json:"today"`
	Months     []forecastBucketJSON `json:"months"`
	Total      forecastBucketJSON   `json:"total"`
	Overdue    forecastBucketJSON   `json:"overdue"`
	NeedsDate  forecastBucketJSON   `json:"needs_date"`
}

type forecastBucketJSON struct {
	Month    string             `json:"month,omitempty"`
	Raw      figureJSON         `json:"raw"`
	Weighted figureJSON         `json:"weighted"`
	People   []forecastCellJSON `json:"people"`
}

type forecastCellJSON struct {
	Employee personJSON `json:"employee"`
	Raw      figureJSON `json:"raw"`
	Weighted figureJSON `json:"weighted"`
}

func (l *layout) forecast(r data.Forecast, filter reportFilterJSON) *reportOutput {
	bucket := func(b data.ForecastBucket, month string) forecastBucketJSON {
		j := forecastBucketJSON{Month: month, Raw: l.figure(b.Raw), Weighted: l.figure(b.Weighted), People: []forecastCellJSON{}}
		for _, c := range b.People {
			j.People = append(j.People, forecastCellJSON{Employee: l.person(c.EmployeeID), Raw: l.figure(c.Raw), Weighted: l.figure(c.Weighted)})
		}
		return j
	}
	j := forecastJSON{Report: "forecast", Filter: filter, Conversion: l.conversion(r.Conversion), Today: r.Today,
		Months: []forecastBucketJSON{}, Total: bucket(r.Total, ""), Overdue: bucket(r.Overdue, ""), NeedsDate: bucket(r.NeedsDate, "")}
	for _, m := range r.Months {
		j.Months = append(j.Months, bucket(m, m.Key))
	}
	header := []string{"row", "month", "employee_id", "employee", "deals"}
	header = append(append(header, l.amountColumns("value_")...), l.amountColumns("weighted_")...)
	out := &reportOutput{json: j, header: header}
	add := func(row, month string, b data.ForecastBucket) {
		out.rows = append(out.rows, append(append([]string{row, month, "", "", itoa(b.Raw.Count)}, l.amountCells(b.Raw)...), l.amountCells(b.Weighted)...))
		for _, c := range b.People {
			out.rows = append(out.rows, append(append([]string{row, month, strconv.FormatInt(c.EmployeeID, 10), c.Name, itoa(c.Raw.Count)},
				l.amountCells(c.Raw)...), l.amountCells(c.Weighted)...))
		}
	}
	for _, m := range r.Months {
		add("month", m.Key, m)
	}
	add("total", "", r.Total)
	add("overdue", "", r.Overdue)
	add("needs_date", "", r.NeedsDate)
	return out
}

// Won and lost.

type wonLostJSON struct {
	Report      string              `json:"report"`
	Filter      reportFilterJSON    `json:"filter"`
	Conversion  *conversionJSON     `json:"conversion"`
	Buckets     []wonLostBucketJSON `json:"buckets"`
	Total       wonLostBucketJSON   `json:"total"`
	LostReasons []lostReasonJSON    `json:"lost_reasons"`
}

type wonLostBucketJSON struct {
	From              string     `json:"from"`
	To                string     `json:"to"`
	Won               figureJSON `json:"won"`
	Lost              figureJSON `json:"lost"`
	WinRatePercent    *float64   `json:"win_rate_percent"`
	MedianDaysToClose *float64   `json:"median_days_to_close"`
}

type lostReasonJSON struct {
	Reason string `json:"reason"`
	figureJSON
}

func (l *layout) wonLost(r data.WonLost, filter reportFilterJSON) *reportOutput {
	bucket := func(b data.WonLostBucket) wonLostBucketJSON {
		return wonLostBucketJSON{From: b.From, To: b.To, Won: l.figure(b.Won.Figure), Lost: l.figure(b.Lost.Figure),
			WinRatePercent: percent(b.WinRate), MedianDaysToClose: b.MedianDaysToClose}
	}
	j := wonLostJSON{Report: "wonlost", Filter: filter, Conversion: l.conversion(r.Conversion), Buckets: []wonLostBucketJSON{},
		Total: bucket(r.Total), LostReasons: []lostReasonJSON{}}
	for _, b := range r.Buckets {
		j.Buckets = append(j.Buckets, bucket(b))
	}
	for _, lr := range r.LostReasons {
		j.LostReasons = append(j.LostReasons, lostReasonJSON{Reason: lr.Reason, figureJSON: l.figure(lr.Figure)})
	}
	header := []string{"row", "from", "to", "reason", "won"}
	header = append(header, l.amountColumns("won_")...)
	header = append(header, "lost")
	header = append(header, l.amountColumns("lost_")...)
	header = append(header, "win_rate_percent", "median_days_to_close")
	out := &reportOutput{json: j, header: header}
	add := func(row string, b data.WonLostBucket) {
		median := ""
		if b.MedianDaysToClose != nil {
			median = strconv.FormatFloat(*b.MedianDaysToClose, 'f', -1, 64)
		}
		cells := append([]string{row, b.From, b.To, "", itoa(b.Won.Count)}, l.amountCells(b.Won.Figure)...)
		cells = append(append(cells, itoa(b.Lost.Count)), l.amountCells(b.Lost.Figure)...)
		out.rows = append(out.rows, append(cells, percentCell(b.WinRate), median))
	}
	for _, b := range r.Buckets {
		add("bucket", b)
	}
	add("total", r.Total)
	for _, lr := range r.LostReasons {
		cells := append([]string{"lost_reason", r.Total.From, r.Total.To, lr.Reason, ""}, make([]string, len(l.amountColumns("")))...)
		cells = append(append(cells, itoa(lr.Count)), l.amountCells(lr.Figure)...)
		out.rows = append(out.rows, append(cells, "", ""))
	}
	return out
}

// Activity.

type activityJSON struct {
	Report string             `json:"report"`
	Filter reportFilterJSON   `json:"filter"`
	Weeks  []data.Period      `json:"weeks"`
	People []activityRowJSON  `json:"people"`
	Total  activityCountsJSON `json:"total"`
}

type activityRowJSON struct {
	Employee personJSON           `json:"employee"`
	Weeks    []activityCountsJSON `json:"weeks"`
	Total    activityCountsJSON   `json:"total"`
	Overdue  int                  `json:"overdue"`
}

type activityCountsJSON struct {
	Calls    int `json:"calls"`
	Meetings int `json:"meetings"`
	Emails   int `json:"emails"`
	Comments int `json:"comments"`
	Tasks    int `json:"tasks"`
}

func counts(c data.ActivityCounts) activityCountsJSON {
	return activityCountsJSON{Calls: c.Calls, Meetings: c.Meetings, Emails: c.Emails, Comments: c.Comments, Tasks: c.Tasks}
}

func (c activityCountsJSON) cells() []string {
	return []string{itoa(c.Calls), itoa(c.Meetings), itoa(c.Emails), itoa(c.Comments), itoa(c.Tasks)}
}

func (l *layout) activity(r data.ActivityReport, filter reportFilterJSON) *reportOutput {
	j := activityJSON{Report: "activity", Filter: filter, Weeks: r.Weeks, People: []activityRowJSON{}, Total: counts(r.Total)}
	out := &reportOutput{json: &j, header: []string{"row", "employee_id", "employee", "from", "to",
		"calls", "meetings", "emails", "comments", "tasks", "overdue"}}
	for _, p := range r.People {
		row := activityRowJSON{Employee: l.person(p.EmployeeID), Weeks: []activityCountsJSON{}, Total: counts(p.Total), Overdue: p.Overdue}
		id := strconv.FormatInt(p.EmployeeID, 10)
		for i, w := range p.Weeks {
			c := counts(w)
			row.Weeks = append(row.Weeks, c)
			out.rows = append(out.rows, append(append([]string{"week", id, p.Name, r.Weeks[i].From, r.Weeks[i].To}, c.cells()...), ""))
		}
		out.rows = append(out.rows, append(append([]string{"total", id, p.Name, filter.From, filter.To}, row.Total.cells()...), itoa(p.Overdue)))
		j.People = append(j.People, row)
	}
	return out
}
