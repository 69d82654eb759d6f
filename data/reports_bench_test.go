package data_test

// Benchmarks of the reports on the seeded database (bench_test.go): each
// report as an admin over the twelve months up to this one, everyone, every
// currency, beside a reference: one bare GROUP BY over the same rows, read
// from the tables themselves through a connection set up as the store's
// readers are, at its best of two plans (SQLite's own, and a plain scan of
// the tables, which SQLite's guess without statistics sometimes misses). A
// report benchmark times its reference in the same loop and reports the
// ratio (report time / reference time); the reference also runs alone
// (…Bare). The Sales variants are a sales employee's own figures, counted
// deal by deal.
//
//	COMPTOIR_BENCH_DEALS=100000 go test ./data/ -run '^$' -bench 'Report' -benchtime 20x

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"comptoir/data"
)

var (
	refOnce sync.Once
	refDB   *sql.DB
)

// readerDB is a read-only connection to the benchmark file set up as the
// store's readers are (data/store.go dsn).
func readerDB(b *testing.B, db *benchDB) *sql.DB {
	b.Helper()
	refOnce.Do(func() {
		var err error
		refDB, err = sql.Open("sqlite", "file:"+db.path+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)"+
			"&_pragma=mmap_size(268435456)&_pragma=cache_size(-16384)&_pragma=temp_store(MEMORY)")
		if err != nil {
			b.Fatal(err)
		}
	})
	return refDB
}

// runRef runs a reference both ways and returns the faster time.
func runRef(b *testing.B, db *sql.DB, ref reportRef) time.Duration {
	b.Helper()
	best := time.Duration(1 << 62)
	for _, q := range []string{ref.query, ref.scan()} {
		start := time.Now()
		if countQueryRows(b, db, q, ref.args...) == 0 {
			b.Fatal("no rows")
		}
		best = min(best, time.Since(start))
	}
	return best
}

// reportYear is the year up to the store's today, in the business's zone.
func reportYear(b *testing.B, db *benchDB) data.Period {
	b.Helper()
	p, err := db.st.ReportPeriod(context.Background(), data.ThisMonth)
	if err != nil {
		b.Fatal(err)
	}
	to, _ := time.Parse(time.DateOnly, p.From)
	to = to.AddDate(0, 1, -1)
	return data.Period{From: to.AddDate(-1, 0, 1).Format(time.DateOnly), To: to.Format(time.DateOnly)}
}

// reportRef is a report's reference query and its arguments.
type reportRef struct {
	query string
	args  []any
}

// scan is the query reading its tables from end to end.
func (r reportRef) scan() string {
	return strings.NewReplacer("FROM deals", "FROM deals NOT INDEXED", "FROM activities", "FROM activities NOT INDEXED",
		"FROM timeline", "FROM timeline NOT INDEXED").Replace(r.query)
}

func refs(b *testing.B, db *benchDB, kind data.ReportKind) reportRef {
	b.Helper()
	p := reportYear(b, db)
	start, end := p.From+"T00:00", p.To+"T24:00"
	switch kind {
	case data.ReportFunnel:
		ps, err := db.st.Pipelines(context.Background(), db.admin.ID)
		if err != nil {
			b.Fatal(err)
		}
		return reportRef{`SELECT stage_id, count(*), sum(amount) FROM deals
			WHERE pipeline_id = ? AND created_at >= ? AND created_at < ? AND deleted_at IS NULL GROUP BY stage_id`, []any{ps[0].ID, start, end}}
	case data.ReportForecast:
		return reportRef{`SELECT substr(close_date, 1, 7), count(*), sum(amount) FROM deals
			WHERE closed_at IS NULL AND deleted_at IS NULL GROUP BY 1`, nil}
	case data.ReportWonLost:
		return reportRef{`SELECT stage_id, count(*), sum(amount) FROM deals
			WHERE closed_at >= ? AND closed_at < ? AND deleted_at IS NULL GROUP BY stage_id`, []any{start, end}}
	default:
		return reportRef{`SELECT e, count(*) FROM (
			SELECT responsible_id AS e FROM activities WHERE done_at >= ? AND done_at < ?
			UNION ALL SELECT author_id FROM timeline WHERE kind IN ('call', 'comment') AND at >= ? AND at < ?) GROUP BY e`,
			[]any{start, end, start, end}}
	}
}

// runReport computes one report and fails when it is empty.
func runReport(b *testing.B, db *benchDB, kind data.ReportKind, actor int64, f data.ReportFilter) {
	ctx := context.Background()
	var n int
	var err error
	switch kind {
	case data.ReportFunnel:
		var r data.Funnel
		r, err = db.st.Funnel(ctx, actor, f)
		n = r.Cohort.Count
	case data.ReportForecast:
		var r data.Forecast
		r, err = db.st.Forecast(ctx, actor, f)
		n = r.Total.Raw.Count + r.Overdue.Raw.Count
	case data.ReportWonLost:
		var r data.WonLost
		r, err = db.st.WonLost(ctx, actor, f)
		n = r.Total.Won.Count
	default:
		var r data.ActivityReport
		r, err = db.st.ActivityReport(ctx, actor, f)
		n = r.Total.Calls
	}
	if err != nil || n == 0 {
		b.Fatalf("%s: %d, %v", kind, n, err)
	}
}

func benchReport(b *testing.B, kind data.ReportKind) {
	db := openBench(b)
	f := data.ReportFilter{Period: reportYear(b, db)}
	ref := refs(b, db, kind)
	rdb := readerDB(b, db)
	runReport(b, db, kind, db.admin.ID, f) // builds the summaries if the file predates them
	runRef(b, rdb, ref)
	var report, reference time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		runReport(b, db, kind, db.admin.ID, f)
		report += time.Since(start)
		b.StopTimer()
		reference += runRef(b, rdb, ref)
		b.StartTimer()
	}
	b.ReportMetric(float64(reference.Nanoseconds())/float64(b.N)/1e6, "ref-ms")
	b.ReportMetric(float64(report)/float64(reference), "ratio")
}

func benchReportBare(b *testing.B, kind data.ReportKind) {
	db := openBench(b)
	ref := refs(b, db, kind)
	rdb := readerDB(b, db)
	runRef(b, rdb, ref)
	var best time.Duration
	b.ResetTimer()
	for b.Loop() {
		best += runRef(b, rdb, ref)
	}
	b.ReportMetric(float64(best.Nanoseconds())/float64(b.N)/1e6, "best-ms")
}

func benchReportSales(b *testing.B, kind data.ReportKind) {
	db := openBench(b)
	f := data.ReportFilter{Period: reportYear(b, db)}
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		runReport(b, db, kind, db.sales.ID, f)
	}
}

func BenchmarkReportFunnel(b *testing.B)        { benchReport(b, data.ReportFunnel) }
func BenchmarkReportFunnelBare(b *testing.B)    { benchReportBare(b, data.ReportFunnel) }
func BenchmarkReportFunnelSales(b *testing.B)   { benchReportSales(b, data.ReportFunnel) }
func BenchmarkReportForecast(b *testing.B)      { benchReport(b, data.ReportForecast) }
func BenchmarkReportForecastBare(b *testing.B)  { benchReportBare(b, data.ReportForecast) }
func BenchmarkReportForecastSales(b *testing.B) { benchReportSales(b, data.ReportForecast) }
func BenchmarkReportWonLost(b *testing.B)       { benchReport(b, data.ReportWonLost) }
func BenchmarkReportWonLostBare(b *testing.B)   { benchReportBare(b, data.ReportWonLost) }
func BenchmarkReportWonLostSales(b *testing.B)  { benchReportSales(b, data.ReportWonLost) }
func BenchmarkReportActivity(b *testing.B)      { benchReport(b, data.ReportActivity) }
func BenchmarkReportActivityBare(b *testing.B)  { benchReportBare(b, data.ReportActivity) }
func BenchmarkReportActivitySales(b *testing.B) { benchReportSales(b, data.ReportActivity) }
