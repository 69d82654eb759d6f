package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// clientPicker chooses a deal's client: the chosen contact and company, a
// search among existing ones, and buttons to create one inline.
type clientPicker struct {
	f         *DealForm
	root      *fyne.Container
	contactID int64
	companyID int64
	contact   string // names of the current choice
	company   string

	chosen    *widget.Label
	clear     *widget.Button
	search    *widget.Entry
	results   *fyne.Container
	newPerson *widget.Button
	newOrg    *widget.Button
	timer     *time.Timer
	seq       int
	hits      []data.Hit

	// The create dialog's name entry and button, while it is open (tests).
	createName *widget.Entry
	createBtn  *widget.Button
}

func newClientPicker(f *DealForm) *clientPicker {
	c := &clientPicker{f: f}
	c.chosen = widget.NewLabel("")
	c.chosen.Truncation = fyne.TextTruncateEllipsis
	c.clear = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { c.set(0, "", 0, "") })
	c.clear.Importance = widget.LowImportance
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder(lang.L("Find a contact or a company…"))
	c.search.OnChanged = c.searchChanged
	c.results = container.NewVBox()
	c.newPerson = widget.NewButtonWithIcon(lang.L("New contact"), theme.AccountIcon(), func() { c.createDialog(false) })
	c.newOrg = widget.NewButtonWithIcon(lang.L("New company"), theme.HomeIcon(), func() { c.createDialog(true) })
	c.newPerson.Importance = widget.LowImportance
	c.newOrg.Importance = widget.LowImportance
	searchRow := container.NewBorder(nil, nil, nil, container.NewHBox(c.newPerson, c.newOrg), c.search)
	if f.App.Mobile {
		searchRow = container.NewVBox(c.search, container.NewGridWithColumns(2, c.newPerson, c.newOrg))
	}
	c.root = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), c.clear, c.chosen),
		searchRow,
		c.results)
	return c
}

// set shows the chosen client.
func (c *clientPicker) set(contactID int64, contact string, companyID int64, company string) {
	c.contactID, c.companyID = contactID, companyID
	c.contact, c.company = contact, company
	text := ""
	switch {
	case contact != "" && company != "":
		text = contact + " · " + company
	case contact != "":
		text = contact
	case company != "":
		text = company
	default:
		text = lang.L("No client yet")
	}
	c.chosen.SetText(text)
	if contactID == 0 && companyID == 0 {
		c.clear.Hide()
	} else {
		c.clear.Show()
	}
}

func (c *clientPicker) setReadOnly(ro bool) {
	for _, w := range []fyne.Disableable{c.search, c.newPerson, c.newOrg, c.clear} {
		if ro {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if ro {
		c.search.Hide()
		c.newPerson.Hide()
		c.newOrg.Hide()
	} else {
		c.search.Show()
		c.newPerson.Show()
		c.newOrg.Show()
	}
}

func (c *clientPicker) searchChanged(text string) {
	c.f.App.stopTimer(c.timer)
	c.seq++
	if text == "" {
		c.results.RemoveAll()
		return
	}
	seq := c.seq
	c.timer = c.f.App.after(150*time.Millisecond, func() { c.find(text, seq) })
}

func (c *clientPicker) find(text string, seq int) {
	a := c.f.App
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]data.Hit, error) { return a.Store.Search(ctx, me, text, 20) }, func(hits []data.Hit) {
		if seq != c.seq {
			return
		}
		c.hits = c.hits[:0]
		c.results.RemoveAll()
		for _, h := range hits {
			if h.Kind != data.KindContact && h.Kind != data.KindCompany {
				continue
			}
			h := h
			label := h.Title
			if h.Detail != "" {
				label += " — " + h.Detail
			}
			b := widget.NewButtonWithIcon(label, kindIcon(h.Kind), func() { c.pick(h) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			c.results.Add(b)
			c.hits = append(c.hits, h)
			if len(c.hits) == 6 {
				break
			}
		}
		if len(c.hits) == 0 {
			l := widget.NewLabel(lang.L("Nothing found"))
			l.Importance = widget.LowImportance
			c.results.Add(l)
		}
	})
}

// pick chooses a hit: a contact brings its company along.
func (c *clientPicker) pick(h data.Hit) {
	a := c.f.App
	c.results.RemoveAll()
	c.search.SetText("")
	if h.Kind == data.KindCompany {
		c.set(c.contactID, c.contact, h.ID, h.Title)
		return
	}
	me := a.Me.ID
	load(a, func(ctx context.Context) (data.Contact, error) { return a.Store.Contact(ctx, me, h.ID) }, func(ct data.Contact) {
		c.set(ct.ID, ct.Name, ct.CompanyID, ct.CompanyName)
	})
}

// createDialog creates a contact or a company from a small form and picks it.
func (c *clientPicker) createDialog(company bool) {
	a := c.f.App
	win := c.f.Window()
	name, email, phone := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	name.SetText(c.search.Text)
	errs := map[string]*widget.Label{"name": newErrorLabel(), "emails[0]": newErrorLabel(), "phones[0]": newErrorLabel()}
	title := lang.L("New contact")
	if company {
		title = lang.L("New company")
	}
	var dlg dialog.Dialog
	var create *widget.Button
	create = widget.NewButtonWithIcon(lang.L("Create"), theme.ConfirmIcon(), func() {
		if create.Disabled() {
			return // a second tap while the first is being saved
		}
		for _, l := range errs {
			setError(l, "")
		}
		var emails, phones []string
		if email.Text != "" {
			emails = []string{email.Text}
		}
		if phone.Text != "" {
			phones = []string{phone.Text}
		}
		// Everything the save needs is read here, on the UI goroutine; the
		// button stays disabled until the outcome is shown.
		me, nameText, companyID := a.Me.ID, name.Text, c.companyID
		create.Disable()
		a.run(func(ctx context.Context) error {
			var id int64
			var nm string
			var err error
			if company {
				var co data.Company
				co, err = a.Store.CreateCompany(ctx, me, data.CompanyInput{Name: nameText, Emails: emails, Phones: phones})
				id, nm = co.ID, co.Name
			} else {
				var ct data.Contact
				ct, err = a.Store.CreateContact(ctx, me, data.ContactInput{Name: nameText, Emails: emails, Phones: phones, CompanyID: companyID})
				id, nm = ct.ID, ct.Name
			}
			a.do(func() {
				create.Enable()
				if v := data.FieldErrors(err); v != nil {
					for _, fe := range v.Fields {
						if l, ok := errs[fe.Field]; ok {
							setError(l, fieldMessage(fe))
						}
					}
					return
				}
				if err != nil {
					a.showErrorIn(win, err)
					return
				}
				dlg.Hide()
				c.search.SetText("")
				c.results.RemoveAll()
				if company {
					c.set(c.contactID, c.contact, id, nm)
				} else {
					c.set(id, nm, c.companyID, c.company)
				}
			})
			return nil
		})
	})
	create.Importance = widget.HighImportance
	body := container.NewVBox(
		fieldRow(lang.L("Name"), name, errs["name"]),
		fieldRow(lang.L("Email"), email, errs["emails[0]"]),
		fieldRow(lang.L("Phone"), phone, errs["phones[0]"]),
		container.NewGridWithColumns(2, widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() }), create))
	dlg = dialog.NewCustomWithoutButtons(title, body, win)
	c.createName, c.createBtn = name, create
	dlg.Resize(dialogSize(win, 400))
	dlg.Show()
}
