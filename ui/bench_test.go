package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/seed"
)

// Benchmarks over a seeded database: COMPTOIR_BENCH_DEALS deals (default
// 10,000). Run with
//
//	COMPTOIR_BENCH_DEALS=100000 go test ./ui -run '^$' -bench . -benchtime 50x
func benchApp(b *testing.B) (*App, *datatest.DB) {
	b.Helper()
	src := seededFile(b)
	path := filepath.Join(b.TempDir(), "comptoir.db")
	raw, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	st, err := data.Open(context.Background(), path, data.OpenOptions{Language: "en"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	admin, err := st.FirstAdmin(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	db := &datatest.DB{Store: st, Path: path, Admin: admin}
	a := startTest(b, db, db.Admin)
	return a, db
}

var (
	seedOnce sync.Once
	seedPath string
	seedErr  error
)

// seededFile seeds one database per test binary and returns its file; each
// benchmark works on a copy.
func seededFile(b *testing.B) string {
	seedOnce.Do(func() {
		n := 10000
		if v, err := strconv.Atoi(os.Getenv("COMPTOIR_BENCH_DEALS")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.MkdirTemp("", "comptoir-bench")
		if err != nil {
			seedErr = err
			return
		}
		seedPath = filepath.Join(dir, "seed.db")
		st, err := data.Open(context.Background(), seedPath, data.OpenOptions{Language: "en"})
		if err != nil {
			seedErr = err
			return
		}
		start := time.Now()
		_, seedErr = seed.Fill(context.Background(), st, seed.Options{Deals: n, Seed: 1, Lang: "en"})
		fmt.Fprintf(os.Stderr, "seeded %d deals in %s\n", n, time.Since(start).Round(time.Millisecond))
		if err := st.Close(); err != nil && seedErr == nil {
			seedErr = err
		}
	})
	if seedErr != nil {
		b.Fatal(seedErr)
	}
	return seedPath
}

// spinIdle waits for the UI's pending work without sleeping a fixed time.
func spinIdle(a *App) {
	for a.pending.Load() != 0 {
		time.Sleep(50 * time.Microsecond)
	}
}

func BenchmarkOpenDealForm(b *testing.B) {
	a, db := benchApp(b)
	rows, err := db.DealList(context.Background(), db.Admin.ID, data.DealFilter{}, nil, 200)
	if err != nil || len(rows) == 0 {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var f *DealForm
		onUI(a, func() { f = openDealForm(a, rows[i%len(rows)].ID, data.DealInput{}) })
		spinIdle(a)
		onUI(a, func() {
			if !f.loaded {
				b.Fatal("form not filled")
			}
			f.close()
		})
	}
}

func BenchmarkSwitchFilter(b *testing.B) {
	a, _ := benchApp(b)
	s := a.main.deals
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		onUI(a, func() { test.Tap(s.mine) }) // "my deals" on, then off: the board reloads
		spinIdle(a)
	}
}

func BenchmarkSwitchPipeline(b *testing.B) {
	a, db := benchApp(b)
	ps, _ := db.Pipelines(context.Background(), db.Admin.ID)
	if len(ps) < 2 {
		p, err := db.CreatePipeline(context.Background(), db.Admin.ID, "Second")
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
		onUI(a, func() { a.main.deals.loadPipelines() })
		spinIdle(a)
	}
	s := a.main.deals
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		onUI(a, func() { s.pipeSelect.SetSelected(ps[i%2].Name) })
		spinIdle(a)
	}
}

func BenchmarkSwitchListFilter(b *testing.B) {
	a, _ := benchApp(b)
	s := a.main.deals
	onUI(a, func() { s.viewSelect.SetSelected("List") })
	spinIdle(a)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		onUI(a, func() { s.list.statusSel.SetSelectedIndex(1 + i%3) })
		spinIdle(a)
	}
}

func BenchmarkSearchKeystroke(b *testing.B) {
	a, _ := benchApp(b)
	m := a.main
	words := []string{"in", "ins", "inst", "re", "ren", "reno", "an", "ann"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		onUI(a, func() { m.searchNow(words[i%len(words)]) }) // what the debounce calls
		spinIdle(a)
	}
	if len(m.searchHits) == 0 {
		b.Fatal("the search found nothing")
	}
}
