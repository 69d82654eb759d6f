package data_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/document"

	"golang.org/x/text/unicode/norm"
)

// logicalText folds pdftotext's output to logical text: Arabic presentation
// forms back to letters, without the bidi marks poppler puts around
// right-to-left runs.
func logicalText(s string) string {
	return norm.NFKC.String(strings.Map(func(c rune) rune {
		if c >= 0x202A && c <= 0x202E {
			return -1
		}
		return c
	}, s))
}

// A quote and an invoice whose client, title, lines and seller are in every
// script are issued and print, the emoji as U+FFFD. Before, "Pizza 🍕" made
// the renderer panic after the number was taken.
func TestDocumentInEveryScript(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	seller, _ := f.Seller(f.ctx)
	seller.Name = "חברת הדוגמה בע״מ"
	if err := f.SetSeller(f.ctx, f.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	co, err := f.CreateCompany(f.ctx, f.Sales.ID, data.CompanyInput{Name: "北京烤鸭餐厅有限公司", Address: "北京市朝阳区"})
	if err != nil {
		t.Fatal(err)
	}
	deal, err := f.CreateDeal(f.ctx, f.Sales.ID, data.DealInput{Title: "تجديد المطعم", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.SetLines(f.ctx, f.Sales.ID, deal.ID, []data.LineInput{
		{Name: "Pizza 🍕", Price: 1200, Quantity: 2000, TaxRate: 1000},
		{Name: "Ελληνικό ελαιόλαδο", Price: 1500, Quantity: 1000, TaxRate: 550},
		{Name: "Русский чай", Price: 800, Quantity: 1000, TaxRate: 550},
	}); err != nil {
		t.Fatal(err)
	}
	quote, err := f.CreateDocument(f.ctx, f.Sales.ID, deal.ID, data.DocQuote)
	if err != nil {
		t.Fatalf("quote: %v", err)
	}
	inv, err := f.InvoiceFromQuote(f.ctx, f.Sales.ID, quote.ID)
	if err != nil {
		t.Fatalf("invoice: %v", err)
	}
	for _, d := range []data.Document{quote, inv} {
		pdf, err := f.DocumentPDF(f.ctx, f.Sales.ID, d.ID)
		if err != nil {
			t.Fatalf("%s: %v", d.Number, err)
		}
		docContains(t, logicalText(docPDFText(t, pdf)), d.Number, "Pizza \uFFFD", "北京烤鸭餐厅有限公司", "تجديد المطعم",
			"Ελληνικό ελαιόλαδο", "Русский чай", "חברת הדוגמה בע״מ")
	}
}

// A document that cannot be drawn is not issued: its number stays free for
// the next one, the deal's timeline does not mention it, and a quote being
// invoiced stays as it was. Drawing is made to fail by an error and by a
// panic. Not parallel: the renderer is the package's.
func TestFailedRenderUsesNoNumber(t *testing.T) {
	f := newDocFixture(t)
	first := f.create(t, data.DocInvoice)
	quote := f.create(t, data.DocQuote)
	entries := func() int {
		es, err := f.Timeline(f.ctx, f.Sales.ID, f.deal.ID, data.TimelineCursor{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	before := entries()
	for _, fail := range []struct {
		name string
		fn   func(data.DocumentSnapshot, document.Options) ([]byte, error)
	}{
		{"error", func(s data.DocumentSnapshot, _ document.Options) ([]byte, error) {
			return nil, errors.Join(data.ErrDocumentRender, errors.New("no ink"))
		}},
		{"panic", func(s data.DocumentSnapshot, _ document.Options) ([]byte, error) {
			var lines []document.Line
			return nil, errors.New(lines[len(s.Lines)].Name) // index out of range
		}},
	} {
		restore := data.SetDocumentRenderer(fail.fn)
		_, err := f.CreateDocument(f.ctx, f.Sales.ID, f.deal.ID, data.DocInvoice)
		if !errors.Is(err, data.ErrDocumentRender) || !strings.Contains(err.Error(), "FAC-2026-0002 not issued") {
			t.Errorf("%s: create: %v; want ErrDocumentRender naming FAC-2026-0002", fail.name, err)
		}
		_, err = f.InvoiceFromQuote(f.ctx, f.Sales.ID, quote.ID)
		if !errors.Is(err, data.ErrDocumentRender) {
			t.Errorf("%s: invoice the quote: %v", fail.name, err)
		}
		if _, err := f.DocumentPDF(f.ctx, f.Sales.ID, first.ID); !errors.Is(err, data.ErrDocumentRender) ||
			!strings.Contains(err.Error(), first.Number) {
			t.Errorf("%s: PDF of %s: %v", fail.name, first.Number, err)
		}
		restore()
	}
	docs, err := f.DealDocuments(f.ctx, f.Sales.ID, f.deal.ID)
	if err != nil || len(docs) != 2 {
		t.Fatalf("documents after the failed renders: %d, %v; want the 2 issued before", len(docs), err)
	}
	if docs[1].Status != data.DocDraft {
		t.Errorf("the quote became %s", docs[1].Status)
	}
	if n := entries(); n != before {
		t.Errorf("the timeline went from %d to %d entries", before, n)
	}
	next := f.create(t, data.DocInvoice)
	if next.Number != "FAC-2026-0002" {
		t.Errorf("next invoice %s, want FAC-2026-0002: the failed ones used no number", next.Number)
	}
	if _, err := f.DocumentPDF(f.ctx, f.Sales.ID, next.ID); err != nil {
		t.Errorf("PDF once drawing works: %v", err)
	}
}

// A document is drawn with no write lock held: another process on the same
// file writes while it is being drawn, and the drawing happens once when
// nothing changed in between.
func TestDocumentDrawnOutsideTheWriteLock(t *testing.T) {
	f := newDocFixture(t)
	other, err := data.Open(f.ctx, f.Path, data.OpenOptions{Now: f.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	draws := 0
	var during error
	restore := data.SetDocumentRenderer(func(s data.DocumentSnapshot, o document.Options) ([]byte, error) {
		draws++
		ctx, cancel := context.WithTimeout(f.ctx, 2*time.Second)
		defer cancel()
		// busy_timeout would wait 5 s for a lock held by the drawing
		// transaction; the bound above makes that a failure.
		during = other.SetSetting(ctx, "drawn.by.test", s.Number)
		return document.Render(s, o)
	})
	defer restore()
	d, err := f.CreateDocument(f.ctx, f.Sales.ID, f.deal.ID, data.DocInvoice)
	if err != nil {
		t.Fatal(err)
	}
	if during != nil {
		t.Fatalf("a write from another process while the invoice was drawn: %v", during)
	}
	if draws != 1 {
		t.Errorf("the invoice was drawn %d times, want once", draws)
	}
	if v, _ := f.Setting(f.ctx, "drawn.by.test"); v != d.Number {
		t.Errorf("the other process wrote %q, want the number drawn %q", v, d.Number)
	}
}
