package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// whoAmI is the dialog that asks who uses this device: on a database with no
// employee it creates the first admin, else it lets the person pick
// themselves among the active employees.
type whoAmI struct {
	a      *App
	dlg    dialog.Dialog
	name   *widget.Entry
	email  *widget.Entry
	errs   map[string]*widget.Label
	pick   *widget.Select
	people []data.Employee
	submit *widget.Button
}

func (a *App) askWhoAmI() {
	load(a, func(ctx context.Context) ([]data.Employee, error) {
		return a.Store.SignInEmployees(ctx)
	}, func(active []data.Employee) {
		a.main.who = newWhoAmI(a, active)
	})
}

func newWhoAmI(a *App, people []data.Employee) *whoAmI {
	d := &whoAmI{a: a, people: people, errs: map[string]*widget.Label{}}
	title := widget.NewLabelWithStyle(lang.L("Welcome to Comptoir"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var body fyne.CanvasObject
	if len(people) == 0 {
		d.name = widget.NewEntry()
		d.name.SetPlaceHolder(lang.L("Your name"))
		d.email = widget.NewEntry()
		d.email.SetPlaceHolder(lang.L("you@company.com"))
		d.submit = widget.NewButtonWithIcon(lang.L("Start"), theme.ConfirmIcon(), d.createAdmin)
		d.submit.Importance = widget.HighImportance
		body = container.NewVBox(title,
			widget.NewLabel(lang.L("This database is new. You will be its administrator.")),
			fieldRow(lang.L("Name"), d.name, d.errLabel("name")),
			fieldRow(lang.L("Email"), d.email, d.errLabel("email")),
			d.submit)
	} else {
		names := make([]string, len(people))
		for i, e := range people {
			names[i] = e.Name + " <" + e.Email + ">"
		}
		d.pick = widget.NewSelect(names, nil)
		d.pick.PlaceHolder = lang.L("Choose your name")
		d.submit = widget.NewButtonWithIcon(lang.L("Continue"), theme.ConfirmIcon(), func() {
			i := d.pick.SelectedIndex()
			if i < 0 {
				return
			}
			d.dlg.Hide()
			a.setMe(d.people[i])
		})
		d.submit.Importance = widget.HighImportance
		body = container.NewVBox(title, widget.NewLabel(lang.L("Who is using Comptoir on this device?")), d.pick, d.submit)
	}
	d.dlg = dialog.NewCustomWithoutButtons("Comptoir", container.NewPadded(body), a.Win)
	d.dlg.Resize(dialogSize(a.Win, 440))
	d.dlg.Show()
	if d.name != nil {
		a.Win.Canvas().Focus(d.name)
	}
	return d
}

func (d *whoAmI) errLabel(field string) *widget.Label {
	l := newErrorLabel()
	d.errs[field] = l
	return l
}

func (d *whoAmI) createAdmin() {
	name, email := d.name.Text, d.email.Text
	for _, l := range d.errs {
		setError(l, "")
	}
	d.submit.Disable()
	a := d.a
	a.run(func(ctx context.Context) error {
		e, err := a.Store.CreateFirstAdmin(ctx, name, email)
		a.do(func() {
			d.submit.Enable()
			if v := data.FieldErrors(err); v != nil {
				for _, f := range v.Fields {
					if l, ok := d.errs[f.Field]; ok {
						setError(l, fieldMessage(f))
					}
				}
				return
			}
			if err != nil {
				a.showError(err)
				return
			}
			d.dlg.Hide()
			a.setMe(e)
			a.offerSample()
		})
		return nil
	})
}

// offerSample proposes to fill a new database with sample deals.
func (a *App) offerSample() {
	dialog.ShowConfirm(lang.L("Sample data"),
		lang.L("Load sample deals, contacts and companies so you can try Comptoir at once?"),
		func(ok bool) {
			if !ok {
				return
			}
			prog := dialog.NewCustomWithoutButtons(lang.L("Sample data"), widget.NewProgressBarInfinite(), a.Win)
			prog.Show()
			a.run(func(ctx context.Context) error {
				err := fillSample(ctx, a.Store, a.Lang)
				a.do(prog.Hide)
				return err
			})
		}, a.Win)
}
