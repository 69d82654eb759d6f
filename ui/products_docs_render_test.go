package ui

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// overlayLabels are the texts of the labels in the window's top overlay (a
// dialog).
func overlayLabels(a *App) string {
	var b strings.Builder
	if top := a.Win.Canvas().Overlays().Top(); top != nil {
		for _, o := range test.LaidOutObjects(top) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		}
	}
	return b.String()
}

// A document whose PDF cannot be made says so in a dialog, in words; a
// panic in a document call is an error, not the end of the app.
func TestDocumentPDFFailureShownInWords(t *testing.T) {
	a, db, co := newProductsTestApp(t)
	ctx := context.Background()
	deal, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Pizzas", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, db.Sales.ID, deal.ID, []data.LineInput{{Name: "Pizza 🍕", Price: 1200, Quantity: 2000, TaxRate: 1000}}); err != nil {
		t.Fatal(err)
	}
	doc, err := db.CreateDocument(ctx, db.Sales.ID, deal.ID, data.DocInvoice)
	if err != nil {
		t.Fatalf("an invoice for a pizza emoji: %v", err)
	}
	// Damage the stored document as a foreign program could: a currency
	// with -1 decimal digits cannot be printed.
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER documents_frozen`, `UPDATE documents SET snapshot = json_set(snapshot, '$.digits', -1)`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	opened := false
	onUI(a, func() { openDocumentPDF(a, doc.ID, func(string) { opened = true }) })
	waitIdle(a)
	var shown string
	onUI(a, func() { shown = overlayLabels(a) })
	if opened || !strings.Contains(shown, lang.L("The PDF of this document could not be made.")) {
		t.Errorf("opened %v; the window shows %q", opened, shown)
	}

	err = safeDocument(func() error { panic("boom") })
	if !errors.Is(err, data.ErrDocumentRender) ||
		!strings.HasPrefix(errorText(notIssued(err)), lang.L("The document's PDF could not be made, so the document was not issued and no number was used.")) {
		t.Errorf("a panic in a document call: %v", err)
	}
}
