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

// wonLostRow is a group of closed deals: its bucket (an index), stage,
// reason, currency, count and value.
type wonLostRow struct {
	bucket   int
	stage    int64
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
	buckets := sc.buckets()
	rows, err := s.wonLostRows(ctx, sc, buckets)
	if err != nil {
		return WonLost{}, fmt.Errorf("won and lost: %w", err)
	}
	days, err := s.daysToWin(ctx, sc, buckets)
	if err != nil {
		return WonLost{}, fmt.Errorf("won and lost: %w", err)
	}
	won := make([]tally, len(buckets))
	lost := make([]tally, len(buckets))
	reasons := map[string]*tally{}
	var allWon, allLost tally
	for _, r := range rows {
		i := r.bucket
		switch sc.stages[r.stage].Semantics {
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
	bucket := func(b WonLostBucket, w, l tally, d histogram) WonLostBucket {
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
	all := histogram{}
	for i, b := range buckets {
		out.Buckets = append(out.Buckets, bucket(b, won[i], lost[i], days[i]))
		for d, n := range days[i] {
			all[d] += n
		}
	}
	out.Total = bucket(WonLostBucket{From: sc.filter.Period.From, To: sc.filter.Period.To}, allWon, allLost, all)
	for reason, t := range reasons {
		if t.count == 0 {
			continue // a summary row whose deals all went
		}
		rq := q
		rq.Measure, rq.Key = MeasureReason, reason
		out.LostReasons = append(out.LostReasons, LostReason{Reason: reason, Cell: Cell{Figure: t.figure(sc.conv, 1), Deals: rq}})
	}
	slices.SortFunc(out.LostReasons, func(a, b LostReason) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(strings.ToLower(a.Reason), strings.ToLower(b.Reason)), strings.Compare(a.Reason, b.Reason))
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

// dayIndex maps the days of the period to their bucket.
func dayIndex(buckets []WonLostBucket, day string) int {
	i, found := slices.BinarySearchFunc(buckets, day, func(b WonLostBucket, d string) int { return strings.Compare(b.From, d) })
	if !found {
		i--
	}
	return i
}

// wonLostRows reads the closed deals of the period: for everyone, the
// summary's rows per day, as they are stored; otherwise deal by deal, per
// minute of their close. Go puts each in its bucket.
func (s *Store) wonLostRows(ctx context.Context, sc *reportScope, buckets []WonLostBucket) ([]wonLostRow, error) {
	var q string
	var args []any
	if sc.summarised() {
		q = `SELECT c.day, c.stage_id, c.lost_reason, c.currency, c.count, c.amount FROM report_closed c
			WHERE c.day >= ? AND c.day <= ?` + sc.stageIn("c.stage_id", "")
		args = []any{sc.filter.Period.From, sc.filter.Period.To}
		if sc.filter.Currency != "" {
			q, args = q+` AND c.currency = ?`, append(args, sc.filter.Currency)
		}
	} else {
		ds := sc.deals("d.pipeline_id")
		q = `SELECT substr(d.closed_at, 1, 16), d.stage_id, d.lost_reason, d.currency, count(*), sum(d.amount)
			FROM ` + ds.from + ` WHERE d.closed_at >= ? AND d.closed_at < ?` + ds.conds + ` GROUP BY 1, 2, 3, 4`
		args = ds.args(sc.start, sc.end)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	at := sc.bucketAt(buckets)
	var out []wonLostRow
	for rows.Next() {
		var r wonLostRow
		var key string
		if err := rows.Scan(&key, &r.stage, &r.reason, &r.currency, &r.count, &r.amount); err != nil {
			return nil, err
		}
		if r.bucket = at(key); r.bucket >= 0 {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// bucketAt returns the function that finds the bucket of a row: by its day
// for the summaries, by its UTC time (or minute) otherwise.
func (sc *reportScope) bucketAt(buckets []WonLostBucket) func(string) int {
	if sc.summarised() {
		return func(day string) int { return dayIndex(buckets, day) }
	}
	days := make([]string, len(buckets))
	for i, b := range buckets {
		days[i] = b.From
	}
	starts := sc.bucketStarts(days)
	return func(t string) int { return bucketAt(starts, t) }
}

// histogram counts whole numbers of days.
type histogram map[int]int

// daysToWin reads, per bucket, how many won deals of the period took each
// number of days from creation to close: a median needs every value. For
// everyone, from the summary of days per day of close, one line per day;
// otherwise deal by deal.
func (s *Store) daysToWin(ctx context.Context, sc *reportScope, buckets []WonLostBucket) ([]histogram, error) {
	var q string
	var args []any
	if sc.summarised() {
		q = `SELECT w.day, group_concat(w.days || ':' || w.count) FROM report_won_days w
			WHERE w.day >= ? AND w.day <= ?` + sc.stageIn("w.stage_id", "")
		args = []any{sc.filter.Period.From, sc.filter.Period.To}
		if sc.filter.Currency != "" {
			q, args = q+` AND w.currency = ?`, append(args, sc.filter.Currency)
		}
		q += ` GROUP BY 1`
	} else {
		ds := sc.deals("")
		q = `SELECT substr(d.closed_at, 1, 16), group_concat((` + daysToClose + `) || ':1') FROM ` + ds.from + `
			WHERE d.closed_at >= ? AND d.closed_at < ?` + sc.stageIn("d.stage_id", StatusWon) + ds.conds + ` GROUP BY 1`
		args = ds.args(sc.start, sc.end)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	at := sc.bucketAt(buckets)
	out := make([]histogram, len(buckets))
	for i := range out {
		out[i] = histogram{}
	}
	for rows.Next() {
		var key, counts string
		if err := rows.Scan(&key, &counts); err != nil {
			return nil, err
		}
		i := at(key)
		if i < 0 {
			continue
		}
		for _, c := range strings.Split(counts, ",") {
			d, n, _ := strings.Cut(c, ":")
			days, err1 := strconv.Atoi(d)
			count, err2 := strconv.Atoi(n)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("days to close %q", c)
			}
			out[i][days] += count
		}
	}
	return out, rows.Err()
}

// median of a histogram: the middle value, or the mean of the two middle
// ones; nil for none.
func median(h histogram) *float64 {
	n := 0
	for _, c := range h {
		n += c
	}
	if n == 0 {
		return nil
	}
	values := slices.Sorted(maps.Keys(h))
	// The values at positions (n+1)/2 and n/2+1, counted from 1.
	at := func(k int) int {
		seen := 0
		for _, v := range values {
			if seen += h[v]; seen >= k {
				return v
			}
		}
		return values[len(values)-1]
	}
	m := float64(at((n+1)/2)+at(n/2+1)) / 2
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
	ds := sc.deals("d.pipeline_id")
	q := `SELECT d.id FROM ` + ds.from + ` WHERE d.closed_at >= ? AND d.closed_at < ?` + ds.conds
	args := ds.args(start, end)
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
