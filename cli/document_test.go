package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

func TestDocumentCommand(t *testing.T) {
	db := datatest.OpenLang(t, "fr")
	ctx := context.Background()
	seller := data.DefaultSeller()
	seller.Name = "Atelier Dupré"
	if err := db.SetSeller(ctx, db.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Hôtel des Écrins", Address: "05000 Gap"})
	if err != nil {
		t.Fatal(err)
	}
	deal, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Chaises", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, db.Admin.ID, deal.ID, []data.LineInput{
		{Name: "Chaise bistrot", Price: 4990, Quantity: 12000, TaxRate: 2000}}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(deal.ID, 10)
	year := time.Now().UTC().Year()
	dir := t.TempDir()

	out := filepath.Join(dir, "quote.pdf")
	code, stdout, stderr := run(t, "document", "create", "--deal", id, "--kind", "quote", "--out", out, "--db", db.Path)
	wantQuote := fmt.Sprintf("DEV-%d-0001", year)
	if code != 0 || strings.TrimSpace(stdout) != wantQuote {
		t.Fatalf("create quote: exit %d, %q, %q", code, stdout, stderr)
	}
	pdf, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("quote PDF: %v", err)
	}
	if bin, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext (poppler-utils) is needed: %v", err)
	} else {
		text, err := exec.Command(bin, out, "-").Output()
		if err != nil || !strings.Contains(string(text), wantQuote) || !strings.Contains(string(text), "Hôtel des Écrins") {
			t.Errorf("quote PDF text: %v\n%s", err, text)
		}
	}

	wantInv := fmt.Sprintf("FAC-%d-0001", year)
	code, stdout, stderr = run(t, "document", "invoice", "--quote", wantQuote, "--db", db.Path)
	if code != 0 || strings.TrimSpace(stdout) != wantInv {
		t.Fatalf("invoice quote: exit %d, %q, %q", code, stdout, stderr)
	}
	again := filepath.Join(dir, "again.pdf")
	if code, _, stderr := run(t, "document", "pdf", "--number", wantInv, "--out", again, "--db", db.Path); code != 0 {
		t.Fatalf("pdf: %s", stderr)
	}

	code, stdout, _ = run(t, "document", "list", "--deal", id, "--format", "json", "--db", db.Path)
	var docs []map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &docs) != nil || len(docs) != 2 {
		t.Fatalf("list: exit %d\n%s", code, stdout)
	}
	if docs[0]["number"] != wantQuote || docs[0]["status"] != "accepted" || docs[1]["number"] != wantInv ||
		docs[1]["kind"] != "invoice" || docs[1]["gross"] != "718.56" || docs[1]["net"] != "598.80" {
		t.Errorf("list: %v", docs)
	}

	// Refusals: a deal with no lines, a bad kind, no --deal.
	empty, _ := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Vide", CompanyID: co.ID})
	code, _, stderr = run(t, "document", "create", "--deal", strconv.FormatInt(empty.ID, 10), "--kind", "invoice", "--db", db.Path)
	if code != 1 || !strings.Contains(stderr, "no product lines") {
		t.Errorf("no lines: exit %d, %q", code, stderr)
	}
	if code, _, _ := run(t, "document", "create", "--deal", id, "--kind", "receipt", "--db", db.Path); code != 2 {
		t.Errorf("bad kind: exit %d", code)
	}
	if code, _, _ := run(t, "document", "create", "--kind", "quote", "--db", db.Path); code != 2 {
		t.Errorf("no deal: exit %d", code)
	}
}

func TestCatalogCommand(t *testing.T) {
	db := datatest.Open(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("name,sku,price,tax_rate\nChaise,CH-1,49.90,20\nLivre,LV-1,12.50,5.5\n"), 0o600)
	code, stdout, stderr := run(t, "catalog", "import", good, "--db", db.Path)
	if code != 0 || stdout != "2 products created, 0 updated\n" {
		t.Fatalf("import: exit %d, %q, %q", code, stdout, stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("name,sku,price\nTable,TB-1,100\n,XX,abc\n"), 0o600)
	code, _, stderr = run(t, "catalog", "import", bad, "--db", db.Path)
	if code != 1 || !strings.Contains(stderr, "bad.csv: line 3: name") || !strings.Contains(stderr, "line 3: price") ||
		!strings.Contains(stderr, "nothing was imported") {
		t.Errorf("bad import: exit %d, %q", code, stderr)
	}
	code, stdout, _ = run(t, "catalog", "export", "--db", db.Path)
	want := "name,sku,unit,price,currency,tax_rate,active\nChaise,CH-1,,49.90,EUR,20,true\nLivre,LV-1,,12.50,EUR,5.5,true\n"
	if code != 0 || stdout != want {
		t.Errorf("export: exit %d\n%s", code, stdout)
	}
}
