package data_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"comptoir/data"
	"comptoir/data/datatest"
)

func plan(t testing.TB, db *datatest.DB, actor, dealID int64, subject string, due time.Time, remind time.Time) data.Activity {
	t.Helper()
	a, err := db.PlanActivity(context.Background(), actor, dealID, data.ActivityInput{Kind: data.ActivityCall, Subject: subject, DueAt: due, RemindAt: remind})
	if err != nil {
		t.Fatalf("plan %q: %v", subject, err)
	}
	return a
}

func subjects(as []data.Activity) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Subject
	}
	return out
}

func TestAgendaSections(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	now := datatest.Start // 2026-11-12 09:30 UTC
	d := db.Deal(t, db.Sales.ID, "Boiler")
	plan(t, db, db.Sales.ID, d.ID, "yesterday", now.Add(-24*time.Hour), time.Time{})
	plan(t, db, db.Sales.ID, d.ID, "this morning", now.Add(-time.Hour), time.Time{})
	plan(t, db, db.Sales.ID, d.ID, "this afternoon", now.Add(5*time.Hour), time.Time{})
	plan(t, db, db.Sales.ID, d.ID, "tonight", time.Date(2026, 11, 12, 23, 59, 0, 0, time.UTC), time.Time{})
	plan(t, db, db.Sales.ID, d.ID, "tomorrow", now.Add(24*time.Hour), time.Time{})
	plan(t, db, db.Sales.ID, d.ID, "next week", now.Add(7*24*time.Hour), time.Time{})
	done := plan(t, db, db.Sales.ID, d.ID, "done", now.Add(-2*time.Hour), time.Time{})
	if _, err := db.CompleteActivity(ctx, db.Sales.ID, done.ID, "ok"); err != nil {
		t.Fatal(err)
	}
	other := db.Deal(t, db.Sales2.ID, "Other's")
	plan(t, db, db.Sales2.ID, other.ID, "not mine", now.Add(time.Hour), time.Time{})

	q := data.AgendaQuery{Location: time.UTC}
	get := func(part data.AgendaPart) []string {
		t.Helper()
		as, err := db.Agenda(ctx, db.Sales.ID, q, part, data.AgendaCursor{}, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if part == data.AgendaOverdue && !a.Overdue(now) || part != data.AgendaOverdue && a.Overdue(now) {
				t.Errorf("%q in section %d: overdue=%v", a.Subject, part, a.Overdue(now))
			}
		}
		return subjects(as)
	}
	if got := get(data.AgendaOverdue); len(got) != 2 || got[0] != "yesterday" || got[1] != "this morning" {
		t.Fatalf("overdue = %v", got)
	}
	if got := get(data.AgendaToday); len(got) != 2 || got[0] != "this afternoon" || got[1] != "tonight" {
		t.Fatalf("today = %v", got)
	}
	if got := get(data.AgendaUpcoming); len(got) != 2 || got[0] != "tomorrow" || got[1] != "next week" {
		t.Fatalf("upcoming = %v", got)
	}
	n, err := db.AgendaCount(ctx, db.Sales.ID, q)
	if err != nil || n != (data.AgendaCounts{Overdue: 2, Today: 2, Upcoming: 2}) {
		t.Fatalf("counts = %+v, %v", n, err)
	}

	// in Paris, 23:59 UTC is already tomorrow
	q.Location = time.FixedZone("CET", 3600)
	if got, _ := db.Agenda(ctx, db.Sales.ID, q, data.AgendaToday, data.AgendaCursor{}, 50); len(got) != 1 || got[0].Subject != "this afternoon" {
		t.Fatalf("today in Paris = %v", subjects(got))
	}
	q.Location = time.UTC

	// keyset pages
	p1, _ := db.Agenda(ctx, db.Sales.ID, q, data.AgendaOverdue, data.AgendaCursor{}, 1)
	p2, _ := db.Agenda(ctx, db.Sales.ID, q, data.AgendaOverdue, data.NextAgendaCursor(p1), 1)
	p3, _ := db.Agenda(ctx, db.Sales.ID, q, data.AgendaOverdue, data.NextAgendaCursor(p2), 1)
	if len(p1) != 1 || len(p2) != 1 || len(p3) != 0 || p1[0].Subject != "yesterday" || p2[0].Subject != "this morning" {
		t.Fatalf("pages %v %v %v", subjects(p1), subjects(p2), subjects(p3))
	}

	// the employee filter is for managers and admins
	q.EmployeeID = db.Sales2.ID
	if _, err := db.Agenda(ctx, db.Sales.ID, q, data.AgendaToday, data.AgendaCursor{}, 50); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales filters by another employee: %v", err)
	}
	got, err := db.Agenda(ctx, db.Manager.ID, q, data.AgendaToday, data.AgendaCursor{}, 50)
	if err != nil || len(got) != 1 || got[0].Subject != "not mine" {
		t.Fatalf("manager's view of sales2 = %v, %v", subjects(got), err)
	}

	// a deleted deal's activities leave the agenda
	if err := db.DeleteDeal(ctx, db.Sales2.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Agenda(ctx, db.Manager.ID, q, data.AgendaToday, data.AgendaCursor{}, 50); len(got) != 0 {
		t.Fatalf("deleted deal's activity still listed: %v", subjects(got))
	}
}

func TestReminderFiresOnceAcrossRestart(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	now := datatest.Start
	d := db.Deal(t, db.Sales.ID, "Boiler")
	a := plan(t, db, db.Sales.ID, d.ID, "call back", now.Add(time.Hour), now.Add(45*time.Minute))
	plan(t, db, db.Sales.ID, d.ID, "no reminder", now.Add(time.Hour), time.Time{})

	if due, _ := db.DueReminders(ctx, db.Sales.ID, now); len(due) != 0 {
		t.Fatalf("due before its time: %v", subjects(due))
	}
	due, err := db.DueReminders(ctx, db.Sales.ID, now.Add(50*time.Minute))
	if err != nil || len(due) != 1 || due[0].ID != a.ID {
		t.Fatalf("due = %v, %v", subjects(due), err)
	}
	if other, _ := db.DueReminders(ctx, db.Sales2.ID, now.Add(50*time.Minute)); len(other) != 0 {
		t.Fatalf("someone else's reminder: %v", subjects(other))
	}
	claimed, err := db.MarkReminded(ctx, a.ID)
	if err != nil || !claimed {
		t.Fatalf("mark: %v %v", claimed, err)
	}
	if claimed, _ := db.MarkReminded(ctx, a.ID); claimed {
		t.Fatal("claimed twice")
	}

	// "restart": close and reopen the file
	path := db.Path
	db.Close()
	s, err := data.Open(ctx, path, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if due, _ := s.DueReminders(ctx, db.Sales.ID, now.Add(2*time.Hour)); len(due) != 0 {
		t.Fatalf("fired again after restart: %v", subjects(due))
	}

	// rescheduling with a new reminder time arms it again
	s.Now = func() time.Time { return now }
	in := data.ActivityInput{Kind: data.ActivityMeeting, Subject: "call back later", DueAt: now.Add(3 * time.Hour), RemindAt: now.Add(150 * time.Minute)}
	up, err := s.UpdateActivity(ctx, db.Sales.ID, a.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if up.Kind != data.ActivityMeeting || up.Subject != "call back later" || !up.DueAt.Equal(in.DueAt) || !up.RemindedAt.IsZero() {
		t.Fatalf("updated = %+v", up)
	}
	if due, _ := s.DueReminders(ctx, db.Sales.ID, now.Add(160*time.Minute)); len(due) != 1 {
		t.Fatalf("rescheduled reminder not due: %v", subjects(due))
	}
	// a done activity's reminder never fires
	if _, err := s.CompleteActivity(ctx, db.Sales.ID, a.ID, "met"); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueReminders(ctx, db.Sales.ID, now.Add(160*time.Minute)); len(due) != 0 {
		t.Fatalf("done activity reminded: %v", subjects(due))
	}
	if _, err := s.UpdateActivity(ctx, db.Sales.ID, a.ID, in); data.FieldErrors(err) == nil {
		t.Fatalf("editing a done activity: %v", err)
	}
}

func TestUpdateActivityValidation(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	a := plan(t, db, db.Sales.ID, d.ID, "call", datatest.Start.Add(time.Hour), time.Time{})
	_, err := db.UpdateActivity(ctx, db.Sales.ID, a.ID, data.ActivityInput{Kind: data.ActivityTask, DueAt: datatest.Start})
	wantField(t, err, "subject")
	_, err = db.UpdateActivity(ctx, db.Sales.ID, a.ID, data.ActivityInput{Kind: data.ActivityTask, Subject: "x"})
	wantField(t, err, "due_at")
	if _, err := db.UpdateActivity(ctx, db.Sales2.ID, a.ID, data.ActivityInput{Kind: data.ActivityTask, Subject: "x", DueAt: datatest.Start}); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("other sales edits: %v", err)
	}
	_, err = db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, DueAt: datatest.Start})
	wantField(t, err, "subject")
	_, err = db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "x"})
	wantField(t, err, "due_at")
}

func TestBoardCardShowsNextActivity(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	due := datatest.Start.Add(-time.Hour)
	a := plan(t, db, db.Sales.ID, d.ID, "overdue call", due, time.Time{})
	card := func() data.Card {
		t.Helper()
		cols, err := db.Board(ctx, db.Sales.ID, db.Pipeline(t).ID, data.BoardOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			for _, k := range c.Cards {
				if k.ID == d.ID {
					return k
				}
			}
		}
		t.Fatal("card not on the board")
		return data.Card{}
	}
	if c := card(); !c.NextActivity.Equal(due) || !c.Overdue(datatest.Start) {
		t.Fatalf("card = %+v", c)
	}
	done, err := db.CompleteActivity(ctx, db.Sales.ID, a.ID, "no answer, retry friday")
	if err != nil || !done.Done() {
		t.Fatal(err)
	}
	if c := card(); !c.NextActivity.IsZero() {
		t.Fatalf("done activity still on the card: %+v", c)
	}
	page, _ := db.Timeline(ctx, db.Sales.ID, d.ID, data.TimelineCursor{}, 1)
	if page[0].Kind != data.EntryActivity || page[0].Text != "no answer, retry friday" {
		t.Fatalf("result entry = %+v", page[0])
	}
}
