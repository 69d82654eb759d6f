package formats_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

func catalog(t *testing.T, db *datatest.DB) map[string]data.Product {
	t.Helper()
	ps, err := db.Products(context.Background(), db.Admin.ID, "", false, data.ListCursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]data.Product{}
	for _, p := range ps {
		out[p.Name] = p
	}
	return out
}

func TestCatalogCSVImportExportRoundTrip(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	if _, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Old name", SKU: "CH-01", Price: 100, TaxRate: 2000, Active: true}); err != nil {
		t.Fatal(err)
	}
	// Semicolons, a BOM, French decimals, columns in another order, an
	// existing SKU to update, a quoted name with a comma and a blank line.
	file := "\ufeffsku;name;price;tax_rate;unit;active;currency\n" +
		"CH-01;Chaise « Bistrot »;49,90;20;pièce;oui;eur\n" +
		"LV-02;\"Livre, relié\";12.5;5,5;;;\n" +
		"\n" +
		";Service sans SKU;1000;0;heure;non;JPY\n"
	res, err := formats.ImportCatalogCSV(ctx, db.Store, db.Manager.ID, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Updated != 1 {
		t.Errorf("import result %+v, want 2 created 1 updated", res)
	}
	got := catalog(t, db)
	if len(got) != 3 {
		t.Fatalf("catalog has %d products: %v", len(got), got)
	}
	chair := got["Chaise « Bistrot »"]
	if chair.SKU != "CH-01" || chair.Price != 4990 || chair.TaxRate != 2000 || chair.Unit != "pièce" || !chair.Active || chair.Currency != "EUR" {
		t.Errorf("chair %+v", chair)
	}
	book := got["Livre, relié"]
	if book.Price != 1250 || book.TaxRate != 550 || !book.Active {
		t.Errorf("book %+v", book)
	}
	svc := got["Service sans SKU"]
	if svc.Price != 1000 || svc.Currency != "JPY" || svc.Active || svc.TaxRate != 0 {
		t.Errorf("service %+v", svc)
	}

	var out bytes.Buffer
	if err := formats.ExportCatalogCSV(ctx, db.Store, db.Manager.ID, &out); err != nil {
		t.Fatal(err)
	}
	want := "name,sku,unit,price,currency,tax_rate,active\n" +
		"Chaise « Bistrot »,CH-01,pièce,49.90,EUR,20,true\n" +
		"\"Livre, relié\",LV-02,,12.50,EUR,5.5,true\n" +
		"Service sans SKU,,heure,1000,JPY,0,false\n"
	if out.String() != want {
		t.Errorf("export:\n%s\nwant:\n%s", out.String(), want)
	}
	// The export imports back as updates of the same products, except the
	// line without SKU which has nothing to match on.
	res, err = formats.ImportCatalogCSV(ctx, db.Store, db.Manager.ID, strings.NewReader(out.String()))
	if err != nil || res.Updated != 2 || res.Created != 1 {
		t.Errorf("re-import: %+v, %v", res, err)
	}
}

func TestCatalogCSVBadLinesImportNothing(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	if _, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Keep me", SKU: "K-1", Price: 100, Active: true}); err != nil {
		t.Fatal(err)
	}
	file := "name,sku,price,currency,tax_rate,active\n" +
		"Good one,G-1,10.00,EUR,20,true\n" + // line 2: fine
		",G-2,10.00,EUR,20,true\n" + // line 3: no name
		"Too precise,G-3,1.234,EUR,20,true\n" + // line 4: three decimals in euros
		"Dear tax,G-4,5,EUR,120,true\n" + // line 5: rate over 100
		"Odd money,G-5,5,ZZZ,20,true\n" + // line 6: unknown currency
		"Maybe,G-6,5,EUR,20,perhaps\n" + // line 7: active?
		"Again,G-1,5,EUR,20,true\n" + // line 8: SKU repeated
		"Updated?,K-1,999,EUR,20,true\n" // line 9: fine, but nothing may be written
	_, err := formats.ImportCatalogCSV(ctx, db.Store, db.Manager.ID, strings.NewReader(file))
	var ce *data.CSVError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *CSVError, got %v", err)
	}
	want := map[int]string{3: "name", 4: "price", 5: "tax_rate", 6: "currency", 7: "active", 8: "sku"}
	got := map[int]string{}
	for _, p := range ce.Problems {
		got[p.Line] = p.Field
	}
	for line, field := range want {
		if got[line] != field {
			t.Errorf("line %d: problem on %q, want %q (all: %v)", line, got[line], field, ce.Problems)
		}
	}
	if len(ce.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(ce.Problems), len(want), ce.Problems)
	}
	if !strings.Contains(err.Error(), "line 4: price:") {
		t.Errorf("message %q does not name the line and column", err)
	}
	cat := catalog(t, db)
	if len(cat) != 1 || cat["Keep me"].Price != 100 {
		t.Errorf("a bad file changed the catalog: %v", cat)
	}
}

func TestCatalogCSVBadFiles(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	for name, c := range map[string]struct{ file, want string }{
		"empty":          {"", "the file is empty"},
		"unknown column": {"name,price,colour\nA,1,red\n", `unknown column "colour"`},
		"no price":       {"name,sku\nA,B\n", "line 1: price: required column missing"},
		"broken quote":   {"name,price\n\"A,1\nB,2\n", "line"},
	} {
		_, err := formats.ImportCatalogCSV(ctx, db.Store, db.Manager.ID, strings.NewReader(c.file))
		var ce *data.CSVError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a CSVError with %q", name, err, c.want)
		}
	}
	// A sales employee does not keep the catalog.
	_, err := formats.ImportCatalogCSV(ctx, db.Store, db.Sales.ID, strings.NewReader("name,price\nA,1\n"))
	if !errors.Is(err, data.ErrForbidden) {
		t.Errorf("sales import: %v", err)
	}
	if len(catalog(t, db)) != 0 {
		t.Error("something was imported")
	}
}
