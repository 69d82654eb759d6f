package cli

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"comptoir/data"
	"comptoir/data/seed"
)

func init() {
	register(&command{
		name:    "seed",
		usage:   "--deals N [--seed S] [--lang fr|en] [--db PATH] [--as EMAIL]",
		summary: "fill the database with realistic, deterministic sample data",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			var db dbFlags
			db.declare(fs)
			fs.StringVar(&db.lang, "lang", "fr", "language of most sample clients and texts, and of a new database's pipeline: fr or en")
			deals := fs.Int("deals", -1, "number of deals to write (required)")
			seedValue := fs.Int64("seed", 1, "the same seed gives the same data")
			return func(env *Env) error {
				if len(env.Args) != 0 {
					return usagef("unexpected argument %q", env.Args[0])
				}
				if *deals < 0 {
					return usagef("say how many deals with --deals N")
				}
				if err := db.checkLang(); err != nil {
					return err
				}
				st, err := db.open(env.Ctx)
				if err != nil {
					return err
				}
				defer st.Close()
				// A database that already has people is seeded by an admin only;
				// an empty one gets its first admin from the seed.
				me, err := db.actor(env.Ctx, st)
				switch {
				case err == nil && !me.CanConfigure():
					return fmt.Errorf("%s is not an admin: only an admin seeds a database: %w", me.Email, data.ErrForbidden)
				case err != nil && db.as != "":
					return err
				case err != nil:
					if _, ferr := st.FirstAdmin(env.Ctx); !errors.Is(ferr, data.ErrNotFound) {
						return err
					}
				}
				start := time.Now()
				sum, err := seed.Fill(env.Ctx, st, seed.Options{Deals: *deals, Seed: *seedValue, Lang: db.lang})
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(env.Stdout, "seeded %s: %d deals, %d companies, %d contacts, %d employees, %d products, %d product lines, %d timeline entries, %d activities in %.1fs\n",
					st.Path(), sum.Deals, sum.Companies, sum.Contacts, sum.Employees, sum.Products, sum.Lines, sum.Entries, sum.Activities,
					time.Since(start).Seconds())
				return err
			}
		},
	})
}
