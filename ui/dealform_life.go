package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// A deal's life from its form: the ⋮ menu beside its title duplicates it
// (the same offer to another client), makes a repeat deal of a closed one,
// or deletes it (to the trash, asking first); the Files tab holds its
// photos and documents.

// newDealActions is the form's ⋮ button; its menu is built when tapped, for
// the deal as it is then.
func newDealActions(f *DealForm) *widget.Button {
	b := widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), nil)
	b.Importance = widget.LowImportance
	b.OnTapped = func() {
		if f.Deal.ID == 0 {
			return
		}
		items := []*fyne.MenuItem{
			fyne.NewMenuItem(lang.L("Duplicate…"), func() { f.lifeDialog = duplicateDialog(f) }),
		}
		if f.Deal.Status != data.StatusOpen {
			items = append(items, fyne.NewMenuItem(lang.L("Repeat deal"), f.repeat))
		}
		if !f.ReadOnly() {
			items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Delete…"), f.askDelete))
		}
		c := fyne.CurrentApp().Driver().CanvasForObject(b)
		if c == nil {
			return
		}
		// the menu opens leftwards, under the button at the form's edge
		m := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
		m.ShowAtRelativePosition(fyne.NewPos(b.Size().Width-m.MinSize().Width, b.Size().Height), b)
	}
	b.Hide() // until the deal exists
	return b
}

// lifeDialog is a dialog the ⋮ menu opened (tests fill and submit it).
type lifeDialog struct {
	dlg     dialog.Dialog
	title   *widget.Entry
	same    *widget.Check
	confirm *widget.Button
	message *widget.Label
	err     *widget.Label
}

// duplicateDialog asks the copy's title and whether it keeps the client;
// the copy opens in its own form, where another client is chosen.
func duplicateDialog(f *DealForm) *lifeDialog {
	a := f.App
	d := &lifeDialog{title: widget.NewEntry(), err: newErrorLabel()}
	d.title.SetText(f.Deal.Title + copySuffix())
	d.same = widget.NewCheck(lang.L("Same client"), nil)
	d.same.SetChecked(true)
	if f.Deal.ClientName() == "" {
		d.same.Hide()
	}
	note := widget.NewLabel(lang.L("The copy has this deal's product lines and fields, not its timeline or files."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dlg.Hide() })
	id, me := f.Deal.ID, a.Me.ID
	d.confirm = widget.NewButtonWithIcon(lang.L("Duplicate"), theme.ContentCopyIcon(), func() {
		opt := data.DuplicateOptions{Title: d.title.Text, CopySuffix: copySuffix()}
		if !d.same.Checked {
			opt.Client = &data.DealClient{}
		}
		setError(d.err, "")
		a.run(func(ctx context.Context) error {
			cp, err := a.Store.DuplicateDeal(ctx, me, id, opt)
			a.do(func() {
				if err != nil {
					setError(d.err, errorText(err))
					return
				}
				d.dlg.Hide()
				a.openDeal(cp.ID)
			})
			return nil
		})
	})
	d.confirm.Importance = widget.HighImportance
	body := container.NewVBox(fieldRow(lang.L("Title"), d.title, d.err), d.same, note, container.NewGridWithColumns(2, cancel, d.confirm))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Duplicate the deal"), body, f.Window())
	d.dlg.Resize(dialogSize(f.Window(), 460))
	d.dlg.Show()
	return d
}

// copySuffix ends a copy's title.
func copySuffix() string { return " (" + lang.L("copy") + ")" }

// repeat makes the next deal for a closed deal's client and opens it.
func (f *DealForm) repeat() {
	a, id, me := f.App, f.Deal.ID, f.App.Me.ID
	a.run(func(ctx context.Context) error {
		d, err := a.Store.DuplicateDeal(ctx, me, id, data.DuplicateOptions{Repeat: true})
		if err != nil {
			return err
		}
		a.do(func() { a.openDeal(d.ID) })
		return nil
	})
}

// askDelete says what deleting the deal means and asks; an invoiced won
// deal says why only an admin may, or warns the admin it is recorded.
func (f *DealForm) askDelete() {
	a, id, me := f.App, f.Deal.ID, f.App.Me.ID
	load(a, func(ctx context.Context) (data.Deletion, error) { return a.Store.DealDeletion(ctx, me, id) }, func(del data.Deletion) {
		if !del.Allowed {
			msg := errorText(del.Why)
			if errors.Is(del.Why, data.ErrInvoiced) {
				msg = lang.L("This deal is won and has an issued invoice: only an admin can delete it.")
			}
			dialog.NewInformation(lang.L("Delete the deal"), msg, f.Window()).Show()
			return
		}
		f.lifeDialog = deleteDealDialog(f, del)
	})
}

func deleteDealDialog(f *DealForm, del data.Deletion) *lifeDialog {
	a := f.App
	d := &lifeDialog{err: newErrorLabel()}
	text := lang.L("{{.Title}} goes to the trash, with its lines, timeline, files and activities. It can be restored for {{.Days}} days.",
		map[string]any{"Title": f.Deal.Title, "Days": data.TrashDays})
	if del.Invoiced {
		text += "\n\n" + lang.L("It is won and has an issued invoice: your deletion will be recorded.")
	}
	d.message = widget.NewLabel(text)
	d.message.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dlg.Hide() })
	id, me := f.Deal.ID, a.Me.ID
	d.confirm = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), func() {
		a.run(func(ctx context.Context) error {
			err := a.Store.DeleteDeal(ctx, me, id)
			a.do(func() {
				if err != nil {
					setError(d.err, errorText(err))
					return
				}
				d.dlg.Hide()
				f.close()
			})
			return nil
		})
	})
	d.confirm.Importance = widget.DangerImportance
	body := container.NewVBox(d.message, d.err, container.NewGridWithColumns(2, cancel, d.confirm))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Delete the deal?"), body, f.Window())
	d.dlg.Resize(dialogSize(f.Window(), 460))
	d.dlg.Show()
	return d
}

// loadOrGone is load for the form's reads: a deal that went to the trash
// (from this form, another window, a bulk action, the command line) closes
// its form, saying so unless the form closed itself.
func loadOrGone[T any](f *DealForm, get func(ctx context.Context) (T, error), apply func(T)) {
	a := f.App
	a.run(func(ctx context.Context) error {
		v, err := get(ctx)
		if errors.Is(err, data.ErrNotFound) && f.Deal.ID != 0 {
			a.do(func() {
				if f.closed {
					return
				}
				f.close()
				dialog.NewInformation(lang.L("Deal"), lang.L("This deal was deleted: it is in the trash."), a.Win).Show()
			})
			return nil
		}
		if err != nil {
			return err
		}
		a.do(func() { apply(v) })
		return nil
	})
}

// newFilesTab is the deal's Files tab.
func newFilesTab(f *DealForm) *filesPanel {
	p := newFilesPanel(f.App, data.FileOwner{Kind: data.KindDeal, ID: f.Deal.ID}, f.Window, f.ReadOnly)
	f.OnDealChanged = append(f.OnDealChanged, func(data.Deal) {
		p.applyAccess()
		p.reload()
	})
	return p
}
