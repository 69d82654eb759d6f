package data_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/storage"
)

// execSQL runs a statement in a write transaction of its own: a trigger
// that makes one row fail stands for a disk that fills up.
func execSQL(t *testing.T, db *datatest.DB, query string) {
	t.Helper()
	if err := db.Storage().Write(context.Background(), 0, func(tx *storage.Tx) error {
		_, err := tx.Exec(query)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func clientRecords(n int) []data.ImportRecord {
	recs := make([]data.ImportRecord, n)
	for i := range recs {
		recs[i] = data.ImportRecord{Line: i + 2, Contact: data.ContactInput{Name: fmt.Sprintf("Client %d", i),
			Emails: []string{fmt.Sprintf("c%d@example.test", i)}}}
	}
	return recs
}

// rowCount counts a table's rows through the store's readers.
func rowCount(t *testing.T, db *datatest.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Storage().Read().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportStoppedMidwaySaysWhatWasWritten: a chunk that fails is rolled
// back whole, the ones before it stay, and the error names the first line
// not written; importing the file again finishes the work.
func TestImportStoppedMidwaySaysWhatWasWritten(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	recs := clientRecords(1200)
	execSQL(t, db, `CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN NEW.name = 'Client 700'
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
	res, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	var stop *data.ImportStoppedError
	if !errors.As(err, &stop) || stop.Written != 500 || stop.Line != recs[500].Line || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want an ImportStoppedError at line %d after 500 records", err, recs[500].Line)
	}
	var ie *data.ImportError
	if errors.As(err, &ie) || data.FieldErrors(err) != nil {
		t.Fatalf("a half-written import reads as one that wrote nothing: %v", err)
	}
	if res.Created != 500 || len(res.Lines) != 500 || res.Lines[499].ID == 0 {
		t.Fatalf("result %d created, %d lines", res.Created, len(res.Lines))
	}
	if n := rowCount(t, db, "contacts"); n != 500 {
		t.Fatalf("%d contacts written, want the first chunk's 500", n)
	}
	execSQL(t, db, `DROP TRIGGER boom`)
	res, err = db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	if err != nil || res.Created != 700 || res.Updated != 500 {
		t.Fatalf("import again: %+v, %v", res, err)
	}
	if n := rowCount(t, db, "contacts"); n != 1200 {
		t.Fatalf("%d contacts after the second import, want 1200", n)
	}
}

// TestImportCatalogStoppedMidwaySaysWhatWasWritten: the same for the
// catalog, whose re-import updates by SKU.
func TestImportCatalogStoppedMidwaySaysWhatWasWritten(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	rows := make([]data.CatalogRow, 1200)
	for i := range rows {
		rows[i] = data.CatalogRow{Line: i + 2, Product: data.ProductInput{Name: fmt.Sprintf("Product %d", i), SKU: fmt.Sprintf("P-%05d", i),
			Price: int64(100 + i), Active: true}}
	}
	execSQL(t, db, `CREATE TRIGGER boom BEFORE INSERT ON products WHEN NEW.sku = 'P-00700'
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
	res, err := db.ImportCatalog(ctx, db.Manager.ID, rows)
	var stop *data.ImportStoppedError
	if !errors.As(err, &stop) || stop.Written != 500 || stop.Line != 502 || res.Created != 500 {
		t.Fatalf("result %+v, err = %v, want 500 written and a stop at line 502", res, err)
	}
	var ce *data.CSVError
	if errors.As(err, &ce) {
		t.Fatalf("a half-written catalog reads as one that wrote nothing: %v", err)
	}
	if n := rowCount(t, db, "products"); n != 500 {
		t.Fatalf("%d products written, want 500", n)
	}
	execSQL(t, db, `DROP TRIGGER boom`)
	if res, err = db.ImportCatalog(ctx, db.Manager.ID, rows); err != nil || res.Created != 700 || res.Updated != 500 {
		t.Fatalf("import again: %+v, %v", res, err)
	}
	// A bad row anywhere still imports nothing, however long the file.
	rows = append(rows, data.CatalogRow{Line: 1202, Product: data.ProductInput{Name: "", Price: 1}})
	rows[3].Product.Price = 1
	if _, err := db.ImportCatalog(ctx, db.Manager.ID, rows); !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Line != 1202 {
		t.Fatalf("bad last row: %v", err)
	}
	if p, err := db.Products(ctx, db.Admin.ID, "Product 3", false, data.ListCursor{}, 1); err != nil || len(p) != 1 || p[0].Price != 103 {
		t.Fatalf("a refused file changed the catalog: %+v, %v", p, err)
	}
}

// TestLongImportLetsOtherWritesIn: while a large file is imported, a person
// saving a deal waits for one chunk at most, not for the whole file.
func TestLongImportLetsOtherWritesIn(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	recs := clientRecords(6000)
	done := make(chan error, 1)
	go func() {
		_, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
		done <- err
	}()
	// Wait until the import has begun writing.
	for rowCount(t, db, "contacts") == 0 {
		select {
		case err := <-done:
			t.Fatalf("the import ended (%v) before anything was seen written: it is one transaction", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if _, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Saved during the import"}); err != nil {
		t.Fatal(err)
	}
	if n := rowCount(t, db, "contacts"); n >= len(recs) {
		t.Errorf("the deal was saved only once all %d contacts were written", n)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := rowCount(t, db, "contacts"); n != len(recs) {
		t.Fatalf("%d contacts, want %d", n, len(recs))
	}
}

// TestImportPreviewMatchesTheImport: the check that comes before writing
// (and is the dry run's preview) decides as the writing does, across
// chunks: a contact twice in the file is created then updated, a stored
// contact is found by email whatever its case, company names are created
// once.
func TestImportPreviewMatchesTheImport(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	old, err := db.CreateContact(ctx, db.Admin.ID, data.ContactInput{Name: "Old", Emails: []string{"old@example.test"}, Phones: []string{"01 02 03 04 05"}})
	if err != nil {
		t.Fatal(err)
	}
	acme, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	recs := clientRecords(1100)
	for i := range recs {
		recs[i].CompanyName = fmt.Sprintf("Société %d", i%7)
	}
	recs[3].CompanyName = "ACME"
	recs[20].Contact.Emails = []string{"OLD@example.test"}
	recs[900].Contact.Emails = []string{"c10@EXAMPLE.test"}                       // the contact of line 12, two chunks before
	recs[1050].Contact.Emails = []string{"new@example.test", "c600@example.test"} // line 602's
	recs[1060].Contact.Emails = []string{"new@example.test"}                      // which now has this address too

	dry, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := rowCount(t, db, "contacts"); n != 1 {
		t.Fatalf("the dry run wrote: %d contacts", n)
	}
	res, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, recs, data.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1096 || res.Updated != 4 || res.CompaniesCreated != 7 {
		t.Errorf("import: %d created, %d updated, %d companies", res.Created, res.Updated, res.CompaniesCreated)
	}
	if dry.Created != res.Created || dry.Updated != res.Updated || dry.CompaniesCreated != res.CompaniesCreated || len(dry.Lines) != len(res.Lines) {
		t.Fatalf("preview %d/%d/%d, import %d/%d/%d", dry.Created, dry.Updated, dry.CompaniesCreated, res.Created, res.Updated, res.CompaniesCreated)
	}
	for i := range res.Lines {
		if dry.Lines[i].ID != res.Lines[i].ID || dry.Lines[i].Updated != res.Lines[i].Updated {
			t.Errorf("line %d: preview %+v, import %+v", res.Lines[i].Line, dry.Lines[i], res.Lines[i])
		}
	}
	if res.Lines[20].ID != old.ID || res.Lines[900].ID != res.Lines[10].ID || res.Lines[1060].ID != res.Lines[600].ID {
		t.Errorf("updates went to %d, %d, %d", res.Lines[20].ID, res.Lines[900].ID, res.Lines[1060].ID)
	}
	c, err := db.Contact(ctx, db.Admin.ID, res.Lines[3].ID)
	if err != nil || c.CompanyID != acme.ID {
		t.Errorf("line 5's company: %+v, %v", c, err)
	}
	c, err = db.Contact(ctx, db.Admin.ID, res.Lines[600].ID)
	if err != nil || strings.Join(c.Emails, ",") != "c600@example.test,new@example.test" || c.Name != "Client 1060" {
		t.Errorf("contact of line 602: %+v, %v", c, err)
	}

	// A bad record at the end of a long file: nothing written.
	before := rowCount(t, db, "contacts")
	bad := clientRecords(1200)
	bad[1199].Contact.Emails = []string{"not an email"}
	if _, err := db.Import(ctx, db.Sales.ID, data.ImportContacts, bad, data.ImportOptions{}); !isImportError(err, 1201) {
		t.Fatalf("bad last line: %v", err)
	}
	if n := rowCount(t, db, "contacts"); n != before {
		t.Fatalf("a refused file wrote %d contacts", n-before)
	}
}

func isImportError(err error, line int) bool {
	var ie *data.ImportError
	return errors.As(err, &ie) && len(ie.Lines) == 1 && ie.Lines[0].Line == line
}

// TestImportCompaniesPreviewMatchesTheImport: companies are matched by
// email, then by name, across chunks.
func TestImportCompaniesPreviewMatchesTheImport(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	stored, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Stored", Emails: []string{"Contact@Stored.test"}})
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]data.ImportRecord, 1100)
	for i := range recs {
		recs[i] = data.ImportRecord{Line: i + 2, Company: data.CompanyInput{Name: fmt.Sprintf("Company %d", i),
			Emails: []string{fmt.Sprintf("info@co%d.test", i)}}}
	}
	recs[5].Company = data.CompanyInput{Name: "Renamed", Emails: []string{"contact@stored.TEST"}}
	recs[800].Company = data.CompanyInput{Name: "Another name", Emails: []string{"INFO@co7.test"}} // line 9's, by email
	recs[900].Company = data.CompanyInput{Name: "company 8"}                                       // line 10's, by name
	dry, err := db.Import(ctx, db.Sales.ID, data.ImportCompanies, recs, data.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Import(ctx, db.Sales.ID, data.ImportCompanies, recs, data.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1097 || res.Updated != 3 || dry.Created != res.Created || dry.Updated != res.Updated {
		t.Fatalf("preview %d/%d, import %d/%d", dry.Created, dry.Updated, res.Created, res.Updated)
	}
	for i := range res.Lines {
		if dry.Lines[i].ID != res.Lines[i].ID || dry.Lines[i].Updated != res.Lines[i].Updated {
			t.Errorf("line %d: preview %+v, import %+v", res.Lines[i].Line, dry.Lines[i], res.Lines[i])
		}
	}
	if res.Lines[5].ID != stored.ID || res.Lines[800].ID != res.Lines[7].ID || res.Lines[900].ID != res.Lines[8].ID {
		t.Errorf("updates went to %d, %d, %d", res.Lines[5].ID, res.Lines[800].ID, res.Lines[900].ID)
	}
}
