package data

import (
	"context"
	"fmt"
)

// Funnel is how far the deals of a pipeline created in the period got: for
// each open stage, in order, the deals that reached it or went beyond (a
// deal that skipped a stage counts as having passed it; a won deal passed
// every open stage), and the share of those that reached the next stage (the
// won one after the last open stage). How far a deal got is the furthest
// stage its history went through (reached_stage_id, kept on every move), not
// only where it is now: a deal reopened or moved back keeps what it reached.
// A deal moved to another pipeline counts in this one's funnel up to where it
// left it (MovedOut), and in the other one's from where it arrived.
type Funnel struct {
	Filter   ReportFilter  `json:"filter"`
	Pipeline Pipeline      `json:"pipeline"`
	Stages   []FunnelStage `json:"stages"` // the open stages, in order
	// Cohort is every deal counted: created in the period, in this pipeline
	// at some point.
	Cohort     Cell        `json:"cohort"`
	Won        Cell        `json:"won"`
	Lost       Cell        `json:"lost"`
	MovedOut   Cell        `json:"moved_out"`
	Conversion *Conversion `json:"conversion,omitempty"`
}

// FunnelStage is one open stage of a funnel.
type FunnelStage struct {
	Stage Stage `json:"stage"`
	// Reached counts the deals that got to this stage or further.
	Reached Cell `json:"reached"`
	// Current counts the deals in this stage now.
	Current Cell `json:"current"`
	// LostHere counts the deals lost after getting this far and no further.
	LostHere Cell `json:"lost_here"`
	// ToNext is the share of Reached that reached the next stage (for the
	// last open stage, that were won).
	ToNext Ratio `json:"to_next"`
}

// funnelRow is a group of deals of the funnel: how far they got (a stage
// id), where they are (0: moved to another pipeline), currency, count, sum.
type funnelRow struct {
	reached, stage int64
	currency       string
	count          int
	amount         int64
}

// Funnel computes the funnel of a pipeline.
func (s *Store) Funnel(ctx context.Context, actor int64, f ReportFilter) (Funnel, error) {
	return s.funnel(ctx, actor, f, false)
}

func (s *Store) funnel(ctx context.Context, actor int64, f ReportFilter, exact bool) (Funnel, error) {
	sc, err := s.reportScope(ctx, actor, ReportFunnel, f)
	if err != nil {
		return Funnel{}, fmt.Errorf("funnel: %w", err)
	}
	sc.exact = exact
	rows, err := s.funnelRows(ctx, sc)
	if err != nil {
		return Funnel{}, fmt.Errorf("funnel: %w", err)
	}
	p := *sc.pipeline
	var open []Stage
	for _, st := range p.Stages {
		if st.Semantics == StatusOpen {
			open = append(open, st)
		}
	}
	reached := make([]tally, len(open))
	current := make([]tally, len(open))
	lostHere := make([]tally, len(open))
	var cohort, won, lost, moved tally
	for _, r := range rows {
		// How far: the index of the reached stage among the open ones; a
		// deal that reached none (created closed) started in the first.
		far := 0
		for i, st := range open {
			if st.ID == r.reached {
				far = i
			}
		}
		st, here := sc.stages[r.stage]
		if here && st.Semantics == StatusOpen {
			for i, o := range open {
				if o.ID == st.ID {
					current[i].add(r.currency, r.count, r.amount)
					far = max(far, i)
				}
			}
		}
		switch {
		case !here:
			moved.add(r.currency, r.count, r.amount)
		case st.Semantics == StatusWon:
			won.add(r.currency, r.count, r.amount)
			far = len(open) - 1
		case st.Semantics == StatusLost:
			lost.add(r.currency, r.count, r.amount)
			if far < len(open) {
				lostHere[far].add(r.currency, r.count, r.amount)
			}
		}
		cohort.add(r.currency, r.count, r.amount)
		for i := 0; i <= far && i < len(open); i++ {
			reached[i].add(r.currency, r.count, r.amount)
		}
	}
	q := DealQuery{Report: ReportFunnel, Filter: sc.filter}
	step := func(t tally, m Measure, stage int64) Cell {
		dq := q
		dq.Measure, dq.StageID = m, stage
		return Cell{Figure: t.figure(sc.conv, 1), Deals: dq}
	}
	out := Funnel{Filter: sc.filter, Pipeline: p, Stages: []FunnelStage{},
		Cohort: step(cohort, MeasureCohort, 0), Won: step(won, MeasureWon, 0),
		Lost: step(lost, MeasureLost, 0), MovedOut: step(moved, MeasureMovedOut, 0)}
	for i, st := range open {
		next := won.count
		if i+1 < len(open) {
			next = reached[i+1].count
		}
		out.Stages = append(out.Stages, FunnelStage{Stage: st,
			Reached: step(reached[i], MeasureReached, st.ID), Current: step(current[i], MeasureCurrent, st.ID),
			LostHere: step(lostHere[i], MeasureLostHere, st.ID), ToNext: Ratio{Part: next, Whole: reached[i].count}})
	}
	out.Conversion = sc.conv.conversion()
	return out, nil
}

// funnelRows reads the funnel's groups of deals: from the summary for
// everyone, deal by deal otherwise; the deals that left the pipeline, deal by
// deal (they are few).
func (s *Store) funnelRows(ctx context.Context, sc *reportScope) ([]funnelRow, error) {
	var q string
	var args []any
	if sc.summarised() {
		q = `SELECT reached_id, stage_id, currency, sum(count), sum(amount) FROM report_funnel
			WHERE day >= ? AND day <= ?` + sc.stageIn("stage_id", "")
		args = []any{sc.filter.Period.From, sc.filter.Period.To}
		if sc.filter.Currency != "" {
			q, args = q+` AND currency = ?`, append(args, sc.filter.Currency)
		}
		q += ` GROUP BY 1, 2, 3`
	} else {
		ds := sc.deals("")
		q = `SELECT coalesce(d.reached_stage_id, d.stage_id), d.stage_id, d.currency, count(*), sum(d.amount) FROM ` + ds.from + `
			WHERE d.pipeline_id = ? AND d.created_at >= ? AND d.created_at < ?` + ds.conds + ` GROUP BY 1, 2, 3`
		args = ds.args(sc.pipeline.ID, sc.start, sc.end)
	}
	leftConds, leftArgs := sc.dealConds("")
	q += `
		UNION ALL
		SELECT coalesce(l.reached_stage_id, 0), 0, d.currency, count(*), sum(d.amount)
		FROM deal_pipelines_left l JOIN deals d ON d.id = l.deal_id
		WHERE l.pipeline_id = ? AND d.created_at >= ? AND d.created_at < ?` + leftConds + ` GROUP BY 1, 3`
	args = append(append(args, sc.pipeline.ID, sc.start, sc.end), leftArgs...)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []funnelRow
	for rows.Next() {
		var r funnelRow
		if err := rows.Scan(&r.reached, &r.stage, &r.currency, &r.count, &r.amount); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// funnelDeals lists the deals behind a figure of the funnel.
func (s *Store) funnelDeals(ctx context.Context, sc *reportScope, dq DealQuery) ([]int64, error) {
	p := *sc.pipeline
	pos := map[int64]int{} // open stages' order
	var open []Stage
	for _, st := range p.Stages {
		if st.Semantics == StatusOpen {
			pos[st.ID] = len(open)
			open = append(open, st)
		}
	}
	ds := sc.deals("")
	conds, args := sc.dealConds("")
	live := `SELECT d.id, coalesce(d.reached_stage_id, d.stage_id), d.stage_id FROM ` + ds.from + `
		WHERE d.pipeline_id = ? AND d.created_at >= ? AND d.created_at < ?` + ds.conds
	left := `SELECT d.id, coalesce(l.reached_stage_id, 0), 0 FROM deal_pipelines_left l JOIN deals d ON d.id = l.deal_id
		WHERE l.pipeline_id = ? AND d.created_at >= ? AND d.created_at < ?` + conds
	all := append(ds.args(p.ID, sc.start, sc.end), p.ID, sc.start, sc.end)
	all = append(all, args...)
	rows, err := s.r.QueryContext(ctx, live+` UNION ALL `+left, all...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	target, isOpen := pos[dq.StageID]
	var ids []int64
	for rows.Next() {
		var id, reached, stage int64
		if err := rows.Scan(&id, &reached, &stage); err != nil {
			return nil, err
		}
		st, here := sc.stages[stage]
		far := pos[reached]
		if i, ok := pos[stage]; ok {
			far = max(far, i)
		}
		if here && st.Semantics == StatusWon {
			far = len(open) - 1
		}
		var in bool
		switch dq.Measure {
		case MeasureCohort:
			in = true
		case MeasureReached:
			in = isOpen && far >= target
		case MeasureCurrent:
			in = here && stage == dq.StageID
		case MeasureLostHere:
			in = isOpen && here && st.Semantics == StatusLost && far == target
		case MeasureWon:
			in = here && st.Semantics == StatusWon
		case MeasureLost:
			in = here && st.Semantics == StatusLost
		case MeasureMovedOut:
			in = !here
		default:
			return nil, fmt.Errorf("%w %q for the funnel", errUnknownMeasure, dq.Measure)
		}
		if in {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}
