package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/formats"
)

// Bulk actions in the deal list: tick deals in the first column (or every
// deal shown from its header), or "select all N matching" the filter; then
// move them to a stage (a lost stage asks its reason once), reassign them,
// add or remove an observer, delete them, or export them to CSV. data
// checks the rights deal by deal in one transaction; the result says what
// was done and what was refused, and why. More than a few hundred deals
// show their progress; the screen stays responsive (the work runs off the
// UI goroutine).

// maxSelectAll bounds "select all matching".
const maxSelectAll = 200_000

// selection is the deals ticked in the list, or every deal the filter
// matches.
type selection struct {
	ids   map[int64]bool
	all   bool // every deal matching the filter (count of them)
	count int
}

func newSelection() *selection { return &selection{ids: map[int64]bool{}} }

func (s *selection) has(id int64) bool { return s.all || s.ids[id] }

func (s *selection) hasAll(rows []data.ListRow) bool {
	for _, r := range rows {
		if !s.has(r.ID) {
			return false
		}
	}
	return true
}

func (s *selection) size() int {
	if s.all {
		return s.count
	}
	return len(s.ids)
}

func (s *selection) clear() {
	s.ids = map[int64]bool{}
	s.all, s.count = false, 0
}

// tick adds a deal to the selection, or takes it out.
func (l *listView) tick(id int64) {
	if l.sel.all {
		// leaving "all matching" keeps the deals shown, but this one
		l.sel.all = false
		for _, r := range l.rows {
			l.sel.ids[r.ID] = true
		}
	}
	if l.sel.ids[id] {
		delete(l.sel.ids, id)
	} else {
		l.sel.ids[id] = true
	}
	l.table.Refresh()
	l.bulk.update()
}

// tickPage ticks every deal shown, or none when they all are.
func (l *listView) tickPage() {
	if len(l.rows) > 0 && l.sel.hasAll(l.rows) {
		l.sel.clear()
	} else {
		for _, r := range l.rows {
			l.sel.ids[r.ID] = true
		}
	}
	l.table.Refresh()
	l.bulk.update()
}

// setFilter shows a saved filter's own list filters in the list's widgets.
func (l *listView) setFilter(f data.DealFilter) {
	l.search.SetText(f.Search)
	l.stageSel.SetSelectedIndex(0)
	for i, st := range l.stages {
		if st.ID == f.StageID {
			l.stageSel.SetSelectedIndex(i + 1)
		}
	}
	switch f.Status {
	case data.StatusOpen:
		l.statusSel.SetSelectedIndex(1)
	case data.StatusWon:
		l.statusSel.SetSelectedIndex(2)
	case data.StatusLost:
		l.statusSel.SetSelectedIndex(3)
	default:
		l.statusSel.SetSelectedIndex(0)
	}
	l.respSel.SetSelectedIndex(0)
	for i, e := range l.employees {
		if e.ID == f.ResponsibleID {
			l.respSel.SetSelectedIndex(i + 1)
		}
	}
	if f.Sort != "" {
		l.filter.Sort, l.filter.Descending = f.Sort, f.Descending
	}
}

// bulkBar is the bar over the list while deals are selected.
type bulkBar struct {
	l        *listView
	root     *fyne.Container
	count    *widget.Label
	all      *widget.Button // select all N matching
	clear    *widget.Button
	actions  *widget.Button
	progress *widget.ProgressBar
	busy     bool

	// The last dialogs the bar opened (tests).
	result *bulkResultDialog
	pick   *bulkPickDialog
	ask    *dialog.ConfirmDialog
}

func newBulkBar(l *listView) *bulkBar {
	b := &bulkBar{l: l}
	b.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.all = widget.NewButton("", b.selectAll)
	b.all.Importance = widget.LowImportance
	b.clear = widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), func() {
		l.sel.clear()
		l.table.Refresh()
		b.update()
	})
	b.clear.Importance = widget.LowImportance
	b.actions = widget.NewButtonWithIcon(lang.L("Actions"), theme.MenuDropDownIcon(), b.showMenu)
	b.actions.Importance = widget.HighImportance
	b.progress = widget.NewProgressBar()
	b.progress.Hide()
	row := container.NewHBox(b.count, b.actions, b.all, b.clear)
	b.root = container.NewVBox(container.NewHScroll(row), b.progress)
	b.root.Hide()
	return b
}

// update shows the bar for the selection.
func (b *bulkBar) update() {
	l := b.l
	n := l.sel.size()
	if n == 0 && !b.busy {
		b.root.Hide()
		return
	}
	b.root.Show()
	b.count.SetText(lang.L("Selected: {{.N}}", map[string]any{"N": formatInt(int64(n), l.s.a.Lang)}))
	if !l.sel.all && l.more || (!l.sel.all && len(l.rows) > n) {
		b.all.SetText(lang.L("Select all matching the filter"))
		b.all.Show()
	} else {
		b.all.Hide()
	}
	if b.busy {
		b.actions.Disable()
	} else {
		b.actions.Enable()
	}
}

// selectAll selects every deal the filter matches, once counted.
func (b *bulkBar) selectAll() {
	l := b.l
	a, f, me := l.s.a, l.filter, l.s.a.Me.ID
	load(a, func(ctx context.Context) (int, error) { return a.Store.DealCount(ctx, me, f) }, func(n int) {
		l.sel.clear()
		l.sel.all, l.sel.count = true, n
		l.table.Refresh()
		b.update()
	})
}

// ids reads the selection's deals: the ticked ones, or every one the
// filter matches.
func (b *bulkBar) ids(ctx context.Context) ([]int64, error) {
	l := b.l
	if !l.sel.all {
		ids := make([]int64, 0, len(l.sel.ids))
		for id := range l.sel.ids {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return ids, nil
	}
	return l.s.a.Store.DealIDs(ctx, l.s.a.Me.ID, l.filter, maxSelectAll)
}

func (b *bulkBar) showMenu() {
	a := b.l.s.a
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Move to a stage…"), b.askStage),
		fyne.NewMenuItem(lang.L("Reassign…"), func() { b.askEmployee(data.BulkReassign) }),
		fyne.NewMenuItem(lang.L("Add an observer…"), func() { b.askEmployee(data.BulkAddObserver) }),
		fyne.NewMenuItem(lang.L("Remove an observer…"), func() { b.askEmployee(data.BulkRemoveObserver) }),
		fyne.NewMenuItem(lang.L("Export to CSV…"), b.exportCSV),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Delete…"), b.askDelete),
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b.actions)
	if c == nil {
		c = a.Win.Canvas()
	}
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), c, fyne.NewPos(0, b.actions.Size().Height), b.actions)
}

// bulkPickDialog chooses a stage or an employee for a bulk action.
type bulkPickDialog struct {
	dlg    dialog.Dialog
	choice *widget.Select
	ok     *widget.Button
}

func (b *bulkBar) pickDialog(title string, options []string, run func(i int)) *bulkPickDialog {
	a := b.l.s.a
	d := &bulkPickDialog{choice: widget.NewSelect(options, nil)}
	d.choice.PlaceHolder = lang.L("Choose…")
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dlg.Hide() })
	d.ok = widget.NewButtonWithIcon(lang.L("Apply"), theme.ConfirmIcon(), func() {
		if i := d.choice.SelectedIndex(); i >= 0 {
			d.dlg.Hide()
			run(i)
		}
	})
	d.ok.Importance = widget.HighImportance
	count := widget.NewLabel(lang.L("Selected: {{.N}}", map[string]any{"N": formatInt(int64(b.l.sel.size()), a.Lang)}))
	d.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(count, d.choice, container.NewGridWithColumns(2, cancel, d.ok)), a.Win)
	d.dlg.Resize(dialogSize(a.Win, 400))
	d.dlg.Show()
	return d
}

// askStage moves the selection to a stage of the current pipeline; a lost
// stage asks its reason once, for all.
func (b *bulkBar) askStage() {
	p := b.l.s.pipeline()
	names := make([]string, len(p.Stages))
	for i, st := range p.Stages {
		names[i] = st.Name
	}
	b.pick = b.pickDialog(lang.L("Move to a stage"), names, func(i int) {
		st := p.Stages[i]
		if st.Semantics != data.StatusLost {
			b.run(data.BulkAction{Kind: data.BulkToStage, StageID: st.ID})
			return
		}
		a := b.l.s.a
		a.lost = newLostDialog(a.Win, func(reason string, d *lostDialog) {
			if strings.TrimSpace(reason) == "" {
				setError(d.err, lang.L("A lost deal needs a reason."))
				return
			}
			d.close()
			b.run(data.BulkAction{Kind: data.BulkToStage, StageID: st.ID, LostReason: reason})
		})
	})
}

// askEmployee reassigns, or adds or removes an observer.
func (b *bulkBar) askEmployee(kind data.BulkKind) {
	l := b.l
	var emps []data.Employee
	var names []string
	for _, e := range l.employees {
		if e.Active || kind == data.BulkRemoveObserver {
			emps = append(emps, e)
			names = append(names, e.Name)
		}
	}
	title := map[data.BulkKind]string{
		data.BulkReassign:       lang.L("Reassign to"),
		data.BulkAddObserver:    lang.L("Add an observer"),
		data.BulkRemoveObserver: lang.L("Remove an observer"),
	}[kind]
	b.pick = b.pickDialog(title, names, func(i int) {
		b.run(data.BulkAction{Kind: kind, EmployeeID: emps[i].ID})
	})
}

// askDelete asks before sending the selection to the trash.
func (b *bulkBar) askDelete() {
	a := b.l.s.a
	n := b.l.sel.size()
	b.ask = dialog.NewConfirm(lang.L("Delete the deals?"),
		lang.L("{{.N}} deals go to the trash, where they can be restored for {{.Days}} days.",
			map[string]any{"N": formatInt(int64(n), a.Lang), "Days": data.TrashDays}),
		func(ok bool) {
			if ok {
				b.run(data.BulkAction{Kind: data.BulkDelete})
			}
		}, a.Win)
	b.ask.SetConfirmText(lang.L("Delete"))
	b.ask.Show()
}

// run applies an action to the selection off the UI goroutine, showing
// its progress, then what was done and refused.
func (b *bulkBar) run(act data.BulkAction) {
	l := b.l
	a, me := l.s.a, l.s.a.Me.ID
	b.busy = true
	b.progress.SetValue(0)
	b.update()
	a.run(func(ctx context.Context) error {
		ids, err := b.ids(ctx)
		if err == nil && len(ids) > 300 {
			a.do(b.progress.Show)
		}
		var res data.BulkResult
		if err == nil {
			res, err = a.Store.BulkDeals(ctx, me, ids, act, func(done, total int) {
				if total > 0 {
					v := float64(done) / float64(total)
					a.do(func() { b.progress.SetValue(v) })
				}
			})
		}
		a.do(func() {
			b.busy = false
			b.progress.Hide()
			if err != nil {
				b.update()
				a.showError(err)
				return
			}
			l.sel.clear()
			for _, r := range res.Refused { // the refused stay selected, to act on them otherwise
				if r.Code != data.RefusedNotFound {
					l.sel.ids[r.DealID] = true
				}
			}
			b.update()
			l.table.Refresh()
			b.result = showBulkResult(a, act, res)
		})
		return nil
	})
}

// bulkResultDialog says what a bulk action did.
type bulkResultDialog struct {
	dlg     dialog.Dialog
	summary *widget.Label
	refused []string // one line per refused deal
}

func showBulkResult(a *App, act data.BulkAction, res data.BulkResult) *bulkResultDialog {
	d := &bulkResultDialog{}
	d.summary = widget.NewLabel(lang.L("{{.Done}} deals done, {{.Refused}} refused.",
		map[string]any{"Done": formatInt(int64(len(res.Done)), a.Lang), "Refused": formatInt(int64(len(res.Refused)), a.Lang)}))
	d.summary.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(d.summary)
	for _, r := range res.Refused {
		title := r.Title
		if title == "" {
			title = fmt.Sprintf("#%d", r.DealID)
		}
		line := title + " — " + refusalText(r)
		d.refused = append(d.refused, line)
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	var content fyne.CanvasObject = box
	size := dialogSize(a.Win, 520)
	if len(res.Refused) > 6 {
		sc := container.NewVScroll(box)
		sc.SetMinSize(fyne.NewSize(0, 320))
		content = sc
	}
	d.dlg = dialog.NewCustom(bulkTitle(act.Kind), lang.L("Close"), content, a.Win)
	d.dlg.Resize(size)
	d.dlg.Show()
	return d
}

func bulkTitle(k data.BulkKind) string {
	switch k {
	case data.BulkToStage:
		return lang.L("Move to a stage")
	case data.BulkReassign:
		return lang.L("Reassign to")
	case data.BulkAddObserver:
		return lang.L("Add an observer")
	case data.BulkRemoveObserver:
		return lang.L("Remove an observer")
	}
	return lang.L("Delete the deals?")
}

// refusalText says why a deal was left as it was.
func refusalText(r data.BulkRefusal) string {
	switch r.Code {
	case data.RefusedReadOnly:
		return lang.L("you observe this deal: only its responsible or a manager can change it")
	case data.RefusedInvoiced:
		return lang.L("won with an issued invoice: only an admin can delete it")
	case data.RefusedWrongPipeline:
		return lang.L("the stage is in another pipeline")
	case data.RefusedNotFound:
		return lang.L("gone, or not visible to you")
	}
	return r.Reason
}

// exportCSV writes the selection to a CSV file the person chooses.
func (b *bulkBar) exportCSV() {
	a := b.l.s.a
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		me := a.Me.ID
		a.run(func(ctx context.Context) error {
			defer w.Close()
			ids, err := b.ids(ctx)
			if err != nil {
				return err
			}
			return formats.ExportSelection(ctx, a.Store, me, w, ids, "csv")
		})
	}, a.Win)
	d.SetFileName("deals.csv")
	d.Show()
}
