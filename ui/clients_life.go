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

// A contact's or a company's life in its form: its files (a business
// card, a Kbis), and Delete for managers and admins, which asks what to do
// with the client's deals (keep them without it, or send them to the trash
// with it) and sends the client to the trash, from where it comes back
// whole.

// clientLife is what the client form adds for files and deletion.
type clientLife struct {
	f     *ClientForm
	del   *widget.Button
	card  *fyne.Container // the Files section
	files *filesPanel
	ask   *clientDeleteDialog
}

func newClientLife(f *ClientForm) *clientLife {
	l := &clientLife{f: f, card: container.NewVBox()}
	l.del = widget.NewButtonWithIcon(lang.L("Delete…"), theme.DeleteIcon(), l.askDelete)
	l.del.Importance = widget.LowImportance
	l.del.Hide()
	l.card.Hide()
	return l
}

// filled follows the form's fill: the client exists (or no longer).
func (l *clientLife) filled() {
	f := l.f
	if f.id == 0 {
		l.del.Hide()
		return
	}
	if f.a.Me.SeesAll() {
		l.del.Show()
	}
	if l.files == nil || l.files.owner.ID != f.id {
		l.files = newFilesPanel(f.a, data.FileOwner{Kind: f.kind, ID: f.id}, func() fyne.Window { return f.a.Win }, nil)
		l.files.resized = f.relayout
		list := container.NewVBox(container.NewHBox(l.files.add), l.files.status, l.files.err, l.files.empty,
			container.New(&sizedList{p: l.files, max: 4}, l.files.list))
		l.card.Objects = []fyne.CanvasObject{heading(lang.L("Files")), list, widget.NewSeparator()}
		l.card.Show()
		l.card.Refresh()
	} else {
		l.files.reload()
	}
}

// clientDeleteDialog asks before deleting a client, and what happens to
// its deals.
type clientDeleteDialog struct {
	dlg     dialog.Dialog
	message *widget.Label
	deals   *widget.RadioGroup // keep / trash, when it has deals
	confirm *widget.Button
	err     *widget.Label
}

func (l *clientLife) askDelete() {
	f := l.f
	a, kind, id, me := f.a, f.kind, f.id, f.a.Me.ID
	load(a, func(ctx context.Context) (data.Deletion, error) { return a.Store.ClientDeletion(ctx, me, kind, id) }, func(del data.Deletion) {
		if !del.Allowed {
			dialog.NewInformation(lang.L("Delete"), errorText(del.Why), a.Win).Show()
			return
		}
		l.ask = l.deleteDialog(del)
	})
}

func (l *clientLife) deleteDialog(del data.Deletion) *clientDeleteDialog {
	f := l.f
	a := f.a
	d := &clientDeleteDialog{err: newErrorLabel()}
	text := lang.L("{{.Name}} goes to the trash, with its emails, phones, fields and files. It can be restored for {{.Days}} days.",
		map[string]any{"Name": f.name.Text, "Days": data.TrashDays})
	if del.Contacts > 0 {
		text += "\n" + lang.L("Its {{.N}} contacts stay, without this company until it comes back.", map[string]any{"N": del.Contacts})
	}
	d.message = widget.NewLabel(text)
	d.message.Wrapping = fyne.TextWrapWord
	keep, trash := lang.L("Keep them, without this client"), lang.L("Send them to the trash too")
	box := container.NewVBox(d.message)
	if del.Deals > 0 {
		d.deals = widget.NewRadioGroup([]string{keep, trash}, nil)
		d.deals.Required = true
		d.deals.SetSelected(keep)
		box.Add(widget.NewLabelWithStyle(lang.L("It has {{.N}} deals:", map[string]any{"N": del.Deals}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(d.deals)
	}
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dlg.Hide() })
	kind, id, me := f.kind, f.id, a.Me.ID
	d.confirm = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), func() {
		choice := data.ClientDealsKeep
		if d.deals != nil && d.deals.Selected == trash {
			choice = data.ClientDealsTrash
		}
		a.run(func(ctx context.Context) error {
			var err error
			if kind == data.KindCompany {
				err = a.Store.DeleteCompany(ctx, me, id, choice)
			} else {
				err = a.Store.DeleteContact(ctx, me, id, choice)
			}
			a.do(func() {
				if err != nil {
					setError(d.err, errorText(err))
					return
				}
				d.dlg.Hide()
				l.gone()
			})
			return nil
		})
	})
	d.confirm.Importance = widget.DangerImportance
	box.Add(d.err)
	box.Add(container.NewGridWithColumns(2, cancel, d.confirm))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Delete?"), box, a.Win)
	d.dlg.Resize(dialogSize(a.Win, 480))
	d.dlg.Show()
	return d
}

// gone closes the form of a client just deleted.
func (l *clientLife) gone() {
	f := l.f
	f.id = 0 // it no longer follows changes to that id
	f.dirty = false
	if s := f.a.main.clientsScreen(f.kind); s != nil && s.form == f {
		s.closeForm()
		s.reload()
	}
}

// clientsScreen is the Contacts or Companies screen if it was built.
func (m *mainWindow) clientsScreen(kind data.Kind) *clientsScreen {
	if kind == data.KindCompany {
		return m.companies
	}
	return m.contacts
}
