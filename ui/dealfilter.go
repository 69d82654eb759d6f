package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The Deals screen's filter, shared by the board and the list: the Filters
// dialog sets the conditions of data.DealConditions (amount, dates, source,
// overdue activity, each custom field by its type), data checks them and
// names a wrong one's field; a filter (with the list's stage, status,
// responsible and search) is saved under a name, pinned (a pinned one is a
// button in the toolbar) and, by an admin, shared with everyone. The saved
// filter in use is remembered on the device, so the list opens with it.

// prefDealFilter is the Preferences key of the saved filter in use.
const prefDealFilter = "deal_filter"

// filterBar is the Deals screen's filter controls.
type filterBar struct {
	s       *dealsScreen
	open    *widget.Button // Filters…
	savedMn *widget.Button // the saved filters' menu
	chips   *fyne.Container
	clear   *widget.Button // shown while a filter is in use

	saved  []data.SavedFilter
	active int64 // the saved filter in use, 0: none
	form   *filterForm
	save   *saveFilterDialog
}

func newFilterBar(s *dealsScreen) *filterBar {
	b := &filterBar{s: s}
	b.open = widget.NewButtonWithIcon(lang.L("Filters"), theme.SearchIcon(), func() { b.form = newFilterForm(b) })
	b.savedMn = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), b.showMenu)
	b.savedMn.Importance = widget.LowImportance
	b.clear = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { b.apply(data.DealFilter{}, 0, true) })
	b.clear.Importance = widget.LowImportance
	b.clear.Hide()
	b.chips = container.NewHBox()
	b.reloadSaved(true)
	return b
}

// objects are the controls, in toolbar order.
func (b *filterBar) objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{b.open, b.savedMn, b.chips, b.clear}
}

// reloadSaved reads the saved filters; first, it applies the one the
// device remembers.
func (b *filterBar) reloadSaved(first bool) {
	a, me := b.s.a, b.s.a.Me.ID
	load(a, func(ctx context.Context) ([]data.SavedFilter, error) { return a.Store.SavedFilters(ctx, me) }, func(fs []data.SavedFilter) {
		b.saved = fs
		if first {
			if id := a.FyneApp.Preferences().Int(prefDealFilter); id != 0 {
				for _, sf := range fs {
					if int64(id) == sf.ID {
						b.apply(sf.Filter, sf.ID, true)
					}
				}
			}
		}
		b.showChips()
	})
}

// showChips puts the pinned filters in the toolbar, the one in use
// highlighted, and says how many conditions the filter in use has.
func (b *filterBar) showChips() {
	b.chips.RemoveAll()
	for _, sf := range b.saved {
		if !sf.Pinned {
			continue
		}
		chip := widget.NewButton(sf.Name, func() { b.apply(sf.Filter, sf.ID, true) })
		if sf.ID == b.active {
			chip.Importance = widget.HighImportance
		} else {
			chip.Importance = widget.LowImportance
		}
		b.chips.Add(chip)
	}
	n := conditionCount(b.s.cond)
	switch {
	case n > 0:
		b.open.SetText(lang.L("Filters ({{.N}})", map[string]any{"N": n}))
		b.open.Importance = widget.HighImportance
	default:
		b.open.SetText(lang.L("Filters"))
		b.open.Importance = widget.MediumImportance
	}
	b.open.Refresh()
	if n > 0 || b.active != 0 {
		b.clear.Show()
	} else {
		b.clear.Hide()
	}
}

// conditionCount counts a filter's conditions.
func conditionCount(c data.DealConditions) int {
	n := len(c.Custom)
	for _, set := range []bool{c.AmountMin != nil || c.AmountMax != nil, c.Currency != "", c.CloseFrom != "" || c.CloseTo != "",
		c.CreatedFrom != "" || c.CreatedTo != "", c.Source != "", c.Overdue} {
		if set {
			n++
		}
	}
	return n
}

// apply makes f the screen's filter: its conditions, and with list the
// list's own filters too (a saved filter); saved is the saved filter it
// is, remembered on the device.
func (b *filterBar) apply(f data.DealFilter, saved int64, list bool) {
	s := b.s
	s.cond = f.DealConditions
	b.active = saved
	s.a.FyneApp.Preferences().SetInt(prefDealFilter, int(saved))
	if list {
		s.list.setFilter(f)
	}
	b.showChips()
	s.reload()
}

func (b *filterBar) showMenu() {
	a := b.s.a
	var items []*fyne.MenuItem
	for _, sf := range b.saved {
		label := sf.Name
		if sf.Shared {
			label += " · " + lang.L("shared")
		}
		it := fyne.NewMenuItem(label, func() { b.apply(sf.Filter, sf.ID, true) })
		it.Checked = sf.ID == b.active
		items = append(items, it)
	}
	if len(items) == 0 {
		it := fyne.NewMenuItem(lang.L("No saved filter yet"), nil)
		it.Disabled = true
		items = append(items, it)
	}
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Save this filter…"), func() { b.save = newSaveFilterDialog(b, b.current()) }))
	if cur := b.activeSaved(); cur != nil {
		pin := lang.L("Pin to the toolbar")
		if cur.Pinned {
			pin = lang.L("Unpin")
		}
		id, pinned, me := cur.ID, cur.Pinned, a.Me.ID
		items = append(items, fyne.NewMenuItem(pin, func() {
			a.run(func(ctx context.Context) error {
				if err := a.Store.PinFilter(ctx, me, id, !pinned); err != nil {
					return err
				}
				a.do(func() { b.reloadSaved(false) })
				return nil
			})
		}))
		if cur.OwnerID == a.Me.ID || a.Me.CanConfigure() {
			items = append(items, fyne.NewMenuItem(lang.L("Delete this saved filter"), func() {
				a.run(func(ctx context.Context) error {
					if err := a.Store.DeleteFilter(ctx, me, id); err != nil {
						return err
					}
					a.do(func() {
						b.active = 0
						a.FyneApp.Preferences().SetInt(prefDealFilter, 0)
						b.reloadSaved(false)
					})
					return nil
				})
			}))
		}
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b.savedMn)
	if c == nil {
		c = a.Win.Canvas()
	}
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), c, fyne.NewPos(0, b.savedMn.Size().Height), b.savedMn)
}

func (b *filterBar) activeSaved() *data.SavedFilter {
	for i := range b.saved {
		if b.saved[i].ID == b.active {
			return &b.saved[i]
		}
	}
	return nil
}

// current is the filter in use: the list's own filters and the conditions.
func (b *filterBar) current() data.DealFilter {
	f := b.s.list.currentFilter()
	f.PipelineID = 0 // a saved filter holds across pipelines
	return f
}

// filterForm is the Filters dialog.
type filterForm struct {
	b    *filterBar
	dlg  dialog.Dialog
	defs []data.FieldDef

	amountMin, amountMax *widget.Entry
	currency             *widget.SelectEntry
	closeFrom, closeTo   *widget.DateEntry
	createdFrom          *widget.DateEntry
	createdTo            *widget.DateEntry
	source               *widget.Select
	overdue              *widget.Check
	custom               map[string]*customCondWidget
	errs                 map[string]*widget.Label
	general              *widget.Label
	body                 *fyne.Container
	apply                *widget.Button
	reset                *widget.Button
}

// customCondWidget edits the condition on one custom field.
type customCondWidget struct {
	def      data.FieldDef
	min, max *widget.Entry     // number, money, text (min holds the text)
	from, to *widget.DateEntry // date
	options  *widget.CheckGroup
	yesNo    *widget.Select
}

func newFilterForm(b *filterBar) *filterForm {
	a := b.s.a
	ff := &filterForm{b: b, custom: map[string]*customCondWidget{}, errs: map[string]*widget.Label{}, general: newErrorLabel()}
	ff.amountMin, ff.amountMax = widget.NewEntry(), widget.NewEntry()
	ff.amountMin.SetPlaceHolder(lang.L("from"))
	ff.amountMax.SetPlaceHolder(lang.L("to"))
	ff.currency = widget.NewSelectEntry([]string{"EUR", "USD", "GBP", "CHF", "CAD", "JPY"})
	ff.currency.SetPlaceHolder(lang.L("any"))
	ff.closeFrom, ff.closeTo = widget.NewDateEntry(), widget.NewDateEntry()
	ff.createdFrom, ff.createdTo = widget.NewDateEntry(), widget.NewDateEntry()
	labels := []string{lang.L("Any")}
	for _, s := range sources {
		labels = append(labels, sourceLabel(s))
	}
	ff.source = widget.NewSelect(labels, nil)
	ff.overdue = widget.NewCheck(lang.L("Has an overdue activity"), nil)
	ff.body = container.NewVBox(widget.NewLabel(lang.L("Loading…")))
	ff.apply = widget.NewButtonWithIcon(lang.L("Apply"), theme.ConfirmIcon(), ff.submit)
	ff.apply.Importance = widget.HighImportance
	ff.reset = widget.NewButton(lang.L("Clear"), func() { ff.set(data.DealConditions{}) })
	cancel := widget.NewButton(lang.L("Cancel"), func() { ff.dlg.Hide() })
	saveAs := widget.NewButtonWithIcon(lang.L("Save as…"), theme.DocumentSaveIcon(), func() {
		if c, ok := ff.read(); ok {
			f := b.current()
			f.DealConditions = c
			b.save = newSaveFilterDialog(b, f)
		}
	})
	win := a.Win
	buttons := container.NewGridWithColumns(4, ff.reset, saveAs, cancel, ff.apply)
	if a.Mobile || win.Canvas().Size().Width < narrowWidth {
		buttons = container.NewGridWithColumns(2, ff.reset, saveAs, cancel, ff.apply)
	}
	ff.dlg = dialog.NewCustomWithoutButtons(lang.L("Filter deals"),
		container.NewBorder(nil, container.NewVBox(ff.general, buttons), nil, nil, container.NewVScroll(ff.body)), win)
	size := dialogSize(win, 620)
	if h := win.Canvas().Size().Height; h > 0 {
		size.Height = h - 60
	}
	ff.dlg.Resize(size)
	ff.dlg.Show()
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]data.FieldDef, error) { return a.Store.FieldDefs(ctx, me, data.EntityDeal) }, func(defs []data.FieldDef) {
		ff.defs = defs
		ff.layout()
		ff.set(b.s.cond)
	})
	return ff
}

func (ff *filterForm) errLabel(key string) *widget.Label {
	l, ok := ff.errs[key]
	if !ok {
		l = newErrorLabel()
		ff.errs[key] = l
	}
	return l
}

// between is a "from … to …" pair of fields, side by side unless on a phone.
func (ff *filterForm) between(from, to fyne.CanvasObject) fyne.CanvasObject {
	if ff.b.s.a.Mobile {
		return container.NewVBox(from, to)
	}
	return container.NewGridWithColumns(2, from, to)
}

func (ff *filterForm) layout() {
	rows := []fyne.CanvasObject{
		fieldRow(lang.L("Amount"), container.NewBorder(nil, nil, nil, container.New(&widthLayout{w: 100}, ff.currency),
			ff.between(ff.amountMin, ff.amountMax)), ff.errLabel("amount")),
		fieldRow(lang.L("Expected close date"), ff.between(ff.closeFrom, ff.closeTo), ff.errLabel("close_from")),
		fieldRow(lang.L("Created"), ff.between(ff.createdFrom, ff.createdTo), ff.errLabel("created_from")),
		fieldRow(lang.L("Source"), ff.source, ff.errLabel("source")),
		ff.overdue,
	}
	ff.errs["close_to"] = ff.errs["close_from"]
	ff.errs["created_to"] = ff.errs["created_from"]
	ff.errs["currency"] = ff.errs["amount"]
	if len(ff.defs) > 0 {
		rows = append(rows, widget.NewSeparator(), heading(lang.L("Custom fields")))
	}
	for _, d := range ff.defs {
		w := &customCondWidget{def: d}
		var field fyne.CanvasObject
		switch d.Type {
		case data.FieldNumber, data.FieldMoney:
			w.min, w.max = widget.NewEntry(), widget.NewEntry()
			w.min.SetPlaceHolder(lang.L("from"))
			w.max.SetPlaceHolder(lang.L("to"))
			field = ff.between(w.min, w.max)
		case data.FieldDate:
			w.from, w.to = widget.NewDateEntry(), widget.NewDateEntry()
			field = ff.between(w.from, w.to)
		case data.FieldList:
			w.options = widget.NewCheckGroup(d.Options, nil)
			w.options.Horizontal = !ff.b.s.a.Mobile
			field = w.options
		case data.FieldBool:
			w.yesNo = widget.NewSelect([]string{lang.L("Any"), lang.L("Yes"), lang.L("No")}, nil)
			field = w.yesNo
		default:
			w.min = widget.NewEntry()
			w.min.SetPlaceHolder(lang.L("contains…"))
			field = w.min
		}
		ff.custom[d.Key] = w
		rows = append(rows, fieldRow(d.Label, field, ff.errLabel("custom."+d.Key)))
	}
	ff.body.Objects = rows
	ff.body.Refresh()
}

// set shows conditions in the widgets.
func (ff *filterForm) set(c data.DealConditions) {
	lg := ff.b.s.a.Lang
	code := c.Currency
	amount := func(e *widget.Entry, v *int64) {
		e.SetText("")
		if v != nil {
			e.SetText(moneyInput(*v, cmpOr(code, data.DefaultCurrency), lg))
		}
	}
	amount(ff.amountMin, c.AmountMin)
	amount(ff.amountMax, c.AmountMax)
	ff.currency.SetText(c.Currency)
	setDay(ff.closeFrom, c.CloseFrom)
	setDay(ff.closeTo, c.CloseTo)
	setDay(ff.createdFrom, c.CreatedFrom)
	setDay(ff.createdTo, c.CreatedTo)
	ff.source.SetSelectedIndex(0)
	if i := slices.Index(sources, c.Source); i >= 0 && c.Source != "" {
		ff.source.SetSelectedIndex(i + 1)
	}
	ff.overdue.SetChecked(c.Overdue)
	for key, w := range ff.custom {
		var cc data.CustomCondition
		for _, x := range c.Custom {
			if x.Key == key {
				cc = x
			}
		}
		switch {
		case w.from != nil:
			setDay(w.from, cc.Min)
			setDay(w.to, cc.Max)
		case w.options != nil:
			w.options.SetSelected(cc.Values)
		case w.yesNo != nil:
			switch {
			case cc.Yes == nil:
				w.yesNo.SetSelectedIndex(0)
			case *cc.Yes:
				w.yesNo.SetSelectedIndex(1)
			default:
				w.yesNo.SetSelectedIndex(2)
			}
		case w.max != nil:
			w.min.SetText(cc.Min)
			w.max.SetText(cc.Max)
		default:
			text := ""
			if len(cc.Values) > 0 {
				text = cc.Values[0]
			}
			w.min.SetText(text)
		}
	}
	for _, l := range ff.errs {
		setError(l, "")
	}
	setError(ff.general, "")
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func setDay(e *widget.DateEntry, day string) {
	if t, err := time.Parse(time.DateOnly, day); err == nil {
		e.SetDate(&t)
		return
	}
	e.SetDate(nil)
	e.SetText("")
}

// dayOf reads a date field: "" when empty, the text as typed when it is
// not a date (data names the field then).
func dayOf(e *widget.DateEntry) string {
	if strings.TrimSpace(e.Text) == "" {
		return ""
	}
	if e.Date == nil {
		return e.Text
	}
	return e.Date.Format(time.DateOnly)
}

// read reads the widgets into conditions; an amount that is not one is
// shown at its field (ok false).
func (ff *filterForm) read() (data.DealConditions, bool) {
	var c data.DealConditions
	for _, l := range ff.errs {
		setError(l, "")
	}
	c.Currency = strings.ToUpper(strings.TrimSpace(ff.currency.Text))
	code := cmpOr(c.Currency, data.DefaultCurrency)
	if _, ok := data.CurrencyDigits(code); !ok {
		setError(ff.errLabel("amount"), lang.L("Unknown currency."))
		return c, false
	}
	ok := true
	amount := func(e *widget.Entry) *int64 {
		if strings.TrimSpace(e.Text) == "" {
			return nil
		}
		v, err := parseMoneyInput(e.Text, code)
		if err != nil {
			setError(ff.errLabel("amount"), lang.L("Not an amount."))
			ok = false
			return nil
		}
		return &v
	}
	c.AmountMin, c.AmountMax = amount(ff.amountMin), amount(ff.amountMax)
	c.CloseFrom, c.CloseTo = dayOf(ff.closeFrom), dayOf(ff.closeTo)
	c.CreatedFrom, c.CreatedTo = dayOf(ff.createdFrom), dayOf(ff.createdTo)
	if i := ff.source.SelectedIndex(); i > 0 {
		c.Source = sources[i-1]
	}
	c.Overdue = ff.overdue.Checked
	for _, d := range ff.defs {
		w := ff.custom[d.Key]
		cc := data.CustomCondition{Key: d.Key}
		switch {
		case w.from != nil:
			cc.Min, cc.Max = dayOf(w.from), dayOf(w.to)
		case w.options != nil:
			cc.Values = slices.Clone(w.options.Selected)
		case w.yesNo != nil:
			switch w.yesNo.SelectedIndex() {
			case 1:
				yes := true
				cc.Yes = &yes
			case 2:
				no := false
				cc.Yes = &no
			}
		case w.max != nil:
			cc.Min, cc.Max = strings.TrimSpace(w.min.Text), strings.TrimSpace(w.max.Text)
			if ff.b.s.a.Lang == "fr" {
				cc.Min, cc.Max = strings.ReplaceAll(cc.Min, ",", "."), strings.ReplaceAll(cc.Max, ",", ".")
			}
		default:
			if v := strings.TrimSpace(w.min.Text); v != "" {
				cc.Values = []string{v}
			}
		}
		if cc.Min != "" || cc.Max != "" || len(cc.Values) > 0 || cc.Yes != nil {
			c.Custom = append(c.Custom, cc)
		}
	}
	return c, ok
}

// submit checks the conditions with data (which names a wrong value's
// field) and applies them.
func (ff *filterForm) submit() {
	c, ok := ff.read()
	if !ok {
		return
	}
	a, b := ff.b.s.a, ff.b
	f := b.s.list.currentFilter()
	f.DealConditions = c
	me := a.Me.ID
	setError(ff.general, "")
	ff.apply.Disable()
	a.run(func(ctx context.Context) error {
		_, err := a.Store.DealCount(ctx, me, f)
		a.do(func() {
			ff.apply.Enable()
			if err != nil {
				ff.showErrors(err)
				return
			}
			ff.dlg.Hide()
			b.apply(data.DealFilter{DealConditions: c}, 0, false)
		})
		return nil
	})
}

func (ff *filterForm) showErrors(err error) {
	v := data.FieldErrors(err)
	if v == nil {
		setError(ff.general, errorText(err))
		return
	}
	var rest []string
	for _, fe := range v.Fields {
		if l, ok := ff.errs[fe.Field]; ok {
			setError(l, fieldMessage(fe))
		} else {
			rest = append(rest, fieldMessage(fe))
		}
	}
	setError(ff.general, strings.Join(rest, "\n"))
}

// saveFilterDialog names a filter to save, pins it, and (admins) shares it.
type saveFilterDialog struct {
	dlg    dialog.Dialog
	name   *widget.Entry
	pinned *widget.Check
	shared *widget.Check
	err    *widget.Label
	ok     *widget.Button
}

func newSaveFilterDialog(b *filterBar, f data.DealFilter) *saveFilterDialog {
	a := b.s.a
	d := &saveFilterDialog{name: widget.NewEntry(), err: newErrorLabel()}
	d.name.SetPlaceHolder(lang.L("Big deals closing this month"))
	if cur := b.activeSaved(); cur != nil && cur.OwnerID == a.Me.ID {
		d.name.SetText(cur.Name)
	}
	d.pinned = widget.NewCheck(lang.L("Pin to the toolbar"), nil)
	d.pinned.SetChecked(true)
	d.shared = widget.NewCheck(lang.L("Share with everyone"), nil)
	if !a.Me.CanConfigure() {
		d.shared.Hide()
	}
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dlg.Hide() })
	me := a.Me.ID
	d.ok = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		in := data.SavedFilterInput{Name: d.name.Text, Filter: f, Pinned: d.pinned.Checked, Shared: d.shared.Checked}
		for _, sf := range b.saved {
			if sf.OwnerID == a.Me.ID && strings.EqualFold(sf.Name, strings.TrimSpace(d.name.Text)) {
				in.ID = sf.ID // saving under the same name changes it
			}
		}
		setError(d.err, "")
		a.run(func(ctx context.Context) error {
			sf, err := a.Store.SaveFilter(ctx, me, in)
			a.do(func() {
				if err != nil {
					if v := data.FieldErrors(err); v != nil && v.Field("name") != nil {
						msg := fieldMessage(*v.Field("name"))
						if v.Field("name").Code == "taken" {
							msg = lang.L("You have a filter of this name already.")
						}
						setError(d.err, msg)
						return
					}
					setError(d.err, errorText(err))
					return
				}
				d.dlg.Hide()
				if b.form != nil {
					b.form.dlg.Hide()
				}
				b.apply(sf.Filter, sf.ID, true)
				b.reloadSaved(false)
			})
			return nil
		})
	})
	d.ok.Importance = widget.HighImportance
	body := container.NewVBox(fieldRow(lang.L("Name"), d.name, d.err), d.pinned, d.shared, container.NewGridWithColumns(2, cancel, d.ok))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Save the filter"), body, a.Win)
	d.dlg.Resize(dialogSize(a.Win, 420))
	d.dlg.Show()
	a.Win.Canvas().Focus(d.name)
	return d
}
