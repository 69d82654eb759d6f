package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
)

const listPage = 100

// listColumns are the deal list's columns, their sort and width.
var listColumns = []struct {
	label string
	sort  data.DealSort
	width float32
}{
	{"Title", data.SortTitle, 280},
	{"Client", data.SortClient, 200},
	{"Stage", data.SortStage, 150},
	{"Amount", data.SortAmount, 130},
	{"Responsible", data.SortResponsible, 170},
	{"Updated", data.SortUpdated, 150},
}

// listView is the deal list: a sortable table over keyset pages, with
// filters and a search.
type listView struct {
	s    *dealsScreen
	root *fyne.Container

	table  *widget.Table
	rows   []data.ListRow
	filter data.DealFilter
	more   bool
	busy   bool
	seq    int

	search      *widget.Entry
	stageSel    *widget.Select
	statusSel   *widget.Select
	respSel     *widget.Select
	stages      []data.Stage
	employees   []data.Employee
	searchTimer *time.Timer
	empty       *widget.Label
	cols        []int // indexes into listColumns shown (a phone shows fewer)

	// The selection and its bulk actions (dealist_bulk.go); the table's
	// first column ticks a deal.
	sel  *selection
	bulk *bulkBar
}

func newListView(s *dealsScreen) *listView {
	l := &listView{s: s}
	l.filter.Sort, l.filter.Descending = data.SortUpdated, true
	l.search = widget.NewEntry()
	l.search.SetPlaceHolder(lang.L("Filter deals…"))
	l.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	l.search.OnChanged = func(string) {
		s.a.stopTimer(l.searchTimer)
		l.searchTimer = s.a.after(150*time.Millisecond, l.reload)
	}
	anyStatus := lang.L("Any")
	l.stageSel = widget.NewSelect(nil, func(string) { l.reload() })
	l.stageSel.PlaceHolder = lang.L("Stage")
	l.statusSel = widget.NewSelect([]string{anyStatus, lang.L("Open"), lang.L("Won"), lang.L("Lost")}, func(string) { l.reload() })
	l.statusSel.PlaceHolder = lang.L("Status")
	l.respSel = widget.NewSelect(nil, func(string) { l.reload() })
	l.respSel.PlaceHolder = lang.L("Responsible")

	l.cols = []int{0, 1, 2, 3, 4, 5}
	if s.a.Mobile {
		l.cols = []int{0, 2, 3} // title, stage, amount
	}
	l.sel = newSelection()
	l.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(l.rows), len(l.cols) + 1 },
		func() fyne.CanvasObject {
			lb := widget.NewLabel("")
			lb.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(lb, container.NewCenter(widget.NewIcon(theme.CheckButtonIcon())))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			cell := o.(*fyne.Container)
			lb, tick := cell.Objects[0].(*widget.Label), cell.Objects[1].(*fyne.Container)
			if id.Col == 0 { // the selection's tick
				lb.Hide()
				tick.Show()
				icon := theme.CheckButtonIcon()
				if id.Row < len(l.rows) && l.sel.has(l.rows[id.Row].ID) {
					icon = theme.CheckButtonCheckedIcon()
				}
				tick.Objects[0].(*widget.Icon).SetResource(icon)
				return
			}
			tick.Hide()
			lb.Show()
			if id.Row >= len(l.rows) || id.Col-1 >= len(l.cols) {
				lb.SetText("")
				return
			}
			col := l.cols[id.Col-1]
			if col == 3 {
				lb.Alignment = fyne.TextAlignTrailing
			} else {
				lb.Alignment = fyne.TextAlignLeading
			}
			lb.SetText(l.cell(l.rows[id.Row], col))
			if id.Row >= len(l.rows)-20 {
				l.loadMore()
			}
		})
	l.table.ShowHeaderColumn = false
	l.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return b
	}
	l.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col == 0 { // tick every deal shown, or none
			b.SetText("")
			b.SetIcon(theme.CheckButtonIcon())
			if len(l.rows) > 0 && l.sel.hasAll(l.rows) {
				b.SetIcon(theme.CheckButtonCheckedIcon())
			}
			b.OnTapped = l.tickPage
			return
		}
		b.SetIcon(nil)
		if id.Col < 0 || id.Col-1 >= len(l.cols) {
			b.SetText("")
			return
		}
		c := listColumns[l.cols[id.Col-1]]
		text := lang.L(c.label)
		if l.filter.Sort == c.sort {
			if l.filter.Descending {
				text += " ▼"
			} else {
				text += " ▲"
			}
		}
		b.SetText(text)
		b.OnTapped = func() { l.sortBy(c.sort) }
	}
	l.table.SetColumnWidth(0, 40)
	for i, ci := range l.cols {
		w := listColumns[ci].width
		if s.a.Mobile {
			w = map[int]float32{0: 150, 2: 90, 3: 105}[ci]
		}
		l.table.SetColumnWidth(i+1, w)
	}
	l.table.OnSelected = func(id widget.TableCellID) {
		l.table.UnselectAll()
		if id.Row < 0 || id.Row >= len(l.rows) {
			return
		}
		if id.Col == 0 {
			l.tick(l.rows[id.Row].ID)
			return
		}
		s.a.openDeal(l.rows[id.Row].ID)
	}
	l.empty = widget.NewLabel(lang.L("No deal matches."))
	l.empty.Alignment = fyne.TextAlignCenter
	l.empty.Hide()
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(l.stageSel, l.statusSel, l.respSel), l.search)
	if s.a.Mobile {
		filters = container.NewVBox(l.search, container.NewGridWithColumns(3, l.stageSel, l.statusSel, l.respSel))
	}
	l.bulk = newBulkBar(l)
	// the bulk bar shows under the list: appearing, it moves no row
	l.root = container.NewBorder(container.NewPadded(filters), container.NewPadded(l.bulk.root), nil, nil,
		container.NewStack(l.table, container.NewCenter(l.empty)))
	l.loadEmployees()
	return l
}

func (l *listView) cell(r data.ListRow, col int) string {
	lg := l.s.a.Lang
	switch col {
	case 0:
		return r.Title
	case 1:
		return r.Client
	case 2:
		return r.Stage
	case 3:
		return formatMoney(r.Amount, r.Currency, lg)
	case 4:
		return r.Responsible
	case 5:
		return formatDateTime(r.UpdatedAt, lg)
	}
	return ""
}

func (l *listView) loadEmployees() {
	a := l.s.a
	me := a.Me.ID
	load(a, func(ctx context.Context) ([]data.Employee, error) { return a.Store.Employees(ctx, me) }, func(es []data.Employee) {
		l.employees = es
		opts := []string{lang.L("Anyone")}
		for _, e := range es {
			opts = append(opts, e.Name)
		}
		l.respSel.Options = opts
		l.respSel.Refresh()
	})
}

func (l *listView) setPipelines([]data.Pipeline) {
	p := l.s.pipeline()
	l.stages = p.Stages
	opts := []string{lang.L("Any")}
	for _, st := range p.Stages {
		opts = append(opts, st.Name)
	}
	if i := l.stageSel.SelectedIndex(); i > len(p.Stages) {
		l.stageSel.ClearSelected()
	}
	l.stageSel.Options = opts
	l.stageSel.Refresh()
}

func (l *listView) sortBy(s data.DealSort) {
	if l.filter.Sort == s {
		l.filter.Descending = !l.filter.Descending
	} else {
		l.filter.Sort, l.filter.Descending = s, s == data.SortUpdated || s == data.SortAmount
	}
	l.reload()
}

// currentFilter reads the filter widgets.
func (l *listView) currentFilter() data.DealFilter {
	f := l.filter
	f.PipelineID = l.s.pipelineID
	f.OnlyMine = l.s.mine.Checked
	f.Search = l.search.Text
	f.DealConditions = l.s.cond // the Filters dialog's (dealfilter.go)
	f.StageID, f.Status, f.ResponsibleID = 0, "", 0
	if i := l.stageSel.SelectedIndex(); i > 0 && i-1 < len(l.stages) {
		f.StageID = l.stages[i-1].ID
	}
	switch l.statusSel.SelectedIndex() {
	case 1:
		f.Status = data.StatusOpen
	case 2:
		f.Status = data.StatusWon
	case 3:
		f.Status = data.StatusLost
	}
	if i := l.respSel.SelectedIndex(); i > 0 && i-1 < len(l.employees) {
		f.ResponsibleID = l.employees[i-1].ID
	}
	return f
}

// reload reads the first page again (as many rows as shown, so a live
// refresh does not lose the scroll position).
func (l *listView) reload() {
	a := l.s.a
	l.seq++
	seq := l.seq
	f := l.currentFilter()
	n := max(listPage, min(len(l.rows), 1000))
	if !f.Same(l.filter) {
		n = listPage
	}
	me := a.Me.ID
	a.run(func(ctx context.Context) error {
		rows, err := a.Store.DealList(ctx, me, f, nil, n)
		if err != nil {
			return err
		}
		a.do(func() {
			if seq != l.seq {
				return
			}
			changed := !f.Same(l.filter)
			if changed {
				l.sel.clear() // another filter: another selection
				l.bulk.update()
			}
			l.filter = f
			l.rows = rows
			l.more = len(rows) == n
			l.busy = false
			if len(rows) == 0 {
				l.empty.Show()
			} else {
				l.empty.Hide()
			}
			l.table.Refresh()
			if changed {
				l.table.ScrollToTop()
			}
		})
		return nil
	})
}

func (l *listView) loadMore() {
	if !l.more || l.busy || len(l.rows) == 0 {
		return
	}
	l.busy = true
	a := l.s.a
	last := l.rows[len(l.rows)-1]
	f, seq, me := l.filter, l.seq, a.Me.ID
	a.run(func(ctx context.Context) error {
		rows, err := a.Store.DealList(ctx, me, f, &data.ListCursorValue{Key: last.SortKey, ID: last.ID}, listPage)
		a.do(func() {
			l.busy = false
			if err != nil || seq != l.seq {
				return
			}
			l.rows = append(l.rows, rows...)
			l.more = len(rows) == listPage
			l.table.Refresh()
		})
		return err
	})
}
