package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"comptoir/data"
	"comptoir/data/datatest"
)

// newProductsTestApp is an App over a real SQLite file (French), used by
// the sales employee, with a seller configured and a client company.
func newProductsTestApp(t testing.TB) (*App, *datatest.DB, data.Company) {
	t.Helper()
	fa := test.NewTempApp(t)
	db := datatest.OpenLang(t, "fr")
	w := fa.NewWindow("Comptoir")
	w.Resize(fyne.NewSize(1100, 800))
	a := newTestApp(t, fa, w, testDeps(db.Store, "fr"))
	a.Me = db.Sales
	t.Cleanup(func() {
		a.close()
		waitIdle(a)
	})
	ctx := context.Background()
	seller := data.DefaultSeller()
	seller.Name = "Atelier Dupré"
	if err := db.SetSeller(ctx, db.Admin.ID, seller); err != nil {
		t.Fatal(err)
	}
	co, err := db.CreateCompany(ctx, db.Sales.ID, data.CompanyInput{Name: "Hôtel des Écrins"})
	if err != nil {
		t.Fatal(err)
	}
	return a, db, co
}

// openProductsTab opens the deal's form and returns its Products tab.
func openProductsTab(t testing.TB, a *App, dealID int64) *productsTab {
	t.Helper()
	var f *DealForm
	onUI(a, func() { f = openDealForm(a, dealID, data.DealInput{}) })
	waitIdle(a)
	waitIdle(a)
	pt := f.products
	if pt == nil || pt.f.Deal.ID != dealID {
		t.Fatal("the deal form has no Products tab")
	}
	return pt
}

func TestProductsTabEditTotalsSaveAndInvoice(t *testing.T) {
	a, db, co := newProductsTestApp(t)
	ctx := context.Background()
	if _, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Chaise bistrot", SKU: "CH-1", Unit: "pièce",
		Price: 4990, TaxRate: 2000, Active: true}); err != nil {
		t.Fatal(err)
	}
	deal, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Terrasse", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	pt := openProductsTab(t, a, deal.ID)
	if len(pt.rows) != 0 || pt.docs.create.Disabled() == false {
		t.Fatalf("a new deal shows %d lines; create enabled: %v", len(pt.rows), !pt.docs.create.Disabled())
	}

	// Search as you type, then pick the product.
	onUI(a, func() { test.Type(pt.search, "chai") })
	waitIdle(a)
	if len(pt.hits) != 1 || pt.hits[0].SKU != "CH-1" {
		t.Fatalf("catalog hits %v", pt.hits)
	}
	onUI(a, func() { pt.addProduct(pt.hits[0]) })
	if len(pt.rows) != 1 || pt.rows[0].name.Text != "Chaise bistrot" || pt.rows[0].in.ProductID == 0 {
		t.Fatalf("line from catalog: %+v", pt.rows)
	}
	r := pt.rows[0]
	// 2.125 chairs at 49,90 € less 10 %: 2.125 × 44.91 = 95.43375 → 95,43 € net; VAT 19,09; gross 114,52.
	onUI(a, func() {
		r.qty.SetText("")
		test.Type(r.qty, "2,125")
		test.Type(r.discount, "10")
	})
	if got := r.total.Text; got != "95,43\u00a0€" {
		t.Errorf("line total %q", got)
	}
	// A free line at 5.5 %, tax included.
	onUI(a, func() { test.Tap(pt.addFree) })
	f := pt.rows[1]
	onUI(a, func() {
		test.Type(f.name, "Livre de cuisine")
		f.price.SetText("")
		test.Type(f.price, "21,10")
		f.rate.SetText("")
		test.Type(f.rate, "5,5")
		test.Tap(f.included)
	})
	// gross 21,10; net 21.10 / 1.055 = 20,00; VAT 1,10.
	if pt.net.Text != "115,43\u00a0€" || pt.gross.Text != "135,62\u00a0€" {
		t.Errorf("totals net %q gross %q", pt.net.Text, pt.gross.Text)
	}
	if n := len(pt.byRate.Objects); n != 2 {
		t.Errorf("%d tax rates shown, want 2", n)
	}
	if !pt.docs.create.Disabled() {
		t.Error("documents can be made from unsaved lines")
	}

	// A bad quantity: the line shows its error and is left out.
	onUI(a, func() {
		f.qty.SetText("")
		test.Type(f.qty, "0")
	})
	if f.valid || f.err.Hidden || !pt.saveBtn.Disabled() {
		t.Errorf("quantity 0 accepted: valid %v, error %q", f.valid, f.err.Text)
	}
	if pt.net.Text != "95,43\u00a0€" {
		t.Errorf("the bad line counted: net %q", pt.net.Text)
	}
	onUI(a, func() { f.qty.SetText("1") })
	if !f.valid || pt.saveBtn.Disabled() {
		t.Fatalf("fixed line still invalid: %q", f.err.Text)
	}

	// Reorder, then save.
	onUI(a, func() { test.Tap(f.up) })
	if pt.rows[0] != f {
		t.Fatal("move up did nothing")
	}
	onUI(a, func() { test.Tap(pt.saveBtn) })
	waitIdle(a)
	lines, err := db.Lines(ctx, db.Sales.ID, deal.ID)
	if err != nil || len(lines) != 2 || lines[0].Name != "Livre de cuisine" || lines[1].Quantity != 2125 || lines[1].Discount != 1000 {
		t.Fatalf("saved lines %+v, %v", lines, err)
	}
	d, _ := db.Store.Deal(ctx, db.Sales.ID, deal.ID)
	if d.Amount != 13562 {
		t.Errorf("deal amount %d, want the lines' gross 13562", d.Amount)
	}
	waitIdle(a)
	if pt.dirty() || pt.docs.create.Disabled() {
		t.Fatalf("after save: dirty %v, create disabled %v", pt.dirty(), pt.docs.create.Disabled())
	}

	// Create an invoice from the saved lines; it shows in the list.
	onUI(a, func() { pt.docs.createDoc(data.DocInvoice) })
	waitIdle(a)
	waitIdle(a)
	docs, err := db.DealDocuments(ctx, db.Sales.ID, deal.ID)
	if err != nil || len(docs) != 1 || docs[0].Gross != 13562 || !strings.HasPrefix(docs[0].Number, "FAC-") {
		t.Fatalf("documents %+v, %v", docs, err)
	}
	if len(pt.docs.docs) != 1 {
		t.Errorf("the panel lists %d documents", len(pt.docs.docs))
	}
	onUI(a, func() { pt.docs.open(docs[0]) })
	waitIdle(a)
	pdf, err := os.ReadFile(pt.docs.lastOpen)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("opened PDF: %v", err)
	}

	var saved bufCloser
	onUI(a, func() { writeDocumentPDF(a, docs[0].ID, &saved) })
	waitIdle(a)
	if !saved.closed || !strings.HasPrefix(saved.String(), "%PDF-") {
		t.Errorf("saved PDF: closed %v, %d bytes", saved.closed, saved.Len())
	}
	// Mark it paid: the payment lands in the timeline.
	onUI(a, func() {
		pt.docs.applyStatus(docs[0], data.DocPaid, data.Payment{Method: "bank_transfer", Reference: "VIR-1"})
	})
	waitIdle(a)
	waitIdle(a)
	es, err := db.Timeline(ctx, db.Sales.ID, deal.ID, data.TimelineCursor{}, 1)
	if err != nil || len(es) == 0 {
		t.Fatalf("timeline: %v", err)
	}
	if pd, _ := es[0].Data.(data.PaymentData); es[0].Kind != data.EntryPayment || pd.Reference != "VIR-1" {
		t.Errorf("payment entry %+v, %v", es, err)
	}
	if len(pt.docs.docs) != 1 || pt.docs.docs[0].Status != data.DocPaid {
		t.Errorf("the panel shows %+v", pt.docs.docs)
	}

	// Remove a line.
	onUI(a, func() { test.Tap(pt.rows[0].del) })
	if len(pt.rows) != 1 || !pt.dirty() {
		t.Errorf("remove: %d rows, dirty %v", len(pt.rows), pt.dirty())
	}
}

func TestProductsTabReadOnlyForObserver(t *testing.T) {
	a, db, co := newProductsTestApp(t)
	ctx := context.Background()
	deal, err := db.CreateDeal(ctx, db.Sales2.ID, data.DealInput{Title: "Autre", CompanyID: co.ID, Observers: []int64{db.Sales.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, db.Sales2.ID, deal.ID, []data.LineInput{{Name: "Table", Price: 10000, Quantity: 1000, TaxRate: 2000}}); err != nil {
		t.Fatal(err)
	}
	pt := openProductsTab(t, a, deal.ID)
	waitIdle(a)
	if len(pt.rows) != 1 || !pt.rows[0].qty.Disabled() || !pt.search.Disabled() || !pt.docs.create.Disabled() {
		t.Errorf("an observer can edit: rows %d", len(pt.rows))
	}
	if pt.gross.Text != "120,00\u00a0€" {
		t.Errorf("gross %q", pt.gross.Text)
	}
}

// BenchmarkProductsTabKeystroke200Lines is one keystroke in a quantity of
// a 200-line deal: the line and every total recomputed and shown (target
// ≤ 20 ms).
func BenchmarkProductsTabKeystroke200Lines(b *testing.B) {
	a, db, co := newProductsTestApp(b)
	ctx := context.Background()
	deal, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Gros", CompanyID: co.ID})
	if err != nil {
		b.Fatal(err)
	}
	var lines []data.LineInput
	for i := range 200 {
		lines = append(lines, data.LineInput{Name: fmt.Sprintf("Article %d", i), Price: int64(1000 + i), Quantity: 1000,
			TaxRate: []int64{550, 2000}[i%2], Discount: 500})
	}
	if _, err := db.SetLines(ctx, db.Sales.ID, deal.ID, lines); err != nil {
		b.Fatal(err)
	}
	pt := openProductsTab(b, a, deal.ID)
	onUI(a, func() { a.Win.SetContent(pt.root) })
	if len(pt.rows) != 200 {
		b.Fatalf("%d rows", len(pt.rows))
	}
	e := pt.rows[100].qty
	waitIdle(a)
	onUI(a, func() { // the benchmark runs on the UI goroutine
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			e.SetText(fmt.Sprintf("%d", i%9+1)) // OnChanged: parse, ComputeLine, ComputeTotals, labels
		}
	})
}

func TestCatalogScreenEditAndImport(t *testing.T) {
	a, db, _ := newProductsTestApp(t)
	a.Me = db.Manager
	var s *catalogScreen
	onUI(a, func() {
		s = newCatalogScreen(a)
		a.Win.SetContent(s.root)
	})
	waitIdle(a)
	if len(s.products) != 0 {
		t.Fatalf("empty catalog lists %d", len(s.products))
	}
	var f *productForm
	onUI(a, func() {
		test.Tap(s.newBtn)
		f = s.form
		test.Type(f.name, "Chaise bistrot")
		test.Type(f.sku, "CH-1")
		f.price.SetText("49,90")
		f.rate.SetText("5,5")
		test.Tap(f.saveBtn)
	})
	waitIdle(a)
	waitIdle(a)
	if len(s.products) != 1 || s.products[0].Price != 4990 || s.products[0].TaxRate != 550 {
		t.Fatalf("after save: %+v", s.products)
	}
	// A taken SKU shows next to the field.
	onUI(a, func() {
		test.Tap(s.newBtn)
		f = s.form
		test.Type(f.name, "Autre")
		test.Type(f.sku, "CH-1")
		f.price.SetText("1")
		test.Tap(f.saveBtn)
	})
	waitIdle(a)
	if f.errs["sku"].Hidden || f.errs["sku"].Text == "" {
		t.Error("the taken SKU is not shown on its field")
	}
	onUI(a, f.dlg.Hide)

	// A bad file: nothing imported, each line named.
	onUI(a, func() { s.importFrom(io.NopCloser(strings.NewReader("name,sku,price\nTable,TB-1,100\n,XX,abc\n"))) })
	waitIdle(a)
	if !strings.Contains(s.lastImport, "3") || !strings.Contains(s.lastImport, "price") || len(s.products) != 1 {
		t.Errorf("bad import: %q, %d products", s.lastImport, len(s.products))
	}
	onUI(a, func() {
		s.importFrom(io.NopCloser(strings.NewReader("name,sku,price\nTable,TB-1,100\nChaise bistrot,CH-1,45\n")))
	})
	waitIdle(a)
	waitIdle(a)
	if len(s.products) != 2 || !strings.Contains(s.lastImport, "1") {
		t.Errorf("good import: %q, %v", s.lastImport, s.products)
	}
	onUI(a, func() { test.Type(s.search, "tab") })
	waitIdle(a)
	if len(s.products) != 1 || s.products[0].Name != "Table" {
		t.Errorf("search: %v", s.products)
	}
}

func TestSellerSettingsForm(t *testing.T) {
	a, db, _ := newProductsTestApp(t)
	a.Me = db.Admin
	var f *sellerForm
	onUI(a, func() {
		f = newSellerForm(a)
		a.Win.SetContent(container.NewVScroll(f.root))
	})
	waitIdle(a)
	if f.name.Text != "Atelier Dupré" || f.quotePfx.Text != "DEV" || f.days.Text != "30" {
		t.Fatalf("form shows %q %q %q", f.name.Text, f.quotePfx.Text, f.days.Text)
	}
	onUI(a, func() {
		f.invoicePfx.SetText("DEV")
		test.Tap(f.saveBtn)
	})
	waitIdle(a)
	if f.errs["invoice_prefix"].Hidden {
		t.Error("same prefixes accepted")
	}
	onUI(a, func() {
		f.invoicePfx.SetText("FA")
		f.iban.SetText("fr76 3000 6000 0112 3456 7890 189")
		f.days.SetText("45")
		test.Tap(f.saveBtn)
	})
	waitIdle(a)
	s, err := db.Seller(context.Background())
	if err != nil || s.InvoicePrefix != "FA" || s.PaymentDays != 45 || s.IBAN != "FR76 3000 6000 0112 3456 7890 189" {
		t.Errorf("saved seller %+v, %v", s, err)
	}
	// A sales employee sees the details but cannot change them.
	a.Me = db.Sales
	var g *sellerForm
	onUI(a, func() { g = newSellerForm(a) })
	waitIdle(a)
	if !g.saveBtn.Disabled() || !g.name.Disabled() {
		t.Error("a sales employee can edit the seller")
	}
}

// TestProductsTabScreenshot renders the Products tab with lines and a
// document; with COMPTOIR_SHOT_DIR set it keeps the picture there, to look
// at the layout.
func TestProductsTabScreenshot(t *testing.T) {
	dir := os.Getenv("COMPTOIR_SHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	a, db, co := newProductsTestApp(t)
	ctx := context.Background()
	deal, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Terrasse", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLines(ctx, db.Sales.ID, deal.ID, []data.LineInput{
		{Name: "Chaise bistrot", Unit: "pièce", Price: 4990, Quantity: 12000, TaxRate: 2000, DiscountKind: data.DiscountPercent, Discount: 1000},
		{Name: "Livre de cuisine", Price: 2110, Quantity: 2125, TaxRate: 550, TaxIncluded: true},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDocument(ctx, db.Sales.ID, deal.ID, data.DocQuote); err != nil {
		t.Fatal(err)
	}
	pt := openProductsTab(t, a, deal.ID)
	w := pt.f.Window()
	onUI(a, func() {
		w.Resize(fyne.NewSize(780, 760))
		for i, it := range pt.f.tabs.Items {
			if it.Content == pt.root {
				pt.f.tabs.SelectIndex(i)
			}
		}
	})
	waitIdle(a)
	var img image.Image
	onUI(a, func() { img = w.Canvas().Capture() })
	out, err := os.Create(filepath.Join(dir, "products-tab.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, img); err != nil {
		t.Fatal(err)
	}
	if len(pt.rows) != 2 || len(pt.docs.docs) != 1 || pt.gross.Text == "" || img.Bounds().Dx() < 700 {
		t.Errorf("rendered tab: %d rows, %d documents, gross %q, %v", len(pt.rows), len(pt.docs.docs), pt.gross.Text, img.Bounds())
	}
}

// bufCloser is a buffer that remembers being closed.
type bufCloser struct {
	bytes.Buffer
	closed bool
}

func (b *bufCloser) Close() error { b.closed = true; return nil }

// TestProductsScreensInMainWindow opens the catalog and the seller's
// settings from the main window's navigation.
func TestProductsScreensInMainWindow(t *testing.T) {
	db := datatest.OpenLang(t, "fr")
	ctx := context.Background()
	if _, err := db.SaveProduct(ctx, db.Admin.ID, 0, data.ProductInput{Name: "Chaise bistrot", SKU: "CH-1", Unit: "pièce",
		Price: 4990, TaxRate: 2000, Active: true}); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Admin)
	onUI(a, func() { a.main.show("products") })
	waitFor(t, a, "the catalog", func() bool { return a.main.products != nil && len(a.main.products.products) == 1 })
	shot(t, a, a.Win, "catalog.png")
	onUI(a, func() { a.main.show("settings") })
	waitIdle(a)
	var found bool
	onUI(a, func() { found = a.main.settings != nil && a.main.settings.seller != nil })
	if !found {
		t.Fatal("the settings screen has no company section")
	}
	onUI(a, func() {
		tabs := a.main.settings.tabs
		for i, it := range tabs.Items {
			if it.Text == lang.L("Company & documents") {
				tabs.SelectIndex(i)
			}
		}
		if sc, ok := tabs.Selected().Content.(*container.Scroll); !ok || !isInTree(sc.Content, a.main.settings.seller.root) {
			t.Error("the Company & documents tab does not show the seller's form")
		}
	})
	shot(t, a, a.Win, "settings-company.png")
}

// shot keeps a picture of a window of the App in COMPTOIR_SHOT_DIR, when
// set.
func shot(t *testing.T, a *App, w fyne.Window, name string) {
	dir := os.Getenv("COMPTOIR_SHOT_DIR")
	if dir == "" {
		return
	}
	var img image.Image
	onUI(a, func() { img = w.Canvas().Capture() })
	out, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, img); err != nil {
		t.Fatal(err)
	}
}

// TestProductsTabLinesPushTotalsDown: adding lines lays the tab out again,
// so the totals are drawn below the last line, never over it.
func TestProductsTabLinesPushTotalsDown(t *testing.T) {
	a, db, co := newProductsTestApp(t)
	deal, err := db.CreateDeal(context.Background(), db.Sales.ID, data.DealInput{Title: "Terrasse", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	pt := openProductsTab(t, a, deal.ID)
	onUI(a, func() {
		for i, it := range pt.f.tabs.Items {
			if it.Content == pt.root {
				pt.f.tabs.SelectIndex(i)
			}
		}
	})
	for i := 0; i < 3; i++ {
		onUI(a, func() { test.Tap(pt.addFree) })
	}
	var lastBottom, totalsTop float32
	onUI(a, func() {
		d := fyne.CurrentApp().Driver()
		last := pt.rows[len(pt.rows)-1].root
		lastBottom = d.AbsolutePositionForObject(last).Y + last.Size().Height
		totalsTop = d.AbsolutePositionForObject(pt.net).Y
	})
	if totalsTop < lastBottom {
		t.Errorf("the totals (y=%v) are drawn over the last line (bottom y=%v)", totalsTop, lastBottom)
	}
}

// selectProductsTab shows the Products tab of its form.
func selectProductsTab(pt *productsTab) {
	for i, it := range pt.f.tabs.Items {
		if it.Content == pt.root {
			pt.f.tabs.SelectIndex(i)
		}
	}
}

// inside reports whether o is shown and lies within the canvas width (no
// horizontal scrolling needed to reach it).
func inside(o fyne.CanvasObject, width float32) bool {
	if !o.Visible() || o.Size().Width <= 0 {
		return false
	}
	x := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X
	return x >= 0 && x+o.Size().Width <= width+0.5
}

// TestProductsTabPhoneCards: in a window as narrow as a phone, each line is
// a card whose fields and buttons all lie within the window; the totals stay
// in view below many lines; an edit on a card saves and sets the deal's
// amount; the tab goes back to its desktop rows when the window widens.
func TestProductsTabPhoneCards(t *testing.T) {
	a, db, co := newProductsTestApp(t)
	ctx := context.Background()
	deal, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Terrasse", CompanyID: co.ID})
	if err != nil {
		t.Fatal(err)
	}
	var lines []data.LineInput
	for i := range 6 {
		lines = append(lines, data.LineInput{Name: fmt.Sprintf("Chaise bistrot %d", i), Unit: "pièce", Price: 4990, Quantity: 2000,
			TaxRate: 2000, DiscountKind: data.DiscountPercent, Discount: 1000})
	}
	if _, err := db.SetLines(ctx, db.Sales.ID, deal.ID, lines); err != nil {
		t.Fatal(err)
	}
	before := data.ComputeTotals(lines).Gross
	pt := openProductsTab(t, a, deal.ID)
	w := pt.f.Window()
	onUI(a, func() {
		selectProductsTab(pt)
		w.Resize(fyne.NewSize(400, 800))
	})
	waitIdle(a)
	if len(pt.rows) != 6 {
		t.Fatalf("%d rows", len(pt.rows))
	}
	check := func(when string) {
		t.Helper()
		onUI(a, func() {
			if !pt.narrow {
				t.Errorf("%s: the tab keeps its desktop layout at 400 px", when)
			}
			width := w.Canvas().Size().Width
			for i, r := range pt.rows {
				for name, o := range map[string]fyne.CanvasObject{"name": r.name, "quantity": r.qty, "price": r.price,
					"discount": r.discount, "discount kind": r.discKind, "tax": r.rate, "tax included": r.included,
					"total": r.total, "remove": r.del, "up": r.up, "down": r.down} {
					if !inside(o, width) {
						t.Errorf("%s: line %d: the %s is not within the %v px window (x=%v, width %v)", when, i, name, width,
							fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X, o.Size().Width)
					}
				}
				if y := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.qty).Y; y <= fyne.CurrentApp().Driver().AbsolutePositionForObject(r.name).Y {
					t.Errorf("%s: line %d: the quantity is not under the name", when, i)
				}
			}
			// The totals stay in view under six cards.
			for name, o := range map[string]fyne.CanvasObject{"total": pt.gross, "save": pt.saveBtn} {
				y := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Y
				if !inside(o, width) || y+o.Size().Height > w.Canvas().Size().Height {
					t.Errorf("%s: the %s is out of view (y=%v)", when, name, y)
				}
			}
		})
	}
	check("six lines")
	shot(t, a, w, "products-phone.png")

	// Edit the first card: 3 chairs instead of 2, then save.
	r := pt.rows[0]
	onUI(a, func() {
		r.qty.SetText("")
		test.Type(r.qty, "3")
	})
	if got := r.total.Text; got != "134,73\u00a0€" { // 3 × 49,90 less 10 %
		t.Errorf("card total %q", got)
	}
	// Remove the last card, add a free line (a card too) and fill it in.
	onUI(a, func() {
		test.Tap(pt.rows[5].del)
		test.Tap(pt.addFree)
	})
	f := pt.rows[len(pt.rows)-1]
	waitIdle(a)
	check("a new line without a name") // its error shows above the totals, which stay in view
	onUI(a, func() {
		d := fyne.CurrentApp().Driver()
		top := d.AbsolutePositionForObject(pt.phoneScroll).Y
		if y := d.AbsolutePositionForObject(f.name).Y; y < top || y+f.name.Size().Height > top+pt.phoneScroll.Size().Height {
			t.Errorf("the new line's card is out of view (name at y=%v, cards shown from %v to %v)", y, top, top+pt.phoneScroll.Size().Height)
		}
		if pt.invalid.Hidden || pt.status.Visible() {
			t.Errorf("a line without a name: error shown %v, empty status line shown %v", pt.invalid.Visible(), pt.status.Visible())
		}
		if bottom := d.AbsolutePositionForObject(pt.invalid).Y + pt.invalid.Size().Height; pt.invalid.Size().Height == 0 ||
			bottom > d.AbsolutePositionForObject(pt.net).Y {
			t.Errorf("the error (%v high, bottom y=%v) is not laid out above the totals (y=%v)", pt.invalid.Size().Height, bottom,
				d.AbsolutePositionForObject(pt.net).Y)
		}
		test.Type(f.name, "Livraison")
		f.price.SetText("")
		test.Type(f.price, "30")
	})
	waitIdle(a)
	check("a free line added")
	onUI(a, func() { test.Tap(pt.saveBtn) })
	waitIdle(a)
	waitIdle(a)
	onUI(a, func() {
		if !pt.status.Visible() || pt.status.Text == "" {
			t.Error("no status line after saving")
		}
	})
	d, err := db.Store.Deal(ctx, db.Sales.ID, deal.ID)
	lines[0].Quantity = 3000
	lines = append(lines[:5], data.LineInput{Name: "Livraison", Price: 3000, Quantity: 1000, TaxRate: 2000, DiscountKind: data.DiscountPercent})
	if want := data.ComputeTotals(lines).Gross; err != nil || d.Amount != want || want == before {
		t.Errorf("deal amount %d, want %d (was %d) (%v)", d.Amount, want, before, err)
	}

	// A wide window again: the desktop rows come back.
	onUI(a, func() { w.Resize(fyne.NewSize(900, 800)) })
	waitIdle(a)
	onUI(a, func() {
		d := fyne.CurrentApp().Driver()
		if r := pt.rows[0]; pt.narrow || d.AbsolutePositionForObject(r.unit).Y != d.AbsolutePositionForObject(r.name).Y {
			t.Error("the desktop layout did not come back at 900 px")
		}
	})
}
