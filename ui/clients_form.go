package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// mailtoURL is the link that writes to an address.
func mailtoURL(email string) *url.URL {
	return &url.URL{Scheme: "mailto", Opaque: url.PathEscape(strings.TrimSpace(email))}
}

// telURL is the link that dials a number: its digits, with a leading + kept.
func telURL(phone string) *url.URL {
	phone = strings.TrimSpace(phone)
	var b strings.Builder
	for i, r := range phone {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return &url.URL{Scheme: "tel", Opaque: b.String()}
}

// ClientForm edits a contact or a company: name, company (contacts) or VAT
// and registration (companies), several emails and phones with mailto: and
// tel: buttons, address, notes, custom fields, and the client's deals with a
// button for a new deal prefilled with the client. Nothing is saved until
// data/ accepts the whole form; its errors show next to their fields.
type ClientForm struct {
	a    *App
	kind data.Kind
	id   int64 // 0 until a new client is saved

	title        *widget.Label
	name         *widget.Entry
	company      *widget.SelectEntry
	companyNew   *widget.Button
	companyID    int64
	companies    []data.ClientRow // the company picker's current options
	vat          *widget.Entry
	registration *widget.Entry
	emails       *valueList
	phones       *valueList
	address      *widget.Entry
	notes        *widget.Entry
	customBox    *fyne.Container
	custom       []*customInput
	errs         map[string]*widget.Label // by data field key
	general      *widget.Label            // errors with no field of their own
	saveBtn      *widget.Button
	revertBtn    *widget.Button
	status       *widget.Label

	dealsCard  *fyne.Container
	dealsBox   *fyne.Container
	deals      []data.ListRow
	dealBtns   []*widget.Button
	newDealBtn *widget.Button

	peopleCard   *fyne.Container // a company's contacts
	peopleBox    *fyne.Container
	peopleBtns   []*widget.Button
	newPersonBtn *widget.Button

	// prefill is what a new contact starts with (its company, when created
	// from a company's form).
	prefill data.Contact

	filling bool // widgets are being filled from data: not a change
	dirty   bool
	saving  bool
	saved   bool // the last load follows a save: say so
	onSaved func(id int64)
	content fyne.CanvasObject
	body    *fyne.Container
	scroll  *container.Scroll

	// The dialogs last opened from the form's phone and email buttons.
	callForm *callForm
	compose  *composeForm

	life *clientLife // its files and Delete (clients_life.go)
}

// relayout lays the form out again after sections appeared, disappeared or
// grew (Show and Hide do not resize the parents).
func (f *ClientForm) relayout() {
	if f.body == nil {
		return
	}
	for _, o := range f.body.Objects {
		if c, ok := o.(*fyne.Container); ok {
			c.Refresh()
		}
	}
	f.body.Refresh()
	f.scroll.Refresh()
}

func newClientForm(a *App, kind data.Kind, id int64, prefill data.Contact) *ClientForm {
	f := &ClientForm{a: a, kind: kind, id: id, prefill: prefill, errs: map[string]*widget.Label{}}
	f.life = newClientLife(f)
	f.title = heading("")
	f.status = widget.NewLabel("")
	f.status.Importance = widget.LowImportance
	f.general = newErrorLabel()

	entry := func(key string, multi bool) *widget.Entry {
		e := widget.NewEntry()
		if multi {
			e = widget.NewMultiLineEntry()
			e.Wrapping = fyne.TextWrapWord
			e.SetMinRowsVisible(3)
		}
		e.OnChanged = func(string) { f.markDirty() }
		f.errs[key] = newErrorLabel()
		return e
	}
	f.name = entry("name", false)
	f.address = entry("address", true)
	f.notes = entry("notes", true)
	f.emails = newValueList(f, false)
	f.phones = newValueList(f, true)
	f.customBox = container.NewVBox()

	rows := []fyne.CanvasObject{fieldRow(lang.L("Name"), f.name, f.errs["name"])}
	if kind == data.KindContact {
		f.errs["company"] = newErrorLabel()
		f.company = widget.NewSelectEntry(nil)
		f.company.SetPlaceHolder(lang.L("Type to find a company"))
		f.company.OnChanged = f.companyTyped
		f.companyNew = widget.NewButtonWithIcon("", theme.ContentAddIcon(), f.createCompany)
		f.companyNew.Disable()
		rows = append(rows, fieldRow(lang.L("Company"), container.NewBorder(nil, nil, nil, f.companyNew, f.company), f.errs["company"]))
	} else {
		f.vat = entry("vat_number", false)
		f.registration = entry("registration", false)
		rows = append(rows, container.NewGridWithColumns(2,
			fieldRow(lang.L("VAT number"), f.vat, f.errs["vat_number"]),
			fieldRow(lang.L("Registration number"), f.registration, f.errs["registration"])))
	}
	f.dealsBox = container.NewVBox()
	f.newDealBtn = widget.NewButtonWithIcon(lang.L("New deal"), theme.ContentAddIcon(), f.newDeal)
	f.dealsCard = container.NewVBox(heading(lang.L("Deals")), f.dealsBox, container.NewHBox(f.newDealBtn), widget.NewSeparator())
	f.dealsCard.Hide()
	rows = append(rows, f.dealsCard)
	if kind == data.KindCompany {
		f.peopleBox = container.NewVBox()
		f.newPersonBtn = widget.NewButtonWithIcon(lang.L("New contact"), theme.ContentAddIcon(), f.newPerson)
		f.peopleCard = container.NewVBox(heading(lang.L("Contacts")), f.peopleBox, container.NewHBox(f.newPersonBtn), widget.NewSeparator())
		f.peopleCard.Hide()
		rows = append(rows, f.peopleCard)
	}
	rows = append(rows,
		container.NewVBox(heading(lang.L("Emails")), f.emails.box, container.NewHBox(f.emails.add)),
		container.NewVBox(heading(lang.L("Phones")), f.phones.box, container.NewHBox(f.phones.add)),
		fieldRow(lang.L("Address"), f.address, f.errs["address"]),
		fieldRow(lang.L("Notes"), f.notes, f.errs["notes"]),
		f.customBox,
		f.life.card,
	)

	f.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.Save)
	f.saveBtn.Importance = widget.HighImportance
	f.saveBtn.Disable()
	f.revertBtn = widget.NewButtonWithIcon(lang.L("Revert"), theme.ContentUndoIcon(), f.load)
	f.revertBtn.Disable()
	bar := container.NewBorder(nil, nil, f.title, container.NewHBox(f.status, f.life.del, f.revertBtn, f.saveBtn))
	f.body = container.NewVBox(append([]fyne.CanvasObject{f.general}, rows...)...)
	f.scroll = container.NewVScroll(container.NewPadded(f.body))
	f.content = container.NewBorder(container.NewPadded(bar), nil, nil, nil, f.scroll)
	f.load()
	return f
}

// Dirty reports whether the form has changes not saved yet.
func (f *ClientForm) Dirty() bool { return f.dirty }

func (f *ClientForm) markDirty() {
	if f.filling {
		return
	}
	f.dirty = true
	f.status.SetText(lang.L("Not saved"))
	f.saveBtn.Enable()
	f.revertBtn.Enable()
}

// clientData is what the form reads to show a client.
type clientData struct {
	contact data.Contact
	company data.Company
	defs    []data.FieldDef
	deals   []data.ListRow
	people  []data.ClientRow // a company's contacts
}

// load reads the client (or only the custom field definitions for a new
// one) and fills the form, dropping unsaved changes.
func (f *ClientForm) load() {
	id, kind, st, me := f.id, f.kind, f.a.Store, f.a.Me.ID
	load(f.a, func(ctx context.Context) (clientData, error) {
		var d clientData
		var err error
		entity := data.EntityContact
		if kind == data.KindCompany {
			entity = data.EntityCompany
		}
		if d.defs, err = st.FieldDefs(ctx, me, entity); err != nil {
			return d, err
		}
		if id == 0 {
			return d, nil
		}
		if kind == data.KindCompany {
			d.company, err = st.Company(ctx, me, id)
		} else {
			d.contact, err = st.Contact(ctx, me, id)
		}
		if err != nil {
			return d, err
		}
		if d.deals, err = st.ClientDeals(ctx, me, kind, id, 200); err != nil {
			return d, err
		}
		if kind == data.KindCompany {
			d.people, err = st.CompanyContacts(ctx, me, id, 200)
		}
		return d, err
	}, f.fill)
}

func (f *ClientForm) fill(d clientData) {
	f.filling = true
	defer func() { f.filling = false }()
	f.clearErrors()
	c, co := d.contact, d.company
	if f.id == 0 && f.kind == data.KindContact {
		c = f.prefill
	}
	switch {
	case f.id == 0 && f.kind == data.KindCompany:
		f.title.SetText(lang.L("New company"))
	case f.id == 0:
		f.title.SetText(lang.L("New contact"))
	case f.kind == data.KindCompany:
		f.title.SetText(co.Name)
	default:
		f.title.SetText(c.Name)
	}
	custom := c.Custom
	if f.kind == data.KindCompany {
		f.name.SetText(co.Name)
		f.vat.SetText(co.VATNumber)
		f.registration.SetText(co.Registration)
		f.emails.set(co.Emails)
		f.phones.set(co.Phones)
		f.address.SetText(co.Address)
		f.notes.SetText(co.Notes)
		custom = co.Custom
	} else {
		f.name.SetText(c.Name)
		f.companyID = c.CompanyID
		f.company.SetText(c.CompanyName)
		f.companyNew.Disable()
		f.emails.set(c.Emails)
		f.phones.set(c.Phones)
		f.address.SetText(c.Address)
		f.notes.SetText(c.Notes)
	}
	f.custom = f.custom[:0]
	f.customBox.RemoveAll()
	for _, def := range d.defs {
		ci := newCustomInput(f, def)
		ci.set(custom[def.Key])
		f.custom = append(f.custom, ci)
		f.errs["custom."+def.Key] = ci.err
		f.customBox.Add(fieldRow(customLabel(def), ci.obj, ci.err))
	}
	f.showDeals(d.deals)
	f.showPeople(d.people)
	f.life.filled()
	f.relayout()
	f.dirty = false
	f.status.SetText("")
	if f.saved {
		f.status.SetText(lang.L("Saved"))
		f.saved = false
	}
	f.saveBtn.Disable()
	f.revertBtn.Disable()
}

func customLabel(def data.FieldDef) string {
	if def.Required {
		return def.Label + " *"
	}
	return def.Label
}

func (f *ClientForm) showDeals(rows []data.ListRow) {
	if f.id == 0 {
		f.dealsCard.Hide()
		return
	}
	f.deals = rows
	f.dealBtns = f.dealBtns[:0]
	f.dealsBox.RemoveAll()
	if len(rows) == 0 {
		none := widget.NewLabel(lang.L("No deals yet."))
		none.Importance = widget.LowImportance
		f.dealsBox.Add(none)
	}
	for _, d := range rows {
		id := d.ID
		text := d.Title + " · " + d.Stage
		if d.Amount != 0 {
			text += " · " + formatMoney(d.Amount, d.Currency, f.a.Lang)
		}
		b := widget.NewButtonWithIcon(text, theme.DocumentIcon(), func() { f.a.openDeal(id) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		f.dealBtns = append(f.dealBtns, b)
		f.dealsBox.Add(b)
	}
	f.dealsCard.Show()
}

// showPeople lists a company's contacts, each opening its form.
func (f *ClientForm) showPeople(rows []data.ClientRow) {
	if f.peopleCard == nil {
		return
	}
	if f.id == 0 {
		f.peopleCard.Hide()
		return
	}
	f.peopleBtns = f.peopleBtns[:0]
	f.peopleBox.RemoveAll()
	if len(rows) == 0 {
		none := widget.NewLabel(lang.L("No contacts yet."))
		none.Importance = widget.LowImportance
		f.peopleBox.Add(none)
	}
	for _, r := range rows {
		id := r.ID
		text := r.Name
		if r.Email != "" {
			text += " · " + r.Email
		}
		b := widget.NewButtonWithIcon(text, theme.AccountIcon(), func() { openClient(f.a, data.KindContact, id) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		f.peopleBtns = append(f.peopleBtns, b)
		f.peopleBox.Add(b)
	}
	f.peopleCard.Show()
}

// newPerson opens a new contact of this company.
func (f *ClientForm) newPerson() {
	openClientWith(f.a, data.KindContact, 0, data.Contact{CompanyID: f.id, CompanyName: f.name.Text})
}

func (f *ClientForm) reloadDeals() {
	if f.id == 0 {
		return
	}
	id, kind, st, me := f.id, f.kind, f.a.Store, f.a.Me.ID
	load(f.a, func(ctx context.Context) ([]data.ListRow, error) {
		return st.ClientDeals(ctx, me, kind, id, 200)
	}, func(rows []data.ListRow) {
		if f.id == id {
			f.showDeals(rows)
			f.relayout()
		}
	})
}

// newDeal opens an empty deal form for this client.
func (f *ClientForm) newDeal() {
	in := data.DealInput{}
	if f.kind == data.KindCompany {
		in.CompanyID = f.id
	} else {
		in.ContactID, in.CompanyID = f.id, f.companyID
	}
	f.a.newDeal(in)
}

// changed follows writes made anywhere: deals of the client, and the client
// itself when this form holds no unsaved change.
func (f *ClientForm) changed(cs data.Changes) {
	if f.id == 0 {
		return
	}
	mine := cs.Has(f.kind, f.id) || (f.kind == data.KindCompany && cs.Has(data.KindContact, 0))
	if mine && !f.dirty && !f.saving {
		f.load()
		return
	}
	if cs.Has(data.KindDeal, 0) {
		f.reloadDeals()
	}
}

// companyTyped looks up the companies starting with the text, and picks the
// one whose name it is exactly.
func (f *ClientForm) companyTyped(text string) {
	if f.filling {
		return
	}
	f.markDirty()
	f.companyID = 0
	for _, c := range f.companies {
		if strings.EqualFold(c.Name, strings.TrimSpace(text)) {
			f.companyID = c.ID
		}
	}
	f.updateCompanyNew()
	st, me := f.a.Store, f.a.Me.ID
	load(f.a, func(ctx context.Context) ([]data.ClientRow, error) {
		return st.CompanyNames(ctx, me, text, 12)
	}, func(rows []data.ClientRow) {
		if f.company.Text != text {
			return
		}
		f.companies = rows
		names := make([]string, len(rows))
		for i, r := range rows {
			names[i] = r.Name
			if strings.EqualFold(r.Name, strings.TrimSpace(text)) {
				f.companyID = r.ID
			}
		}
		f.company.SetOptions(names)
		f.updateCompanyNew()
	})
}

func (f *ClientForm) updateCompanyNew() {
	if strings.TrimSpace(f.company.Text) != "" && f.companyID == 0 {
		f.companyNew.Enable()
	} else {
		f.companyNew.Disable()
	}
}

// createCompany creates a company with the typed name and picks it.
func (f *ClientForm) createCompany() {
	name := strings.TrimSpace(f.company.Text)
	if name == "" {
		return
	}
	st, me := f.a.Store, f.a.Me.ID
	f.a.run(func(ctx context.Context) error {
		co, err := st.CreateCompany(ctx, me, data.CompanyInput{Name: name})
		if v := data.FieldErrors(err); v != nil {
			f.a.do(func() { setError(f.errs["company"], errorText(err)); f.relayout() })
			return nil
		}
		if err != nil {
			return err
		}
		f.a.do(func() {
			f.companies = append(f.companies, data.ClientRow{ID: co.ID, Name: co.Name})
			f.companyID = co.ID
			setError(f.errs["company"], "")
			f.updateCompanyNew()
			f.relayout()
		})
		return nil
	})
}

func (f *ClientForm) clearErrors() {
	for _, l := range f.errs {
		setError(l, "")
	}
	setError(f.general, "")
	f.emails.clearErrors()
	f.phones.clearErrors()
}

// Save checks and writes the form through data/; on a validation error
// nothing is written and each message shows next to its field.
func (f *ClientForm) Save() {
	if f.saving {
		return
	}
	f.clearErrors()
	for _, ci := range f.custom {
		ci.validate()
	}
	emails, emailRows := f.emails.values()
	phones, phoneRows := f.phones.values()
	custom := map[string]string{}
	for _, ci := range f.custom {
		if v := ci.value(); v != "" {
			custom[ci.def.Key] = v
		}
	}
	id, kind, st, me := f.id, f.kind, f.a.Store, f.a.Me.ID
	companyText := ""
	companyID := f.companyID
	if f.company != nil {
		companyText = strings.TrimSpace(f.company.Text)
	}
	contact := data.ContactInput{Name: f.name.Text, Emails: emails, Phones: phones, Address: strings.TrimSpace(f.address.Text),
		Notes: strings.TrimSpace(f.notes.Text), Custom: custom}
	var company data.CompanyInput
	if kind == data.KindCompany {
		company = data.CompanyInput{Name: f.name.Text, VATNumber: strings.TrimSpace(f.vat.Text), Registration: strings.TrimSpace(f.registration.Text),
			Emails: emails, Phones: phones, Address: contact.Address, Notes: contact.Notes, Custom: custom}
	}
	f.saving = true
	f.saveBtn.Disable()
	f.a.run(func(ctx context.Context) error {
		defer f.a.do(func() {
			f.saving = false
			if f.dirty {
				f.saveBtn.Enable()
			}
		})
		var saved int64
		var err error
		if kind == data.KindContact {
			if companyText == "" {
				companyID = 0
			} else if companyID == 0 {
				if companyID, err = companyNamed(ctx, st, me, companyText); err != nil {
					return err
				}
				if companyID == 0 {
					f.a.do(func() {
						setError(f.errs["company"], lang.L("No company has this name: pick one in the list, or create it with +."))
						f.relayout()
					})
					return nil
				}
			}
			contact.CompanyID = companyID
			var c data.Contact
			if id == 0 {
				c, err = st.CreateContact(ctx, me, contact)
			} else {
				c, err = st.UpdateContact(ctx, me, id, contact)
			}
			saved = c.ID
		} else {
			var c data.Company
			if id == 0 {
				c, err = st.CreateCompany(ctx, me, company)
			} else {
				c, err = st.UpdateCompany(ctx, me, id, company)
			}
			saved = c.ID
		}
		if v := data.FieldErrors(err); v != nil {
			f.a.do(func() { f.showErrors(v, emailRows, phoneRows) })
			return nil
		}
		if err != nil {
			return err
		}
		f.a.do(func() {
			f.id = saved
			f.dirty, f.saved = false, true
			f.load()
			if f.onSaved != nil {
				f.onSaved(saved)
			}
		})
		return nil
	})
}

// companyNamed finds a company by its exact name (any case), or 0.
func companyNamed(ctx context.Context, st *data.Store, me int64, name string) (int64, error) {
	rows, err := st.CompanyNames(ctx, me, name, 20)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		if strings.EqualFold(r.Name, name) {
			return r.ID, nil
		}
	}
	return 0, nil
}

// showErrors puts each field error next to its field; emails[i] and
// phones[i] count the non-empty rows, as data/ does.
func (f *ClientForm) showErrors(v *data.ValidationError, emailRows, phoneRows []int) {
	var rest []string
	for _, fe := range v.Fields {
		msg := clientFieldMessage(fe)
		var i int
		switch {
		case f.errs[fe.Field] != nil:
			setError(f.errs[fe.Field], msg)
		case scanIndex(fe.Field, "emails[%d]", &i) && i < len(emailRows):
			setError(f.emails.rows[emailRows[i]].err, msg)
		case scanIndex(fe.Field, "phones[%d]", &i) && i < len(phoneRows):
			setError(f.phones.rows[phoneRows[i]].err, msg)
		default:
			rest = append(rest, msg)
		}
	}
	setError(f.general, strings.Join(rest, "\n"))
	f.status.SetText(lang.L("Not saved: check the fields in red."))
	f.relayout()
}

// clientFieldMessage translates the client rules' errors by their code.
func clientFieldMessage(fe data.FieldError) string {
	switch fe.Code {
	case "invalid_email":
		return lang.L("This is not an email address.")
	case "invalid_phone":
		return lang.L("This is not a phone number.")
	case "unknown_company":
		return lang.L("This company no longer exists.")
	}
	return fieldMessage(fe)
}

func scanIndex(field, format string, i *int) bool {
	_, err := fmt.Sscanf(field, format, i)
	return err == nil
}

// valueList is the editable list of a client's emails or phones: one row
// per value with its mailto: or tel: button and a remove button.
type valueList struct {
	f     *ClientForm
	phone bool
	box   *fyne.Container
	rows  []*valueRow
	add   *widget.Button
}

type valueRow struct {
	entry  *widget.Entry
	open   *widget.Button
	remove *widget.Button
	err    *widget.Label
	obj    fyne.CanvasObject
}

func newValueList(f *ClientForm, phone bool) *valueList {
	l := &valueList{f: f, phone: phone, box: container.NewVBox()}
	label := lang.L("Add an email")
	if phone {
		label = lang.L("Add a phone")
	}
	l.add = widget.NewButtonWithIcon(label, theme.ContentAddIcon(), func() {
		r := l.addRow("")
		f.markDirty()
		f.relayout()
		if c := fyne.CurrentApp().Driver().CanvasForObject(l.box); c != nil {
			c.Focus(r.entry)
		}
	})
	l.add.Importance = widget.LowImportance
	return l
}

func (l *valueList) addRow(v string) *valueRow {
	r := &valueRow{entry: widget.NewEntry(), err: newErrorLabel()}
	r.entry.SetText(v)
	if l.phone {
		r.entry.SetPlaceHolder("+33 6 12 34 56 78")
		r.open = widget.NewButtonWithIcon("", callIcon(), func() { l.openRow(r) })
	} else {
		r.entry.SetPlaceHolder("name@example.com")
		r.open = widget.NewButtonWithIcon("", theme.MailComposeIcon(), func() { l.openRow(r) })
	}
	r.entry.OnChanged = func(string) {
		l.f.markDirty()
		l.updateOpen(r)
	}
	l.updateOpen(r)
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, x := range l.rows {
			if x == r {
				l.rows = append(l.rows[:i], l.rows[i+1:]...)
				break
			}
		}
		l.box.Remove(r.obj)
		l.f.markDirty()
		l.f.relayout()
	})
	r.remove.Importance = widget.LowImportance
	r.obj = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(r.open, r.remove), r.entry), r.err)
	l.rows = append(l.rows, r)
	l.box.Add(r.obj)
	return r
}

func (l *valueList) updateOpen(r *valueRow) {
	if strings.TrimSpace(r.entry.Text) == "" {
		r.open.Disable()
	} else {
		r.open.Enable()
	}
}

// openRow opens the row's address in the mail client, or dials its number
// and offers to log the call.
func (l *valueList) openRow(r *valueRow) {
	v := strings.TrimSpace(r.entry.Text)
	if v == "" {
		return
	}
	if l.phone {
		// Dial, then offer to log the call: the number finds the deal.
		l.f.callForm = dialThenLog(l.f.a, l.f.a.Win, 0, v)
		return
	}
	// Written from Comptoir when the address is a client's with deals.
	composeToAddress(l.f.a, v, func(c *composeForm) { l.f.compose = c })
}

// set replaces the rows with the values (one empty row when there is none).
func (l *valueList) set(vs []string) {
	l.rows = nil
	l.box.RemoveAll()
	for _, v := range vs {
		l.addRow(v)
	}
	if len(vs) == 0 {
		l.addRow("")
	}
}

// values returns the non-empty values without case-insensitive duplicates,
// as data/ keeps them, and for each the index of its row.
func (l *valueList) values() (vals []string, rowOf []int) {
	seen := map[string]bool{}
	for i, r := range l.rows {
		v := strings.TrimSpace(r.entry.Text)
		if v == "" || seen[strings.ToLower(v)] {
			continue
		}
		seen[strings.ToLower(v)] = true
		vals = append(vals, v)
		rowOf = append(rowOf, i)
	}
	return vals, rowOf
}

func (l *valueList) clearErrors() {
	for _, r := range l.rows {
		setError(r.err, "")
	}
}

// customInput is one custom field rendered by its type: an entry (text,
// number, money, date), a check (yes/no) or a select (list). Its value is
// checked as it changes with data.NormalizeFieldValue.
type customInput struct {
	def   data.FieldDef
	obj   fyne.CanvasObject
	entry *widget.Entry
	check *widget.Check
	sel   *widget.Select
	err   *widget.Label
}

func newCustomInput(f *ClientForm, def data.FieldDef) *customInput {
	ci := &customInput{def: def, err: newErrorLabel()}
	changed := func() {
		f.markDirty()
		if !f.filling {
			ci.validate()
			f.relayout()
		}
	}
	switch def.Type {
	case data.FieldBool:
		ci.check = widget.NewCheck(lang.L("Yes"), func(bool) { changed() })
		ci.obj = ci.check
	case data.FieldList:
		opts := append([]string{""}, def.Options...)
		ci.sel = widget.NewSelect(opts, func(string) { changed() })
		ci.obj = ci.sel
	default:
		ci.entry = widget.NewEntry()
		switch def.Type {
		case data.FieldDate:
			ci.entry.SetPlaceHolder(lang.L("YYYY-MM-DD"))
		case data.FieldMoney:
			ci.entry.SetPlaceHolder("12.50 " + data.DefaultCurrency)
		case data.FieldNumber:
			ci.entry.SetPlaceHolder("0")
		}
		ci.entry.OnChanged = func(string) { changed() }
		ci.obj = ci.entry
	}
	return ci
}

func (ci *customInput) value() string {
	switch {
	case ci.check != nil:
		if ci.check.Checked {
			return "true"
		}
		return "false"
	case ci.sel != nil:
		return ci.sel.Selected
	}
	return strings.TrimSpace(ci.entry.Text)
}

func (ci *customInput) set(v string) {
	switch {
	case ci.check != nil:
		ci.check.SetChecked(v == "true")
	case ci.sel != nil:
		ci.sel.SetSelected(v)
	default:
		ci.entry.SetText(v)
	}
}

// validate shows the value's error under the field, and reports whether it
// is valid.
func (ci *customInput) validate() bool {
	_, err := data.NormalizeFieldValue(ci.def, ci.value())
	if err != nil {
		setError(ci.err, customFieldMessage(ci.def, err))
		return false
	}
	setError(ci.err, "")
	return true
}
