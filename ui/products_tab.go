package ui

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The Products tab of the deal form: the deal's product lines, edited in
// place, with each line's total and the deal's totals updated as one types,
// and below them the quotes and invoices made from the deal. Every figure
// comes from data.ComputeLine and data.ComputeTotals; this file only parses
// what is typed and places the results.

// productsTab is one open form's Products tab.
type productsTab struct {
	f        *DealForm
	currency string
	rows     []*lineRow
	saved    []data.LineInput // the lines as last loaded or saved
	loaded   bool

	root      fyne.CanvasObject
	list      *fyne.Container // the line rows
	empty     *widget.Label
	search    *widget.Entry
	results   *fyne.Container // catalog hits while searching
	searchSeq int
	hits      []data.Product
	addFree   *widget.Button
	net       *widget.Label
	byRate    *fyne.Container
	gross     *widget.Label
	invalid   *widget.Label
	status    *tabStatus
	saveBtn   *widget.Button
	revertBtn *widget.Button
	docs      *documentsPanel
	narrow    bool // lines shown as cards, totals pinned below (phones)
	// phoneScroll scrolls the cards in the phone layout; nil otherwise.
	phoneScroll *container.Scroll
	// phoneParents are the containers from a card up to the scrolled
	// content: the list, its stack, the body.
	phoneParents []fyne.CanvasObject
	// invalidShown is whether the phone layout was laid out with the
	// error under the lines shown (fitPhone).
	invalidShown bool
}

func newProductsTab(f *DealForm) *productsTab {
	t := &productsTab{f: f, currency: f.Deal.Currency}
	t.list = container.NewVBox()
	t.empty = widget.NewLabel(lang.L("No product lines yet: add one from the catalog or a free line."))
	t.empty.Importance = widget.LowImportance
	t.empty.Wrapping = fyne.TextWrapWord

	t.search = widget.NewEntry()
	t.search.SetPlaceHolder(lang.L("Add from the catalog: type a name or a SKU"))
	t.search.OnChanged = t.lookup
	t.search.OnSubmitted = func(string) {
		if len(t.hits) > 0 {
			t.addProduct(t.hits[0])
		}
	}
	t.results = container.NewVBox()
	t.addFree = widget.NewButtonWithIcon(lang.L("Free line"), theme.ContentAddIcon(), func() { t.addLine(t.freeLine()) })

	t.net = widget.NewLabel("")
	t.gross = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	t.net.Alignment = fyne.TextAlignTrailing
	t.byRate = container.NewVBox()
	t.invalid = newErrorLabel()
	t.status = newTabStatus(t.fitPhone)
	t.saveBtn = widget.NewButtonWithIcon(lang.L("Save lines"), theme.DocumentSaveIcon(), t.save)
	t.saveBtn.Importance = widget.HighImportance
	t.revertBtn = widget.NewButton(lang.L("Discard changes"), func() { t.show(t.saved) })
	t.docs = newDocumentsPanel(t)

	// A phone, or a window narrower than the main frame's threshold, shows
	// the lines as cards (products_phone.go); the tab switches as the
	// window is resized across it.
	win := f.Window()
	narrow, _ := phoneLayout(f.App, win, fyne.Size{})
	t.narrow = narrow
	t.root = newNarrowSwitch(narrow, func(size fyne.Size) (bool, bool) { return phoneLayout(f.App, win, size) }, t.build).box
	t.reload()
	f.OnDealChanged = append(f.OnDealChanged, func(d data.Deal) {
		if d.Currency != t.currency {
			t.currency = d.Currency
			t.recompute()
		}
		if !t.dirty() {
			t.reload()
		}
		t.docs.reload()
	})
	return t
}

// build lays the tab out for a wide window or, narrow, for a phone
// (buildPhone); the rows are laid out again the same way.
func (t *productsTab) build(narrow bool) fyne.CanvasObject {
	t.narrow = narrow
	for _, r := range t.rows {
		r.build(narrow)
	}
	t.fillList()
	if narrow {
		return t.buildPhone()
	}
	t.status.Wrapping = fyne.TextWrapOff
	t.status.Show()
	t.phoneScroll = nil
	t.revertBtn.SetText(lang.L("Discard changes"))
	t.revertBtn.SetIcon(nil)
	adder := container.NewBorder(nil, t.results, nil, t.addFree, t.search)
	totals := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Total excl. tax")), t.net,
		widget.NewLabel(lang.L("Tax")), t.byRate,
		widget.NewLabelWithStyle(lang.L("Total incl. tax"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), t.gross)
	actions := container.NewHBox(t.saveBtn, t.revertBtn, t.status)
	body := container.NewVBox(
		adder,
		container.NewStack(t.empty, t.list),
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, totals, t.invalid),
		actions,
		widget.NewSeparator(),
		t.docs.root,
	)
	return container.NewVScroll(container.NewPadded(body))
}

// reload reads the deal's lines (unless the person is editing them).
func (t *productsTab) reload() {
	a, id := t.f.App, t.f.Deal.ID
	load(a, func(ctx context.Context) ([]data.Line, error) {
		return a.Store.Lines(ctx, a.Me.ID, id)
	}, func(lines []data.Line) {
		if t.loaded && t.dirty() {
			return
		}
		in := make([]data.LineInput, len(lines))
		for i, l := range lines {
			in[i] = l.Input()
		}
		t.loaded = true
		t.show(in)
	})
}

// show replaces the rows with these lines, which become the saved state.
func (t *productsTab) show(lines []data.LineInput) {
	t.saved = slices.Clone(lines)
	t.rows = t.rows[:0]
	for _, l := range lines {
		t.rows = append(t.rows, newLineRow(t, l))
	}
	t.relayout()
	t.recompute()
}

// relayout puts the rows in the list in their order.
func (t *productsTab) relayout() {
	t.fillList()
	t.list.Refresh()
	// The list's height changed: lay the whole tab out again, or the totals
	// below would be drawn over the new lines.
	t.root.Refresh()
}

// fillList puts the rows' objects in the list in their order.
func (t *productsTab) fillList() {
	objs := make([]fyne.CanvasObject, len(t.rows))
	for i, r := range t.rows {
		r.index = i
		r.up.Enable()
		r.down.Enable()
		if i == 0 {
			r.up.Disable()
		}
		if i == len(t.rows)-1 {
			r.down.Disable()
		}
		objs[i] = r.root
	}
	t.list.Objects = objs
	if len(t.rows) == 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
	t.applyAccess()
}

func (t *productsTab) readOnly() bool { return t.f.ReadOnly() }

func (t *productsTab) applyAccess() {
	ro := t.readOnly()
	for _, r := range t.rows {
		r.setReadOnly(ro)
	}
	for _, w := range []fyne.Disableable{t.search, t.addFree} {
		if ro {
			w.Disable()
		} else {
			w.Enable()
		}
	}
}

// inputs are the lines as typed; ok is false while a field does not parse
// or a line breaks a rule.
func (t *productsTab) inputs() (lines []data.LineInput, ok bool) {
	ok = true
	lines = make([]data.LineInput, len(t.rows))
	for i, r := range t.rows {
		lines[i] = r.in
		ok = ok && r.valid
	}
	return lines, ok
}

func (t *productsTab) dirty() bool {
	lines, _ := t.inputs()
	if len(lines) != len(t.saved) {
		return true
	}
	for i := range lines {
		if lines[i] != t.saved[i] || !t.rows[i].valid {
			return true
		}
	}
	return false
}

// recompute updates the totals from the valid lines; called on every
// keystroke in a line.
func (t *productsTab) recompute() {
	var valid []data.LineInput
	bad := 0
	for _, r := range t.rows {
		if r.valid {
			valid = append(valid, r.in)
		} else {
			bad++
		}
	}
	tot := data.ComputeTotals(valid)
	l := t.f.App.Lang
	t.net.SetText(formatMoney(tot.Net, t.currency, l))
	t.gross.SetText(formatMoney(tot.Gross, t.currency, l))
	rates := make([]fyne.CanvasObject, 0, len(tot.ByRate))
	for _, r := range tot.ByRate {
		lbl := widget.NewLabel(fmt.Sprintf("%s %s  %s", rateText(r.Rate, l), lang.L("on"), formatMoney(r.Net, t.currency, l)) +
			"  →  " + formatMoney(r.Tax, t.currency, l))
		lbl.Alignment = fyne.TextAlignTrailing
		rates = append(rates, lbl)
	}
	if len(rates) == 0 {
		rates = append(rates, widget.NewLabel(formatMoney(0, t.currency, l)))
	}
	t.byRate.Objects = rates
	t.byRate.Refresh()
	if bad > 0 {
		setError(t.invalid, lang.X("products.invalid", "{{.Count}} line(s) have errors and are left out of the totals.", map[string]any{"Count": bad}))
	} else {
		setError(t.invalid, "")
	}
	t.fitPhone()
	t.updateButtons()
}

func (t *productsTab) updateButtons() {
	_, ok := t.inputs()
	dirty := t.dirty()
	if dirty && ok && !t.readOnly() {
		t.saveBtn.Enable()
	} else {
		t.saveBtn.Disable()
	}
	if dirty && !t.readOnly() {
		t.revertBtn.Enable()
	} else {
		t.revertBtn.Disable()
	}
	t.docs.setLinesState(dirty, len(t.saved) > 0)
}

// freeLine is a new line not from the catalog: one unit at the rate of the
// last line (or 20 %).
func (t *productsTab) freeLine() data.LineInput {
	rate := int64(2000)
	if n := len(t.rows); n > 0 {
		rate = t.rows[n-1].in.TaxRate
	}
	return data.LineInput{Quantity: 1000, TaxRate: rate, DiscountKind: data.DiscountPercent}
}

func (t *productsTab) addProduct(p data.Product) {
	t.addLine(data.LineInput{ProductID: p.ID, Name: p.Name, Unit: p.Unit, Price: p.Price, Quantity: 1000,
		TaxRate: p.TaxRate, DiscountKind: data.DiscountPercent})
	t.search.SetText("")
	if p.Currency != t.currency {
		// Lines are in the deal's currency: the catalog price is taken as
		// a number, which the person should check.
		t.status.SetText(lang.X("products.currency", "{{.Name}} is priced in {{.Product}} in the catalog; check its price in {{.Deal}}.",
			map[string]any{"Name": p.Name, "Product": p.Currency, "Deal": t.currency}))
	}
}

func (t *productsTab) addLine(in data.LineInput) {
	r := newLineRow(t, in)
	t.rows = append(t.rows, r)
	t.relayout()
	t.recompute()
	t.reveal(r)
	if in.Name == "" {
		if c := fyne.CurrentApp().Driver().CanvasForObject(r.name); c != nil {
			c.Focus(r.name)
		}
	}
}

func (t *productsTab) move(i, by int) {
	j := i + by
	if j < 0 || j >= len(t.rows) {
		return
	}
	t.rows[i], t.rows[j] = t.rows[j], t.rows[i]
	t.relayout()
	t.recompute()
}

func (t *productsTab) remove(i int) {
	t.rows = slices.Delete(t.rows, i, i+1)
	t.relayout()
	t.recompute()
}

// lookup searches the catalog as one types; only the latest answer shows.
func (t *productsTab) lookup(q string) {
	t.searchSeq++
	seq := t.searchSeq
	if q == "" {
		t.showHits(nil)
		return
	}
	a := t.f.App
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]data.Product, error) {
		return a.Store.Products(ctx, me, q, true, data.ListCursor{}, 8)
	}, func(ps []data.Product) {
		if seq == t.searchSeq {
			t.showHits(ps)
		}
	})
}

func (t *productsTab) showHits(ps []data.Product) {
	t.hits = ps
	objs := make([]fyne.CanvasObject, 0, len(ps)+1)
	for _, p := range ps {
		text := p.Name
		if p.SKU != "" {
			text += " · " + p.SKU
		}
		text += " — " + formatMoney(p.Price, p.Currency, t.f.App.Lang)
		b := widget.NewButton(text, func() { t.addProduct(p) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		objs = append(objs, b)
	}
	if len(ps) == 0 && t.search.Text != "" {
		l := widget.NewLabel(lang.L("No product matches; add a free line instead."))
		l.Importance = widget.LowImportance
		objs = append(objs, l)
	}
	t.results.Objects = objs
	t.results.Refresh()
	t.root.Refresh() // the hits push the lines down
}

// save writes the lines; data sets the deal's amount to their total.
func (t *productsTab) save() {
	lines, ok := t.inputs()
	if !ok {
		return
	}
	a, id := t.f.App, t.f.Deal.ID
	t.saveBtn.Disable()
	a.run(func(ctx context.Context) error {
		saved, err := a.Store.SetLines(ctx, a.Me.ID, id, lines)
		a.do(func() {
			if err != nil {
				t.showSaveError(err)
				t.updateButtons()
				return
			}
			in := make([]data.LineInput, len(saved))
			for i, l := range saved {
				in[i] = l.Input()
			}
			t.show(in)
			t.status.SetText(lang.L("Saved."))
		})
		return nil
	})
}

// showSaveError puts each field error next to its line, or in a dialog.
func (t *productsTab) showSaveError(err error) {
	v := data.FieldErrors(err)
	if v == nil {
		t.f.App.showErrorIn(t.f.Window(), err)
		return
	}
	for _, fe := range v.Fields {
		var i int
		var field string
		if n, _ := fmt.Sscanf(fe.Field, "lines[%d].%s", &i, &field); n == 2 && i >= 0 && i < len(t.rows) {
			setError(t.rows[i].err, fieldMessage(fe))
			continue
		}
		t.f.App.showErrorIn(t.f.Window(), err)
		return
	}
}

// confirmDiscard asks before leaving unsaved lines behind (used by the
// documents panel before creating from the saved lines).
func (t *productsTab) confirmDiscard(then func()) {
	if !t.dirty() {
		then()
		return
	}
	dialog.ShowConfirm(lang.L("Unsaved lines"), lang.L("The documents are made from the saved lines. Save your changes first?"),
		func(ok bool) {
			if ok {
				t.save()
			}
		}, t.f.Window())
}
