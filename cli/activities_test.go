package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"comptoir/data"
	"comptoir/data/datatest"
)

func TestExportActivitiesICS(t *testing.T) {
	db := datatest.Open(t)
	ctx := context.Background()
	d := db.Deal(t, db.Sales.ID, "Boiler")
	due := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	a, err := db.PlanActivity(ctx, db.Sales.ID, d.ID, data.ActivityInput{Kind: data.ActivityCall, Subject: "Call back", DueAt: due})
	if err != nil {
		t.Fatal(err)
	}
	other := db.Deal(t, db.Sales2.ID, "Theirs")
	if _, err := db.PlanActivity(ctx, db.Sales2.ID, other.ID, data.ActivityInput{Kind: data.ActivityTask, Subject: "Not mine", DueAt: due}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	export := func(args ...string) *ics.Calendar {
		t.Helper()
		code, out, errOut := run(t, append([]string{"export", "activities", "--format", "ics", "--db", db.Path}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") {
			t.Fatalf("not an iCalendar file:\n%s", out)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(out))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		return cal
	}
	cal := export("--as", "sales@comptoir.test")
	if evs := cal.Events(); len(evs) != 1 || evs[0].Id() != "activity-"+strconv.FormatInt(a.ID, 10)+"@comptoir" {
		t.Fatalf("events of sales: %d", len(evs))
	}
	start, _ := cal.Events()[0].GetStartAt()
	if !start.Equal(due) {
		t.Fatalf("DTSTART = %v", start)
	}
	// a manager names the employee; twice gives the same UIDs
	c1 := export("--as", "manager@comptoir.test", "--employee", "sales@comptoir.test")
	c2 := export("--as", "manager@comptoir.test", "--employee", "sales@comptoir.test")
	if len(c1.Events()) != 1 || c1.Events()[0].Id() != c2.Events()[0].Id() {
		t.Fatal("manager's exports differ")
	}
	// a sales employee may not export someone else's
	if code, _, errOut := run(t, "export", "activities", "--format", "ics", "--db", db.Path, "--as", "sales@comptoir.test", "--employee", "sales2@comptoir.test"); code != 1 || !strings.Contains(errOut, "not allowed") {
		t.Fatalf("sales exports another's: exit %d %s", code, errOut)
	}
	if code, _, _ := run(t, "export", "activities", "--format", "csv", "--db", db.Path); code != 2 {
		t.Fatalf("csv of activities: exit %d", code)
	}
	code, out, _ := run(t, "export", "activities", "--format", "json", "--db", db.Path, "--as", "sales@comptoir.test")
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0]["subject"] != "Call back" {
		t.Fatalf("json: exit %d %s", code, out)
	}
}
