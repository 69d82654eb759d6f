package cli

import (
	"flag"

	"comptoir/data/formats"
)

// exportCommand is `comptoir export`: the records in the export format of
// data/formats (JSON or CSV), or the activities as a calendar.
func exportCommand() *command {
	return &command{
		name:    "export",
		usage:   "deals|contacts|companies [--id N] [--format json|csv] | activities [--format ics|json] [--employee EMAIL] [--db PATH] [--as EMAIL]",
		summary: "write deals, contacts or companies (JSON or CSV) or activities (iCalendar) to stdout",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			id := fs.Int64("id", 0, "only the record with this id")
			format := fs.String("format", "json", "json (an array of objects) or csv (a header row, then one row per record)")
			employee := fs.String("employee", "", "activities: whose (a manager or an admin may name another employee; default: yours)")
			return func(env *Env) error {
				if len(env.Args) != 1 {
					return usagef("say what to export: deals, contacts or companies")
				}
				what := env.Args[0]
				if what == "activities" { // cli/activities.go
					return exportActivities(env, *format, *employee)
				}
				if what != "deals" && what != "contacts" && what != "companies" {
					return usagef("cannot export %q: deals, contacts or companies", what)
				}
				if *format != "json" && *format != "csv" {
					return usagef("--format must be json or csv, not %q", *format)
				}
				if *id < 0 {
					return usagef("--id must be a positive number")
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				return formats.Export(env.Ctx, st, me.ID, env.Stdout, formats.ExportOptions{What: what, ID: *id, Format: *format})
			}
		},
	}
}
