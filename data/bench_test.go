package data_test

// Benchmarks on a seeded database. The database is seeded once per process
// (100,000 deals; 10,000 with -short) into a file under os.TempDir() named
// after a hash of the schema and the seed code, and reused by later runs.
// Only benchmarks touch it: plain `go test` never seeds.
//
//	go test ./data/ -run XXX -bench . -benchtime 20x

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"comptoir/data"
	"comptoir/data/seed"
)

const benchSeed = 42

type benchDB struct {
	path  string
	st    *data.Store
	raw   *sql.DB // read-only, for the reference queries
	admin data.Employee
	sales data.Employee
	rich  int64 // a deal with 200 timeline entries and 20 lines
	deals int
}

var (
	benchOnce sync.Once
	bench     *benchDB
	benchErr  error

	seedOnce    sync.Once
	seedResult  struct{ secs, cpu, mb float64 }
	seedFailure error
)

func benchDeals() int {
	if testing.Short() {
		return 10000
	}
	return 100000
}

// benchPath names the cached file after everything that shapes its content.
func benchPath() (string, error) {
	h := sha256.New()
	for _, pattern := range []string{"migrations/*.sql", "seed/*.go", "bulk.go", "store.go"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			return "", err
		}
		slices.Sort(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", err
			}
			h.Write([]byte(f))
			h.Write(b)
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))[:12]
	return filepath.Join(os.TempDir(), fmt.Sprintf("comptoir-bench-v%d-%s-seed%d-%d.db", data.SchemaVersion(), sum, benchSeed, benchDeals())), nil
}

// removeStaleBenchFiles deletes cached databases of older schemas or seed
// code (and their -wal and -shm files), keeping keep.
func removeStaleBenchFiles(keep string) {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "comptoir-bench-*"))
	for _, f := range old {
		if !strings.HasPrefix(f, keep) {
			os.Remove(f)
		}
	}
}

// seedFile seeds a new file at path and reports the time it took.
func seedFile(path string) (time.Duration, error) {
	ctx := context.Background()
	st, err := data.Open(ctx, path, data.OpenOptions{Language: "fr"})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	_, err = seed.Fill(ctx, st, seed.Options{Deals: benchDeals(), Seed: benchSeed, Lang: "fr"})
	took := time.Since(start)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return took, err
}

// cpuMeter reports the CPU time per op of the benchmark's own thread.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
}

func meterCPU(b *testing.B) *cpuMeter {
	runtime.LockOSThread()
	return &cpuMeter{b: b, start: threadCPU()}
}

func (m *cpuMeter) report() {
	used := threadCPU() - m.start
	runtime.UnlockOSThread()
	if used > 0 {
		m.b.ReportMetric(float64(used)/1e6/float64(m.b.N), "cpu-ms/op")
	}
}

func openBench(b *testing.B) *benchDB {
	b.Helper()
	benchOnce.Do(func() { bench, benchErr = loadBench() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func loadBench() (*benchDB, error) {
	ctx := context.Background()
	path, err := benchPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		removeStaleBenchFiles(path)
		tmp := path + ".tmp"
		os.Remove(tmp)
		if _, err := seedFile(tmp); err != nil {
			return nil, fmt.Errorf("seed %s: %w", tmp, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, err
		}
	}
	st, err := data.Open(ctx, path, data.OpenOptions{})
	if err != nil {
		return nil, err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	db := &benchDB{path: path, st: st, raw: raw}
	if db.admin, err = st.FirstAdmin(ctx); err != nil {
		return nil, err
	}
	var salesID int64
	if err := raw.QueryRow(`SELECT responsible_id FROM deals d JOIN employees e ON e.id = d.responsible_id
		WHERE e.role = 'sales' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(&salesID); err != nil {
		return nil, err
	}
	if db.sales, err = st.Employee(ctx, salesID); err != nil {
		return nil, err
	}
	if err := raw.QueryRow(`SELECT deal_id FROM timeline GROUP BY deal_id HAVING count(*) >= 200 ORDER BY deal_id LIMIT 1`).Scan(&db.rich); err != nil {
		return nil, fmt.Errorf("no deal with 200 entries: %w", err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM deals`).Scan(&db.deals); err != nil {
		return nil, err
	}
	return db, nil
}

// BenchmarkSeed100k seeds a fresh file once per process (b.N is ignored:
// the figures are the time of that one run and the file's size). With
// -short it seeds 10,000 deals. Its file becomes the shared one when there
// is none yet.
func BenchmarkSeed100k(b *testing.B) {
	seedOnce.Do(func() {
		path := filepath.Join(b.TempDir(), "seed.db")
		runtime.LockOSThread()
		startCPU := threadCPU()
		took, err := seedFile(path)
		seedResult.cpu = (threadCPU() - startCPU).Seconds()
		runtime.UnlockOSThread()
		if err != nil {
			seedFailure = err
			return
		}
		fi, err := os.Stat(path)
		if err != nil {
			seedFailure = err
			return
		}
		seedResult.secs, seedResult.mb = took.Seconds(), float64(fi.Size())/1e6
		if shared, err := benchPath(); err == nil {
			if _, err := os.Stat(shared); err != nil {
				removeStaleBenchFiles(shared)
				os.Rename(path, shared) // the next benchmarks need not seed again
			}
		}
	})
	if seedFailure != nil {
		b.Fatal(seedFailure)
	}
	b.ReportMetric(seedResult.secs*1e9, "ns/op")
	b.ReportMetric(seedResult.secs, "s/seed")
	b.ReportMetric(seedResult.cpu, "cpu-s/seed")
	b.ReportMetric(seedResult.mb, "MB")
	b.ReportMetric(float64(benchDeals()), "deals")
}

func BenchmarkBoard(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	ps, err := db.st.Pipelines(ctx, db.admin.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		cols, err := db.st.Board(ctx, db.admin.ID, ps[0].ID, data.BoardOptions{})
		if err != nil || len(cols) != len(ps[0].Stages) || len(cols[0].Cards) != 50 {
			b.Fatalf("board: %d columns, %v", len(cols), err)
		}
	}
}

func BenchmarkBoardSales(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	ps, err := db.st.Pipelines(ctx, db.admin.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		if _, err := db.st.Board(ctx, db.sales.ID, ps[0].ID, data.BoardOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareGroupBy is the reference the board is compared with.
func BenchmarkBareGroupBy(b *testing.B) {
	db := openBench(b)
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		n := countQueryRows(b, db.raw, `SELECT stage_id, count(*), sum(amount) FROM deals GROUP BY stage_id`)
		if n == 0 {
			b.Fatal("no stages")
		}
	}
}

// countQueryRows runs a query and counts the rows it returns.
func countQueryRows(b *testing.B, db *sql.DB, query string, args ...any) int {
	b.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// searchPrefixes takes 200 prefixes of 2 to 4 letters from seeded names.
func searchPrefixes(b *testing.B, db *benchDB) []string {
	rows, err := db.raw.Query(`SELECT name FROM contacts ORDER BY id LIMIT 500`)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, strings.Fields(n)...)
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([]string, 0, 200)
	for len(out) < 200 {
		w := names[rng.IntN(len(names))]
		n := 2 + rng.IntN(3)
		if utf8.RuneCountInString(w) < n {
			continue
		}
		out = append(out, strings.ToLower(string([]rune(w)[:n])))
	}
	return out
}

func benchSearch(b *testing.B, actor int64) {
	db := openBench(b)
	ctx := context.Background()
	prefixes := searchPrefixes(b, db)
	var took, cpu []time.Duration
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for b.Loop() {
		for _, p := range prefixes {
			start, startCPU := time.Now(), threadCPU()
			hits, err := db.st.Search(ctx, actor, p, 50)
			took = append(took, time.Since(start))
			cpu = append(cpu, threadCPU()-startCPU)
			if err != nil || len(hits) == 0 {
				b.Fatalf("search %q: %d hits, %v", p, len(hits), err)
			}
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100])/1e6, "p95-ms")
	b.ReportMetric(float64(took[len(took)/2])/1e6, "p50-ms")
	slices.Sort(cpu)
	b.ReportMetric(float64(cpu[len(cpu)*95/100])/1e6, "cpu-p95-ms")
}

// BenchmarkSearchPrefix: one op is 200 searches of 2–4 letter prefixes, top
// 50, as an admin; p95 is over every search of the run.
func BenchmarkSearchPrefix(b *testing.B) { benchSearch(b, openBench(b).admin.ID) }

// BenchmarkSearchPrefixSales is the same as a sales employee, who sees
// only their own and observed deals.
func BenchmarkSearchPrefixSales(b *testing.B) { benchSearch(b, openBench(b).sales.ID) }

// deepCursor is the keyset cursor of the row 50 before the end of the deal
// list (newest updated first): the page at row ~100,000.
func deepCursor(b *testing.B, db *benchDB) (data.ListCursorValue, int) {
	row := db.deals - 50
	var c data.ListCursorValue
	var at string
	if err := db.raw.QueryRow(`SELECT updated_at, id FROM deals WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 1 OFFSET ?`,
		row-1).Scan(&at, &c.ID); err != nil {
		b.Fatal(err)
	}
	c.Key = at
	return c, row
}

func BenchmarkDealListKeyset(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	cur, _ := deepCursor(b, db)
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		rows, err := db.st.DealList(ctx, db.admin.ID, data.DealFilter{}, &cur, 50)
		if err != nil || len(rows) != 50 {
			b.Fatalf("deal list: %d rows, %v", len(rows), err)
		}
	}
}

// BenchmarkDealListSortClient, BenchmarkDealListSortResponsible and
// BenchmarkDealListSortStage read the first pipeline's list sorted by that
// column as the deal list does: first, the first page as an admin; deep, the
// page 50 rows before the end; sales, a sales employee's first page (their own
// and observed deals).
func BenchmarkDealListSortClient(b *testing.B) { benchDealListSort(b, data.SortClient) }

func BenchmarkDealListSortResponsible(b *testing.B) { benchDealListSort(b, data.SortResponsible) }

func BenchmarkDealListSortStage(b *testing.B) { benchDealListSort(b, data.SortStage) }

func BenchmarkDealListSortTitle(b *testing.B) { benchDealListSort(b, data.SortTitle) }

func BenchmarkDealListSortAmount(b *testing.B) { benchDealListSort(b, data.SortAmount) }

func benchDealListSort(b *testing.B, sort data.DealSort) {
	db := openBench(b)
	ctx := context.Background()
	ps, err := db.st.Pipelines(ctx, db.admin.ID)
	if err != nil {
		b.Fatal(err)
	}
	f := data.DealFilter{PipelineID: ps[0].ID, Sort: sort}
	deep := sortCursor(b, db, f)
	for _, c := range []struct {
		name  string
		actor int64
		after *data.ListCursorValue
	}{{"first", db.admin.ID, nil}, {"deep", db.admin.ID, &deep}, {"sales", db.sales.ID, nil}} {
		b.Run(c.name, func(b *testing.B) {
			cpu := meterCPU(b)
			defer cpu.report()
			for b.Loop() {
				rows, err := db.st.DealList(ctx, c.actor, f, c.after, 50)
				if err != nil || len(rows) != 50 {
					b.Fatalf("%s list: %d rows, %v", sort, len(rows), err)
				}
			}
		})
	}
}

// sortCursor is the keyset cursor of the row 50 before the end of the
// admin's list filtered and sorted by f (ascending), read with OFFSET from a
// full sort by the names themselves.
func sortCursor(b *testing.B, db *benchDB, f data.DealFilter) data.ListCursorValue {
	key := map[data.DealSort]string{
		data.SortClient:      "coalesce(c.name, co.name, '') COLLATE NOCASE",
		data.SortResponsible: "e.name COLLATE NOCASE",
		data.SortStage:       "s.position",
		data.SortTitle:       "d.title COLLATE NOCASE",
		data.SortAmount:      "d.amount",
	}[f.Sort]
	var n int
	if err := db.raw.QueryRow(`SELECT count(*) FROM deals WHERE pipeline_id = ? AND deleted_at IS NULL`, f.PipelineID).Scan(&n); err != nil {
		b.Fatal(err)
	}
	var c data.ListCursorValue
	if err := db.raw.QueryRow(`SELECT `+key+`, d.id FROM deals d JOIN employees e ON e.id = d.responsible_id JOIN stages s ON s.id = d.stage_id
		LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
		WHERE d.pipeline_id = ? AND d.deleted_at IS NULL ORDER BY 1, 2 LIMIT 1 OFFSET ?`, f.PipelineID, n-51).Scan(&c.Key, &c.ID); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkDealListSales reads a sales employee's list by last update: the
// first page, then the page after it.
func BenchmarkDealListSales(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		first, err := db.st.DealList(ctx, db.sales.ID, data.DealFilter{}, nil, 50)
		if err != nil || len(first) != 50 {
			b.Fatalf("sales list: %d rows, %v", len(first), err)
		}
		last := first[len(first)-1]
		next, err := db.st.DealList(ctx, db.sales.ID, data.DealFilter{}, &data.ListCursorValue{Key: last.SortKey, ID: last.ID}, 50)
		if err != nil || len(next) != 50 {
			b.Fatalf("sales list page 2: %d rows, %v", len(next), err)
		}
	}
}

// BenchmarkDealListOffset reads the same page with OFFSET, for comparison.
func BenchmarkDealListOffset(b *testing.B) {
	db := openBench(b)
	_, row := deepCursor(b, db)
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		n := countQueryRows(b, db.raw, `SELECT d.id, d.title, d.stage_id, coalesce(c.name, co.name, ''), d.amount, d.currency, e.name, d.updated_at,
			(SELECT min(a.due_at) FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL), s.name, d.updated_at
			FROM deals d JOIN employees e ON e.id = d.responsible_id JOIN stages s ON s.id = d.stage_id
			LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
			WHERE d.deleted_at IS NULL ORDER BY d.updated_at DESC, d.id DESC LIMIT 50 OFFSET ?`, row)
		if n != 50 {
			b.Fatalf("offset page: %d rows", n)
		}
	}
}

// BenchmarkDealListKeysetIDs is the bare keyset read over the index, ids
// only: the counterpart of BenchmarkDealListOffsetIDs.
func BenchmarkDealListKeysetIDs(b *testing.B) {
	db := openBench(b)
	cur, _ := deepCursor(b, db)
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		n := countQueryRows(b, db.raw, `SELECT id FROM deals WHERE deleted_at IS NULL AND (updated_at, id) < (?, ?)
			ORDER BY updated_at DESC, id DESC LIMIT 50`, cur.Key, cur.ID)
		if n != 50 {
			b.Fatalf("keyset page: %d rows", n)
		}
	}
}

// BenchmarkDealListOffsetIDs is the bare OFFSET over the index, ids only:
// the cheapest form OFFSET can take.
func BenchmarkDealListOffsetIDs(b *testing.B) {
	db := openBench(b)
	_, row := deepCursor(b, db)
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		n := countQueryRows(b, db.raw, `SELECT id FROM deals WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 50 OFFSET ?`, row)
		if n != 50 {
			b.Fatalf("offset page: %d rows", n)
		}
	}
}

// BenchmarkOpenDeal opens a deal with 200 timeline entries and 20 product
// lines: the deal, the first page of its timeline and its lines.
func BenchmarkOpenDeal(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	b.ResetTimer()
	cpu := meterCPU(b)
	defer cpu.report()
	for b.Loop() {
		if _, err := db.st.Deal(ctx, db.admin.ID, db.rich); err != nil {
			b.Fatal(err)
		}
		es, err := db.st.Timeline(ctx, db.admin.ID, db.rich, data.TimelineCursor{}, 50)
		if err != nil || len(es) != 50 {
			b.Fatalf("timeline: %d, %v", len(es), err)
		}
		ls, err := db.st.Lines(ctx, db.admin.ID, db.rich)
		if err != nil || len(ls) != 20 {
			b.Fatalf("lines: %d, %v", len(ls), err)
		}
	}
}

// BenchmarkMoveDeal measures a person's everyday write on the 100,000-deal
// database: moving a deal to the next stage and back (each move is one
// transaction with its audit entry, board totals and change event).
func BenchmarkMoveDeal(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	d, err := db.st.Deal(ctx, db.admin.ID, db.rich)
	if err != nil {
		b.Fatal(err)
	}
	ps, err := db.st.Pipelines(ctx, db.admin.ID)
	if err != nil {
		b.Fatal(err)
	}
	var other int64
	for _, p := range ps {
		for _, st := range p.Stages {
			if p.ID == d.PipelineID && st.ID != d.StageID && !st.Final() && other == 0 {
				other = st.ID
			}
		}
	}
	if other == 0 {
		b.Fatal("no other open stage")
	}
	stages := [2]int64{other, d.StageID}
	i := 0
	for b.Loop() {
		if _, err := db.st.MoveDeal(ctx, db.admin.ID, db.rich, stages[i%2], ""); err != nil {
			b.Fatal(err)
		}
		i++
	}
	if i%2 == 1 { // leave the deal where it was
		if _, err := db.st.MoveDeal(ctx, db.admin.ID, db.rich, d.StageID, ""); err != nil {
			b.Fatal(err)
		}
	}
}
