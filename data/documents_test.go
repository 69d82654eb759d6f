package data_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

// awkwardLines mixes three-decimal quantities, 5.5 % and 20 % VAT,
// tax-included lines, and discounts by percent and by amount.
func awkwardLines() []data.LineInput {
	return []data.LineInput{
		// 2.125 × 19.99 = 42.47875 → 42.48; VAT 5.5 % = 2.3364 → 2.34
		{Name: "Livres de cuisine", Unit: "kg", Price: 1999, Quantity: 2125, TaxRate: 550},
		// 3 × 129.90 − 10 % = 350.73; VAT 20 % = 70.146 → 70.15
		{Name: "Étagère en chêne", Price: 12990, Quantity: 3000, DiscountKind: data.DiscountPercent, Discount: 1000, TaxRate: 2000},
		// tax included: 1.5 × (10.00 − 0.35) = 14.475 → 14.48 gross; net 14.48 / 1.2 = 12.0666 → 12.07; VAT 2.41
		{Name: "Installation TTC", Price: 1000, Quantity: 1500, DiscountKind: data.DiscountAmount, Discount: 35, TaxRate: 2000, TaxIncluded: true},
		// 0.333 × 0.10 = 0.0333 → 0.03; VAT 0.006 → 0.01
		{Name: "Vis inox", Price: 10, Quantity: 333, TaxRate: 2000},
		// tax included 5.5 %: gross 5.00; net 5.00 / 1.055 = 4.7393 → 4.74; VAT 0.26
		{Name: "Confiture artisanale", Price: 500, Quantity: 1000, TaxRate: 550, TaxIncluded: true},
	}
}

func TestComputeAwkwardTotals(t *testing.T) {
	wantLines := []data.LineTotals{
		{Net: 4248, Tax: 234, Gross: 4482},
		{Net: 35073, Tax: 7015, Gross: 42088, Discount: 3897},
		{Net: 1207, Tax: 241, Gross: 1448, Discount: 52}, // 15.00 − 14.48
		{Net: 3, Tax: 1, Gross: 4},
		{Net: 474, Tax: 26, Gross: 500},
	}
	lines := awkwardLines()
	for i, l := range lines {
		if l.DiscountKind == "" {
			l.DiscountKind = data.DiscountPercent
		}
		got := data.ComputeLine(l)
		if got != wantLines[i] {
			t.Errorf("line %d (%s): got %+v, want %+v", i, l.Name, got, wantLines[i])
		}
	}
	tot := data.ComputeTotals(lines)
	if tot.Net != 41005 || tot.Tax != 7517 || tot.Gross != 48522 {
		t.Errorf("totals net %d tax %d gross %d, want 41005 7517 48522", tot.Net, tot.Tax, tot.Gross)
	}
	want := []data.RateTotal{{Rate: 550, Net: 4722, Tax: 260}, {Rate: 2000, Net: 36283, Tax: 7257}}
	if fmt.Sprint(tot.ByRate) != fmt.Sprint(want) {
		t.Errorf("by rate %+v, want %+v", tot.ByRate, want)
	}
	// Exactly half a cent rounds away from zero.
	if got := data.ComputeLine(data.LineInput{Price: 1, Quantity: 500, DiscountKind: data.DiscountPercent}); got.Net != 1 {
		t.Errorf("0.5 × 0.01 = %d cents, want 1", got.Net)
	}
	if got := data.ComputeLine(data.LineInput{Price: 25, Quantity: 1000, TaxRate: 1000, DiscountKind: data.DiscountPercent}); got.Tax != 3 {
		t.Errorf("10 %% of 0.25 = %d cents, want 3", got.Tax)
	}
}

// docFixture is a database with a seller, a client company and a deal with
// the awkward lines.
type docFixture struct {
	*datatest.DB
	ctx     context.Context
	deal    data.Deal
	company data.Company
	contact data.Contact
}

func newDocFixture(t *testing.T) *docFixture {
	t.Helper()
	db := datatest.OpenLang(t, "fr")
	f := &docFixture{DB: db, ctx: context.Background()}
	seller := data.DefaultSeller()
	seller.Name = "Atelier Dupré SARL"
	seller.Address = "12 rue des Forgerons\n69003 Lyon"
	seller.Registration = "123 456 789"
	seller.VATNumber = "FR12123456789"
	seller.IBAN = "FR76 3000 6000 0112 3456 7890 189"
	if err := db.SetSeller(f.ctx, db.Admin.ID, seller); err != nil {
		t.Fatalf("set seller: %v", err)
	}
	var err error
	f.company, err = db.CreateCompany(f.ctx, db.Sales.ID, data.CompanyInput{Name: "Hôtel des Écrins",
		Address: "5 avenue de la Gare\n05000 Gap", VATNumber: "FR98765432109"})
	if err != nil {
		t.Fatal(err)
	}
	f.contact, err = db.CreateContact(f.ctx, db.Sales.ID, data.ContactInput{Name: "Élodie Martin", CompanyID: f.company.ID,
		Emails: []string{"elodie@ecrins.example"}})
	if err != nil {
		t.Fatal(err)
	}
	f.deal, err = db.CreateDeal(f.ctx, db.Sales.ID, data.DealInput{Title: "Rénovation", CompanyID: f.company.ID, ContactID: f.contact.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(f.ctx, db.Sales.ID, f.deal.ID, awkwardLines()); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *docFixture) create(t *testing.T, kind data.DocumentKind) data.Document {
	t.Helper()
	d, err := f.CreateDocument(f.ctx, f.Sales.ID, f.deal.ID, kind)
	if err != nil {
		t.Fatalf("create %s: %v", kind, err)
	}
	return d
}

// docPDFText reads a PDF back with poppler's pdftotext, non-breaking spaces
// folded and runs of white space collapsed.
func docPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils) is needed to read the PDF back: %v", err)
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(string(out))), " ")
}

func docContains(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func TestCreateInvoiceSnapshotAndPDF(t *testing.T) {
	f := newDocFixture(t)
	inv := f.create(t, data.DocInvoice)
	if inv.Number != "FAC-2026-0001" || inv.Status != data.DocDraft || inv.Year != 2026 || inv.Seq != 1 {
		t.Fatalf("invoice %+v", inv)
	}
	if inv.Net != 41005 || inv.Tax != 7517 || inv.Gross != 48522 || inv.Currency != "EUR" {
		t.Errorf("totals %d/%d/%d %s", inv.Net, inv.Tax, inv.Gross, inv.Currency)
	}
	if inv.IssueDate != "2026-11-12" || inv.DueDate != "2026-12-12" {
		t.Errorf("dates %s → %s", inv.IssueDate, inv.DueDate)
	}
	s := inv.Snapshot
	if s.Buyer.Name != "Hôtel des Écrins" || s.Buyer.Contact != "Élodie Martin" || s.Buyer.VATNumber != "FR98765432109" ||
		!strings.Contains(s.Buyer.Address, "05000 Gap") {
		t.Errorf("buyer %+v", s.Buyer)
	}
	if s.Seller.Name != "Atelier Dupré SARL" || s.Language != "fr" || len(s.Lines) != 5 {
		t.Errorf("snapshot seller %+v, language %s, %d lines", s.Seller, s.Language, len(s.Lines))
	}

	pdf, err := f.DocumentPDF(f.ctx, f.Sales.ID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("COMPTOIR_PDF_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, inv.FileName()), pdf, 0o600)
	}
	text := docPDFText(t, pdf)
	docContains(t, text, "FACTURE", "FAC-2026-0001", "12/11/2026", "12/12/2026",
		"Atelier Dupré SARL", "123 456 789", "FR12123456789",
		"Hôtel des Écrins", "Élodie Martin", "05000 Gap", "FR98765432109",
		"Livres de cuisine (kg) 2,125 19,99 € 5,5 % 42,48 €",
		"Étagère en chêne 3 129,90 € 10 % 20 % 350,73 €",
		"Installation TTC 1,5 10,00 € -0,35 € 20 % 12,07 €",
		"Vis inox 0,333 0,10 € 20 % 0,03 €",
		"Confiture artisanale 1 5,00 € 5,5 % 4,74 €",
		"Total HT 410,05 €", "TVA 5,5 % (base 47,22 €) 2,60 €", "TVA 20 % (base 362,83 €) 72,57 €",
		"Total TTC 485,22 €", "Net à payer 485,22 €",
		"FR76 3000 6000 0112 3456 7890 189", "40 €")

	// The timeline has the document.
	es, err := f.Timeline(f.ctx, f.Sales.ID, f.deal.ID, data.TimelineCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if es[0].Kind != data.EntryDocument ||
		es[0].Data != (data.DocumentData{DocumentID: inv.ID, Number: "FAC-2026-0001", Kind: data.DocInvoice, Gross: 48522, Currency: "EUR"}) {
		t.Errorf("timeline entry %+v", es[0])
	}
}

func TestDocumentUnchangedAfterDealEdit(t *testing.T) {
	f := newDocFixture(t)
	inv := f.create(t, data.DocInvoice)
	before, err := f.DocumentPDF(f.ctx, f.Sales.ID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Edit everything the document was made from.
	if _, err := f.SetLines(f.ctx, f.Sales.ID, f.deal.ID, []data.LineInput{{Name: "Autre chose", Price: 100, Quantity: 1000, TaxRate: 2000}}); err != nil {
		t.Fatal(err)
	}
	in := f.deal.Input()
	in.Title = "Autre titre"
	if _, err := f.UpdateDeal(f.ctx, f.Sales.ID, f.deal.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.UpdateCompany(f.ctx, f.Sales.ID, f.company.ID, data.CompanyInput{Name: "Nouveau nom", Address: "ailleurs"}); err != nil {
		t.Fatal(err)
	}
	seller := data.DefaultSeller()
	seller.Name = "Autre vendeur"
	if err := f.SetSeller(f.ctx, f.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}

	again, err := f.Document(f.ctx, f.Sales.ID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Gross != 48522 || again.Snapshot.Buyer.Name != "Hôtel des Écrins" || again.Snapshot.Seller.Name != "Atelier Dupré SARL" ||
		len(again.Snapshot.Lines) != 5 || again.Snapshot.Title != "Rénovation" {
		t.Errorf("document changed with the deal: %+v", again.Snapshot)
	}
	after, err := f.DocumentPDF(f.ctx, f.Sales.ID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("the PDF of an issued document changed after the deal was edited")
	}
	// A correction is a new document, made from the deal as it is now.
	next := f.create(t, data.DocInvoice)
	if next.Number != "FAC-2026-0002" || next.Gross != 120 || next.Snapshot.Buyer.Name != "Nouveau nom" {
		t.Errorf("new invoice %s gross %d buyer %q", next.Number, next.Gross, next.Snapshot.Buyer.Name)
	}
}

func TestDocumentRowIsFrozen(t *testing.T) {
	f := newDocFixture(t)
	inv := f.create(t, data.DocInvoice)
	// Even a direct write to the file cannot change an issued document.
	db := docOpenRaw(t, f.Path)
	if _, err := db.Exec(`UPDATE documents SET gross = 1 WHERE id = ?`, inv.ID); err == nil || !strings.Contains(err.Error(), "cannot be changed") {
		t.Errorf("direct update of an issued document: %v", err)
	}
}

func TestGaplessNumberingUnderConcurrency(t *testing.T) {
	f := newDocFixture(t)
	// A second process on the same file (the CLI, say) creates at the same time.
	other, err := data.Open(f.ctx, f.Path, data.OpenOptions{Now: f.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const per = 12
	var wg sync.WaitGroup
	errs := make(chan error, 4*per)
	numbers := make(chan string, 4*per)
	for _, st := range []*data.Store{f.Store, other} {
		for _, kind := range []data.DocumentKind{data.DocInvoice, data.DocQuote} {
			for range per {
				wg.Go(func() {
					d, err := st.CreateDocument(f.ctx, f.Sales.ID, f.deal.ID, kind)
					if err != nil {
						errs <- err
						return
					}
					numbers <- d.Number
				})
			}
		}
	}
	wg.Wait()
	close(errs)
	close(numbers)
	for err := range errs {
		t.Errorf("concurrent create: %v", err)
	}
	seen := map[string]bool{}
	for n := range numbers {
		if seen[n] {
			t.Errorf("number %s given twice", n)
		}
		seen[n] = true
	}
	for i := 1; i <= 2*per; i++ {
		for _, p := range []string{"FAC", "DEV"} {
			n := fmt.Sprintf("%s-2026-%04d", p, i)
			if !seen[n] {
				t.Errorf("number %s missing: a gap", n)
			}
		}
	}
	if len(seen) != 4*per {
		t.Errorf("%d numbers, want %d", len(seen), 4*per)
	}
	docs, err := f.DealDocuments(f.ctx, f.Sales.ID, f.deal.ID)
	if err != nil || len(docs) != 4*per {
		t.Fatalf("deal documents: %d, %v", len(docs), err)
	}
	// A new year starts again at 1.
	f.Clock.Set(time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC))
	if d := f.create(t, data.DocInvoice); d.Number != "FAC-2027-0001" {
		t.Errorf("first invoice of 2027 is %s", d.Number)
	}
}

func TestDocumentRefusals(t *testing.T) {
	f := newDocFixture(t)
	field := func(err error) string {
		t.Helper()
		v := data.FieldErrors(err)
		if v == nil {
			t.Fatalf("want a validation error, got %v", err)
		}
		return v.Fields[0].Field
	}
	// No lines.
	empty, err := f.CreateDeal(f.ctx, f.Sales.ID, data.DealInput{Title: "Vide", CompanyID: f.company.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.CreateDocument(f.ctx, f.Sales.ID, empty.ID, data.DocInvoice)
	if got := field(err); got != "lines" {
		t.Errorf("no lines: field %s", got)
	}
	// No client.
	anon, err := f.CreateDeal(f.ctx, f.Sales.ID, data.DealInput{Title: "Sans client"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.SetLines(f.ctx, f.Sales.ID, anon.ID, awkwardLines()); err != nil {
		t.Fatal(err)
	}
	_, err = f.CreateDocument(f.ctx, f.Sales.ID, anon.ID, data.DocInvoice)
	if got := field(err); got != "client" {
		t.Errorf("no client: field %s", got)
	}
	// Unknown kind.
	_, err = f.CreateDocument(f.ctx, f.Sales.ID, f.deal.ID, "receipt")
	if got := field(err); got != "kind" {
		t.Errorf("bad kind: field %s", got)
	}
	// Someone who cannot see the deal.
	if _, err := f.CreateDocument(f.ctx, f.Sales2.ID, f.deal.ID, data.DocInvoice); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("stranger creates a document: %v", err)
	}
	// Nothing was numbered by the refusals: the first invoice is still 0001.
	if d := f.create(t, data.DocInvoice); d.Number != "FAC-2026-0001" {
		t.Errorf("after refusals the first invoice is %s", d.Number)
	}
	if _, err := f.DocumentPDF(f.ctx, f.Sales2.ID, 1); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("stranger reads a PDF: %v", err)
	}
	// Seller settings are checked, and kept by admins only.
	if err := f.SetSeller(f.ctx, f.Admin.ID, data.Seller{Name: "X", QuotePrefix: "A B", InvoicePrefix: "FAC", QuoteValidityDays: 30}); field(err) != "quote_prefix" {
		t.Errorf("bad prefix accepted: %v", err)
	}
	if err := f.SetSeller(f.ctx, f.Sales.ID, data.DefaultSeller()); err == nil {
		t.Error("a sales employee changed the seller")
	}
}

func TestStatusesQuoteToInvoiceAndPayment(t *testing.T) {
	f := newDocFixture(t)
	q := f.create(t, data.DocQuote)
	if q.Number != "DEV-2026-0001" || q.DueDate != "2026-12-12" || q.Snapshot.ValidUntil != "2026-12-12" {
		t.Fatalf("quote %s valid until %s", q.Number, q.DueDate)
	}
	pdf, err := f.DocumentPDF(f.ctx, f.Sales.ID, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	docContains(t, docPDFText(t, pdf), "DEVIS", "DEV-2026-0001", "Valable jusqu'au", "12/12/2026", "Bon pour accord")

	if _, err := f.SetDocumentStatus(f.ctx, f.Sales.ID, q.ID, data.DocPaid); data.FieldErrors(err) == nil {
		t.Errorf("a quote was marked paid: %v", err)
	}
	q, err = f.SetDocumentStatus(f.ctx, f.Sales.ID, q.ID, data.DocSent)
	if err != nil || q.Status != data.DocSent {
		t.Fatalf("send quote: %v %s", err, q.Status)
	}
	f.Clock.Advance(48 * time.Hour)
	inv, err := f.InvoiceFromQuote(f.ctx, f.Sales.ID, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Kind != data.DocInvoice || inv.Number != "FAC-2026-0001" || inv.SourceID != q.ID || inv.SourceNumber != "DEV-2026-0001" ||
		inv.Gross != q.Gross || inv.IssueDate != "2026-11-14" || inv.DueDate != "2026-12-14" || inv.Snapshot.SourceNumber != "DEV-2026-0001" {
		t.Errorf("invoice from quote %+v", inv)
	}
	q, _ = f.Document(f.ctx, f.Sales.ID, q.ID)
	if q.Status != data.DocAccepted {
		t.Errorf("quote after invoicing: %s", q.Status)
	}
	if _, err := f.InvoiceFromQuote(f.ctx, f.Sales.ID, inv.ID); data.FieldErrors(err) == nil {
		t.Errorf("an invoice was invoiced: %v", err)
	}

	inv, err = f.MarkInvoicePaid(f.ctx, f.Sales.ID, inv.ID, data.Payment{Date: "2026-11-20", Method: "bank_transfer", Reference: "VIR 42"})
	if err != nil || inv.Status != data.DocPaid {
		t.Fatalf("mark paid: %v %s", err, inv.Status)
	}
	es, err := f.Timeline(f.ctx, f.Sales.ID, f.deal.ID, data.TimelineCursor{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := es[0]
	if pd, _ := p.Data.(data.PaymentData); p.Kind != data.EntryPayment || pd.Amount != 48522 || pd.Currency != "EUR" || pd.Date != "2026-11-20" ||
		pd.Method != "bank_transfer" || pd.Reference != "VIR 42" || pd.Document != "FAC-2026-0001" || pd.DocumentID == 0 {
		t.Errorf("payment entry %+v", p)
	}
	if _, err := f.SetDocumentStatus(f.ctx, f.Sales.ID, inv.ID, data.DocSent); data.FieldErrors(err) == nil {
		t.Errorf("a paid invoice went back to sent: %v", err)
	}
	// A second quote declined cannot be invoiced.
	q2 := f.create(t, data.DocQuote)
	if _, err := f.SetDocumentStatus(f.ctx, f.Sales.ID, q2.ID, data.DocDeclined); err != nil {
		t.Fatal(err)
	}
	if _, err := f.InvoiceFromQuote(f.ctx, f.Sales.ID, q2.ID); data.FieldErrors(err) == nil {
		t.Errorf("a declined quote was invoiced: %v", err)
	}
	docs, err := f.DealDocuments(f.ctx, f.Sales.ID, f.deal.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Number+" "+string(d.Status))
	}
	if strings.Join(got, ", ") != "DEV-2026-0001 accepted, FAC-2026-0001 paid, DEV-2026-0002 declined" {
		t.Errorf("deal documents: %v", got)
	}
}

func TestDocumentEnglishAndJSON(t *testing.T) {
	f := newDocFixture(t)
	seller, _ := f.Seller(f.ctx)
	seller.Language = "en"
	seller.InvoicePrefix = "INV"
	seller.PaymentDays = 0
	if err := f.SetSeller(f.ctx, f.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	inv := f.create(t, data.DocInvoice)
	if inv.Number != "INV-2026-0001" || inv.DueDate != "2026-11-12" {
		t.Errorf("invoice %s due %s", inv.Number, inv.DueDate)
	}
	pdf, err := f.DocumentPDF(f.ctx, f.Sales.ID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	docContains(t, docPDFText(t, pdf), "INVOICE", "INV-2026-0001", "Payment on receipt", "€485.22", "VAT 5.5% (on €47.22) €2.60")
	b, err := inv.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"number":"INV-2026-0001"`, `"gross":"485.22"`, `"net":"410.05"`, `"status":"draft"`, `"kind":"invoice"`} {
		if !strings.Contains(string(b), w) {
			t.Errorf("JSON %s lacks %s", b, w)
		}
	}
}

// BenchmarkDocumentPDF100Lines reads and renders a stored 100-line invoice.
func BenchmarkDocumentPDF100Lines(b *testing.B) {
	db := datatest.OpenLang(b, "fr")
	ctx := context.Background()
	seller := data.DefaultSeller()
	seller.Name = "Atelier"
	if err := db.SetSeller(ctx, db.Admin.ID, seller); err != nil {
		b.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, db.Admin.ID, data.CompanyInput{Name: "Client"})
	if err != nil {
		b.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Admin.ID, data.DealInput{Title: "Gros", CompanyID: co.ID})
	if err != nil {
		b.Fatal(err)
	}
	var lines []data.LineInput
	for i := range 100 {
		lines = append(lines, data.LineInput{Name: fmt.Sprintf("Article %d", i), Price: int64(100 + i), Quantity: 1500, TaxRate: 2000})
	}
	if _, err := db.SetLines(ctx, db.Admin.ID, d.ID, lines); err != nil {
		b.Fatal(err)
	}
	doc, err := db.CreateDocument(ctx, db.Admin.ID, d.ID, data.DocInvoice)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := db.DocumentPDF(ctx, db.Admin.ID, doc.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// docOpenRaw opens the database file directly, as another program would.
func docOpenRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A line so large that its figures overflow int64 must be refused.
// ComputeLine wraps around (a negative gross) and ValidateLine lets the line
// through, so SetLines stores it and the deal's amount becomes garbage; the
// fix belongs in data/products.go (a bound on quantity × price). Documents
// already refuse such lines.
func TestHugeLineIsRefused(t *testing.T) {
	huge := data.LineInput{Name: "Huge", Price: 100_000_000, Quantity: 1_000_000_000_000_000, TaxRate: 2000, DiscountKind: data.DiscountPercent}
	f := newDocFixture(t)
	before, err := f.Lines(f.ctx, f.Sales.ID, f.deal.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.SetLines(f.ctx, f.Sales.ID, f.deal.ID, []data.LineInput{huge})
	if v := data.FieldErrors(err); v == nil || v.Field("lines[0].total") == nil {
		t.Fatalf("a line of 10^12 units at 1 000 000 €: %v; want a lines[0].total error (its totals would wrap around to %+v)", err, data.ComputeLine(huge))
	}
	after, err := f.Lines(f.ctx, f.Sales.ID, f.deal.ID)
	if err != nil || len(after) != len(before) {
		t.Fatalf("lines after the refused write: %d, want the %d there were (%v)", len(after), len(before), err)
	}
	// What is stored can always be invoiced: the refused line never got in.
	if _, err := f.CreateDocument(f.ctx, f.Sales.ID, f.deal.ID, data.DocInvoice); err != nil {
		t.Errorf("invoice from the stored lines: %v", err)
	}
}

// A line keeps the name and price it was added with when the catalog
// changes, and so does every document made from it.
func TestLineKeepsCatalogSnapshot(t *testing.T) {
	f := newDocFixture(t)
	p, err := f.SaveProduct(f.ctx, f.Admin.ID, 0, data.ProductInput{Name: "Chaise", SKU: "CH-1", Price: 4990, TaxRate: 2000, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	in := data.LineInput{ProductID: p.ID, Name: p.Name, Price: p.Price, Quantity: 2000, TaxRate: p.TaxRate}
	if _, err := f.SetLines(f.ctx, f.Sales.ID, f.deal.ID, []data.LineInput{in}); err != nil {
		t.Fatal(err)
	}
	q := f.create(t, data.DocQuote)
	if _, err := f.SaveProduct(f.ctx, f.Admin.ID, p.ID, data.ProductInput{Name: "Chaise design", SKU: "CH-1", Price: 9990, TaxRate: 550, Active: true}); err != nil {
		t.Fatal(err)
	}
	lines, err := f.Lines(f.ctx, f.Sales.ID, f.deal.ID)
	if err != nil || len(lines) != 1 || lines[0].Name != "Chaise" || lines[0].Price != 4990 || lines[0].TaxRate != 2000 {
		t.Errorf("line after a catalog change: %+v, %v", lines, err)
	}
	inv, err := f.InvoiceFromQuote(f.ctx, f.Sales.ID, q.ID)
	if err != nil || inv.Snapshot.Lines[0].Name != "Chaise" || inv.Gross != 11976 {
		t.Errorf("invoice after a catalog change: %+v, %v", inv.Snapshot.Lines, err)
	}
}
