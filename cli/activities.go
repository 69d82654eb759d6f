package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"time"

	"comptoir/data"
	"comptoir/data/formats"
)

// exportActivities writes `comptoir export activities`: the activities, open
// and done, of one employee (the acting one, or --employee EMAIL for a
// manager or an admin), as an iCalendar file (--format ics: one VEVENT per
// activity with a stable UID, so importing a second export updates the
// events) or as a JSON array of activities (--format json).
func exportActivities(env *Env, format, employee string) error {
	if format != "ics" && format != "json" {
		return usagef("activities are exported with --format ics or json, not %q", format)
	}
	st, err := env.store()
	if err != nil {
		return err
	}
	me, err := env.actor(st)
	if err != nil {
		return err
	}
	whose := me.ID
	if employee != "" {
		e, err := st.EmployeeByEmail(env.Ctx, employee)
		if err != nil {
			return fmt.Errorf("--employee %s: no such employee", employee)
		}
		whose = e.ID
	}
	acts, err := st.CalendarActivities(env.Ctx, me.ID, whose)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(env.Stdout, 64<<10)
	if format == "ics" {
		name := "Comptoir"
		if e, err := st.Employee(env.Ctx, whose); err == nil {
			name = "Comptoir – " + e.Name
		}
		err = formats.WriteICalendar(bw, acts, formats.ICalOptions{Stamp: time.Now(), Name: name})
	} else {
		if acts == nil {
			acts = []data.CalendarActivity{}
		}
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(acts)
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write: %w", ferr)
	}
	return err
}
