package formats_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
	"comptoir/data/storage"
)

func TestSafeCell(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/x","Click me")`, `'=HYPERLINK("http://evil.example/x","Click me")`},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"＝1+1", "'＝1+1"},
		{"-12.50", "-12.50"},
		{"+5", "+5"},
		{"-3,5", "-3,5"},
		{"-", "'-"},
		{"-12.50.3", "'-12.50.3"},
		{"Chaise = 12", "Chaise = 12"},
		{"", ""},
	} {
		if got := formats.SafeCell(c.in); got != c.want {
			t.Errorf("SafeCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// readCSV parses a CSV output into rows keyed by their header.
func readCSV(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", b, err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// TestCSVExportsNeutraliseFormulas: what an attacker can get into a name or
// a title (an email's subject becomes a deal's title) is written so that a
// spreadsheet reads it as text; a negative amount stays a number.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	const link = `=HYPERLINK("http://evil.example/x","Click me")`
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "@SUM(1+1)*cmd|' /C calc'!A0", VATNumber: "-FR12"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "+Jeanne", CompanyID: co.ID, Phones: []string{"+33 6 12 34 56 78"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: link, ContactID: c.ID, CompanyID: co.ID, Amount: 1250})
	if err != nil {
		t.Fatal(err)
	}
	// No form takes a negative amount; an old or synced row may hold one.
	if err := db.Storage().Write(ctx, 0, func(tx *storage.Tx) error {
		_, err := tx.Exec(`UPDATE deals SET amount = -1250 WHERE id = ?`, d.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "-2+3+cmd|' /C calc'!A0", SKU: "=SKU", Unit: "@u",
		Price: 990, Active: true}); err != nil {
		t.Fatal(err)
	}

	export := func(what string) []map[string]string {
		var out bytes.Buffer
		if err := formats.Export(ctx, db.Store, db.Admin.ID, &out, formats.ExportOptions{What: what, Format: "csv"}); err != nil {
			t.Fatal(err)
		}
		return readCSV(t, out.Bytes())
	}
	deals := export("deals")
	if len(deals) != 1 || deals[0]["title"] != "'"+link || deals[0]["amount"] != "-12.50" ||
		deals[0]["client"] != "'+Jeanne" || deals[0]["company"] != "'@SUM(1+1)*cmd|' /C calc'!A0" {
		t.Errorf("deals CSV: %v", deals)
	}
	contacts := export("contacts")
	if len(contacts) != 1 || contacts[0]["name"] != "'+Jeanne" || contacts[0]["phones"] != "'+33 6 12 34 56 78" ||
		contacts[0]["company"] != "'@SUM(1+1)*cmd|' /C calc'!A0" {
		t.Errorf("contacts CSV: %v", contacts)
	}
	companies := export("companies")
	if len(companies) != 1 || companies[0]["name"] != "'@SUM(1+1)*cmd|' /C calc'!A0" || companies[0]["vat_number"] != "'-FR12" {
		t.Errorf("companies CSV: %v", companies)
	}
	// JSON is no spreadsheet: it keeps the title as it is.
	var js bytes.Buffer
	if err := formats.Export(ctx, db.Store, db.Admin.ID, &js, formats.ExportOptions{What: "deals", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"title": "=HYPERLINK(`) && !strings.Contains(js.String(), `"title":"=HYPERLINK(`) {
		t.Errorf("JSON export changed the title: %s", js.String())
	}

	var cat bytes.Buffer
	if err := formats.ExportCatalogCSV(ctx, db.Store, db.Admin.ID, &cat); err != nil {
		t.Fatal(err)
	}
	products := readCSV(t, cat.Bytes())
	if len(products) != 1 || products[0]["name"] != "'-2+3+cmd|' /C calc'!A0" || products[0]["sku"] != "'=SKU" ||
		products[0]["unit"] != "'@u" || products[0]["price"] != "9.90" {
		t.Errorf("catalog CSV: %v", products)
	}
	// The export imports back as it was: the quote is taken off again.
	res, err := formats.ImportCatalogCSV(ctx, db.Store, db.Admin.ID, bytes.NewReader(cat.Bytes()))
	if err != nil || res.Updated != 1 || res.Created != 0 {
		t.Fatalf("re-import: %+v, %v", res, err)
	}
	ps, err := db.Products(ctx, db.Admin.ID, "", false, data.ListCursor{}, 10)
	if err != nil || len(ps) != 1 || ps[0].Name != "-2+3+cmd|' /C calc'!A0" || ps[0].SKU != "=SKU" || ps[0].Unit != "@u" {
		t.Fatalf("after re-import: %+v, %v", ps, err)
	}
}
