package ui

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/ui/widgets"
)

// DealForm is an open deal: the Details tab built here and, once the deal
// exists, the tabs addTabs lists (Timeline, Emails, Products). Tabs read it
// on the UI goroutine.
type DealForm struct {
	App *App
	// Deal is the deal as last loaded or saved; ID 0 while a new deal is
	// not saved yet (the other tabs show nothing until then).
	Deal data.Deal
	// Access is what the current employee may do with it.
	Access data.Access
	// OnDealChanged is called (UI goroutine) after the deal was reloaded or
	// saved, e.g. when product lines changed the amount.
	OnDealChanged []func(data.Deal)
	// OnClose is called when the form closes.
	OnClose []func()

	win    fyne.Window // the form's window (desktop); nil on a phone page
	page   fyne.CanvasObject
	root   *fyne.Container
	loaded bool
	closed bool

	pipelines []data.Pipeline
	pipeline  data.Pipeline
	employees []data.Employee
	defs      []data.FieldDef
	prefill   data.DealInput
	saved     data.DealInput // what the widgets showed after the last load or save
	newStage  int64          // the stage a new deal starts in

	header     *widget.Label
	banner     *fyne.Container
	bar        *stageBar
	tabs       *container.AppTabs
	general    *widget.Label
	title      *widget.Entry
	pipeSel    *widget.Select
	client     *clientPicker
	respSel    *widget.Select
	observe    *widgets.CheckGrid
	amount     *widget.Entry
	currency   *widget.SelectEntry
	amountNote *widget.Label
	closeDate  *widget.DateEntry
	prob       *widget.Entry
	source     *widget.Select
	custom     map[string]*customField
	errs       map[string]*widget.Label
	save       *widget.Button
	revert     *widget.Button

	// The tabs after Details, once the deal exists (addTabs).
	timeline *timelineTab
	email    *emailTab
	products *productsTab
	compose  *composeForm // the last email dialog opened from the form
	files    *filesPanel  // the Files tab (dealform_life.go)

	actions    *widget.Button // ⋮: duplicate, repeat, delete (dealform_life.go)
	lifeDialog *lifeDialog    // the last dialog the ⋮ menu opened
	// The timeline's file thumbnails as they were built, and the last file
	// shown from it (timeline_life.go; tests).
	timelineThumbs []*canvas.Image
	fileViewer     *fileViewer

	unsubscribe func()
}

// keepCompose keeps the email dialog opened from the form.
func (f *DealForm) keepCompose(c *composeForm) { f.compose = c }

// ReadOnly reports whether the current employee may only read the deal.
func (f *DealForm) ReadOnly() bool { return f.Deal.ID != 0 && f.Access < data.EditAccess }

// Window is the window dialogs of the form belong to.
func (f *DealForm) Window() fyne.Window {
	if f.win != nil {
		return f.win
	}
	return f.App.Win
}

var sources = []data.Source{data.SourceManual, data.SourceEmail, data.SourceCall, data.SourceImport}

func sourceLabel(s data.Source) string {
	switch s {
	case data.SourceEmail:
		return lang.L("Email")
	case data.SourceCall:
		return lang.L("Phone call")
	case data.SourceImport:
		return lang.L("Import")
	}
	return lang.L("Manual")
}

// formData is what a form needs from the database, read in one go.
type formData struct {
	deal      data.Deal
	access    data.Access
	pipelines []data.Pipeline
	employees []data.Employee
	defs      []data.FieldDef
}

func openDealForm(a *App, id int64, prefill data.DealInput) *DealForm {
	f := &DealForm{App: a, prefill: prefill, custom: map[string]*customField{}, errs: map[string]*widget.Label{}}
	f.Deal.ID = id
	a.forms = append(a.forms, f)
	f.build()
	if a.Mobile {
		back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), f.tryClose)
		f.page = container.NewBorder(container.NewBorder(nil, nil, back, f.actions, f.header), nil, nil, nil, f.root)
		a.Win.SetContent(f.page)
	} else {
		f.win = a.FyneApp.NewWindow(lang.L("Deal"))
		f.win.SetContent(f.root)
		f.win.Resize(fyne.NewSize(780, 820))
		f.win.SetCloseIntercept(f.tryClose)
		f.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { f.doSave() })
		f.win.Show()
	}
	f.reload()
	f.unsubscribe = a.subscribe(f.changed)
	return f
}

// reload reads the deal and what the form offers (pipelines, employees,
// custom fields) and fills the form.
func (f *DealForm) reload() {
	a := f.App
	id, me := f.Deal.ID, a.Me.ID
	loadOrGone(f, func(ctx context.Context) (formData, error) {
		var fd formData
		var err error
		if id != 0 {
			if fd.deal, err = a.Store.Deal(ctx, me, id); err != nil {
				return fd, err
			}
			if fd.access, err = a.Store.DealAccess(ctx, me, fd.deal); err != nil {
				return fd, err
			}
		} else {
			fd.access = data.EditAccess
		}
		if fd.pipelines, err = a.Store.Pipelines(ctx, me); err != nil {
			return fd, err
		}
		if fd.employees, err = a.Store.Employees(ctx, me); err != nil {
			return fd, err
		}
		fd.defs, err = a.Store.FieldDefs(ctx, me, data.EntityDeal)
		return fd, err
	}, f.fill)
}

// changed follows writes to this deal made elsewhere (another window, the
// mail sync, the CLI). Unsaved edits are kept: only the stage bar follows.
func (f *DealForm) changed(cs data.Changes) {
	if f.closed || f.Deal.ID == 0 || !(cs.Has(data.KindDeal, f.Deal.ID) || cs.Has(data.KindPipeline, 0) || cs.Has(data.KindField, 0)) {
		return
	}
	f.reload()
}

func (f *DealForm) build() {
	f.header = widget.NewLabelWithStyle(lang.L("New deal"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.header.Truncation = fyne.TextTruncateEllipsis
	f.header.SizeName = theme.SizeNameSubHeadingText
	f.banner = container.NewStack()
	f.banner.Hide()
	f.bar = newStageBar(f)
	f.general = newErrorLabel()

	f.title = widget.NewEntry()
	f.title.SetPlaceHolder(lang.L("What is being sold, to whom"))
	f.pipeSel = widget.NewSelect(nil, func(name string) {
		for _, p := range f.pipelines {
			if p.Name == name && p.ID != f.pipeline.ID {
				f.pipeline = p
				if st, ok := p.FirstOpen(); ok {
					f.newStage = st.ID
				}
				f.bar.set(f.pipeline, f.barDeal())
			}
		}
	})
	f.client = newClientPicker(f)
	f.respSel = widget.NewSelect(nil, nil)
	cols := 3
	if f.App.Mobile {
		cols = 1
	}
	f.observe = widgets.NewCheckGrid(cols)
	f.amount = widget.NewEntry()
	f.amount.SetPlaceHolder("0")
	f.currency = widget.NewSelectEntry([]string{"EUR", "USD", "GBP", "CHF", "CAD", "JPY"})
	f.amountNote = widget.NewLabel(lang.L("The total of the product lines."))
	f.amountNote.Importance = widget.LowImportance
	f.amountNote.Hide()
	f.closeDate = widget.NewDateEntry()
	f.prob = widget.NewEntry()
	f.prob.SetPlaceHolder(lang.L("from the stage"))
	labels := make([]string, len(sources))
	for i, s := range sources {
		labels[i] = sourceLabel(s)
	}
	f.source = widget.NewSelect(labels, nil)
	f.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.doSave)
	f.save.Importance = widget.HighImportance
	f.revert = widget.NewButton(lang.L("Discard changes"), func() { f.fillWidgets() })

	f.tabs = container.NewAppTabs()
	f.tabs.Append(container.NewTabItemWithIcon(lang.L("Details"), theme.DocumentIcon(), widget.NewLabel(lang.L("Loading…"))))
	f.actions = newDealActions(f)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, f.actions, f.header), f.bar.view, f.banner)
	if f.App.Mobile {
		top = container.NewVBox(f.bar.view, f.banner)
	}
	f.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, f.tabs)
}

// errLabel is the error line of a field key (as data/ names it).
func (f *DealForm) errLabel(key string) *widget.Label {
	l, ok := f.errs[key]
	if !ok {
		l = newErrorLabel()
		f.errs[key] = l
	}
	return l
}

// fill shows freshly read data.
func (f *DealForm) fill(fd formData) {
	if f.closed {
		return
	}
	first := !f.loaded
	wasDirty := f.loaded && f.dirty()
	f.loaded = true
	f.pipelines, f.employees, f.defs = fd.pipelines, fd.employees, fd.defs
	if fd.deal.ID != 0 {
		f.Deal, f.Access = fd.deal, fd.access
	} else {
		f.Access = data.EditAccess
	}
	pid := f.Deal.PipelineID
	if f.Deal.ID == 0 {
		pid = f.prefill.PipelineID
		if f.pipeline.ID != 0 {
			pid = f.pipeline.ID
		}
	}
	f.pipeline = data.Pipeline{}
	for _, p := range f.pipelines {
		if p.ID == pid || (pid == 0 && f.pipeline.ID == 0) {
			f.pipeline = p
		}
		if pid == 0 {
			break
		}
	}
	if f.Deal.ID == 0 && f.newStage == 0 {
		f.newStage = f.prefill.StageID
		if _, ok := f.pipeline.Stage(f.newStage); !ok {
			st, _ := f.pipeline.FirstOpen()
			f.newStage = st.ID
		}
	}
	if first {
		f.layoutDetails()
	}
	f.bar.set(f.pipeline, f.barDeal())
	if f.Deal.ID != 0 {
		f.actions.Show()
		f.header.SetText(f.Deal.Title)
		if f.win != nil {
			f.win.SetTitle(f.Deal.Title + " — Comptoir")
		}
	}
	if !wasDirty {
		f.fillWidgets()
	} else if f.Deal.HasLines {
		f.amount.SetText(moneyInput(f.Deal.Amount, f.Deal.Currency, f.App.Lang))
	}
	f.applyAccess()
	if first && f.Deal.ID != 0 {
		f.addTabs()
	}
	for _, fn := range f.OnDealChanged {
		fn(f.Deal)
	}
}

// barDeal is the deal as the stage bar shows it (a new deal sits in the
// stage it will be created in).
func (f *DealForm) barDeal() data.Deal {
	if f.Deal.ID == 0 {
		return data.Deal{StageID: f.newStage, Status: data.StatusOpen}
	}
	return f.Deal
}

// addTabs builds the tabs after Details once the deal exists, in order.
// Each tab loads its data with f.App.run, follows the deal through
// f.OnDealChanged and is told the form closed through f.OnClose.
func (f *DealForm) addTabs() {
	f.timeline = newTimelineTab(f)
	f.email = newEmailTab(f)
	f.products = newProductsTab(f)
	f.files = newFilesTab(f)
	for _, t := range []*container.TabItem{
		container.NewTabItemWithIcon(lang.L("Timeline"), theme.HistoryIcon(), f.timeline.root),
		container.NewTabItemWithIcon(lang.L("Emails"), theme.MailComposeIcon(), f.email.root),
		container.NewTabItemWithIcon(lang.L("Products"), theme.ListIcon(), f.products.root),
		container.NewTabItemWithIcon(lang.L("Files"), theme.FolderIcon(), f.files.root),
	} {
		f.tabs.Append(t)
	}
}

// layoutDetails builds the Details tab with the custom fields known now.
func (f *DealForm) layoutDetails() {
	rows := container.NewVBox()
	rows.Add(f.general)
	rows.Add(fieldRow(lang.L("Title"), f.title, f.errLabel("title")))
	if f.Deal.ID == 0 && len(f.pipelines) > 1 {
		names := make([]string, len(f.pipelines))
		for i, p := range f.pipelines {
			names[i] = p.Name
		}
		f.pipeSel.Options = names
		f.pipeSel.Selected = f.pipeline.Name
		rows.Add(fieldRow(lang.L("Pipeline"), f.pipeSel, f.errLabel("pipeline")))
	}
	rows.Add(fieldRow(lang.L("Client"), f.client.root, f.errLabel("contact")))
	f.errs["company"] = f.errs["contact"]
	money := container.NewBorder(nil, nil, nil, container.New(&widthLayout{w: 110}, f.currency), f.amount)
	cols := 2
	if f.App.Mobile {
		cols = 1
	}
	grid := container.NewGridWithColumns(cols,
		fieldRow(lang.L("Responsible"), f.respSel, f.errLabel("responsible")),
		fieldRow(lang.L("Amount"), container.NewVBox(money, f.amountNote, f.errLabel("currency")), f.errLabel("amount")),
		fieldRow(lang.L("Expected close date"), f.closeDate, f.errLabel("close_date")),
		fieldRow(lang.L("Probability (%)"), f.prob, f.errLabel("probability")),
		fieldRow(lang.L("Source"), f.source, f.errLabel("source")),
	)
	rows.Add(grid)
	rows.Add(fieldRow(lang.L("Observers"), f.observe.Container, f.errLabel("observers")))
	if len(f.defs) > 0 {
		rows.Add(widget.NewSeparator())
		rows.Add(heading(lang.L("More")))
		cgrid := container.NewGridWithColumns(cols)
		for _, d := range f.defs {
			cf := newCustomField(d, f.App)
			f.custom[d.Key] = cf
			label := d.Label
			if d.Required {
				label += " *"
			}
			cgrid.Add(fieldRow(label, cf.widget, f.errLabel("custom."+d.Key)))
		}
		rows.Add(cgrid)
	}
	buttons := container.NewHBox(f.revert, f.save)
	details := container.NewBorder(nil, container.NewPadded(container.NewBorder(nil, nil, nil, buttons)), nil, nil,
		container.NewVScroll(container.NewPadded(rows)))
	f.tabs.Items[0].Content = details
	f.tabs.Refresh()
}

// fillWidgets puts the deal (or the prefill) into the widgets.
func (f *DealForm) fillWidgets() {
	in := f.Deal.Input()
	if f.Deal.ID == 0 {
		in = f.prefill
		if in.Currency == "" {
			in.Currency = data.DefaultCurrency
		}
		if in.ResponsibleID == 0 {
			in.ResponsibleID = f.App.Me.ID
		}
		if in.Source == "" {
			in.Source = data.SourceManual
		}
	}
	lang_ := f.App.Lang
	f.title.SetText(in.Title)
	f.client.set(in.ContactID, f.Deal.ContactName, in.CompanyID, f.Deal.CompanyName)
	var names []string
	var active []data.Employee
	for _, e := range f.employees {
		if e.Active || e.ID == in.ResponsibleID || slices.Contains(in.Observers, e.ID) {
			active = append(active, e)
			names = append(names, e.Name)
		}
	}
	f.employees = active
	f.respSel.Options = names
	f.respSel.ClearSelected()
	var obs []string
	for _, e := range active {
		if e.ID == in.ResponsibleID {
			f.respSel.SetSelected(e.Name)
		}
		if slices.Contains(in.Observers, e.ID) {
			obs = append(obs, e.Name)
		}
	}
	f.observe.Set(names, obs)
	if in.Amount != 0 || f.Deal.ID != 0 {
		f.amount.SetText(moneyInput(in.Amount, in.Currency, lang_))
	} else {
		f.amount.SetText("")
	}
	f.currency.SetText(in.Currency)
	if in.CloseDate != "" {
		if t, err := time.Parse("2006-01-02", in.CloseDate); err == nil {
			f.closeDate.SetDate(&t)
		}
	} else {
		f.closeDate.SetDate(nil)
		f.closeDate.SetText("")
	}
	if in.Probability != nil {
		f.prob.SetText(strconv.Itoa(*in.Probability))
	} else {
		f.prob.SetText("")
	}
	stageProb := f.Deal.StageProbability
	if st, ok := f.pipeline.Stage(f.barDeal().StageID); ok {
		stageProb = st.Probability
	}
	f.prob.SetPlaceHolder(lang.L("from the stage") + " (" + strconv.Itoa(stageProb) + " %)")
	f.source.SetSelectedIndex(slices.Index(sources, in.Source))
	for k, cf := range f.custom {
		cf.set(in.Custom[k])
	}
	for _, l := range f.errs {
		setError(l, "")
	}
	setError(f.general, "")
	f.saved, _ = f.input()
}

// applyAccess disables everything for a reader and says why.
func (f *DealForm) applyAccess() {
	ro := f.ReadOnly()
	ws := []fyne.Disableable{f.title, f.pipeSel, f.respSel, f.observe, f.amount, f.currency, f.closeDate, f.prob, f.source, f.save, f.revert}
	for _, cf := range f.custom {
		ws = append(ws, cf.widget.(fyne.Disableable))
	}
	for _, w := range ws {
		if ro {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	f.client.setReadOnly(ro)
	if f.Deal.HasLines {
		f.amount.Disable()
		f.currency.Disable()
		f.amountNote.Show()
	} else {
		f.amountNote.Hide()
	}
	if ro {
		f.save.Hide()
		f.revert.Hide()
		msg := lang.L("You observe this deal: you can read it, but only its responsible or a manager can change it.")
		l := widget.NewLabel(msg)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		f.banner.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, l)}
		f.banner.Show()
	} else {
		f.save.Show()
		f.revert.Show()
		f.banner.Hide()
	}
	f.banner.Refresh()
}

// input reads the widgets into a DealInput; field errors found while
// reading (an amount that is not a number) come back keyed like data/'s.
func (f *DealForm) input() (data.DealInput, map[string]string) {
	errs := map[string]string{}
	in := f.Deal.Input()
	if f.Deal.ID == 0 {
		in = f.prefill
		in.PipelineID = f.pipeline.ID
		in.StageID = f.newStage
	}
	in.Title = strings.TrimSpace(f.title.Text)
	in.ContactID, in.CompanyID = f.client.contactID, f.client.companyID
	if i := f.respSel.SelectedIndex(); i >= 0 && i < len(f.employees) {
		in.ResponsibleID = f.employees[i].ID
	}
	in.Observers = nil
	for _, e := range f.employees {
		if slices.Contains(f.observe.Selected(), e.Name) {
			in.Observers = append(in.Observers, e.ID)
		}
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(f.currency.Text))
	if !f.Deal.HasLines {
		code := in.Currency
		if _, ok := data.CurrencyDigits(code); !ok {
			code = data.DefaultCurrency
		}
		v, err := parseMoneyInput(f.amount.Text, code)
		if err != nil {
			errs["amount"] = lang.L("Not an amount.")
		}
		in.Amount = v
	}
	in.CloseDate = ""
	if f.closeDate.Date != nil && strings.TrimSpace(f.closeDate.Text) != "" {
		in.CloseDate = f.closeDate.Date.Format("2006-01-02")
	} else if strings.TrimSpace(f.closeDate.Text) != "" {
		errs["close_date"] = lang.L("Not a date.")
	}
	in.Probability = nil
	if t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f.prob.Text), "%")); t != "" {
		p, err := strconv.Atoi(t)
		if err != nil {
			errs["probability"] = lang.L("Not a whole number.")
		} else {
			in.Probability = &p
		}
	}
	if i := f.source.SelectedIndex(); i >= 0 {
		in.Source = sources[i]
	}
	in.Custom = map[string]string{}
	for k, cf := range f.custom {
		if v := cf.value(); v != "" {
			in.Custom[k] = v
		}
	}
	if in.Observers == nil {
		in.Observers = []int64{}
	}
	return in, errs
}

// dirty reports whether the widgets differ from the last load or save.
func (f *DealForm) dirty() bool {
	if !f.loaded || f.ReadOnly() {
		return false
	}
	in, errs := f.input()
	if len(errs) > 0 {
		return true
	}
	return !sameInput(in, f.saved)
}

func sameInput(a, b data.DealInput) bool {
	if len(a.Custom) == 0 && len(b.Custom) == 0 {
		a.Custom, b.Custom = nil, nil
	}
	if !maps.Equal(a.Custom, b.Custom) {
		return false
	}
	a.Custom, b.Custom = nil, nil
	return reflect.DeepEqual(a, b)
}

// doSave validates and writes the deal. Nothing is written while a field is
// invalid; each error shows under its field.
func (f *DealForm) doSave() {
	if f.ReadOnly() || !f.loaded {
		return
	}
	for _, l := range f.errs {
		setError(l, "")
	}
	setError(f.general, "")
	in, errs := f.input()
	if len(errs) > 0 {
		for k, msg := range errs {
			setError(f.errLabel(k), msg)
		}
		return
	}
	a := f.App
	id, me := f.Deal.ID, a.Me.ID
	f.save.Disable()
	a.run(func(ctx context.Context) error {
		var d data.Deal
		var err error
		if id == 0 {
			d, err = a.Store.CreateDeal(ctx, me, in)
		} else {
			d, err = a.Store.UpdateDeal(ctx, me, id, in)
		}
		a.do(func() {
			f.save.Enable()
			if err != nil {
				f.showErrors(err)
				return
			}
			f.saved = in
			created := f.Deal.ID == 0
			f.Deal = d
			if created {
				f.addTabs()
			}
			f.reload()
		})
		return nil
	})
}

// showErrors puts each field error under its field; others go on top.
func (f *DealForm) showErrors(err error) {
	v := data.FieldErrors(err)
	if v == nil {
		setError(f.general, errorText(err))
		return
	}
	var rest []string
	for _, fe := range v.Fields {
		if cf, ok := f.custom[strings.TrimPrefix(fe.Field, "custom.")]; ok && strings.HasPrefix(fe.Field, "custom.") {
			setError(f.errLabel(fe.Field), customMessage(cf.def, cf.value()))
			continue
		}
		if l, ok := f.errs[fe.Field]; ok {
			setError(l, fieldMessage(fe))
		} else {
			rest = append(rest, fieldMessage(fe))
		}
	}
	setError(f.general, strings.Join(rest, "\n"))
}

// moved is called after the stage bar moved the deal.
func (f *DealForm) moved(d data.Deal) {
	f.Deal = d
	f.reload()
}

// tryClose closes the form, asking first when there are unsaved changes.
func (f *DealForm) tryClose() {
	if !f.dirty() {
		f.close()
		return
	}
	dialog.ShowConfirm(lang.L("Unsaved changes"), lang.L("Close without saving your changes?"), func(ok bool) {
		if ok {
			f.close()
		}
	}, f.Window())
}

func (f *DealForm) close() {
	if f.closed {
		return
	}
	f.closed = true
	if f.unsubscribe != nil {
		f.unsubscribe()
	}
	f.App.forms = slices.DeleteFunc(f.App.forms, func(o *DealForm) bool { return o == f })
	for _, fn := range f.OnClose {
		fn()
	}
	if f.win != nil {
		f.win.Close()
	} else {
		f.App.Win.SetContent(f.App.main.root)
	}
}

// closeAll closes the open forms of saved deals (the main window is
// closing, or someone else uses the device).
func (a *App) closeAll() {
	for _, f := range slices.Clone(a.forms) {
		if f.Deal.ID != 0 {
			f.close()
		}
	}
}
