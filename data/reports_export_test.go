package data

import (
	"context"
	"fmt"
	"strings"
)

// Test hooks for the reports (package data_test): the same reports counted
// deal by deal, never from the summaries, and the summaries themselves.

func (s *Store) FunnelExact(ctx context.Context, actor int64, f ReportFilter) (Funnel, error) {
	return s.funnel(ctx, actor, f, true)
}

func (s *Store) ForecastExact(ctx context.Context, actor int64, f ReportFilter) (Forecast, error) {
	return s.forecast(ctx, actor, f, true)
}

func (s *Store) WonLostExact(ctx context.Context, actor int64, f ReportFilter) (WonLost, error) {
	return s.wonLost(ctx, actor, f, true)
}

func (s *Store) ActivityReportExact(ctx context.Context, actor int64, f ReportFilter) (ActivityReport, error) {
	return s.activityReport(ctx, actor, f, true)
}

// RebuildReports rebuilds every summary from scratch in the business's zone.
func (s *Store) RebuildReports(ctx context.Context) error {
	loc, err := s.location(ctx)
	if err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *wtx) error { return tx.rebuildReports(loc) })
}

// ReportSummaries returns every summary row that counts something, as text,
// by table, in key order.
func (s *Store) ReportSummaries(ctx context.Context) (map[string][]string, error) {
	if err := s.PrepareReports(ctx); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for table, q := range map[string]string{
		"report_funnel":   `SELECT day, reached_id, stage_id, currency, count, amount FROM report_funnel WHERE count <> 0 OR amount <> 0 ORDER BY 1, 2, 3, 4`,
		"report_forecast": `SELECT * FROM report_forecast WHERE count <> 0 OR amount <> 0 ORDER BY 1, 2, 3, 4`,
		"report_closed":   `SELECT * FROM report_closed WHERE count <> 0 OR amount <> 0 ORDER BY 1, 2, 3, 4`,
		"report_activity": `SELECT * FROM report_activity WHERE calls + meetings + emails + comments + tasks <> 0 ORDER BY 1, 2, 3`,
		"report_won_days": `SELECT * FROM report_won_days WHERE count <> 0 ORDER BY 1, 2, 3, 4`,
	} {
		rows, err := s.r.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			var b strings.Builder
			for _, v := range vals {
				fmt.Fprintf(&b, "%v|", v)
			}
			out[table] = append(out[table], b.String())
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
