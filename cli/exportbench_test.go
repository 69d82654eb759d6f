package cli

import (
	"context"
	"io"
	"strings"
	"testing"

	"comptoir/cli/cmdline"
)

// BenchmarkExportDealsJSON exports every deal of a seeded database in
// process, to stdout thrown away: the cost of a full export per deal.
//
//	go test ./cli/ -run '^$' -bench ExportDealsJSON -benchtime 3x
func BenchmarkExportDealsJSON(b *testing.B) {
	const n = 5000
	path, _ := seededDB(b, n)
	for b.Loop() {
		if code := Run(context.Background(), "export", []string{"deals"}, cmdline.Global{DB: path}, testOpener(b, cmdline.Global{DB: path}), strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/deal")
}
