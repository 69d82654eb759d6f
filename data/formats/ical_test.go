package formats_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"comptoir/data"
	"comptoir/data/datatest"
	"comptoir/data/formats"
)

func plan(t testing.TB, db *datatest.DB, actor, dealID int64, subject string, due time.Time, remind time.Time) data.Activity {
	t.Helper()
	a, err := db.PlanActivity(context.Background(), actor, dealID, data.ActivityInput{Kind: data.ActivityCall, Subject: subject, DueAt: due, RemindAt: remind})
	if err != nil {
		t.Fatalf("plan %q: %v", subject, err)
	}
	return a
}

func exportICS(t *testing.T, db *datatest.DB, actor, employee int64, stamp time.Time) (*ics.Calendar, string) {
	t.Helper()
	acts, err := db.CalendarActivities(context.Background(), actor, employee)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := formats.WriteICalendar(&b, acts, formats.ICalOptions{Stamp: stamp, Name: "Comptoir"}); err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("parse back: %v\n%s", err, b.String())
	}
	return cal, b.String()
}

func TestICalendarExport(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	c, err := db.CreateContact(ctx, db.Sales.ID, data.ContactInput{Name: "Jeanne Client"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDeal(ctx, db.Sales.ID, data.DealInput{Title: "Boiler; model X, 2 units", ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	paris := time.FixedZone("Paris", 3600)
	due := time.Date(2026, 11, 14, 15, 0, 0, 0, paris) // 14:00 UTC
	long := strings.Repeat("Prepare the quote for the whole building, ", 5)
	a1, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: long, DueAt: due, RemindAt: due.Add(-30 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	a2 := plan(t, db, db.Sales.ID, d.ID, "Call: confirm, then send", datatest.Start.Add(-time.Hour), time.Time{})
	if _, err := db.CompleteActivity(ctx, db.Sales.ID, a2.ID, "Agreed.\r\nSend on Monday"); err != nil {
		t.Fatal(err)
	}
	other := db.Deal(t, db.Sales2.ID, "Theirs")
	plan(t, db, db.Sales2.ID, other.ID, "not mine", datatest.Start, time.Time{})

	stamp1 := datatest.Start
	cal, raw := exportICS(t, db, db.Sales.ID, 0, stamp1)
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
	evs := cal.Events()
	if len(evs) != 2 {
		t.Fatalf("events = %d\n%s", len(evs), raw)
	}
	byUID := map[string]*ics.VEvent{}
	for _, ev := range evs {
		byUID[ev.Id()] = ev
	}
	ev := byUID["activity-"+itoa(a1.ID)+"@comptoir"]
	if ev == nil {
		t.Fatalf("no event with the stable UID of activity %d: %v", a1.ID, raw)
	}
	start, err := ev.GetStartAt()
	if err != nil || !start.Equal(due) || start.Location() != time.UTC {
		t.Fatalf("DTSTART = %v (%v), want %v UTC", start, err, due.UTC())
	}
	if !strings.Contains(raw, "DTSTART:20261114T140000Z") || !strings.Contains(raw, "DTEND:20261114T150000Z") {
		t.Fatalf("start/end not written in UTC:\n%s", raw)
	}
	end, _ := ev.GetEndAt()
	if !end.Equal(due.Add(time.Hour)) {
		t.Fatalf("DTEND = %v", end)
	}
	if got := ics.FromText(ev.GetProperty(ics.ComponentPropertySummary).Value); got != strings.TrimSpace(long) {
		t.Fatalf("SUMMARY = %q", got)
	}
	desc := ics.FromText(ev.GetProperty(ics.ComponentPropertyDescription).Value)
	if !strings.Contains(desc, "Deal: Boiler; model X, 2 units") || !strings.Contains(desc, "Client: Jeanne Client") {
		t.Fatalf("DESCRIPTION = %q", desc)
	}
	if st, _ := ev.GetDtStampTime(); !st.Equal(stamp1) {
		t.Fatalf("DTSTAMP = %v", st)
	}
	if al := ev.Alarms(); len(al) != 1 || al[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-PT30M" {
		t.Fatalf("alarm = %v", raw)
	}
	done := byUID["activity-"+itoa(a2.ID)+"@comptoir"]
	if done == nil {
		t.Fatal("done activity not exported")
	}
	sum := ics.FromText(done.GetProperty(ics.ComponentPropertySummary).Value)
	ddesc := ics.FromText(done.GetProperty(ics.ComponentPropertyDescription).Value)
	if sum != "✓ Call: confirm, then send" || !strings.Contains(ddesc, "Result: Agreed.\nSend on Monday") || !strings.Contains(ddesc, "Done: 2026-11-12 09:30 UTC") {
		t.Fatalf("done event: %q / %q", sum, ddesc)
	}
	if len(done.Alarms()) != 0 {
		t.Fatal("a done activity keeps its alarm")
	}

	// a second export after a reschedule: same UIDs, new times, newer stamp
	newDue := due.Add(24 * time.Hour)
	if _, err := db.UpdateActivity(ctx, db.Sales.ID, a1.ID, data.ActivityInput{Kind: data.ActivityMeeting, Subject: "Visit", DueAt: newDue}); err != nil {
		t.Fatal(err)
	}
	cal2, _ := exportICS(t, db, db.Sales.ID, 0, stamp1.Add(time.Hour))
	if len(cal2.Events()) != 2 {
		t.Fatalf("second export has %d events", len(cal2.Events()))
	}
	for _, ev2 := range cal2.Events() {
		if byUID[ev2.Id()] == nil {
			t.Fatalf("second export has a new UID %q", ev2.Id())
		}
		if ev2.Id() == ev.Id() {
			s2, _ := ev2.GetStartAt()
			st2, _ := ev2.GetDtStampTime()
			if !s2.Equal(newDue) || !st2.After(stamp1) || len(ev2.Alarms()) != 0 {
				t.Fatalf("rescheduled event: start %v stamp %v alarms %d", s2, st2, len(ev2.Alarms()))
			}
		}
	}

	// a manager may export someone else's; a sales employee may not
	if _, err := db.CalendarActivities(ctx, db.Sales.ID, db.Sales2.ID); !errors.Is(err, data.ErrForbidden) {
		t.Fatalf("sales exports another's: %v", err)
	}
	cal3, _ := exportICS(t, db, db.Manager.ID, db.Sales2.ID, stamp1)
	if len(cal3.Events()) != 1 {
		t.Fatalf("manager's export of sales2: %d events", len(cal3.Events()))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
