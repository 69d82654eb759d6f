package data

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// WonLost is the deals closed in the period, by week or month of their
// close: won and lost (count and value), the win rate and the median time to
// win, and the reasons deals were lost, most frequent first. A deal counts
// where it stands now: one reopened is no longer won or lost, and one closed
// again counts at its last close.
type WonLost struct {
	Filter      ReportFilter    `json:"filter"`
	Buckets     []WonLostBucket `json:"buckets"`
	Total       WonLostBucket   `json:"total"` // the whole period
	LostReasons []LostReason    `json:"lost_reasons"`
	Conversion  *Conversion     `json:"conversion,omitempty"`
}

// WonLostBucket is one week or month of the period (its days inside the
// period), or the whole period.
type WonLostBucket struct {
	From string `json:"from"`
	To   string `json:"to"`
	Won  Cell   `json:"won"`
	Lost Cell   `json:"lost"`
	// WinRate is the share of the closed deals that were won, by count.
	WinRate Ratio `json:"win_rate"`
	// MedianDaysToClose is the median of the won deals' days from creation
	// to close (whole 24-hour days; the mean of the two middle ones for an
	// even count); nil without won deals.
	MedianDaysToClose *float64 `json:"median_days_to_close"`
}

// LostReason is a reason deals were lost, as typed.
type LostReason struct {
	Reason string `json:"reason"`
	Cell
}

// wonLostRow is a group of closed deals: the first day of its bucket, won
// or lost, reason, currency, count, value.
type wonLostRow struct {
	bucket   string
	sem      Semantics
	reason   string
	currency string
	count    int
	amount   int64
}

// WonLost computes won and lost.
func (s *Store) WonLost(ctx context.Context, actor int64, f ReportFilter) (WonLost, error) {
	return s.wonLost(ctx, actor, f, false)
}

func (s *Store) wonLost(ctx context.Context, actor int64, f ReportFilter, exact bool) (WonLost, error) {
	sc, err := s.reportScope(ctx, actor, ReportWonLost, f)
	if err != nil {
		return WonLost{}, fmt.Errorf("won and lost: %w", err)
	}
	sc.exact = exact
	rows, err := s.wonLostRows(ctx, sc)
	if err != nil {
		return WonLost{}, fmt.Errorf("won and lost: %w", err)
	}
	days, err := s.daysToWin(ctx, sc)
	if err != nil {
		return WonLost{}, fmt.Errorf("won and lost: %w", err)
	}
	buckets := sc.buckets()
	index := map[string]int{}
	for i, b := range buckets {
		index[b.From] = i
	}
	won := make([]tally, len(buckets))
	lost := make([]tally, len(buckets))
	reasons := map[string]*tally{}
	var allWon, allLost tally
	for _, r := range rows {
		i, ok := index[max(r.bucket, sc.filter.Period.From)]
		if !ok {
			continue
		}
		switch r.sem {
		case StatusWon:
			won[i].add(r.currency, r.count, r.amount)
			allWon.add(r.currency, r.count, r.amount)
		case StatusLost:
			lost[i].add(r.currency, r.count, r.amount)
			allLost.add(r.currency, r.count, r.amount)
			if reasons[r.reason] == nil {
				reasons[r.reason] = &tally{}
			}
			reasons[r.reason].add(r.currency, r.count, r.amount)
		}
	}
	q := DealQuery{Report: ReportWonLost, Filter: sc.filter}
	bucket := func(b WonLostBucket, w, l tally, d []int) WonLostBucket {
		wq, lq := q, q
		wq.Measure, wq.From, wq.To = MeasureWon, b.From, b.To
		lq.Measure, lq.From, lq.To = MeasureLost, b.From, b.To
		b.Won = Cell{Figure: w.figure(sc.conv, 1), Deals: wq}
		b.Lost = Cell{Figure: l.figure(sc.conv, 1), Deals: lq}
		b.WinRate = Ratio{Part: w.count, Whole: w.count + l.count}
		b.MedianDaysToClose = median(d)
		return b
	}
	out := WonLost{Filter: sc.filter, Buckets: []WonLostBucket{}, LostReasons: []LostReason{}}
	var all []int
	for i, b := range buckets {
		out.Buckets = append(out.Buckets, bucket(b, won[i], lost[i], days[b.From]))
		all = append(all, days[b.From]...)
	}
	out.Total = bucket(WonLostBucket{From: sc.filter.Period.From, To: sc.filter.Period.To}, allWon, allLost, all)
	for reason, t := range reasons {
		rq := q
		rq.Measure, rq.Key = MeasureReason, reason
		out.LostReasons = append(out.LostReasons, LostReason{Reason: reason, Cell: Cell{Figure: t.figure(sc.conv, 1), Deals: rq}})
	}
	slices.SortFunc(out.LostReasons, func(a, b LostReason) int {
		return cmpOr(b.Count-a.Count, strings.Compare(strings.ToLower(a.Reason), strings.ToLower(b.Reason)), strings.Compare(a.Reason, b.Reason))
	})
	out.Conversion = sc.conv.conversion()
	return out, nil
}

// buckets are the weeks or months of the period, each cut to the period.
func (sc *reportScope) buckets() []WonLostBucket {
	from, _ := time.Parse(time.DateOnly, sc.filter.Period.From)
	to, _ := time.Parse(time.DateOnly, sc.filter.Period.To)
	var out []WonLostBucket
	for start := from; !start.After(to); {
		var next time.Time
		if sc.filter.Interval == ByWeek {
			next = start.AddDate(0, 0, 7-(int(start.Weekday())+6)%7)
		} else {
			next = time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
		end := next.AddDate(0, 0, -1)
		if end.After(to) {
			end = to
		}
		out = append(out, WonLostBucket{From: start.Format(time.DateOnly), To: end.Format(time.DateOnly)})
		start = next
	}
	return out
}

// bucketOf is the SQL for the first day of the week or month of a day (the
// bucket's own first day, before it is cut to the period).
func (sc *reportScope) bucketOf(day string) string {
	if sc.filter.Interval == ByWeek {
		return mondayOf(day)
	}
	return `substr(` + day + `, 1, 8) || '01'`
}

// bucketKey is bucketOf in Go.
func (sc *reportScope) bucketKey(day string) string {
	if sc.filter.Interval == ByWeek {
		t, _ := time.Parse(time.DateOnly, day)
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
	}
	return day[:8] + "01"
}

func (s *Store) wonLostRows(ctx context.Context, sc *reportScope) ([]wonLostRow, error) {
	var q string
	var args []any
	if sc.summarised() {
		q = `SELECT ` + sc.bucketOf("c.day") + `, s.semantics, c.lost_reason, c.currency, sum(c.count), sum(c.amount)
			FROM report_closed c JOIN stages s ON s.id = c.stage_id
			WHERE c.day >= ? AND c.day <= ?` + sc.stageIn("c.stage_id", "")
		args = []any{sc.filter.Period.From, sc.filter.Period.To}
		if sc.filter.Currency != "" {
			q, args = q+` AND c.currency = ?`, append(args, sc.filter.Currency)
		}
	} else {
		conds, cargs := sc.dealConds("d.pipeline_id")
		q = `SELECT ` + sc.bucketOf(localDay("d.closed_at")) + `, s.semantics, d.lost_reason, d.currency, count(*), sum(d.amount)
			FROM deals d JOIN stages s ON s.id = d.stage_id
			WHERE d.closed_at >= ? AND d.closed_at < ?` + conds
		args = append([]any{sc.start, sc.end}, cargs...)
	}
	rows, err := s.r.QueryContext(ctx, q+` GROUP BY 1, 2, 3, 4`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wonLostRow
	for rows.Next() {
		var r wonLostRow
		if err := rows.Scan(&r.bucket, &r.sem, &r.reason, &r.currency, &r.count, &r.amount); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// daysToWin reads the days from creation to close of the won deals of the
// period, by bucket (its first day inside the period), deal by deal: a median
// needs every value.
func (s *Store) daysToWin(ctx context.Context, sc *reportScope) (map[string][]int, error) {
	conds, args := sc.dealConds("")
	rows, err := s.r.QueryContext(ctx, `SELECT d.closed_at, d.created_at FROM deals d
		WHERE d.closed_at >= ? AND d.closed_at < ?`+sc.stageIn("d.stage_id", StatusWon)+conds,
		append([]any{sc.start, sc.end}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var closed, created string
		if err := rows.Scan(&closed, &created); err != nil {
			return nil, err
		}
		c := parseTime(closed)
		key := max(sc.bucketKey(sc.day(c)), sc.filter.Period.From)
		out[key] = append(out[key], int(c.Sub(parseTime(created))/(24*time.Hour)))
	}
	return out, rows.Err()
}

// median of whole numbers: the middle one, or the mean of the two middle
// ones; nil for none.
func median(vs []int) *float64 {
	if len(vs) == 0 {
		return nil
	}
	vs = slices.Clone(vs)
	slices.Sort(vs)
	n := len(vs)
	m := float64(vs[n/2])
	if n%2 == 0 {
		m = float64(vs[n/2-1]+vs[n/2]) / 2
	}
	return &m
}

// wonLostDeals lists the deals won or lost in a bucket, or lost for a reason
// over the period.
func (s *Store) wonLostDeals(ctx context.Context, sc *reportScope, dq DealQuery) ([]int64, error) {
	start, end := sc.start, sc.end
	if dq.From != "" && dq.To != "" {
		from, err1 := time.Parse(time.DateOnly, max(dq.From, sc.filter.Period.From))
		to, err2 := time.Parse(time.DateOnly, min(dq.To, sc.filter.Period.To))
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bucket %s–%s: not dates", dq.From, dq.To)
		}
		start = fmtTime(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, sc.loc))
		end = fmtTime(time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, sc.loc))
	}
	conds, args := sc.dealConds("d.pipeline_id")
	q := `SELECT d.id FROM deals d WHERE d.closed_at >= ? AND d.closed_at < ?` + conds
	args = append([]any{start, end}, args...)
	switch dq.Measure {
	case MeasureWon:
		q += sc.stageIn("d.stage_id", StatusWon)
	case MeasureLost:
		q += sc.stageIn("d.stage_id", StatusLost)
	case MeasureReason:
		q, args = q+sc.stageIn("d.stage_id", StatusLost)+` AND d.lost_reason = ?`, append(args, dq.Key)
	default:
		return nil, fmt.Errorf("%w %q for won and lost", errUnknownMeasure, dq.Measure)
	}
	return s.queryIDs(ctx, q, args...)
}
