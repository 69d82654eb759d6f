package ui

import (
	"context"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comptoir/data"
	"comptoir/data/formats"
	"comptoir/ui/widgets"
)

// The Activities screen: my open activities in three sections, overdue,
// today and upcoming, each read by keyset pages ("Show more"); a manager
// or an admin may pick another employee; "Export .ics" saves the
// activities as an iCalendar file for phone and desktop calendars.

// agendaPage is how many activities a section reads at a time: three
// sections of it fill a tall window; "Show more" reads on.
const agendaPage = 20

type activitiesScreen struct {
	a    *App
	root fyne.CanvasObject

	empSel    *widget.Select // managers and admins only
	employees []data.Employee
	employee  int64 // whose activities; 0: mine
	export    *widget.Button
	sections  [3]*agendaSection
	loaded    bool
	gen       int

	refresh *time.Timer
	icons   bitmapIcons
	body    *fyne.Container
	scroll  *container.Scroll

	// The dialogs last opened from the screen (tests fill and submit them).
	planForm     *planForm
	completeForm *completeForm
}

type agendaSection struct {
	part   data.AgendaPart
	header *widget.Label
	box    *fyne.Container
	more   *widget.Button
	items  []data.Activity
	rows   []*agendaRow
	count  int
	end    bool
}

type agendaRow struct {
	act     data.Activity
	box     fyne.CanvasObject
	due     *widget.Label
	open    *widget.Button
	done    *widget.Button
	edit    *widgets.TapBox // reschedule
	overdue bool
}

func newActivitiesScreen(a *App) *activitiesScreen {
	s := &activitiesScreen{a: a}
	s.empSel = widget.NewSelect(nil, func(string) {
		i := s.empSel.SelectedIndex()
		if i >= 0 && i < len(s.employees) && s.employees[i].ID != s.currentEmployee() {
			s.employee = s.employees[i].ID
			s.reload()
		}
	})
	s.empSel.Hide()
	s.export = widget.NewButtonWithIcon(lang.L("Export .ics"), theme.DownloadIcon(), s.saveICS)
	body := container.NewVBox()
	for i, part := range []data.AgendaPart{data.AgendaOverdue, data.AgendaToday, data.AgendaUpcoming} {
		sec := &agendaSection{part: part, header: heading(""), box: container.NewVBox()}
		sec.more = widget.NewButton(lang.L("Show more"), func() { s.loadMore(sec) })
		sec.more.Importance = widget.LowImportance
		sec.more.Hide()
		if part == data.AgendaOverdue {
			sec.header.Importance = widget.DangerImportance
		}
		s.sections[i] = sec
		body.Add(sec.header)
		body.Add(sec.box)
		body.Add(sec.more)
	}
	title := heading(lang.L("Activities"))
	top := container.NewBorder(nil, nil, title, container.NewHBox(s.empSel, s.export))
	s.body = body
	s.scroll = container.NewVScroll(container.NewPadded(body))
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.scroll)
	if a.Me.SeesAll() {
		me := a.Me.ID
		load(a, func(ctx context.Context) ([]data.Employee, error) { return a.Store.Employees(ctx, me) }, func(es []data.Employee) {
			s.employees = s.employees[:0]
			var names []string
			sel := -1
			for _, e := range es {
				if !e.Active {
					continue
				}
				if e.ID == a.Me.ID {
					sel = len(names)
				}
				s.employees = append(s.employees, e)
				names = append(names, e.Name)
			}
			s.empSel.Options = names
			if sel >= 0 {
				s.empSel.SetSelectedIndex(sel)
			}
			s.empSel.Show()
		})
	}
	s.reload()
	unsubscribe := a.subscribe(func(cs data.Changes) {
		if cs.Has(data.KindDeal, 0) || cs.Has(data.KindEmployee, 0) {
			a.stopTimer(s.refresh)
			s.refresh = a.after(300*time.Millisecond, s.reload)
		}
	})
	go func() { <-a.Ctx.Done(); unsubscribe() }()
	return s
}

func (s *activitiesScreen) currentEmployee() int64 {
	if s.employee == 0 {
		return s.a.Me.ID
	}
	return s.employee
}

func (s *activitiesScreen) query() data.AgendaQuery {
	return data.AgendaQuery{EmployeeID: s.currentEmployee(), Now: s.a.now(), Location: time.Local}
}

// agendaFirst is the screen's first read: the counts and each section's
// first page.
type agendaFirst struct {
	counts data.AgendaCounts
	pages  [3][]data.Activity
}

func readAgenda(ctx context.Context, st *data.Store, me int64, q data.AgendaQuery) (agendaFirst, error) {
	var v agendaFirst
	var err error
	if v.counts, err = st.AgendaCount(ctx, me, q); err != nil {
		return v, err
	}
	for i, part := range []data.AgendaPart{data.AgendaOverdue, data.AgendaToday, data.AgendaUpcoming} {
		if v.pages[i], err = st.Agenda(ctx, me, q, part, data.AgendaCursor{}, agendaPage); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (s *activitiesScreen) reload() {
	s.gen++
	gen := s.gen
	a, me, q := s.a, s.a.Me.ID, s.query()
	load(a, func(ctx context.Context) (agendaFirst, error) { return readAgenda(ctx, a.Store, me, q) }, func(v agendaFirst) {
		if gen != s.gen {
			return
		}
		s.icons.reset()
		counts := []int{v.counts.Overdue, v.counts.Today, v.counts.Upcoming}
		for i, sec := range s.sections {
			sec.count = counts[i]
			sec.items, sec.rows = nil, nil
			sec.box.RemoveAll()
			s.appendPage(sec, v.pages[i])
		}
		s.loaded = true
	})
}

func (s *activitiesScreen) loadMore(sec *agendaSection) {
	gen := s.gen
	a, me, q, cur := s.a, s.a.Me.ID, s.query(), data.NextAgendaCursor(sec.items)
	load(a, func(ctx context.Context) ([]data.Activity, error) {
		return a.Store.Agenda(ctx, me, q, sec.part, cur, agendaPage)
	}, func(page []data.Activity) {
		if gen == s.gen {
			s.appendPage(sec, page)
		}
	})
}

func (s *activitiesScreen) appendPage(sec *agendaSection, page []data.Activity) {
	now := s.a.now()
	objs := make([]fyne.CanvasObject, 0, len(page))
	for _, act := range page {
		r := s.newRow(act, now)
		sec.items = append(sec.items, act)
		sec.rows = append(sec.rows, r)
		objs = append(objs, r.box)
	}
	// one layout for the page, not one per row
	sec.box.Objects = append(sec.box.Objects, objs...)
	relayout(s.scroll, s.body, sec.box)
	sec.end = len(page) < agendaPage
	if sec.end {
		sec.more.Hide()
	} else {
		sec.more.Show()
	}
	s.setHeader(sec)
}

func (s *activitiesScreen) setHeader(sec *agendaSection) {
	n := fmt.Sprint(sec.count)
	if sec.count > data.AgendaCountCap {
		n = fmt.Sprintf("%d+", data.AgendaCountCap)
	}
	switch sec.part {
	case data.AgendaOverdue:
		sec.header.SetText(lang.L("Overdue") + " (" + n + ")")
	case data.AgendaToday:
		sec.header.SetText(lang.L("Today") + " (" + n + ")")
	default:
		sec.header.SetText(lang.L("Upcoming") + " (" + n + ")")
	}
}

func (s *activitiesScreen) newRow(act data.Activity, now time.Time) *agendaRow {
	r := &agendaRow{act: act, overdue: act.Overdue(now)}
	clock := clockIcon()
	subject := widget.NewLabelWithStyle(act.Subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.due = widget.NewLabel(activityKindLabel(act.Kind) + " · " + formatDateTime(act.DueAt, s.a.Lang))
	if r.overdue {
		r.due.Importance = widget.DangerImportance
		clock = theme.NewErrorThemedResource(clock)
	}
	ic := s.icons.icon(clock)
	a := s.a
	r.open = widget.NewButton(act.DealTitle, func() { a.openDeal(act.DealID) })
	r.open.Importance = widget.LowImportance
	r.open.Alignment = widget.ButtonAlignLeading
	r.done = widget.NewButton(lang.L("Done"), func() { s.completeForm = completeActivityDialog(a, a.Win, act) })
	info := container.NewVBox(subject, container.NewHBox(r.due, r.open))
	r.edit = s.icons.button(theme.DocumentCreateIcon(), func() { s.planForm = planActivityDialog(a, a.Win, act.DealID, &act) })
	r.box = container.NewBorder(nil, nil, container.NewVBox(ic), container.NewVBox(container.NewHBox(r.done, r.edit)), info)
	return r
}

// saveICS asks where to save and writes the export there.
func (s *activitiesScreen) saveICS() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.a.showError(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		s.exportTo(w, func(err error) {
			if err == nil {
				dialog.ShowInformation(lang.L("Export .ics"), lang.L("The activities were saved. Import the file into your calendar; importing it again updates the same events."), s.a.Win)
			}
		})
	}, s.a.Win)
	d.SetFileName("comptoir-activities.ics")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ics"}))
	d.Show()
}

// exportTo writes the shown employee's activities as iCalendar to w, off
// the UI goroutine, then closes w and calls done on the UI goroutine.
func (s *activitiesScreen) exportTo(w io.WriteCloser, done func(error)) {
	a, me, emp := s.a, s.a.Me.ID, s.currentEmployee()
	labels := formats.ICalLabels{Deal: lang.L("Deal"), Client: lang.L("Client"), Done: lang.L("Done"), Result: lang.L("Result")}
	a.run(func(ctx context.Context) error {
		acts, err := a.Store.CalendarActivities(ctx, me, emp)
		if err == nil {
			err = formats.WriteICalendar(w, acts, formats.ICalOptions{Stamp: time.Now(), Name: "Comptoir", Labels: labels})
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		a.do(func() { done(err) })
		return err
	})
}
