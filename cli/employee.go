package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"comptoir/data"
)

func employeeCommand() *command {
	return &command{
		name:    "employee",
		usage:   "add --name NAME --email EMAIL [--role admin|manager|sales] | list [--format text|json] [--db PATH] [--as EMAIL]",
		summary: "add an employee (admins only) or list the employees",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			name := fs.String("name", "", "add: the employee's full name")
			email := fs.String("email", "", "add: the employee's email address, which they sign in and are found by")
			role := fs.String("role", "sales", "add: admin, manager or sales")
			format := fs.String("format", "text", "list: text (aligned columns) or json")
			return func(env *Env) error {
				if len(env.Args) != 1 || (env.Args[0] != "add" && env.Args[0] != "list") {
					return usagef("say add or list")
				}
				sub := env.Args[0]
				if sub == "add" {
					if *name == "" || *email == "" {
						return usagef("add needs --name and --email")
					}
					if !data.Role(*role).Valid() {
						return usagef("--role must be admin, manager or sales, not %q", *role)
					}
				} else if *format != "text" && *format != "json" {
					return usagef("--format must be text or json, not %q", *format)
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				if sub == "add" {
					e, err := st.CreateEmployee(env.Ctx, me.ID, data.EmployeeInput{
						Name: *name, Email: *email, Role: data.Role(*role), Active: true})
					if errors.Is(err, data.ErrForbidden) {
						return fmt.Errorf("%s is not an admin: only an admin adds employees", me.Email)
					}
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(env.Stdout, "added employee %d: %s <%s>, %s\n", e.ID, e.Name, e.Email, e.Role)
					return err
				}
				es, err := st.Employees(env.Ctx, me.ID)
				if err != nil {
					return err
				}
				if *format == "json" {
					if es == nil {
						es = []data.Employee{}
					}
					enc := json.NewEncoder(env.Stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(es)
				}
				tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tROLE\tACTIVE")
				for _, e := range es {
					active := "yes"
					if !e.Active {
						active = "no"
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", e.ID, oneLine(e.Name), e.Email, e.Role, active)
				}
				return tw.Flush()
			}
		},
	}
}

func initCommand() *command {
	return &command{
		name:    "init",
		usage:   "--name NAME --email EMAIL [--lang fr|en] [--db PATH]",
		summary: "create the database and its first admin, as the app's first start does",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			name := fs.String("name", "", "the first admin's full name")
			email := fs.String("email", "", "the first admin's email address")
			return func(env *Env) error {
				if len(env.Args) != 0 {
					return usagef("unexpected argument %q", env.Args[0])
				}
				if *name == "" || *email == "" {
					return usagef("init needs --name and --email")
				}
				if env.Global.As != "" {
					return usagef("init creates the first admin; --as does not apply")
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				e, err := st.CreateFirstAdmin(env.Ctx, *name, *email)
				if errors.Is(err, data.ErrConflict) {
					return errors.New("the database already has employees; add more with `comptoir employee add`")
				}
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(env.Stdout, "created %s with its first admin %s <%s>\n", st.Path(), e.Name, e.Email)
				return err
			}
		},
	}
}

// oneLine keeps a value on one line of a table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
