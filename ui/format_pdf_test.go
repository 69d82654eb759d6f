package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"comptoir/data"
	"comptoir/data/datatest"
)

// pdfText is a PDF's text as pdftotext reads it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils) is needed to read the PDF back: %v", err)
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return string(out)
}

// plainSpaces writes the no-break spaces of s as the plain ones pdftotext
// reads them as.
func plainSpaces(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}

// The same amount reads the same on the screens and on a printed quote, in
// EUR, USD, JPY, CHF and GBP, in French and in English: the same symbol
// (¥ for a JPY quote, with no decimals), the same digits, the same marks in
// the same places (pdftotext reads every space as a plain one).
func TestMoneySameOnScreenAndPDF(t *testing.T) {
	t.Parallel()
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Claire Client"})
	if err != nil {
		t.Fatal(err)
	}
	for _, language := range []string{"fr", "en"} {
		seller := data.DefaultSeller()
		seller.Name, seller.Language = "Atelier Dupré", language
		if err := db.SetSeller(ctx, db.Admin.ID, seller); err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"EUR", "USD", "JPY", "CHF", "GBP"} {
			d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Chairs " + code, Currency: code, ContactID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetLines(ctx, db.Sales.ID, d.ID, []data.LineInput{{Name: "Chair", Quantity: 3000, Price: 1234567,
				TaxRate: 2000, DiscountKind: data.DiscountPercent}}); err != nil {
				t.Fatal(err)
			}
			q, err := db.CreateDocument(ctx, db.Sales.ID, d.ID, data.DocQuote)
			if err != nil {
				t.Fatal(err)
			}
			pdf, err := db.DocumentPDF(ctx, db.Sales.ID, q.ID)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf)
			for _, minor := range []int64{1234567, q.Net, q.Gross} {
				screen := formatMoney(minor, code, language)
				if !strings.Contains(text, plainSpaces(screen)) {
					t.Errorf("%s %s: the screen's %q is not on the quote:\n%s", language, code, screen, text)
				}
			}
			if sym := map[string]string{"EUR": "€", "USD": "$", "JPY": "¥", "CHF": "CHF", "GBP": "£"}[code]; !strings.Contains(formatMoney(q.Gross, code, language), sym) {
				t.Errorf("%s %s: %q lacks %s", language, code, formatMoney(q.Gross, code, language), sym)
			}
		}
	}
	if got := formatMoney(3703701, "JPY", "fr"); got != "3\u202f703\u202f701\u00a0¥" {
		t.Errorf("JPY on screen: %q", got)
	}
}
