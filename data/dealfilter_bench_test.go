package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"comptoir/data"
)

// loadFilterBench copies the seeded benchmark file (100,000 deals; 10,000
// with -short) into dir and gives its deals custom fields: a number
// (surface, 0–999, every deal), a list (region, one of four, every deal) and
// a yes/no (vip, one deal in ten says yes).
func loadFilterBench(b *testing.B, dir string) (*data.Store, data.Employee, data.Employee, error) {
	db := openBench(b)
	ctx := context.Background()
	path := filepath.Join(dir, "filter.db")
	if err := copyDB(db.path, path); err != nil {
		return nil, data.Employee{}, data.Employee{}, err
	}
	st, err := data.Open(ctx, path, data.OpenOptions{})
	if err != nil {
		return nil, data.Employee{}, data.Employee{}, err
	}
	b.Cleanup(func() { st.Close() })
	for _, d := range []data.FieldDef{
		{Entity: data.EntityDeal, Key: "surface", Label: "Surface", Type: data.FieldNumber},
		{Entity: data.EntityDeal, Key: "region", Label: "Region", Type: data.FieldList, Options: []string{"Nord", "Sud", "Est", "Ouest"}},
		{Entity: data.EntityDeal, Key: "vip", Label: "VIP", Type: data.FieldBool},
	} {
		if _, err := st.SaveFieldDef(ctx, db.admin.ID, d); err != nil {
			return nil, data.Employee{}, data.Employee{}, err
		}
	}
	start := time.Now()
	raw := rawWriter(b, path)
	if _, err := raw.Exec(`INSERT INTO custom_values (field_id, record_id, value)
		SELECT f.id, d.id, CASE f.key
			WHEN 'surface' THEN (d.id * 7919) % 1000
			WHEN 'region' THEN json_extract('["Nord","Sud","Est","Ouest"]', '$[' || (d.id % 4) || ']')
			ELSE 'true' END
		FROM deals d JOIN custom_fields f ON f.entity = 'deal'
		WHERE f.key <> 'vip' OR d.id % 10 = 0`); err != nil {
		return nil, data.Employee{}, data.Employee{}, err
	}
	raw.Close()
	b.Logf("custom values for %d deals written in %v", db.deals, time.Since(start).Round(time.Millisecond))
	return st, db.admin, db.sales, nil
}

func copyDB(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(from + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return err
		}
		out, err := os.Create(to + suffix)
		if err != nil {
			in.Close()
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkFilterCustomField reads the first page (50 deals, newest first)
// of the deal list filtered by a custom field on the seeded file: a
// selective range (about 1 %: its deals are read by id), a wide one (about
// 80 %: the sort order is walked), an option (25 %), a yes (10 %), and the
// same range for a sales employee. The bound: 50 ms.
func BenchmarkFilterCustomField(b *testing.B) {
	st, admin, sales, err := loadFilterBench(b, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		who  data.Employee
		cond data.CustomCondition
	}{
		{"range1pct", admin, data.CustomCondition{Key: "surface", Min: "100", Max: "109"}},
		{"range80pct", admin, data.CustomCondition{Key: "surface", Min: "200"}},
		{"option25pct", admin, data.CustomCondition{Key: "region", Values: []string{"Sud"}}},
		{"yes10pct", admin, data.CustomCondition{Key: "vip", Yes: boolp(true)}},
		{"no90pct", admin, data.CustomCondition{Key: "vip", Yes: boolp(false)}},
		{"range1pctSales", sales, data.CustomCondition{Key: "surface", Min: "100", Max: "109"}},
		{"range80pctSales", sales, data.CustomCondition{Key: "surface", Min: "200"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := data.DealFilter{DealConditions: data.DealConditions{Custom: []data.CustomCondition{bc.cond}}}
			var worst time.Duration
			for b.Loop() {
				start := time.Now()
				rows, err := st.DealList(ctx, bc.who.ID, f, nil, 50)
				if took := time.Since(start); took > worst {
					worst = took
				}
				if err != nil || len(rows) == 0 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
	// "select all N matching": the count and every id of an 80 % range
	b.Run("allMatching80pct", func(b *testing.B) {
		f := data.DealFilter{DealConditions: data.DealConditions{Custom: []data.CustomCondition{{Key: "surface", Min: "200"}}}}
		for b.Loop() {
			n, err := st.DealCount(ctx, admin.ID, f)
			if err != nil {
				b.Fatal(err)
			}
			ids, err := st.DealIDs(ctx, admin.ID, f, 1_000_000)
			if err != nil || len(ids) != n {
				b.Fatal(fmt.Errorf("%d ids, count %d: %v", len(ids), n, err))
			}
		}
	})
}

// rawWriter is a plain connection to a database file, for a benchmark's
// fixture.
func rawWriter(b *testing.B, path string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	return db
}
