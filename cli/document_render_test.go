package cli

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// breakDocument makes a stored document undrawable, as a damaged or foreign
// file could: its snapshot claims a currency with -1 decimal digits.
func breakDocument(t *testing.T, path, number string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER documents_frozen`,
		`UPDATE documents SET snapshot = json_set(snapshot, '$.digits', -1) WHERE number = '` + number + `'`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// An invoice for "Pizza 🍕" to a Chinese client is issued with its PDF;
// a document that cannot be drawn is said so in words, not a crash.
func TestDocumentCommandAnyTextAndRenderFailure(t *testing.T) {
	t.Parallel()
	db := datatest.OpenLang(t, "fr")
	ctx := context.Background()
	seller := data.DefaultSeller()
	seller.Name = "Atelier Dupré"
	if err := db.SetSeller(ctx, db.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "北京烤鸭餐厅有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	deal, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Pizzas", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, db.Admin.ID, deal.ID, []data.LineInput{{Name: "Pizza 🍕", Price: 1200, Quantity: 2000, TaxRate: 1000}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "invoice.pdf")
	code, stdout, stderr := run(t, "document", "create", "--deal", strconv.FormatInt(deal.ID, 10), "--kind", "invoice", "--out", out, "--db", db.Path)
	number := strings.TrimSpace(stdout)
	if code != 0 || !strings.HasPrefix(number, "FAC-") {
		t.Fatalf("create: exit %d, %q, %q", code, stdout, stderr)
	}
	text, err := exec.Command("pdftotext", out, "-").Output()
	if err != nil || !strings.Contains(string(text), "Pizza \uFFFD") || !strings.Contains(string(text), "北京烤鸭餐厅有限公司") {
		t.Errorf("invoice PDF text: %v\n%s", err, text)
	}

	breakDocument(t, db.Path, number)
	again := filepath.Join(t.TempDir(), "again.pdf")
	code, _, stderr = run(t, "document", "pdf", "--number", number, "--out", again, "--db", db.Path)
	if code != 1 || !strings.Contains(stderr, "the PDF of "+number+" could not be made") {
		t.Errorf("pdf of a broken document: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(again); err == nil {
		t.Error("a file was written for a PDF that could not be made")
	}
	if err := safeDocument(func() error { panic("boom") }); err == nil || !strings.Contains(explainDocErr(err).Error(), "no number was used") {
		t.Errorf("a panic in a document call: %v", err)
	}
}
