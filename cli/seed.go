package cli

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"comptoir/data"
	"comptoir/data/seed"
)

// maxSeedDeals bounds seed --deals: sample data for a million deals is
// already far more than any test of scale needs, and a mistyped count (an
// extra digit or five) must be refused at once, not fill the memory and the
// disk for hours.
const maxSeedDeals = 1_000_000

func seedCommand() *command {
	return &command{
		name:    "seed",
		usage:   "--deals N [--seed S] [--lang fr|en] [--db PATH] [--as EMAIL]",
		summary: "fill the database with realistic, deterministic sample data",
		flags: func(fs *flag.FlagSet) func(env *Env) error {
			deals := fs.Int("deals", -1, "number of deals to write (required)")
			seedValue := fs.Int64("seed", 1, "the same seed gives the same data")
			return func(env *Env) error {
				if len(env.Args) != 0 {
					return usagef("unexpected argument %q", env.Args[0])
				}
				if *deals < 0 {
					return usagef("say how many deals with --deals N")
				}
				if *deals > maxSeedDeals {
					return usagef("--deals %d is too many: at most %d deals are seeded at once", *deals, maxSeedDeals)
				}
				// The sample clients and texts are French unless --lang en.
				lang := env.Global.Lang
				if lang == "" {
					lang = "fr"
				}
				svc, err := env.open(lang)
				if err != nil {
					return err
				}
				st := svc.Store
				// A database that already has people is seeded by an admin only;
				// an empty one gets its first admin from the seed.
				me, err := env.actor(st)
				switch {
				case err == nil && !me.CanConfigure():
					return fmt.Errorf("%s is not an admin: only an admin seeds a database: %w", me.Email, data.ErrForbidden)
				case err != nil && env.Global.As != "":
					return err
				case err != nil:
					if _, ferr := st.FirstAdmin(env.Ctx); !errors.Is(ferr, data.ErrNotFound) {
						return err
					}
				}
				start := time.Now()
				sum, err := seed.Fill(env.Ctx, st, seed.Options{Deals: *deals, Seed: *seedValue, Lang: lang})
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(env.Stdout, "seeded %s: %d deals, %d companies, %d contacts, %d employees, %d products, %d product lines, %d timeline entries, %d activities in %.1fs\n",
					st.Path(), sum.Deals, sum.Companies, sum.Contacts, sum.Employees, sum.Products, sum.Lines, sum.Entries, sum.Activities,
					time.Since(start).Seconds())
				return err
			}
		},
	}
}
