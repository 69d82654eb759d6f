package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

// The Trash screen: deleted deals, contacts and companies, most recent
// first, each with who deleted it, when it will be purged and a Restore
// button. A manager or an admin sees everything; a sales employee what
// they deleted and their own deals (data decides). The window also purges
// what is due: when it opens and then every day it stays open.

// trashScreen is the Trash destination.
type trashScreen struct {
	a     *App
	root  *fyne.Container
	list  *fyne.Container
	empty *widget.Label
	err   *widget.Label
	items []data.TrashItem
	rows  []*trashRow

	refresh     *time.Timer
	unsubscribe func()
}

// trashRow is one record in the trash.
type trashRow struct {
	it      data.TrashItem
	box     fyne.CanvasObject
	restore *widget.Button
}

// trashLimit is how many deleted records the screen lists.
const trashLimit = 500

func newTrashScreen(a *App) *trashScreen {
	s := &trashScreen{a: a}
	s.list = container.NewVBox()
	s.err = newErrorLabel()
	s.empty = widget.NewLabel(lang.L("The trash is empty."))
	s.empty.Importance = widget.LowImportance
	s.empty.Hide()
	note := widget.NewLabel(lang.L("Deleted deals, contacts and companies stay here {{.Days}} days, then are purged.",
		map[string]any{"Days": data.TrashDays}))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	title := widget.NewLabelWithStyle(lang.L("Trash"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(title, note, s.err)
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(s.empty, s.list))))
	s.reload()
	s.unsubscribe = a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindDeal, 0) || cs.Has(data.KindContact, 0) || cs.Has(data.KindCompany, 0) {
			a.stopTimer(s.refresh)
			s.refresh = a.after(200*time.Millisecond, s.reload)
		}
	})
	return s
}

func (s *trashScreen) reload() {
	a, me := s.a, s.a.Me.ID
	load(a, func(ctx context.Context) ([]data.TrashItem, error) { return a.Store.Trash(ctx, me, trashLimit) }, s.show)
}

func (s *trashScreen) show(items []data.TrashItem) {
	s.items = items
	s.rows = s.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(items))
	for _, it := range items {
		r := s.newRow(it)
		s.rows = append(s.rows, r)
		objs = append(objs, r.box)
	}
	s.list.Objects = objs
	s.list.Refresh()
	if len(items) == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
}

func (s *trashScreen) newRow(it data.TrashItem) *trashRow {
	a := s.a
	r := &trashRow{it: it}
	title := widget.NewLabelWithStyle(it.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	detail := trashKindLabel(it.Kind) + " · " + lang.L("deleted by {{.Name}} on {{.Date}}",
		map[string]any{"Name": it.Deleter, "Date": formatDateTime(it.DeletedAt, a.Lang)})
	if it.Children > 0 {
		detail += " · " + lang.L("with {{.N}} deals", map[string]any{"N": it.Children})
	}
	if it.Reason == data.TrashInvoiced {
		detail += " · " + lang.L("won and invoiced")
	}
	meta := widget.NewLabel(detail)
	meta.Wrapping = fyne.TextWrapWord
	meta.SizeName = theme.SizeNameCaptionText
	purge := widget.NewLabel(lang.L("Purged on {{.Date}}", map[string]any{"Date": formatDate(it.PurgeAt.Local(), a.Lang)}))
	purge.Importance = widget.LowImportance
	purge.SizeName = theme.SizeNameCaptionText
	r.restore = widget.NewButtonWithIcon(lang.L("Restore"), theme.ViewRefreshIcon(), func() { s.restore(it) })
	r.box = container.NewBorder(nil, widget.NewSeparator(), widget.NewIcon(trashIcon(it.Kind)), container.NewCenter(r.restore),
		container.NewVBox(title, meta, purge))
	return r
}

// restore brings a record back; a deal opens in its form.
func (s *trashScreen) restore(it data.TrashItem) {
	a, me := s.a, s.a.Me.ID
	setError(s.err, "")
	a.run(func(ctx context.Context) error {
		back, err := a.Store.Restore(ctx, me, it.ID)
		a.do(func() {
			if err != nil {
				setError(s.err, errorText(err))
				return
			}
			s.reload()
			if back.Kind == data.KindDeal {
				a.openDeal(back.Ref)
			}
		})
		return nil
	})
}

func trashKindLabel(k data.Kind) string {
	switch k {
	case data.KindContact:
		return lang.L("Contact")
	case data.KindCompany:
		return lang.L("Company")
	}
	return lang.L("Deal")
}

func trashIcon(k data.Kind) fyne.Resource {
	switch k {
	case data.KindContact:
		return theme.AccountIcon()
	case data.KindCompany:
		return theme.HomeIcon()
	}
	return theme.DocumentIcon()
}

// trashPurgeEvery is how often an open window purges the trash.
const trashPurgeEvery = 24 * time.Hour

// startTrashPurge purges what has been in the trash for its days: now, and
// then every day while the window stays open, until a.Ctx ends.
func startTrashPurge(a *App) {
	purge := func() {
		res, err := a.Store.PurgeTrash(a.Ctx)
		if err != nil {
			if a.Ctx.Err() == nil {
				slog.Warn("purge the trash", "err", err)
			}
			return
		}
		if res != (data.PurgeResult{}) {
			slog.Info("trash purged", "deals", res.Deals, "kept", res.Kept, "contacts", res.Contacts, "companies", res.Companies)
		}
	}
	a.pending.Add(1)
	go func() {
		defer a.pending.Add(-1)
		purge()
	}()
	go func() {
		tick := time.NewTicker(trashPurgeEvery)
		defer tick.Stop()
		for {
			select {
			case <-a.Ctx.Done():
				return
			case <-tick.C:
				purge()
			}
		}
	}()
}
