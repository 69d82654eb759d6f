package formats_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// BenchmarkImportCatalogCSV imports catalogs of 10,000 and 100,000 products
// with SKUs into a fresh database: read, checked, written in chunks. Time
// per row must stay flat as the catalog grows.
func BenchmarkImportCatalogCSV(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		var sb strings.Builder
		sb.WriteString("name,sku,unit,price,currency,tax_rate,active\n")
		for i := range n {
			fmt.Fprintf(&sb, "Product %d,SKU-%06d,piece,%d.%02d,EUR,20,true\n", i, i, 1+i%500, i%100)
		}
		file := sb.String()
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := datatest.Open(b)
				b.StartTimer()
				res, err := formats.ImportCatalogCSV(ctx, db.Store, db.Manager.ID, strings.NewReader(file))
				if err != nil || res.Created != n {
					b.Fatalf("%+v, %v", res, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/row")
		})
	}
}

// BenchmarkImportClients imports 10,000 contacts (with their companies'
// names) and 10,000 companies (matched by email) into a fresh database.
func BenchmarkImportClients(b *testing.B) {
	const n = 10_000
	for _, kind := range []data.ImportKind{data.ImportContacts, data.ImportCompanies} {
		var sb strings.Builder
		sb.WriteString("Name;E-mail;Phone;Company\n")
		for i := range n {
			fmt.Fprintf(&sb, "Client %d;client%d@example.com;06 12 34 %02d %02d;Société %d\n", i, i, i/100%100, i%100, i%500)
		}
		tab, err := formats.ReadCSV(strings.NewReader(sb.String()))
		if err != nil {
			b.Fatal(err)
		}
		mapping := formats.GuessMapping(kind, tab.Header, nil)
		if kind == data.ImportCompanies {
			mapping[3] = formats.TargetIgnore
		}
		recs, err := tab.Records(kind, mapping)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/rows=%d", kind, n), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := datatest.Open(b)
				b.StartTimer()
				res, err := db.Import(ctx, db.Sales.ID, kind, recs, data.ImportOptions{})
				if err != nil || res.Created != n {
					b.Fatalf("%d created, %v", res.Created, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/row")
		})
	}
}
