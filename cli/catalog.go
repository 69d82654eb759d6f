package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"comptoir/data"
	"comptoir/data/formats"
)

func catalogCommand() *command {
	return &command{
		name:    "catalog",
		usage:   "import FILE.csv | export [--out FILE.csv] [--db PATH] [--as EMAIL]",
		summary: "import the product catalog from CSV (all or nothing) or export it",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			out := fs.String("out", "", "export: write to this file instead of stdout")
			return func(env *Env) error {
				switch {
				case len(env.Args) == 2 && env.Args[0] == "import":
				case len(env.Args) == 1 && env.Args[0] == "export":
				default:
					return usagef("say import FILE.csv or export")
				}
				st, err := env.store()
				if err != nil {
					return err
				}
				me, err := env.actor(st)
				if err != nil {
					return err
				}
				if env.Args[0] == "export" {
					var w io.Writer = env.Stdout
					if *out != "" {
						f, err := os.Create(*out)
						if err != nil {
							return err
						}
						defer f.Close()
						w = f
					}
					return formats.ExportCatalogCSV(env.Ctx, st, me.ID, w)
				}
				f, err := os.Open(env.Args[1])
				if err != nil {
					return err
				}
				defer f.Close()
				res, err := formats.ImportCatalogCSV(env.Ctx, st, me.ID, f)
				var ce *data.CSVError
				if errors.As(err, &ce) {
					for _, p := range ce.Problems {
						fmt.Fprintf(env.Stderr, "%s: %s\n", env.Args[1], p)
					}
					return fmt.Errorf("nothing was imported (%d problems)", len(ce.Problems))
				}
				if errors.Is(err, data.ErrForbidden) {
					return fmt.Errorf("%s may not edit the catalog: managers and admins do", me.Email)
				}
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(env.Stdout, "%d products created, %d updated\n", res.Created, res.Updated)
				return err
			}
		},
	}
}
