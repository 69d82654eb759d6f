package ui

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	ics "github.com/arran4/golang-ical"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

// openActivities shows the Activities screen and waits for its first read.
func openActivities(t testing.TB, a *App) *activitiesScreen {
	t.Helper()
	onUI(a, func() { a.main.show("activities") })
	waitFor(t, a, "the Activities screen", func() bool { return a.main.activities != nil && a.main.activities.loaded })
	return a.main.activities
}

func sectionSubjects(sec *agendaSection) []string {
	var out []string
	for _, r := range sec.rows {
		out = append(out, r.act.Subject)
	}
	return out
}

func TestActivitiesScreenSections(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	now := datatest.Start
	d := db.Deal(t, db.Sales.ID, "Boiler")
	plan := func(who data.Employee, deal int64, subject string, due time.Time) {
		if _, err := db.PlanActivity(ctx, who.ID, deal, data.ActivityInput{Kind: data.ActivityCall, Subject: subject, DueAt: due}); err != nil {
			t.Fatal(err)
		}
	}
	plan(db.Sales, d.ID, "late", now.Add(-26*time.Hour))
	plan(db.Sales, d.ID, "soon", now.Add(time.Minute))
	plan(db.Sales, d.ID, "next month", now.Add(30*24*time.Hour))
	other := db.Deal(t, db.Sales2.ID, "Theirs")
	plan(db.Sales2, other.ID, "someone else's", now.Add(time.Minute))

	a := startTest(t, db, db.Sales)
	s := openActivities(t, a)
	over, today, up := s.sections[0], s.sections[1], s.sections[2]
	if fmt.Sprint(sectionSubjects(over), sectionSubjects(today), sectionSubjects(up)) != "[late] [soon] [next month]" {
		t.Fatalf("sections: %v %v %v", sectionSubjects(over), sectionSubjects(today), sectionSubjects(up))
	}
	if !over.rows[0].overdue || over.rows[0].due.Importance != widget.DangerImportance || !strings.HasPrefix(over.header.Text, "Overdue (1)") {
		t.Fatalf("overdue row not red / header %q", over.header.Text)
	}
	if today.rows[0].overdue || today.rows[0].due.Importance == widget.DangerImportance {
		t.Fatal("a future activity shows as overdue")
	}
	if s.empSel.Visible() {
		t.Fatal("a sales employee is offered the employee filter")
	}
	// rescheduled from the screen: "next month" moves to today
	onUI(a, func() { test.Tap(up.rows[0].edit) })
	pf := s.planForm
	waitIdle(a)
	onUI(a, func() {
		pf.due.set(now.Add(2 * time.Hour))
		test.Tap(pf.fd.save)
	})
	waitFor(t, a, "the rescheduled row", func() bool {
		return len(s.sections[1].rows) == 2 && len(s.sections[2].rows) == 0 && s.sections[1].rows[1].act.Subject == "next month"
	})
	today = s.sections[1]
	// done from the screen: the row leaves, a result entry is written
	onUI(a, func() { test.Tap(today.rows[0].done) })
	cf := s.completeForm
	onUI(a, func() {
		test.Type(cf.result, "reached them")
		test.Tap(cf.fd.save)
	})
	waitFor(t, a, "the row to leave", func() bool { return len(s.sections[1].rows) == 1 && s.sections[1].header.Text == "Today (1)" })
	es, _ := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 1)
	if es[0].Kind != data.EntryActivity || es[0].Text != "reached them" {
		t.Fatalf("timeline top = %+v", es[0])
	}
}

func TestActivitiesManagerFilter(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	other := db.Deal(t, db.Sales2.ID, "Theirs")
	if _, err := db.PlanActivity(ctx, db.Sales2.ID, other.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: "visit", DueAt: datatest.Start.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Manager)
	s := openActivities(t, a)
	waitFor(t, a, "the employee filter", func() bool { return s.empSel.Visible() && len(s.empSel.Options) == 4 })
	if len(s.sections[2].rows) != 0 {
		t.Fatal("the manager's own list shows someone else's activity")
	}
	idx := -1
	for i, e := range s.employees {
		if e.ID == db.Sales2.ID {
			idx = i
		}
	}
	onUI(a, func() { s.empSel.SetSelectedIndex(idx) })
	waitFor(t, a, "sales2's activities", func() bool { return len(s.sections[2].rows) == 1 && s.sections[2].rows[0].act.Subject == "visit" })
}

// closingBuffer is an io.WriteCloser over a buffer.
type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closingBuffer) Close() error { b.closed = true; return nil }

func TestActivitiesExportICS(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	due := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	act, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: "Visit, then quote", DueAt: due})
	if err != nil {
		t.Fatal(err)
	}
	a := startTest(t, db, db.Sales)
	s := openActivities(t, a)
	export := func() *ics.Calendar {
		var buf closingBuffer
		var done bool
		var got error
		onUI(a, func() { s.exportTo(&buf, func(err error) { done, got = true, err }) })
		waitFor(t, a, "the export", func() bool { return done })
		if got != nil || !buf.closed {
			t.Fatalf("export: %v closed=%v", got, buf.closed)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(buf.String()))
		if err != nil {
			t.Fatal(err)
		}
		return cal
	}
	c1, c2 := export(), export()
	if len(c1.Events()) != 1 || len(c2.Events()) != 1 {
		t.Fatal("one event expected")
	}
	e1, e2 := c1.Events()[0], c2.Events()[0]
	if e1.Id() != formats.ActivityUID(act.ID) || e1.Id() != e2.Id() {
		t.Fatalf("UIDs %q %q", e1.Id(), e2.Id())
	}
	if st, _ := e1.GetStartAt(); !st.Equal(due) {
		t.Fatalf("DTSTART %v", st)
	}
}

func TestReminderFiresOnceAcrossRestart(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	act, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call back",
		DueAt: datatest.Start.Add(time.Hour), RemindAt: datatest.Start.Add(45 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sent []*fyne.Notification
	a := startTest(t, db, db.Sales, func(a *App) {
		a.notify = func(n *fyne.Notification) { mu.Lock(); sent = append(sent, n); mu.Unlock() }
	})
	if n, err := checkReminders(ctx, a, db.Sales.ID); err != nil || n != 0 {
		t.Fatalf("before its time: %d %v", n, err)
	}
	db.Clock.Advance(50 * time.Minute)
	if n, err := checkReminders(ctx, a, db.Sales.ID); err != nil || n != 1 {
		t.Fatalf("at its time: %d %v", n, err)
	}
	if n, _ := checkReminders(ctx, a, db.Sales.ID); n != 0 {
		t.Fatal("fired twice")
	}
	mu.Lock()
	if len(sent) != 1 || sent[0].Title != "Call: Call back" || !strings.Contains(sent[0].Content, "Boiler") {
		t.Fatalf("sent = %+v", sent)
	}
	mu.Unlock()

	// restart: a second store on the same file, as the next launch would
	// open it; the reminder is not shown again
	st2, err := data.Open(ctx, db.Path, data.OpenOptions{Now: db.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	b := &App{Store: st2, Ctx: ctx, Lang: "en"}
	if n, err := checkReminders(ctx, b, db.Sales.ID); err != nil || n != 0 {
		t.Fatalf("after restart: %d %v", n, err)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var reminded sql.NullString
	if err := raw.QueryRow(`SELECT reminded_at FROM activities WHERE id = ?`, act.ID).Scan(&reminded); err != nil || !reminded.Valid {
		t.Fatalf("reminded_at = %v %v", reminded, err)
	}
}

// BenchmarkActivitiesScreenOpen is the Activities screen's first read over
// 100,000 deals with 200,000 activities: counts and the first page of each
// section, as the screen loads them.
func BenchmarkActivitiesScreenOpen(b *testing.B) {
	db := datatest.Open(b)
	ctx := context.Background()
	emps := []int64{db.Sales.ID, db.Sales2.ID, db.Manager.ID, db.Admin.ID}
	for i := range 16 {
		e, err := db.CreateEmployee(ctx, db.Admin.ID, data.EmployeeInput{Name: fmt.Sprintf("Rep %d", i), Email: fmt.Sprintf("rep%d@comptoir.test", i), Role: data.RoleSales, Active: true})
		if err != nil {
			b.Fatal(err)
		}
		emps = append(emps, e.ID)
	}
	now := datatest.Start
	err := db.Bulk(ctx, db.Admin.ID, func(bt *data.BulkTx) error {
		for i := range 100_000 {
			resp := emps[i%len(emps)]
			id, err := bt.Deal(data.BulkDeal{DealInput: data.DealInput{Title: fmt.Sprintf("Deal %d", i), ResponsibleID: resp}, CreatedAt: now.Add(-90 * 24 * time.Hour)})
			if err != nil {
				return err
			}
			for j := range 2 {
				off := time.Duration((i*7919+j*104729)%(120*24*60)-60*24*60) * time.Minute
				due := now.Add(off)
				var done time.Time
				if off < 0 && (i+j)%2 == 0 {
					done = due
				}
				if err := bt.Activity(id, resp, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call", DueAt: due, ResponsibleID: resp}, done, "", now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	q := data.AgendaQuery{Now: now, Location: time.UTC}
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			v, err := readAgenda(ctx, db.Store, db.Sales.ID, q)
			if err != nil || len(v.pages[0]) != agendaPage || len(v.pages[2]) != agendaPage {
				b.Fatal(err)
			}
		}
	})
	b.Run("screen", func(b *testing.B) {
		a := startTest(b, db, db.Sales)
		w := test.NewWindow(nil)
		defer w.Close()
		for b.Loop() {
			var s *activitiesScreen
			onUI(a, func() {
				s = newActivitiesScreen(a)
				w.SetContent(s.root)
			})
			waitIdle(a)
			if !s.loaded || len(s.sections[0].rows) != agendaPage || len(s.sections[2].rows) != agendaPage {
				b.Fatalf("loaded=%v", s.loaded)
			}
		}
	})
}
